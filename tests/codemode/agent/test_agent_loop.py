"""The agent loop through the real Anthropic and OpenAI SDKs, against the scripted fake API."""

from __future__ import annotations

from typing import Any

import pytest
from agent_doubles import ScriptedEngine, SmallToolbox

from codemode.agent import (
    AgentError,
    AgentEvent,
    CodeWritten,
    FinalAnswer,
    ProviderAPIError,
    ToolCalled,
    ToolReturned,
    TurnStarted,
    TurnUsage,
    run_agent,
)
from codemode.agent.fakeapi import Failure, Reply, ToolCall, Usage, iter_tool_results
from codemode.engine import EngineSettings

pytestmark = pytest.mark.anyio

PROVIDERS = [
    pytest.param("anthropic", id="anthropic"),
    pytest.param("openai", id="openai"),
    pytest.param("openai-chat", id="openai-chat"),
]

FIX_SCRIPT = [
    Reply(
        text="Let me count.",
        tool_calls=[ToolCall("code", {"code": "return oops.length"})],
        usage=Usage(input_tokens=1000, output_tokens=40, cache_write_tokens=800),
    ),
    Reply(
        tool_calls=[ToolCall("code", {"code": "return await crm.count_customers({})"})],
        usage=Usage(input_tokens=120, output_tokens=30, cache_read_tokens=800),
    ),
    Reply(
        text="There are 42 customers.",
        usage=Usage(input_tokens=60, output_tokens=8, cache_read_tokens=950),
    ),
]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_code_mode_guest_error_goes_back_and_the_model_fixes_it(provider: str, fake_api: Any) -> None:
    api = fake_api(FIX_SCRIPT)
    engine = ScriptedEngine()
    events: list[AgentEvent] = []

    result = await run_agent(
        "How many customers?",
        provider=provider,
        model="m-1",
        mode="code",
        engine=engine,
        on_event=events.append,
    )

    assert result.final_text == "There are 42 customers."
    assert result.stopped == "answer"
    assert len(result.turns) == 3
    assert engine.programs == ["return oops.length", "return await crm.count_customers({})"]
    assert result.total == TurnUsage(
        input_tokens=1180, output_tokens=78, cache_read_tokens=1750, cache_write_tokens=800
    )
    assert result.turns[0].usage == TurnUsage(1000, 40, 0, 800)

    # What the SDK sent: the error text as the first tool result, then the good result.
    assert len(api.requests) == 3
    first = list(iter_tool_results(api.requests[1].body))
    assert len(first) == 1
    assert "TypeError: oops is not defined" in first[0]["content"]
    last = list(iter_tool_results(api.requests[2].body))
    assert last[-1]["content"] == '{"result": 42}'
    if provider == "anthropic":
        assert first[0]["is_error"] is True
        assert last[-1]["is_error"] is False
    else:
        # the Responses API has no error flag: the text says it
        assert first[0]["content"].startswith("Error: TypeError: oops")

    kinds = [type(e).__name__ for e in events]
    assert kinds.count("TurnStarted") == 3
    assert [e.code for e in events if isinstance(e, CodeWritten)] == engine.programs
    returned = [e for e in events if isinstance(e, ToolReturned)]
    assert [e.is_error for e in returned] == [True, False]
    assert isinstance(events[-1], FinalAnswer)


async def test_anthropic_request_shape_declares_code_tool_and_caches_prefix(fake_api: Any) -> None:
    api = fake_api([Reply(text="done")])
    await run_agent("hi", provider="anthropic", model="claude-x", engine=ScriptedEngine(), max_tokens=321)
    body = api.requests[0].body
    assert api.requests[0].path == "/v1/messages"
    assert body["model"] == "claude-x"
    assert body["max_tokens"] == 321
    assert [t["name"] for t in body["tools"]] == ["code"]
    assert "declare const crm" in body["tools"][0]["description"]
    assert body["tools"][0]["input_schema"]["required"] == ["code"]
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert body["cache_control"] == {"type": "ephemeral"}
    assert body["messages"] == [{"role": "user", "content": "hi"}]


