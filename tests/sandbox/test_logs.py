"""Console output is captured in order with its level, formatted as Deno's console formats it."""

from __future__ import annotations

import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor, LogEntry

pytestmark = pytest.mark.anyio


async def test_levels_order_and_formatting(executor: DenoExecutor) -> None:
    code = """
    console.log("plain", 1, true);
    console.info({a: 1, b: [1, 2]});
    console.warn(new Map([["k", 1]]));
    console.error(new Set([1]));
    console.debug(null, undefined);
    console.log({deep: {deeper: {deepest: {x: 1}}}});
    class Point { constructor() { this.x = 1; } }
    console.log(new Point());
    return "done";
    """
    result = await run(executor, code)
    assert result.ok, result.error
    assert result.logs == [
        LogEntry("log", "plain 1 true"),
        LogEntry("info", "{ a: 1, b: [ 1, 2 ] }"),
        LogEntry("warn", 'Map(1) { "k" => 1 }'),
        LogEntry("error", "Set(1) { 1 }"),
        LogEntry("debug", "null undefined"),
        LogEntry("log", "{\n  deep: { deeper: { deepest: { x: 1 } } }\n}"),
        LogEntry("log", "Point { x: 1 }"),
    ]
    assert all("[object Object]" not in entry.message for entry in result.logs)


async def test_on_log_sees_entries_as_they_arrive(executor: DenoExecutor) -> None:
    seen: list[LogEntry] = []
    seen_before_call: list[int] = []

    async def callback(ns: str, tool: str, args: object) -> int:
        seen_before_call.append(len(seen))
        return 1

    result = await executor.run(
        "console.log('first'); await t.f(); console.log('second'); return 0",
        tools={"t": ["f"]},
        callback=callback,
        on_log=seen.append,
    )
    assert result.ok, result.error
    assert [e.message for e in seen] == ["first", "second"]
    assert seen_before_call == [1], "the first entry arrived before the tool call"


async def test_logs_survive_a_failed_run(executor: DenoExecutor) -> None:
    result = await run(executor, "console.log('before'); throw new Error('after')")
    assert not result.ok
    assert result.logs == [LogEntry("log", "before")]


async def test_raw_stdout_and_stderr_become_entries(executor: DenoExecutor) -> None:
    code = """
    const enc = new TextEncoder();
    Deno.stdout.writeSync(enc.encode("raw line\\n"));
    Deno.stderr.writeSync(enc.encode("raw error\\n"));
    await new Promise((r) => setTimeout(r, 50));
    return 1;
    """
    result = await run(executor, code)
    assert result.ok, result.error
    assert LogEntry("stdout", "raw line") in result.logs
    assert LogEntry("stderr", "raw error") in result.logs


async def test_format_specifiers(executor: DenoExecutor) -> None:
    code = """
    console.log("%s has %d items (%i%%) %o", "cart", 3.5, 42.9, {a: 1});
    console.log("%c styled", "color: red");
    console.log("no args %s");
    console.log("%s", "a", "extra", 1);
    return 0;
    """
    result = await run(executor, code)
    assert result.ok, result.error
    assert [entry.message for entry in result.logs] == [
        "cart has 3.5 items (42%) { a: 1 }",
        " styled",
        "no args %s",
        "a extra 1",
    ]
