"""Pre-spawned sandbox processes for one-shot runs, refilled in the background.

A pooled process has started Deno, loaded the harness and answered the handshake; it waits for its
one run. It is never reused: after its run it is killed and a fresh one takes its place. So the
caller skips start-up, and isolation is exactly that of a cold process.

The refill starts when a run that took a process *ends* (`replenish`), not when it starts: on a
two-core machine a Deno start-up (~20 ms of CPU) next to a running guest would slow the run down,
and the point of the pool is that runs do not wait for start-ups. It also waits `SETTLE_S` first:
spawning runs synchronous work on the event loop (a temporary directory, pipes, fork/exec), and
the caller of the run that just ended still has to deliver its result (an HTTP response, say);
measured here, an immediate refill added about 2 ms to every `code` call served over MCP.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable

import anyio

from .process import SandboxProcess

__all__ = ["SETTLE_S", "ProcessPool"]

logger = logging.getLogger(__name__)

Spawn = Callable[[], Awaitable[SandboxProcess]]

SETTLE_S = 0.005
"""How long clean-up and refill wait after a run, so that its caller answers first."""


class ProcessPool:
    """Keeps `size` started processes ready; `take()` hands one out and wakes the refill."""

    def __init__(self, spawn: Spawn, size: int) -> None:
        self.spawn = spawn
        self.size = size
        self._ready: deque[SandboxProcess] = deque()
        self._wanted = anyio.Event()
        self._filled = anyio.Event()
        self._closed = False
        self._dead: list[SandboxProcess] = []
        self.spawned = 0
        """Processes started by the refill so far."""

    def __len__(self) -> int:
        return len(self._ready)

    def pids(self) -> list[int]:
        """Process ids of the processes waiting in the pool."""
        return [proc.pid for proc in self._ready]

    def take(self) -> SandboxProcess | None:
        """A ready process, or None when the pool is empty (the caller then starts one itself)."""
        while self._ready:
            proc = self._ready.popleft()
            if proc.process.returncode is None and not proc.killed:
                return proc
            proc.kill()
            self._dead.append(proc)  # closed (reaped, directory removed) by the refill
            self._wanted.set()
        return None

    def replenish(self) -> None:
        """Wake the refill (call when a run that took a process, or found none, has ended)."""
        self._wanted.set()

    async def refill_forever(self) -> None:
        """Run in the executor's task group until it is cancelled."""
        backoff = 0.1
        while not self._closed:
            while self._dead:
                await self._dead.pop().aclose()
            while len(self._ready) < self.size and not self._closed:
                try:
                    proc = await self.spawn()
                except Exception as exc:
                    logger.warning("could not pre-spawn a sandbox process: %s (retrying)", exc)
                    await anyio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                backoff = 0.1
                self.spawned += 1
                if self.closed:
                    await proc.aclose()
                    return
                self._ready.append(proc)
                self._filled.set()
            self._wanted = anyio.Event()
            if len(self._ready) >= self.size:
                await self._wanted.wait()
                await anyio.sleep(SETTLE_S)

    @property
    def closed(self) -> bool:
        return self._closed

    async def wait_full(self) -> None:
        """Until the pool holds `size` processes (for tests and benchmarks; bound it with a timeout)."""
        while len(self._ready) < self.size:
            self._filled = anyio.Event()
            await self._filled.wait()

    async def aclose(self) -> None:
        """Stop refilling and close every waiting process."""
        self._closed = True
        self._wanted.set()
        while self._ready:
            await self._ready.popleft().aclose()
        while self._dead:
            await self._dead.pop().aclose()
