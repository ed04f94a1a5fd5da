"""The token accounting on hand-built traces: the arithmetic of re-sending everything each turn."""

from __future__ import annotations

import json

import anyio
import anyio.lowlevel
import pytest

from codemode.bench.accounting import (
    CACHE_READ,
    CACHE_WRITE,
    TOOL_USE_SYSTEM_PROMPT,
    count_transcript,
)
from codemode.bench.trace import Recorder, ToolCall, group_waves
from codemode.bench.transcript import classic_transcript, code_transcript
from codemode.tokenizer import Tokenizer, default_tokenizer


def words() -> Tokenizer:
    """One token per whitespace-separated word: easy to count by hand."""
    return Tokenizer(name="words", encode=lambda text: [0] * len(text.split()))


def call(index: int, wave: int, name: str, result: object) -> ToolCall:
    return ToolCall(index, "crm", name, {"q": "x"}, result, None, wave)


CODE_TOOL = {"name": "code", "description": "declare const crm", "input_schema": {}}
CLASSIC_TOOLS = [{"name": "crm__get", "description": "one two three", "input_schema": {}}]


def test_classic_turn_k_resends_everything_before_it() -> None:
    calls = [call(0, 0, "get", "r0 r0"), call(1, 0, "get", "r1 r1 r1"), call(2, 1, "get", "r2")]
    transcript = classic_transcript(
        calls=calls, answer="final answer", prompt="do it now", tools=CLASSIC_TOOLS
    )
    tokens = count_transcript(transcript, words())

    # {"name":"crm__get","input_schema":{}} is 1 word, its description "one two three" 3 more.
    definitions = 4
    # Every request carries the provider's tool-use prompt too.
    base = TOOL_USE_SYSTEM_PROMPT + len(transcript.system.split()) + definitions + 3  # "do it now"
    # Each tool_use is its name (1 word) plus {"q":"x"} (1 word) = 2.
    out0, res0 = 2 + 2, 2 + 3
    out1, res1 = 2, 1
    out2 = 2
    assert tokens.definitions == definitions
    assert [(t.input, t.output) for t in tokens.per_turn] == [
        (base, out0),
        (base + out0 + res0, out1),
        (base + out0 + res0 + out1 + res1, out2),
    ]
    assert tokens.turns == 3
    assert tokens.input == 3 * base + 2 * (out0 + res0) + out1 + res1
    assert tokens.output == out0 + out1 + out2
    assert tokens.total == tokens.input + tokens.output


def test_code_mode_is_two_turns_with_the_code_as_output() -> None:
    transcript = code_transcript(
        steps=[("return await crm.get({q: 'x'})", "result: 42")],
        answer="42",
        prompt="do it now",
        code_tool=CODE_TOOL,
    )
    tokens = count_transcript(transcript, words())
    code_words = len(json.dumps({"code": "return await crm.get({q: 'x'})"}, separators=(",", ":")).split())
    first = tokens.per_turn[0]
    assert tokens.turns == 2
    assert first.output == 1 + code_words
    assert tokens.per_turn[1].input == first.input + first.output + 2
    assert tokens.per_turn[1].output == 1


def test_code_mode_with_a_describe_step_is_three_turns() -> None:
    steps = [("return await describe('crm.get')", "declare get"), ("return 1", "1")]
    transcript = code_transcript(steps=steps, answer="1", prompt="p", code_tool=CODE_TOOL)
    tokens = count_transcript(transcript, words())
    assert tokens.turns == 3
    first, second, third = tokens.per_turn
    assert second.input == first.input + first.output + 2  # "declare get"
    assert third.input == second.input + second.output + 1


def test_messages_pair_each_tool_use_with_its_result() -> None:
    calls = [call(0, 0, "get", {"id": 1}), call(1, 0, "get", "text"), call(2, 1, "get", None)]
    messages = classic_transcript(calls=calls, answer="done", prompt="p", tools=CLASSIC_TOOLS).messages()
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant", "user", "assistant"]
    first_uses = [b["id"] for b in messages[1]["content"]]
    assert [b["tool_use_id"] for b in messages[2]["content"]] == first_uses
    # As an MCP Python SDK server sends them: indented JSON, strings as they are.
    assert [b["content"] for b in messages[2]["content"]] == ['{\n  "id": 1\n}', "text"]
    assert messages[-1]["content"] == [{"type": "text", "text": "done"}]


