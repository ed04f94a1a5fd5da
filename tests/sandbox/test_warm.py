"""Warm sandboxes by id: state persists per id, never across ids; limits, eviction, forgetting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from sandbox_helpers import eventually, process_alive, sandbox_orphans, sandbox_pids

from sandbox import DenoExecutor, Limits, SandboxSettings

pytestmark = pytest.mark.anyio

COUNTER = "globalThis.counter = (globalThis.counter ?? 0) + 1; return [counter, Deno.pid]"


@pytest.fixture
async def warm() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=0, warm_max=2, warm_idle_s=60)) as ex:
        yield ex


async def test_state_persists_for_an_id_and_never_crosses_ids(warm: DenoExecutor) -> None:
    a1 = await warm.run(COUNTER, sandbox_id="a")
    a2 = await warm.run(COUNTER, sandbox_id="a")
    b1 = await warm.run(COUNTER, sandbox_id="b")
    a3 = await warm.run("return [globalThis.counter, Deno.pid]", sandbox_id="a")
    assert [a1.value[0], a2.value[0], b1.value[0], a3.value[0]] == [1, 2, 1, 2]
    assert a1.value[1] == a2.value[1] == a3.value[1], "the same process serves every run of an id"
    assert b1.value[1] != a1.value[1]


async def test_each_warm_run_is_hardened_and_limited(warm: DenoExecutor) -> None:
    code = "try { Deno.readTextFileSync('/etc/hostname') } catch (e) { return e.name }"
    result = await warm.run(code, sandbox_id="a")
    assert result.value == "NotCapable"
    calls: list[Any] = []

    async def callback(ns: str, tool: str, args: Any) -> Any:
        calls.append(args)
        return len(calls)

    for expected in (1, 2):
        result = await warm.run("return await t.f({})", sandbox_id="a", tools={"t": ["f"]}, callback=callback)
        assert result.value == expected
    over = await warm.run(
        "for (let i = 0; i < 5; i++) await t.f({})",
        sandbox_id="a",
        tools={"t": ["f"]},
        callback=callback,
        limits=Limits(tool_calls=3),
    )
    assert over.error is not None and over.error.limit == "tool_calls"


async def test_a_run_that_breaks_a_limit_forgets_the_id(warm: DenoExecutor) -> None:
    first = await warm.run(COUNTER, sandbox_id="a")
    broken = await warm.run("while (true) {}", sandbox_id="a", limits=Limits(wall_s=1))
    assert broken.error is not None and broken.error.limit == "wall_s"
    assert "a" not in warm.warm  # type: ignore[operator]
    fresh = await warm.run(COUNTER, sandbox_id="a")
    assert fresh.value[0] == 1, "the state went with the killed process"
    assert fresh.value[1] != first.value[1]
    assert not process_alive(first.value[1])


async def test_an_ordinary_guest_error_keeps_the_sandbox(warm: DenoExecutor) -> None:
    await warm.run(COUNTER, sandbox_id="a")
    failed = await warm.run("throw new Error('oops')", sandbox_id="a")
    assert failed.error is not None and failed.error.limit is None
    again = await warm.run(COUNTER, sandbox_id="a")
    assert again.value[0] == 2


async def test_least_recently_used_is_evicted_beyond_the_maximum(warm: DenoExecutor) -> None:
    a = await warm.run(COUNTER, sandbox_id="a")
    await warm.run(COUNTER, sandbox_id="b")
    await warm.run(COUNTER, sandbox_id="a")  # b is now the least recently used
    await warm.run(COUNTER, sandbox_id="c")
    assert warm.warm is not None
    assert "b" not in warm.warm and "a" in warm.warm and "c" in warm.warm
    assert process_alive(a.value[1])


async def test_idle_sandboxes_are_stopped() -> None:
    async with DenoExecutor(SandboxSettings(pool_size=0, warm_idle_s=0.2)) as ex:
        first = await ex.run(COUNTER, sandbox_id="a")
        assert ex.warm is not None
        warm = ex.warm
        await eventually(lambda: "a" not in warm)
        await eventually(lambda: not process_alive(first.value[1]))


async def test_runs_on_one_id_are_serialized(warm: DenoExecutor) -> None:
    values: list[int] = []

    async def one() -> None:
        result = await warm.run(
            "const n = (globalThis.n ?? 0) + 1; globalThis.n = n;"
            "await new Promise((r) => setTimeout(r, 20));"
            "if (globalThis.n !== n) throw new Error('interleaved'); return n",
            sandbox_id="s",
        )
        assert result.ok, result.error
        values.append(result.value)

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(one)
    assert sorted(values) == [1, 2, 3, 4]


async def test_leftover_timers_cannot_reach_the_next_run(warm: DenoExecutor) -> None:
    calls: list[Any] = []

    async def callback(ns: str, tool: str, args: Any) -> Any:
        calls.append(args)
        return 0

    code = "setInterval(() => { console.log('tick'); t.f({late: true}).catch(() => {}); }, 1); return 'set'"
    first = await warm.run(code, sandbox_id="a", tools={"t": ["f"]}, callback=callback)
    assert first.ok
    await anyio.sleep(0.1)
    second = await warm.run("return 'second'", sandbox_id="a", tools={"t": ["f"]}, callback=callback)
    assert second.value == "second"
    assert [entry.message for entry in second.logs if entry.message == "tick"] == []
    assert calls == []


async def test_shutdown_stops_warm_sandboxes() -> None:
    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        result = await ex.run(COUNTER, sandbox_id="a")
    assert not process_alive(result.value[1])
    assert sandbox_pids(children_only=True) == []
    assert sandbox_orphans() == []
