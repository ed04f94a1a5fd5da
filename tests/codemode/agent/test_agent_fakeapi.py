"""The fake API itself: what the benchmark's tests rely on beyond the loop tests."""

from __future__ import annotations

from typing import Any

import pytest
from agent_doubles import ScriptedEngine

from codemode.agent import ProviderAPIError, run_agent
from codemode.agent.fakeapi import FakeAPI, Reply, ToolCall

pytestmark = pytest.mark.anyio


async def test_callable_entries_reply_from_the_request(fake_api: Any) -> None:
    def echo_result(body: dict[str, Any]) -> Reply:
        last = body["messages"][-1]["content"][0]["content"]
        return Reply(text=f"the program said {last}")

    api = fake_api([Reply(tool_calls=[ToolCall("code", {"code": "return 42"})]), echo_result])
    result = await run_agent("hi", provider="anthropic", model="m", engine=ScriptedEngine())
    assert result.final_text == 'the program said {"result": 42}'
    assert api.remaining == 0


async def test_exhausted_script_is_a_clear_error_not_a_hang(fake_api: Any) -> None:
    fake_api([Reply(tool_calls=[ToolCall("code", {"code": "return 1"})])])
    with pytest.raises(ProviderAPIError, match="fake API script exhausted: 1 entries were used"):
        await run_agent("hi", provider="openai", model="m", engine=ScriptedEngine())


def test_addresses_need_a_running_server() -> None:
    api = FakeAPI([])
    with pytest.raises(RuntimeError, match="not running"):
        _ = api.url
    with api:
        assert api.url.startswith("http://127.0.0.1:")
        assert api.openai_url == api.url + "/v1"
        assert set(api.environment()) == {
            "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY"
        }  # fmt: skip
