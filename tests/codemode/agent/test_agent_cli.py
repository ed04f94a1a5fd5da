"""`codemode agent` through the CLI's front door: clear messages for bad usage, and full runs through
the real Deno sandbox and the built-in world tools against the scripted fake API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codemode.agent.fakeapi import Failure, Reply, ToolCall, Usage, iter_tool_results
from codemode.cli import main


@pytest.mark.parametrize(
    ("provider", "variable"),
    [
        pytest.param("anthropic", "ANTHROPIC_API_KEY", id="anthropic"),
        pytest.param("openai", "OPENAI_API_KEY", id="openai"),
    ],
)
def test_missing_key_is_one_clear_line_and_exit_2(
    provider: str, variable: str, clean_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["agent", "--provider", provider, "--model", "m", "do it"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"set {variable} in the environment" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--max-turns", "0", "x"], "--max-turns must be at least 1", id="max-turns"),
        pytest.param(["   "], "the task is empty", id="empty-task"),
    ],
)
def test_bad_usage_exits_2(
    argv: list[str], message: str, clean_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("ANTHROPIC_API_KEY", "sk-ant-fake")
    with pytest.raises(SystemExit) as info:
        main(["agent", "--provider", "anthropic", "--model", "m", *argv])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_api_failure_is_one_line_and_exit_1(fake_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    fake_api([Failure(401, "invalid x-api-key")])
    status = main(["agent", "--provider", "anthropic", "--model", "m", "hi"])
    assert status == 1
    err = capsys.readouterr().err
    assert "anthropic: authentication failed (401): check ANTHROPIC_API_KEY" in err
    assert "Traceback" not in err


def test_failure_mid_run_still_writes_the_transcript(fake_api: Any, tmp_path: Path) -> None:
    fake_api([Reply(tool_calls=[ToolCall("code", {"code": "return 1"})]), Failure(400, "prompt is too long")])
    transcript = tmp_path / "partial.json"
    status = main(["agent", "--provider", "openai", "--model", "m", "--transcript", str(transcript), "hi"])
    assert status == 1
    data = json.loads(transcript.read_text(encoding="utf-8"))
    assert data["stopped"] == "error"
    assert len(data["turns"]) == 1
    assert data["turns"][0]["tool_calls"][0]["result"].startswith("1")


def test_max_turns_reached_exits_1(fake_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    fake_api([Reply(tool_calls=[ToolCall("code", {"code": "return 1"})])])
    status = main(["agent", "--provider", "anthropic", "--model", "m", "--max-turns", "1", "hi"])
    assert status == 1
    assert "no final answer after 1 turns; raise --max-turns" in capsys.readouterr().err


# -- end to end: real sandbox, real world tools --------------------------------------------------------

COUNT_ENTERPRISE = (
    "const found = await crm.find_customers({tier: 'enterprise', limit: 500});\nreturn found.length;"
)


@pytest.mark.parametrize(
    ("provider", "mode", "script"),
    [
        pytest.param(
            "anthropic",
            "code",
            [
                # a guest error (no such tool), then the fix, then the answer
                Reply(tool_calls=[ToolCall("code", {"code": "return await crm.no_such_tool({})"})]),
                Reply(tool_calls=[ToolCall("code", {"code": COUNT_ENTERPRISE})], usage=Usage(50, 20, 900)),
                Reply(text="Counted.", usage=Usage(30, 5, 1000)),
            ],
            id="anthropic-code",
        ),
        pytest.param(
            "openai",
            "tools",
            [
                Reply(
                    tool_calls=[
                        ToolCall("crm__find_customers", {"tier": "enterprise", "limit": 500}),
                        ToolCall("crm__get_customer", {"customer_id": "C-9999"}),
                    ]
                ),
                Reply(text="Counted."),
            ],
            id="openai-tools",
        ),
    ],
)
def test_cli_runs_the_world_through_the_real_engine(
    provider: str,
    mode: str,
    script: list[Reply],
    fake_api: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("codemode.sources.toolbox", reason="the toolbox (issue 4) has not landed yet")
    api = fake_api(script)
    transcript = tmp_path / "run.json"
    argv = ["agent", "--provider", provider, "--model", "m", "--mode", mode, "--transcript", str(transcript)]

    status = main([*argv, "How many enterprise customers?"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Counted." in out
    assert "estimated cost n/a" in out
    data = json.loads(transcript.read_text(encoding="utf-8"))
    assert data["final_text"] == "Counted."
    results = [r for request in api.requests for r in iter_tool_results(request.body)]
    if mode == "code":
        tool = api.requests[0].body["tools"][0]
        assert "find_customers" in tool["description"]  # declared, or listed by name in a big catalog
        first = list(iter_tool_results(api.requests[1].body))
        assert first[0]["is_error"] is True
        assert "no_such_tool" in first[0]["content"]
        counted = list(iter_tool_results(api.requests[2].body))[-1]
        assert counted["is_error"] is False
        assert counted["content"].split("\n")[0].strip().isdigit()
        assert "crm.find_customers" in out  # the code, shown
    else:
        names = {t["name"] for t in api.requests[0].body["tools"]}
        assert {"crm__find_customers", "crm__get_customer"} <= names
        assert any(name.startswith("tracker__") for name in names)
        found, missing = results
        # As the MCP Python SDK sends a list: one indented JSON text per customer.
        assert found["content"].startswith('{\n  "id": "C-')
        assert "C-9999" in missing["content"]
        assert missing["content"].startswith("Error:")