def test_warm_caching_reads_what_the_last_request_sent_and_writes_what_is_new() -> None:
    calls = [call(0, 0, "get", "r0 r0"), call(1, 1, "get", "r1")]
    transcript = classic_transcript(calls=calls, answer="done", prompt="do it now", tools=CLASSIC_TOOLS)
    tokens = count_transcript(transcript, words())
    prefix = TOOL_USE_SYSTEM_PROMPT + len(transcript.system.split()) + tokens.definitions
    first, second, third = tokens.per_turn
    assert (first.cache_read, first.cache_write) == (prefix, 3)  # the task is new
    assert (second.cache_read, second.cache_write) == (first.input, second.input - first.input)
    assert (third.cache_read, third.cache_write) == (second.input, third.input - second.input)
    billed = sum(CACHE_READ * t.cache_read + CACHE_WRITE * t.cache_write for t in tokens.per_turn)
    assert tokens.cached_total == pytest.approx(billed + tokens.output)
    assert tokens.cached_total < tokens.total
    assert tokens.peak_input == third.input


def test_classic_results_are_each_servers_own_text() -> None:
    value = {"entities": [{"name": "Acme", "observations": ["ok"]}]}
    calls = [
        ToolCall(0, "memory", "read_graph", {}, value, None, 0),
        ToolCall(1, "crm", "list", {}, [{"id": 1}, "two"], None, 0),
    ]
    transcript = classic_transcript(
        calls=calls, answer="a", prompt="p", tools=CLASSIC_TOOLS, typescript_namespaces=("memory",)
    )
    npm, python = (block.text for block in transcript.turns[0].results)
    assert npm == json.dumps(value, indent=2)  # JSON.stringify(value, null, 2)
    assert python == '{\n  "id": 1\n}\ntwo'  # the Python SDK: one text block per list item


def test_a_failed_call_sends_its_error_message() -> None:
    failed = ToolCall(0, "crm", "get", {}, None, "customer `C-1` not found", 0)
    transcript = classic_transcript(calls=[failed], answer="a", prompt="p", tools=CLASSIC_TOOLS)
    assert transcript.turns[0].results[0].text == "customer `C-1` not found"


def test_default_tokenizer_is_named_and_counts_long_texts_in_pieces() -> None:
    tokenizer = default_tokenizer()
    assert tokenizer.name.startswith("o200k_base (bpe-openai ")
    line = "customer C-0042 ordered 3 widgets\n"
    one = tokenizer.count(line)
    assert one > 3
    # Over a million characters: bpe-openai refuses it in one piece; we split at line breaks.
    assert tokenizer.count(line * 40_000) == pytest.approx(one * 40_000, rel=0.01)


async def _tool(value: str) -> str:
    await anyio.lowlevel.checkpoint()
    return value


@pytest.mark.anyio
async def test_recorder_groups_concurrent_calls_into_one_wave() -> None:
    recorder = Recorder(hold_s=0.01)

    async def one(name: str) -> None:
        await recorder.record("ns", name, {}, lambda: _tool(name))

    async with anyio.create_task_group() as tg:  # like Promise.all
        tg.start_soon(one, "a")
        tg.start_soon(one, "b")
    await one("c")  # after both returned: may depend on them
    await one("d")
    waves = group_waves(recorder.calls)
    assert [[c.name for c in wave] for wave in waves] == [["a", "b"], ["c"], ["d"]]
    assert [c.result for c in recorder.calls] == ["a", "b", "c", "d"]


@pytest.mark.anyio
async def test_recorder_records_a_failing_call_and_reraises() -> None:
    recorder = Recorder(hold_s=0)

    async def boom() -> str:
        raise ValueError("no such customer")

    with pytest.raises(ValueError, match="no such customer"):
        await recorder.record("crm", "get", {"id": 1}, boom)
    assert recorder.calls[0].error == "no such customer"
    recorder.reset()
    assert recorder.calls == []
