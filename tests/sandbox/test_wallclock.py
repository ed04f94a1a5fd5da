"""`wall_clock_paused()`: a tool callback waiting for a person does not spend the run's wall clock."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from sandbox import DenoExecutor, Limits, wall_clock_paused

pytestmark = pytest.mark.anyio

WALL = Limits(wall_s=1.0)
WAIT_S = 2.0
"""Longer than the whole wall-clock limit: only a paused clock lets the run finish."""
CALL = "return await t.wait()"


async def test_a_paused_wait_longer_than_the_limit_does_not_end_the_run(executor: DenoExecutor) -> None:
    async def callback(namespace: str, tool: str, args: Any) -> Any:
        with wall_clock_paused():
            await anyio.sleep(WAIT_S)
        return "approved"

    result = await executor.run(
        "return await t.wait()", tools={"t": ["wait"]}, callback=callback, limits=WALL
    )
    assert result.ok, result.error
    assert result.value == "approved"
    assert result.stats.wall_ms >= WAIT_S * 1000


async def test_the_same_wait_unpaused_hits_the_limit(executor: DenoExecutor) -> None:
    async def callback(namespace: str, tool: str, args: Any) -> Any:
        await anyio.sleep(WAIT_S)
        return "approved"

    result = await executor.run(
        "return await t.wait()", tools={"t": ["wait"]}, callback=callback, limits=WALL
    )
    assert not result.ok
    assert result.error is not None and result.error.limit == "wall_s"


async def test_overlapping_pauses_keep_the_clock_stopped_until_the_last_ends(executor: DenoExecutor) -> None:
    first_done = anyio.Event()

    async def callback(namespace: str, tool: str, args: Any) -> Any:
        with wall_clock_paused():
            if tool == "short":
                await anyio.sleep(0.2)
                first_done.set()
            else:
                await first_done.wait()
                await anyio.sleep(WAIT_S)
        return tool

    code = "return await Promise.all([t.short(), t.long()])"
    result = await executor.run(code, tools={"t": ["short", "long"]}, callback=callback, limits=WALL)
    assert result.ok, result.error
    assert result.value == ["short", "long"]


async def test_the_limit_counts_again_after_the_pause(executor: DenoExecutor) -> None:
    async def callback(namespace: str, tool: str, args: Any) -> Any:
        with wall_clock_paused():
            await anyio.sleep(0.1)
        return None

    result = await executor.run(
        "await t.wait(); await new Promise(() => {})", tools={"t": ["wait"]}, callback=callback, limits=WALL
    )
    assert not result.ok
    assert result.error is not None and result.error.limit == "wall_s"


def test_outside_a_run_it_does_nothing() -> None:
    with wall_clock_paused():
        pass
