"""One-shot runs from a pool of pre-spawned processes: never reused, refilled, drained, no orphans."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import pytest
from sandbox_helpers import eventually, process_alive, sandbox_orphans, sandbox_pids

from sandbox import DenoExecutor, Limits, SandboxSettings

pytestmark = pytest.mark.anyio


@pytest.fixture
async def pooled() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=2)) as ex:
        assert ex.pool is not None
        with anyio.fail_after(30):
            await ex.pool.wait_full()
        yield ex


async def test_runs_use_pre_spawned_processes_and_never_reuse_them(pooled: DenoExecutor) -> None:
    assert pooled.pool is not None
    waiting = set(sandbox_pids(children_only=True))
    assert len(waiting) == 2
    first = await pooled.run("return Deno.pid")
    second = await pooled.run("return Deno.pid")
    assert first.ok and second.ok, (first.error, second.error)
    assert first.value in waiting and second.value in waiting, "both runs took a pre-spawned process"
    assert first.value != second.value, "a process is never used for a second one-shot run"
    await eventually(lambda: not process_alive(first.value) and not process_alive(second.value))


async def test_the_pool_refills_in_the_background(pooled: DenoExecutor) -> None:
    assert pooled.pool is not None
    spawned = pooled.pool.spawned
    for _ in range(3):
        assert (await pooled.run("return 1")).value == 1
        with anyio.fail_after(30):
            await pooled.pool.wait_full()
        assert len(pooled.pool) == 2
    assert pooled.pool.spawned == spawned + 3, "one replacement per run taken from the pool"


async def test_concurrent_runs_beyond_the_pool_start_their_own(pooled: DenoExecutor) -> None:
    results = []

    async def one(i: int) -> None:
        results.append(await pooled.run(f"return {i}"))

    async with anyio.create_task_group() as tg:
        for i in range(5):
            tg.start_soon(one, i)
    assert sorted(r.value for r in results) == [0, 1, 2, 3, 4]


async def test_a_different_heap_size_bypasses_the_pool(pooled: DenoExecutor) -> None:
    waiting = set(sandbox_pids(children_only=True))
    result = await pooled.run("return Deno.pid", limits=Limits(memory_mib=128))
    assert result.ok
    assert result.value not in waiting


async def test_shutdown_drains_the_pool() -> None:
    async with DenoExecutor(SandboxSettings(pool_size=2)) as ex:
        assert ex.pool is not None
        with anyio.fail_after(30):
            await ex.pool.wait_full()
        pids = sandbox_pids(children_only=True)
        assert len(pids) == 2
    assert [pid for pid in pids if process_alive(pid)] == []
    assert sandbox_pids(children_only=True) == []
    assert sandbox_orphans() == []


async def test_leaving_right_after_runs_cleans_up_everything() -> None:
    async with DenoExecutor(SandboxSettings(pool_size=2)) as ex:
        results = [await ex.run("return Deno.cwd()") for _ in range(4)]
    scratch = [anyio.Path(r.value).parent for r in results]
    assert [await path.exists() for path in scratch] == [False] * 4
    assert sandbox_pids(children_only=True) == []