async def test_openai_chat_request_shape_has_system_message_and_function_tools(fake_api: Any) -> None:
    api = fake_api([Reply(tool_calls=[ToolCall("code", {"code": "return 1"}, id="call_1")]), Reply(text="1")])
    await run_agent("hi", provider="openai-chat", model="gpt-x", engine=ScriptedEngine(), max_tokens=99)
    first, second = (request.body for request in api.requests)
    assert api.requests[0].path == "/v1/chat/completions"
    assert first["max_completion_tokens"] == 99
    assert first["messages"][0]["role"] == "system"
    assert first["messages"][1] == {"role": "user", "content": "hi"}
    (tool,) = first["tools"]
    assert tool["type"] == "function"
    assert tool["function"]["name"] == "code"
    assert tool["function"]["parameters"]["required"] == ["code"]
    assistant, result = second["messages"][2:]
    assert assistant["tool_calls"][0]["id"] == "call_1"
    assert result == {"role": "tool", "tool_call_id": "call_1", "content": '{"result": 42}'}


async def test_openai_request_shape_uses_responses_function_tools(fake_api: Any) -> None:
    api = fake_api([Reply(text="done")])
    await run_agent("hi", provider="openai", model="gpt-x", engine=ScriptedEngine())
    request = api.requests[0]
    assert request.path == "/v1/responses"
    assert request.body["model"] == "gpt-x"
    assert "one tool, `code`" in request.body["instructions"]
    (tool,) = request.body["tools"]
    assert tool["type"] == "function"
    assert tool["name"] == "code"
    assert tool["strict"] is False
    assert tool["parameters"]["required"] == ["code"]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_tools_mode_parallel_calls_return_together_in_order(provider: str, fake_api: Any) -> None:
    api = fake_api(
        [
            Reply(
                tool_calls=[
                    ToolCall("crm__get_customer", {"id": "C-2"}),
                    ToolCall("crm__get_customer", {"id": "nope"}),
                    ToolCall("crm__count_customers", {}),
                ],
                usage=Usage(200, 50),
            ),
            Reply(text="C-2 exists; 3 customers.", usage=Usage(300, 10)),
        ]
    )
    toolbox = SmallToolbox()
    events: list[AgentEvent] = []

    result = await run_agent(
        "Check", provider=provider, model="m", mode="tools", toolbox=toolbox, on_event=events.append
    )

    assert result.final_text == "C-2 exists; 3 customers."
    assert sorted(toolbox.calls, key=repr) == sorted(
        [
            ("crm", "get_customer", {"id": "C-2"}),
            ("crm", "get_customer", {"id": "nope"}),
            ("crm", "count_customers", {}),
        ],
        key=repr,
    )
    tool_names = [t.get("name") or t["function"]["name"] for t in api.requests[0].body["tools"]]
    assert tool_names == ["crm__get_customer", "crm__count_customers"]
    results = list(iter_tool_results(api.requests[1].body))
    # As an MCP server sends it (indented JSON), what a classic client shows the model.
    assert results[0]["content"] == '{\n  "id": "C-2",\n  "name": "Customer C-2"\n}'
    assert "customer `nope` not found" in results[1]["content"]
    assert results[2]["content"] == "3"
    if provider == "anthropic":
        assert [r["is_error"] for r in results] == [False, True, False]
        # all results of one turn travel in one user message
        assert len(api.requests[1].body["messages"]) == 3
    assert len([e for e in events if isinstance(e, ToolCalled)]) == 3
    assert result.tool_calls == 3


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_max_turns_caps_the_loop(provider: str, fake_api: Any) -> None:
    looping = Reply(tool_calls=[ToolCall("code", {"code": "return 1"})], usage=Usage(10, 5))
    api = fake_api([looping, looping, looping, Reply(text="never")])
    events: list[AgentEvent] = []
    result = await run_agent(
        "loop", provider=provider, model="m", engine=ScriptedEngine(), max_turns=2, on_event=events.append
    )
    assert result.stopped == "max_turns"
    assert len(api.requests) == 2
    assert len(result.turns) == 2
    assert not any(isinstance(e, FinalAnswer) for e in events)
    assert [e.turn for e in events if isinstance(e, TurnStarted)] == [1, 2]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_429_and_5xx_are_retried_by_the_sdk(provider: str, fake_api: Any) -> None:
    api = fake_api([Failure(429), Failure(503), Reply(text="ok")])
    result = await run_agent("hi", provider=provider, model="m", engine=ScriptedEngine())
    assert result.final_text == "ok"
    assert len(api.requests) == 3
    assert [r.headers.get("x-stainless-retry-count") for r in api.requests] == ["0", "1", "2"]


