"""Warm sandboxes by id: one kept-alive process per id, so module state persists between its runs.

Each id has its own process (one id never sees another's globals), its runs are serialized, and every
run gets the same limits and hardening as a one-shot run. Evicted least-recently-used beyond
`SandboxSettings.warm_max`, and after `SandboxSettings.warm_idle_s` without a run. A run that breaks
a limit, kills the process or breaks the bridge forgets the id: the next run starts fresh.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import anyio

from .process import SandboxProcess
from .request import RunRequest
from .result import RunResult
from .run import SandboxRun

__all__ = ["WarmSandboxes"]

logger = logging.getLogger(__name__)

SpawnFor = Callable[[RunRequest], Awaitable[SandboxProcess]]


class _Entry:
    def __init__(self) -> None:
        self.proc: SandboxProcess | None = None
        self.lock = anyio.Lock()
        self.last_used = time.monotonic()
        self.closed = False


class WarmSandboxes:
    """The warm processes by id, with LRU and idle eviction."""

    def __init__(self, spawn: SpawnFor, *, max_count: int, idle_s: float) -> None:
        self.spawn = spawn
        self.max_count = max_count
        self.idle_s = idle_s
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __contains__(self, sandbox_id: str) -> bool:
        entry = self._entries.get(sandbox_id)
        return entry is not None and entry.proc is not None

    def __len__(self) -> int:
        return len(self._entries)

    async def run(self, sandbox_id: str, request: RunRequest) -> RunResult:
        """Run on the id's process, starting it first when the id is new (or was forgotten)."""
        while True:
            entry = self._entries.get(sandbox_id)
            if entry is None:
                entry = _Entry()
                self._entries[sandbox_id] = entry
                await self._evict_lru()
            if sandbox_id in self._entries:
                self._entries.move_to_end(sandbox_id)
            async with entry.lock:
                if entry.closed:
                    continue  # evicted while we waited; start over with a fresh entry
                return await self._run_locked(sandbox_id, entry, request)

    async def _run_locked(self, sandbox_id: str, entry: _Entry, request: RunRequest) -> RunResult:
        proc = entry.proc
        if proc is not None and proc.language != request.language:
            await proc.aclose()  # the id switched language: its state cannot carry over
            entry.proc = proc = None
        if proc is None or proc.killed or proc.process.returncode is not None:
            if proc is not None:
                await proc.aclose()
            entry.proc = proc = await self.spawn(request)
        try:
            result = await SandboxRun(proc, request).execute()
        except BaseException:
            await self._forget(sandbox_id, entry)  # cancelled mid-run: its state is unknown
            raise
        entry.last_used = time.monotonic()
        broken = proc.killed or proc.process.returncode is not None
        if broken or (result.error is not None and result.error.limit is not None):
            await self._forget(sandbox_id, entry)
        return result

    async def _forget(self, sandbox_id: str, entry: _Entry) -> None:
        entry.closed = True
        if self._entries.get(sandbox_id) is entry:
            del self._entries[sandbox_id]
        if entry.proc is not None:
            proc, entry.proc = entry.proc, None
            await proc.aclose()

    async def _evict_lru(self) -> None:
        for sandbox_id, entry in list(self._entries.items()):
            if len(self._entries) <= self.max_count:
                return
            if not entry.lock.locked():
                logger.debug("evicting warm sandbox %r (least recently used)", sandbox_id)
                await self._forget(sandbox_id, entry)

    async def reap_forever(self) -> None:
        """Stop sandboxes idle for longer than `idle_s`; runs until cancelled."""
        while True:
            await anyio.sleep(min(1.0, self.idle_s / 2))
            now = time.monotonic()
            for sandbox_id, entry in list(self._entries.items()):
                if not entry.lock.locked() and now - entry.last_used > self.idle_s:
                    logger.debug("evicting warm sandbox %r (idle)", sandbox_id)
                    await self._forget(sandbox_id, entry)

    async def aclose(self) -> None:
        for sandbox_id, entry in list(self._entries.items()):
            await self._forget(sandbox_id, entry)
