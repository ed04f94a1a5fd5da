"""Approvals through the real front door: `mcp.Client(server)` in memory, each protocol era.

2025-11-25 (`mode="legacy"`) asks with `elicitation/create` during the call; 2026-07-28 (`mode="auto"`
negotiates it in memory) answers the call with input-required rounds while the run waits. The
client's elicitation callback plays the person.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from codemode.approvals import ApprovalPolicy
from codemode.engine import CodeMode, EngineSettings
from codemode.mcp_server import build_server
from codemode.sources.python import PythonTools
from codemode.sources.toolbox import Toolbox
from sandbox import DenoExecutor, Limits, SandboxSettings

pytestmark = pytest.mark.anyio

ERAS = [pytest.param("legacy", id="2025-11-25"), pytest.param("auto", id="2026-07-28")]

Callback = Callable[[Any, types.ElicitRequestParams], Awaitable[types.ElicitResult]]


class Tracker:
    """The tools' side effects, and an event a program can raise through `desk.note`."""

    def __init__(self) -> None:
        self.closed: list[str] = []
        self.deleted: list[str] = []
        self.noted = anyio.Event()
        self.notes: list[str] = []

    def tools(self) -> PythonTools:
        tools = PythonTools("desk")

        @tools.tool
        def close_issue(issue_id: str, comment: str = "") -> str:
            """Close an issue."""
            self.closed.append(issue_id)
            return f"closed {issue_id}"

        @tools.tool
        def delete_project(name: str) -> str:
            """Delete a project."""
            self.deleted.append(name)
            return f"deleted {name}"

        @tools.tool
        def note(text: str) -> str:
            """Write down a note (lets a test know the program got this far)."""
            self.notes.append(text)
            self.noted.set()
            return "noted"

        return tools


@pytest.fixture(scope="module")
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=1)) as executor:
        yield executor


@pytest.fixture
async def served(executor: DenoExecutor) -> AsyncIterator[Callable[..., Any]]:
    """`served(**policy)` -> (server, desk); the policy gates `close_issue` and `delete_project`."""
    async with AsyncExitStack() as stack:

        async def make(limits: Limits | None = None, **policy: Any) -> tuple[Any, Tracker]:
            desk = Tracker()
            toolbox = await stack.enter_async_context(Toolbox([desk.tools()]))
            approvals = ApprovalPolicy(approve=("desk.close_issue", "desk.delete_*"), **policy)
            settings = EngineSettings(token_budget=100_000, approvals=approvals, limits=limits or Limits())
            return build_server(CodeMode(toolbox, executor, settings)), desk

        yield make


