"""Every limit ends the run with an error stating the limit, `GuestError.limit` naming the field."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from sandbox_helpers import echo, eventually, process_alive, sandbox_orphans, sandbox_pids

from sandbox import DenoExecutor, Limits

pytestmark = pytest.mark.anyio

SHORT = {"wall_s": 3.0, "cpu_s": 2.0, "memory_mib": 64}

CASES = [
    pytest.param("while (true) {}", {"wall_s": 1.0}, "wall_s", "TimeoutError", id="busy-loop-wall"),
    pytest.param(
        "await new Promise(() => {})", {"wall_s": 1.0}, "wall_s", "TimeoutError", id="unresolved-promise"
    ),
    pytest.param(
        "await new Promise((r) => setInterval(() => {}, 5))",
        {"wall_s": 1.0},
        "wall_s",
        "TimeoutError",
        id="timers-keep-alive",
    ),
    pytest.param(
        "while (true) {}", {"wall_s": 10.0, "cpu_s": 1.0}, "cpu_s", "CpuLimitError", id="busy-loop-cpu"
    ),
    pytest.param(
        "const a = []; while (true) a.push(new Array(100000).fill(Math.random()))",
        {},
        "memory_mib",
        "MemoryError",
        id="heap",
    ),
    pytest.param(
        "const a = []; while (true) a.push(new Uint8Array(8 << 20).fill(1))",
        {},
        "memory_mib",
        "RangeError|MemoryError",
        id="array-buffers",
    ),
    pytest.param(
        "const m = new WebAssembly.Memory({initial: 1, maximum: 65536}); while (true) m.grow(64)",
        {},
        "memory_mib",
        "RangeError|MemoryError",
        id="wasm-memory",
    ),
    pytest.param(
        "const b = new Uint8Array(65536).fill(65); while (true) Deno.stdout.writeSync(b)",
        {"output_bytes": 1 << 20},
        "output_bytes",
        "OutputLimitError",
        id="stdout-flood",
    ),
    pytest.param(
        "const b = new TextEncoder().encode('x\\n'.repeat(30000)); while (true) Deno.stderr.writeSync(b)",
        {"output_bytes": 1 << 20},
        "output_bytes",
        "OutputLimitError",
        id="stderr-flood",
    ),
    pytest.param(
        "for (let i = 0; i < 10; i++) await t.f({i})",
        {"tool_calls": 5},
        "tool_calls",
        "Error",
        id="tool-calls",
    ),
    pytest.param(
        "await Promise.all([1, 2, 3, 4, 5].map((i) => t.slow({i})))",
        {"concurrent_calls": 2},
        "concurrent_calls",
        "Error",
        id="concurrent-calls",
    ),
]


async def slow_or_echo(ns: str, tool: str, args: Any) -> Any:
    if tool == "slow":
        await anyio.sleep(0.2)
    return await echo(ns, tool, args)


@pytest.mark.parametrize(("code", "overrides", "limit", "name"), CASES)
async def test_limit_ends_the_run(
    executor: DenoExecutor, code: str, overrides: dict[str, Any], limit: str, name: str
) -> None:
    limits = Limits(**{**SHORT, **overrides})
    result = await executor.run(code, tools={"t": ["f", "slow"]}, callback=slow_or_echo, limits=limits)
    assert not result.ok, result.value
    assert result.error is not None
    assert result.error.limit == limit, result.error
    # A failed allocation is either a RangeError the guest sees, or (when it hits V8 or Rust code that
    # cannot fail gracefully) the death of the process: both name the memory limit.
    assert result.error.name in name.split("|"), result.error
    # The message states the limit in plain words; the caller adds the setting from `limit`.
    assert "limit" in result.error.message, result.error.message
    assert "Limits." not in result.error.message, result.error.message
    assert sandbox_orphans() == []


async def test_log_flood_is_cut_with_a_marker(executor: DenoExecutor) -> None:
    result = await executor.run(
        "for (let i = 0; i < 100000; i++) console.log('line', i); return 'done'",
        limits=Limits(log_entries=50),
    )
    assert result.ok, result.error
    assert result.value == "done"
    assert len(result.logs) == 51
    assert result.logs[49].message == "line 49"
    assert result.logs[-1].message == "[logs cut: the run logged more than 50 entries, the limit]"


async def test_log_bytes_are_capped(executor: DenoExecutor) -> None:
    result = await executor.run(
        "console.log('x'.repeat(5000)); console.log('after'); return 1", limits=Limits(log_bytes=1000)
    )
    assert result.ok
    assert [len(entry.message) for entry in result.logs[:1]] == [1000]
    assert "console output went over the limit of 1000 bytes" in result.logs[-1].message
    assert all(entry.message != "after" for entry in result.logs)


async def test_large_result_is_truncated_with_a_marker(executor: DenoExecutor) -> None:
    result = await executor.run("return 'x'.repeat(5000)", limits=Limits(result_bytes=1000))
    assert result.ok
    assert result.truncated
    assert isinstance(result.value, str)
    assert result.value.startswith('"xxx')
    assert result.value.endswith("…[truncated: the result is 5002 bytes of JSON, the limit is 1000 bytes]")


async def test_deep_recursion_is_a_guest_error(executor: DenoExecutor) -> None:
    result = await executor.run("function f(n) { return f(n + 1) + 1 } return f(0)")
    assert result.error is not None
    assert result.error.name == "RangeError"
    assert "call stack" in result.error.message


async def test_no_process_survives_its_run(executor: DenoExecutor) -> None:
    seen: list[int] = []

    async def record(ns: str, tool: str, args: Any) -> Any:
        seen.extend(sandbox_pids(children_only=True))
        return 1

    code = "setInterval(() => console.log('tick'), 1); await t.f(); return 'left timers behind'"
    result = await executor.run(code, tools={"t": ["f"]}, callback=record)
    assert result.ok, result.error
    assert seen
    await eventually(lambda: not any(process_alive(pid) for pid in seen))
    assert sandbox_orphans() == []


async def test_per_run_limits_override_the_settings(executor: DenoExecutor) -> None:
    result = await executor.run("await new Promise(() => {})", limits=Limits(wall_s=0.5))
    assert result.error is not None
    assert "0.5 s" in result.error.message
    assert result.error.message == "the run took longer than its time limit of 0.5 s"
