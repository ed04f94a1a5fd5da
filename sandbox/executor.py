"""`DenoExecutor`: run guest code in hardened Deno processes, against a tool callback.

```python
async with DenoExecutor(SandboxSettings()) as executor:
    result = await executor.run("return await github.create_issue({title: 'x'})",
                                tools={"github": ["create_issue"]}, callback=callback)
```

Three ways to get a process, one hardening:
- one-shot (`sandbox_id=None`): a fresh process per run, taken from the pre-spawned pool when one
  with the right heap size is ready, else started on the spot; killed after its run, never reused;
- warm (`sandbox_id="..."`): the id's kept-alive process (sandbox/warm.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import anyio
from anyio.abc import TaskGroup

from .deno import deno_version, find_deno
from .limits import Limits
from .names import check_names
from .pool import SETTLE_S, ProcessPool
from .process import SandboxProcess
from .request import LogCallback, RunRequest, ToolCallback
from .result import RunResult
from .run import SandboxRun
from .scratch import remove_orphaned_scratch
from .settings import SandboxSettings
from .source import candidates
from .warm import WarmSandboxes

__all__ = ["DenoExecutor", "Executor"]


class Executor(Protocol):
    """What the engine needs from a sandbox."""

    async def run(
        self,
        code: str,
        *,
        tools: Mapping[str, Sequence[str]] | None = None,
        callback: ToolCallback | None = None,
        globals: Sequence[str] = (),
        limits: Limits | None = None,
        on_log: LogCallback | None = None,
        sandbox_id: str | None = None,
    ) -> RunResult: ...


class DenoExecutor:
    """Runs guest code in hardened Deno processes: pooled one-shot, or warm by id."""

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self.deno: Path | None = None
        """The Deno binary, resolved and version-checked on entry."""
        self.pool: ProcessPool | None = None
        """The pre-spawned processes for one-shot runs (None outside `async with`)."""
        self.warm: WarmSandboxes | None = None
        """The warm sandboxes by id (None outside `async with`)."""
        self._stack: AsyncExitStack | None = None
        self._tg: TaskGroup | None = None
        self._loops: list[anyio.CancelScope] = []

    async def __aenter__(self) -> Self:
        deno = find_deno(self.settings.deno_path)
        await anyio.to_thread.run_sync(remove_orphaned_scratch)  # left by hosts that were killed
        if self.settings.check_version:
            await anyio.to_thread.run_sync(deno_version, deno)
        self.deno = deno
        async with AsyncExitStack() as stack:
            self._tg = await stack.enter_async_context(anyio.create_task_group())
            stack.push_async_callback(self._shutdown)
            self.pool = ProcessPool(self._spawn_default, self.settings.pool_size)
            self.warm = WarmSandboxes(
                self._spawn_for, max_count=self.settings.warm_max, idle_s=self.settings.warm_idle_s
            )
            if self.settings.pool_size:
                self._tg.start_soon(self._background_loop, self.pool.refill_forever)
            self._tg.start_soon(self._background_loop, self.warm.reap_forever)
            self._stack = stack.pop_all()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.__aexit__(exc_type, exc, tb)
        self.deno = None

    async def _background_loop(self, loop: Callable[[], Awaitable[None]]) -> None:
        with anyio.CancelScope() as scope:
            self._loops.append(scope)
            await loop()

    async def _shutdown(self) -> None:
        """Stop the refill and the idle reaper, drain the pool, stop warm sandboxes. The task group then
        waits for the background clean-ups of finished one-shot runs: no process or directory survives."""
        for scope in self._loops:
            scope.cancel()
        with anyio.CancelScope(shield=True):
            if self.pool is not None:
                await self.pool.aclose()
            if self.warm is not None:
                await self.warm.aclose()

    async def run(
        self,
        code: str,
        *,
        tools: Mapping[str, Sequence[str]] | None = None,
        callback: ToolCallback | None = None,
        globals: Sequence[str] = (),
        limits: Limits | None = None,
        on_log: LogCallback | None = None,
        sandbox_id: str | None = None,
    ) -> RunResult:
        """Run `code` once; guest failures are in the result, infrastructure failures raise."""
        if self.deno is None or self.pool is None or self.warm is None:
            raise RuntimeError("use `async with DenoExecutor(...) as executor:` before run()")
        limits = limits or self.settings.limits
        tools = tools or {}
        check_names(tools, globals)
        request = RunRequest(
            candidates=candidates(code),
            tools=tools,
            globals=tuple(globals),
            limits=limits,
            callback=callback,
            on_log=on_log,
            outbound=self.settings.outbound,
        )
        if sandbox_id is not None:
            return await self.warm.run(sandbox_id, request)
        pool = self.pool
        proc = pool.take() if limits.memory_mib == self.settings.limits.memory_mib else None
        try:
            if proc is None:
                proc = await self._spawn_for(request)
            result = await SandboxRun(proc, request).execute()
        except BaseException:
            if proc is not None:
                await proc.aclose()
            raise
        finally:
            pool.replenish()
        proc.kill()  # never reused; reaping and cleanup happen off the caller's path
        assert self._tg is not None
        self._tg.start_soon(_settled, proc.aclose)
        return result

    async def _spawn_default(self) -> SandboxProcess:
        return await self._spawn(self.settings.limits.memory_mib)

    async def _spawn_for(self, request: RunRequest) -> SandboxProcess:
        return await self._spawn(request.limits.memory_mib)

    async def _spawn(self, heap_mib: int) -> SandboxProcess:
        assert self.deno is not None
        return await SandboxProcess.start(
            self.deno,
            heap_mib=heap_mib,
            frame_bytes=self.settings.limits.frame_bytes,
            fetch=self.settings.outbound is not None,
        )


async def _settled(cleanup: Callable[[], Awaitable[None]]) -> None:
    """Run `cleanup` once the caller of the run that just ended has had `SETTLE_S` to answer."""
    try:
        await anyio.sleep(SETTLE_S)
    finally:  # also when the executor is cancelled meanwhile: the process and its directory go
        with anyio.CancelScope(shield=True):
            await cleanup()
