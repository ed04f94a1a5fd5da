"""Which calls need approval, how the model is told, and how a call is shown to a person."""

from __future__ import annotations

from typing import Any

import pytest

from codemode.approvals import APPROVAL_TAG, ApprovalPolicy, arguments_digest, render_arguments
from codemode.sources.protocol import ToolInfo
from codemode.sources.python import PythonTools


def _tool(name: str, namespace: str = "tracker", original: str | None = None, **extra: Any) -> ToolInfo:
    return ToolInfo(namespace, name, original or name, "Close an issue.", {"type": "object"}, **extra)


@pytest.mark.parametrize(
    ("policy", "tool", "reason"),
    [
        pytest.param(
            ApprovalPolicy(approve=("tracker.close_issue",)),
            _tool("close_issue"),
            "it matches the `approve` pattern `tracker.close_issue`",
            id="exact-name",
        ),
        pytest.param(
            ApprovalPolicy(approve=("github.delete_*",)),
            _tool("delete_repo", "github"),
            "it matches the `approve` pattern `github.delete_*`",
            id="glob",
        ),
        pytest.param(
            ApprovalPolicy(approve=("github.delete-repo",)),
            _tool("delete_repo", "github", original="delete-repo"),
            "it matches the `approve` pattern `github.delete-repo`",
            id="upstream-original-name",
        ),
        pytest.param(ApprovalPolicy(approve=("github.delete_*",)), _tool("close_issue"), None, id="no-match"),
        pytest.param(ApprovalPolicy(approve=("Tracker.*",)), _tool("close_issue"), None, id="case-sensitive"),
        pytest.param(
            ApprovalPolicy(),
            _tool("wipe", annotations={"destructiveHint": True}),
            "its server marks it destructive (`destructiveHint`)",
            id="destructive-by-default",
        ),
        pytest.param(
            ApprovalPolicy(approve_destructive=False),
            _tool("wipe", annotations={"destructiveHint": True}),
            None,
            id="destructive-switched-off",
        ),
        pytest.param(
            ApprovalPolicy(),
            _tool("read", annotations={"destructiveHint": False}),
            None,
            id="not-destructive",
        ),
        pytest.param(
            ApprovalPolicy(approve_destructive=False),
            _tool("pay", needs_approval=True),
            "its Python definition asks for approval",
            id="python-decorator",
        ),
    ],
)
def test_which_calls_need_approval(policy: ApprovalPolicy, tool: ToolInfo, reason: str | None) -> None:
    assert policy.reason(tool) == reason
    assert policy.needs_approval(tool) is (reason is not None)


def test_the_decorator_marks_a_python_tool() -> None:
    tools = PythonTools("bank")

    @tools.tool(approve=True)
    def pay(amount: int) -> str:
        """Pay someone."""
        return "paid"

    @tools.tool
    def balance() -> int:
        """The balance."""
        return 1

    by_name = {tool.name: tool for tool in tools.tools()}
    assert by_name["pay"].needs_approval is True
    assert by_name["balance"].needs_approval is False
    assert pay(1) == "paid"  # still a plain function


def test_marked_tools_lead_with_the_tag_and_others_are_untouched() -> None:
    policy = ApprovalPolicy(approve=("tracker.close_*",))
    closing, reading = _tool("close_issue"), _tool("get_issue")
    assert policy.mark(closing).description == f"{APPROVAL_TAG} Close an issue."
    assert policy.mark(reading) is reading


@pytest.mark.parametrize(
    ("policy", "tool", "advice"),
    [
        pytest.param(
            ApprovalPolicy(approve=("tracker.*",)), _tool("close_issue"), 'remove "tracker.*"', id="pattern"
        ),
        pytest.param(
            ApprovalPolicy(),
            _tool("wipe", annotations={"destructiveHint": True}),
            '"approve_destructive": false',
            id="destructive",
        ),
    ],
)
def test_how_to_allow_names_the_config_keys(policy: ApprovalPolicy, tool: ToolInfo, advice: str) -> None:
    text = policy.how_to_allow(tool)
    assert advice in text
    assert '"approval_fallback": "allow"' in text


def test_a_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="approval timeout"):
        ApprovalPolicy(timeout_s=0)


def test_arguments_are_rendered_one_per_line_as_json() -> None:
    text = render_arguments({"issue_id": "ISS-12", "labels": ["done", "wontfix"], "force": True})
    assert text.splitlines() == ['  issue_id: "ISS-12"', '  labels: ["done", "wontfix"]', "  force: true"]
    assert render_arguments({}) == "  (no arguments)"


def test_long_values_and_many_arguments_are_cut() -> None:
    text = render_arguments({"body": "x" * 1000})
    assert "more characters" in text
    assert len(text) < 400
    many = render_arguments({f"k{i}": i for i in range(25)})
    assert many.splitlines()[-1] == "  ... and 5 more arguments"


def test_control_characters_cannot_redraw_the_terminal() -> None:
    text = render_arguments({"title\x1b[2J": "ok\x1b[31m\u202e", "b": "line\nbreak"})
    assert "\x1b" not in text and "\u202e" not in text and "\n  b" in text
    assert "line\\nbreak" in text


def test_the_digest_is_stable_and_tells_arguments_apart() -> None:
    assert arguments_digest({"a": 1, "b": 2}) == arguments_digest({"b": 2, "a": 1})
    assert arguments_digest({"a": 1}) != arguments_digest({"a": 2})
    assert len(arguments_digest({})) == 16


def test_public_surface_is_pinned() -> None:
    import codemode.approvals

    assert sorted(codemode.approvals.__all__) == [
        "APPROVAL_GUIDE",
        "APPROVAL_TAG",
        "Answer",
        "ApprovalDecision",
        "ApprovalGate",
        "ApprovalPolicy",
        "Asker",
        "DEFAULT_TIMEOUT_S",
        "Question",
        "arguments_digest",
        "render_arguments",
    ]
