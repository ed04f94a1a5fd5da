"""Pausing a run's wall-clock limit while a tool callback waits for something that is not the guest.

A callback that waits for a person (an approval) should not spend the program's time budget:

```python
from sandbox import wall_clock_paused

async def callback(namespace, tool, args):
    with wall_clock_paused():        # the run's wall-clock limit stops counting here
        await ask_a_person(...)
    return await really_call(namespace, tool, args)
```

Outside a run (or in a callback of another executor) it does nothing. Pauses may overlap (parallel
calls): the clock stops at the first and runs again when the last one ends, with the time that was
left when it stopped. The CPU limit is not paused; a guest awaiting a tool call uses none.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import anyio
from anyio import CancelScope

__all__ = ["wall_clock_paused"]

_CURRENT: ContextVar[_WallClock | None] = ContextVar("sandbox_wall_clock", default=None)


class _WallClock:
    """The wall-clock deadline of one run (its cancel scope), paused while any pause is open."""

    def __init__(self, scope: CancelScope) -> None:
        self._scope = scope
        self._pauses = 0
        self._left = 0.0

    def pause(self) -> None:
        if self._pauses == 0:
            self._left = max(0.0, self._scope.deadline - anyio.current_time())
            self._scope.deadline = math.inf
        self._pauses += 1

    def resume(self) -> None:
        self._pauses -= 1
        if self._pauses == 0:
            self._scope.deadline = anyio.current_time() + self._left


@contextmanager
def wall_clock(scope: CancelScope) -> Iterator[None]:
    """Inside the run: tool callbacks started in here may pause `scope`'s deadline."""
    token = _CURRENT.set(_WallClock(scope))
    try:
        yield
    finally:
        _CURRENT.reset(token)


@contextmanager
def wall_clock_paused() -> Iterator[None]:
    """Stop the current run's wall-clock limit from counting until the block ends."""
    clock = _CURRENT.get()
    if clock is None:
        yield
        return
    clock.pause()
    try:
        yield
    finally:
        clock.resume()