@pytest.mark.parametrize(
    ("provider", "status", "expected"),
    [
        pytest.param("anthropic", 401, "check ANTHROPIC_API_KEY", id="anthropic-auth"),
        pytest.param("openai", 401, "check OPENAI_API_KEY", id="openai-auth"),
        pytest.param("anthropic", 400, "HTTP 400: bad tool schema", id="anthropic-400"),
        pytest.param("openai", 400, "HTTP 400: bad tool schema", id="openai-400"),
        pytest.param("openai-chat", 401, "check OPENAI_API_KEY", id="openai-chat-auth"),
    ],
)
async def test_api_errors_become_one_line_agent_errors(
    provider: str, status: int, expected: str, fake_api: Any
) -> None:
    fake_api([Failure(status, "bad tool schema")])
    with pytest.raises(ProviderAPIError) as info:
        await run_agent("hi", provider=provider, model="m", engine=ScriptedEngine())
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


async def test_unreadable_arguments_go_back_to_the_model(fake_api: Any) -> None:
    # A `code` call without a string `code` is the model's mistake: an error result, not a crash.
    api = fake_api([Reply(tool_calls=[ToolCall("code", {"source": "x"})]), Reply(text="sorry")])
    engine = ScriptedEngine()
    result = await run_agent("hi", provider="anthropic", model="m", engine=engine)
    (sent,) = iter_tool_results(api.requests[1].body)
    assert sent["is_error"] is True
    assert (
        sent["content"]
        == 'tool `code` takes {"code": "<TypeScript>"}, a non-empty program; got keys [\'source\']'
    )
    assert engine.programs == []
    assert result.final_text == "sorry"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"mode": "code"}, "needs an engine", id="code-without-engine"),
        pytest.param({"mode": "tools"}, "needs a toolbox", id="tools-without-toolbox"),
        pytest.param(
            {"mode": "code", "engine": ScriptedEngine(), "max_turns": 0}, "at least 1", id="zero-turns"
        ),
    ],
)
async def test_bad_arguments_raise_agent_error(kwargs: dict[str, Any], message: str, clean_env: Any) -> None:
    with pytest.raises(AgentError, match=message):
        await run_agent("hi", provider="anthropic", model="m", **kwargs)


async def test_anthropic_max_tokens_needing_streaming_is_an_agent_error(fake_api: Any) -> None:
    api = fake_api([Reply(text="never")])
    with pytest.raises(ProviderAPIError, match="lower max_tokens"):
        await run_agent("hi", provider="anthropic", model="m", engine=ScriptedEngine(), max_tokens=100_000)
    assert api.requests == []


@pytest.mark.parametrize(("language", "named"), [("typescript", "TypeScript"), ("python", "Python")])
async def test_the_system_prompt_names_the_language_the_code_tool_speaks(
    language: str, named: str, fake_api: Any
) -> None:
    api = fake_api([Reply(text="done")])
    engine = ScriptedEngine()
    engine.settings = EngineSettings(language=language)  # type: ignore[arg-type]
    await run_agent("hi", provider="anthropic", model="claude-x", engine=engine)
    system = " ".join(block["text"] for block in api.requests[0].body["system"])
    assert f"runs a short {named} program" in system
    assert ({"TypeScript", "Python"} - {named}).pop() not in system