def answering(*answers: str | None, asked: list[types.ElicitRequestParams] | None = None) -> Callback:
    """A person who answers in turn: "once", "run", "decline", "cancel" (the last answer repeats)."""
    queue = list(answers)

    async def callback(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        if asked is not None:
            asked.append(params)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if answer in ("decline", "cancel"):
            return types.ElicitResult(action=answer)
        return types.ElicitResult(action="accept", content={"allow": answer})

    return callback


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


CLOSE = "return await desk.close_issue({issue_id: 'ISS-12', comment: 'fixed in 1.2'})"
CATCHING = """
try {
  await desk.close_issue({issue_id: "ISS-12"});
  return "ran";
} catch (e) {
  await desk.note({text: e.message});
  return e.message;
}
"""


@pytest.mark.parametrize("mode", ERAS)
async def test_accept_runs_the_call_and_the_question_shows_the_call(served, mode: str) -> None:
    server, desk = await served()
    asked: list[types.ElicitRequestParams] = []
    async with Client(server, mode=mode, elicitation_callback=answering("once", asked=asked)) as client:
        result = await client.call_tool("code", {"code": CLOSE})
    assert result.is_error is False, _text(result)
    assert result.content[0].text == "closed ISS-12"
    assert desk.closed == ["ISS-12"]
    assert len(asked) == 1
    params = asked[0]
    assert isinstance(params, types.ElicitRequestFormParams)
    assert "desk.close_issue" in params.message
    assert 'issue_id: "ISS-12"' in params.message and 'comment: "fixed in 1.2"' in params.message
    options = params.requested_schema["properties"]["allow"]["oneOf"]
    assert [option["title"] for option in options] == [
        "Allow once",
        "Allow desk.close_issue for the rest of this run",
    ]


@pytest.mark.parametrize("mode", ERAS)
@pytest.mark.parametrize("answer", ["decline", "cancel"])
async def test_decline_and_cancel_throw_in_the_program_and_nothing_runs(
    served, mode: str, answer: str
) -> None:
    server, desk = await served()
    async with Client(server, mode=mode, elicitation_callback=answering(answer)) as client:
        result = await client.call_tool("code", {"code": CATCHING})
    assert result.is_error is False, _text(result)
    assert result.content[0].text == "ApprovalDeclined: the user did not allow desk.close_issue"
    assert desk.closed == []
    assert desk.notes == ["ApprovalDeclined: the user did not allow desk.close_issue"]


@pytest.mark.parametrize("mode", ERAS)
async def test_a_question_nobody_answers_times_out_and_a_late_yes_changes_nothing(served, mode: str) -> None:
    server, desk = await served(timeout_s=0.5)

    async def late(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        await desk.noted.wait()  # the program has already been told no
        return types.ElicitResult(action="accept", content={"allow": "run"})

    async with Client(server, mode=mode, elicitation_callback=late) as client:
        with anyio.fail_after(60):
            result = await client.call_tool("code", {"code": CATCHING})
    assert result.is_error is False, _text(result)
    assert "nobody answered whether to allow desk.close_issue within 0.5 s" in result.content[0].text
    assert desk.closed == []


@pytest.mark.parametrize("mode", ERAS)
async def test_a_client_without_elicitation_is_refused_with_how_to_allow(served, mode: str) -> None:
    server, desk = await served()
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("code", {"code": CATCHING})
    message = result.content[0].text
    assert "needs a person's approval and this client cannot ask one" in message
    assert 'remove "desk.close_issue" from "approve"' in message
    assert desk.closed == []


@pytest.mark.parametrize("mode", ERAS)
async def test_the_allow_fallback_runs_the_call_for_a_client_without_elicitation(served, mode: str) -> None:
    server, desk = await served(fallback="allow")
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("code", {"code": CLOSE})
    assert result.content[0].text == "closed ISS-12"
    assert desk.closed == ["ISS-12"]


PARALLEL = """
const closing = ["a", "b", "c"].map((id) => desk.close_issue({issue_id: id}));
return await Promise.all([...closing, desk.delete_project({name: "old"})]);
"""


@pytest.mark.parametrize("mode", ERAS)
async def test_parallel_calls_allowed_for_the_run_ask_once_per_tool(served, mode: str) -> None:
    server, desk = await served()
    asked: list[types.ElicitRequestParams] = []
    async with Client(server, mode=mode, elicitation_callback=answering("run", asked=asked)) as client:
        result = await client.call_tool("code", {"code": PARALLEL})
    assert result.is_error is False, _text(result)
    assert sorted(desk.closed) == ["a", "b", "c"] and desk.deleted == ["old"]
    tools = sorted("close_issue" if "close_issue" in p.message else "delete_project" for p in asked)
    assert tools == ["close_issue", "delete_project"]


@pytest.mark.parametrize("mode", ERAS)
async def test_parallel_calls_allowed_once_ask_one_question_each(served, mode: str) -> None:
    server, desk = await served()
    asked: list[types.ElicitRequestParams] = []
    async with Client(
        server, mode=mode, elicitation_callback=answering("once", asked=asked), input_required_max_rounds=20
    ) as client:
        result = await client.call_tool("code", {"code": PARALLEL})
    assert result.is_error is False, _text(result)
    assert sorted(desk.closed) == ["a", "b", "c"] and desk.deleted == ["old"]
    assert len(asked) == 4
    assert sorted(m for p in asked for m in ('"a"', '"b"', '"c"', '"old"') if m in p.message) == [
        '"a"',
        '"b"',
        '"c"',
        '"old"',
    ]


@pytest.mark.parametrize("mode", ERAS)
async def test_waiting_for_the_person_does_not_spend_the_wall_clock(served, mode: str) -> None:
    server, desk = await served(limits=Limits(wall_s=1.0))

    async def slow(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        await anyio.sleep(2.0)  # longer than the whole wall-clock limit
        return types.ElicitResult(action="accept", content={"allow": "once"})

    async with Client(server, mode=mode, elicitation_callback=slow) as client:
        result = await client.call_tool("code", {"code": CLOSE})
    assert result.is_error is False, _text(result)
    assert desk.closed == ["ISS-12"]


@pytest.mark.parametrize("mode", ERAS)
async def test_every_decision_is_sent_as_a_log_message(served, mode: str) -> None:
    server, _ = await served()
    logged: list[Any] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        if params.logger == "codemode.approvals":
            logged.append(params)

    code = "await desk.close_issue({issue_id: 'x'}); await desk.delete_project({name: 'p'}).catch(String)"
    async with Client(
        server,
        mode=mode,
        elicitation_callback=answering("once", "decline"),
        logging_callback=on_log,
        log_level="debug",
    ) as client:
        result = await client.call_tool("code", {"code": code})
    assert result.is_error is False, _text(result)
    decisions = [(entry.data["tool"], entry.data["decision"], entry.level) for entry in logged]
    assert decisions == [
        ("desk.close_issue", "allowed once", "info"),
        ("desk.delete_project", "declined", "warning"),
    ]
    assert all(
        entry.data["who"].startswith("client ") and len(entry.data["arguments_digest"]) == 16
        for entry in logged
    )


async def test_the_code_tool_description_marks_the_gated_tools(served) -> None:
    server, _ = await served()
    async with Client(server) as client:
        description = (await client.list_tools()).tools[0].description or ""
    assert "(needs approval) Close an issue." in description
    assert "(needs approval) Write down a note" not in description
    assert "ApprovalDeclined" in description


async def test_input_required_rounds_driven_by_hand(served) -> None:
    """2026-07-28, one round at a time: the question, a forged retry, the answer, a replayed state."""
    server, desk = await served()
    async with Client(server, elicitation_callback=answering("once")) as client:
        session = client.session
        first = await session.call_tool("code", {"code": CLOSE}, allow_input_required=True)
        assert isinstance(first, types.InputRequiredResult)
        assert first.request_state and first.input_requests
        (key, request), *_ = first.input_requests.items()
        assert isinstance(request, types.ElicitRequest)
        assert "desk.close_issue" in request.params.message
        assert desk.closed == []  # the run waits at the gated call

        with pytest.raises(MCPError, match="requestState"):  # the SDK binds the state to the call
            await session.call_tool(
                "code", {"code": "return 1"}, request_state=first.request_state, allow_input_required=True
            )

        yes = {key: types.ElicitResult(action="accept", content={"allow": "once"})}
        done = await session.call_tool(
            "code",
            {"code": CLOSE},
            input_responses=yes,
            request_state=first.request_state,
            allow_input_required=True,
        )
        assert isinstance(done, types.CallToolResult) and done.is_error is False
        assert done.content[0].text == "closed ISS-12"
        assert desk.closed == ["ISS-12"]

        again = await session.call_tool(
            "code",
            {"code": CLOSE},
            input_responses=yes,
            request_state=first.request_state,
            allow_input_required=True,
        )
        assert isinstance(again, types.CallToolResult) and again.is_error
        assert desk.closed == ["ISS-12"]  # a replayed answer runs nothing


@pytest.mark.parametrize("mode", ERAS)
async def test_a_program_without_gated_calls_is_never_asked_about(served, mode: str) -> None:
    server, _ = await served()
    asked: list[types.ElicitRequestParams] = []
    async with Client(server, mode=mode, elicitation_callback=answering("once", asked=asked)) as client:
        result = await client.call_tool(
            "code", {"code": "console.log('hi'); return await desk.note({text: 'x'})"}
        )
    assert result.content[0].text == "noted"
    assert "[log] hi" in result.content[1].text
    assert asked == []
