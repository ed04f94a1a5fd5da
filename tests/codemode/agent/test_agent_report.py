"""What a run leaves behind: the rich display, the usage table, the price estimate, the transcript."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from agent_doubles import ScriptedEngine
from rich.console import Console

import codemode.agent
from codemode.agent import TurnUsage, estimate_cost, run_agent, write_transcript
from codemode.agent.display import LiveDisplay, print_summary, shorten
from codemode.agent.fakeapi import Reply, ToolCall, Usage
from codemode.agent.pricing import PRICES, price_for

SCRIPT = [
    Reply(
        text="First I look.",
        tool_calls=[ToolCall("code", {"code": "const n = await oops();\nreturn n"})],
        usage=Usage(1000, 40, cache_write_tokens=800),
    ),
    Reply(
        tool_calls=[ToolCall("code", {"code": "return await crm.count_customers({})"})],
        usage=Usage(120, 30, cache_read_tokens=800),
    ),
    Reply(text="**42** customers.", usage=Usage(60, 8, cache_read_tokens=950)),
]


def test_public_api_is_pinned() -> None:
    assert sorted(codemode.agent.__all__) == sorted(
        [
            "PROVIDERS", "AgentError", "AgentEvent", "AgentResult", "AssistantText", "CodeWritten",
            "EventHandler", "FinalAnswer", "MissingAPIKeyError", "Mode", "ProviderAPIError",
            "ProviderName", "ToolCallRecord", "ToolCalled", "ToolReturned", "TurnFinished",
            "TurnRecord", "TurnStarted", "TurnUsage", "classic_tool_name", "estimate_cost",
            "make_client", "run_agent", "transcript_json", "write_transcript",
        ]
    )  # fmt: skip
    for name in codemode.agent.__all__:
        assert hasattr(codemode.agent, name), name


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("model", "cost"),
    [
        pytest.param("claude-sonnet-4-6", "$0.0082", id="priced"),
        pytest.param("no-such-model", "n/a", id="unpriced"),
    ],
)
async def test_display_shows_code_results_answer_and_usage(model: str, cost: str, fake_api: Any) -> None:
    fake_api(SCRIPT)
    console = Console(file=io.StringIO(), width=120, record=True, color_system=None)
    result = await run_agent(
        "count", provider="anthropic", model=model, engine=ScriptedEngine(), on_event=LiveDisplay(console)
    )
    print_summary(console, result)
    out = console.export_text()
    assert "turn 1" in out
    assert "turn 3" in out
    assert "const n = await oops();" in out
    assert "code error" in out
    assert "TypeError: oops is not defined" in out
    assert "First I look." in out
    assert "42 customers." in out
    # usage table: per-turn and total rows, from the fake's numbers
    assert "1,180" in out  # total uncached input
    assert "1,750" in out  # total cache reads
    assert "78" in out
    assert "3 turns" in out
    assert f"estimated cost {cost}" in out


def test_cost_counts_cache_reads_and_writes_at_their_prices() -> None:
    usage = TurnUsage(input_tokens=1_000_000, output_tokens=1_000_000, cache_read_tokens=1_000_000,
                      cache_write_tokens=1_000_000)  # fmt: skip
    # Sonnet 4.5: 3 in, 15 out, 0.30 cache read, 3.75 cache write
    assert estimate_cost("claude-sonnet-4-5", usage) == pytest.approx(3 + 15 + 0.30 + 3.75)
    # gpt-5-mini: 0.25 in, 2 out, 0.025 cached, writes at the input price
    assert estimate_cost("gpt-5-mini-2025-08-07", usage) == pytest.approx(0.25 + 2 + 0.025 + 0.25)


@pytest.mark.parametrize(
    ("model", "key"),
    [
        pytest.param("claude-opus-4-1-20250805", "claude-opus-4-1", id="dated-longest-prefix"),
        pytest.param("claude-opus-4-20250514", "claude-opus-4", id="dated-short"),
        pytest.param("gpt-5", "gpt-5", id="exact"),
        pytest.param("gpt-5.4", "gpt-5.4", id="dotted"),
        pytest.param("gpt-5-nano", "gpt-5-nano", id="variant-not-base"),
    ],
)
def test_price_lookup_by_longest_prefix(model: str, key: str) -> None:
    assert price_for(model) is PRICES[key]


@pytest.mark.parametrize("model", [pytest.param("gpt-5.5", id="newer"), pytest.param("llama", id="other")])
def test_unknown_model_has_no_price(model: str) -> None:
    assert price_for(model) is None
    assert estimate_cost(model, TurnUsage(1, 1)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("short", "short", id="untouched"),
        pytest.param("a\nb\nc\nd", "a\nb\n… (4 more characters)", id="lines"),
        pytest.param("x" * 30, "x" * 10 + "\n… (20 more characters)", id="chars"),
    ],
)
def test_shorten(text: str, expected: str) -> None:
    assert shorten(text, max_lines=2, max_chars=10) == expected


PROVIDERS = [pytest.param("anthropic", id="anthropic"), pytest.param("openai", id="openai")]


@pytest.mark.anyio
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_transcript_has_messages_and_usage_per_turn(
    provider: str, fake_api: Any, tmp_path: Path
) -> None:
    fake_api(SCRIPT)
    result = await run_agent("count", provider=provider, model="claude-haiku-4-5", engine=ScriptedEngine())
    path = tmp_path / "runs" / "t.json"
    write_transcript(result, path)
    data = json.loads(path.read_text(encoding="utf-8"))

    assert data["version"] == 1
    assert (data["provider"], data["mode"], data["stopped"]) == (provider, "code", "answer")
    assert data["final_text"] == "**42** customers."
    assert [t["usage"] for t in data["turns"]] == [
        {"input_tokens": 1000, "output_tokens": 40, "cache_read_tokens": 0, "cache_write_tokens": 800},
        {"input_tokens": 120, "output_tokens": 30, "cache_read_tokens": 800, "cache_write_tokens": 0},
        {"input_tokens": 60, "output_tokens": 8, "cache_read_tokens": 950, "cache_write_tokens": 0},
    ]
    assert data["usage"] == {
        "input_tokens": 1180, "output_tokens": 78, "cache_read_tokens": 1750, "cache_write_tokens": 800
    }  # fmt: skip
    assert data["cost_usd"] == pytest.approx(result.cost_usd)
    first_call = data["turns"][0]["tool_calls"][0]
    assert first_call["is_error"] is True
    assert first_call["arguments"] == {"code": "const n = await oops();\nreturn n"}
    exchange = data["exchange"]
    history = exchange["messages"] if provider == "anthropic" else exchange["input"]
    assert history[0] == {"role": "user", "content": "count"}
    # the whole exchange, last reply included. Anthropic: task, 2 x (assistant, results), answer.
    # OpenAI: task, text + call, output, call, output, answer (one item each).
    assert len(history) == (6 if provider == "anthropic" else 7)
    assert [t["name"] for t in exchange["tools"]] == ["code"]
