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

Two languages, one bridge: `run(code, language="python")` runs a Python program in Pyodide inside
the same kind of process (same flags but read access to the Pyodide runtime, revoked before the
program exists; see pyodide_runtime.py), with the same limits and host-side checks. Python
processes have their own pool (`SandboxSettings.python_pool_size`, 0 by default), so TypeScript-only
use starts nothing for Python.
"""

from __future__ import annotations

import keyword
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import anyio
from anyio.abc import TaskGroup

from .blank_types import TypeBlanker
from .deno import deno_version, find_deno
from .errors import SettingsError
from .limits import Limits
from .names import check_names
from .pool import SETTLE_S, ProcessPool
from .process import SandboxProcess
from .pyodide_runtime import PyodideRuntime, require_pyodide
from .request import Language, LogCallback, RunRequest, ToolCallback
from .result import RunResult
from .run import SandboxRun
from .scratch import remove_orphaned_scratch
from .settings import SandboxSettings
from .source import candidates
from .strip import TypeStripper
from .warm import WarmSandboxes

__all__ = ["DenoExecutor", "Executor"]

_PY_RESERVED = frozenset({"ToolError", "print", "open", "len", "str", "dict", "list", "int", "float"})
"""Python names a namespace may not hide: the program's `ToolError` and the most used built-ins."""


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
        language: Language = "typescript",
    ) -> RunResult: ...


class DenoExecutor:
    """Runs guest code in hardened Deno processes: pooled one-shot, or warm by id."""

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self.deno: Path | None = None
        """The Deno binary, resolved and version-checked on entry."""
        self.pool: ProcessPool | None = None
        """The pre-spawned processes for one-shot runs (None outside `async with`)."""
        self.python_pool: ProcessPool | None = None
        """The pre-spawned Python processes (None outside `async with`; size 0 unless configured)."""
        self.pyodide: PyodideRuntime | None = None
        """The Pyodide runtime, found on entry when Python is pooled, else on the first Python run."""
        self.warm: WarmSandboxes | None = None
        """The warm sandboxes by id (None outside `async with`)."""
        self.stripper: TypeStripper | None = None
        """Strips types off typed programs for the harness (started on the first; sandbox/strip.py)."""
        self.blanker = TypeBlanker()
        """Blanks types in this process first, when it can (sandbox/blank_types.py); only with a stripper."""
        self._stack: AsyncExitStack | None = None
        self._tg: TaskGroup | None = None
        self._loops: list[anyio.CancelScope] = []
        self._shutting_down = False

    async def __aenter__(self) -> Self:
        self._shutting_down = False
        deno = find_deno(self.settings.deno_path)
        await anyio.to_thread.run_sync(remove_orphaned_scratch)  # left by hosts that were killed
        if self.settings.check_version:
            await anyio.to_thread.run_sync(deno_version, deno)
        self.deno = deno
        async with AsyncExitStack() as stack:
            self._tg = await stack.enter_async_context(anyio.create_task_group())
            stack.push_async_callback(self._shutdown)
            if self.settings.strip_types:
                self.stripper = TypeStripper(deno, self._start_background)
            self.pool = ProcessPool(self._spawn_default, self.settings.pool_size)
            self.python_pool = ProcessPool(self._spawn_default_python, self.settings.python_pool_size)
            if self.settings.python_pool_size:
                self.pyodide = require_pyodide(self.settings.pyodide_cache)
                self._tg.start_soon(self._background_loop, self.python_pool.refill_forever)
            self.warm = WarmSandboxes(
                self._spawn_for, max_count=self.settings.warm_max, idle_s=self.settings.warm_idle_s
            )
            if self.settings.pool_size:
                self._tg.start_soon(self._background_loop, self.pool.refill_forever)
                if self.stripper is not None:  # a pooled executor is a server's: ready before the first run
                    self.stripper.start()
                    self.blanker.start()
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

    def _start_background(self, loop: Callable[[], Awaitable[None]]) -> None:
        assert self._tg is not None
        self._tg.start_soon(self._background_loop, loop)

    async def _background_loop(self, loop: Callable[[], Awaitable[None]]) -> None:
        with anyio.CancelScope() as scope:
            self._loops.append(scope)
            if self._shutting_down:  # the executor closed before this task got to run
                return
            await loop()

    async def _shutdown(self) -> None:
        """Stop the refill and the idle reaper, drain the pool, stop warm sandboxes. The task group then
        waits for the background clean-ups of finished one-shot runs: no process or directory survives."""
        self._shutting_down = True
        for scope in self._loops:
            scope.cancel()
        if self.stripper is not None:
            self.stripper.close()
        with anyio.CancelScope(shield=True):
            for pool in (self.pool, self.python_pool):
                if pool is not None:
                    await pool.aclose()
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
        language: Language = "typescript",
    ) -> RunResult:
        """Run `code` once; guest failures are in the result, infrastructure failures raise.

        `language="python"` runs it as a Python program (raises `PyodideMissingError` when the
        runtime is not installed: install it first, never while a program waits)."""
        if self.deno is None or self.pool is None or self.python_pool is None or self.warm is None:
            raise RuntimeError("use `async with DenoExecutor(...) as executor:` before run()")
        if language not in ("typescript", "python"):
            raise SettingsError(f"language must be 'typescript' or 'python', got {language!r}")
        limits = limits or self.settings.limits
        tools = tools or {}
        check_names(tools, globals)
        python = language == "python"
        if python:
            _check_python_names(tools, globals)
            if self.pyodide is None:
                self.pyodide = require_pyodide(self.settings.pyodide_cache)
        request = RunRequest(
            candidates=() if python else candidates(code),
            tools=tools,
            globals=tuple(globals),
            limits=limits,
            callback=callback,
            on_log=on_log,
            outbound=self.settings.outbound,
            language=language,
            source=code if python else "",
            strip_types=None if python or self.stripper is None else self.stripper.strip,
            blank_types=None if python or self.stripper is None else self.blanker.blank,
        )
        if sandbox_id is not None:
            return await self.warm.run(sandbox_id, request)
        pool = self.python_pool if python else self.pool
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

    async def _spawn_default_python(self) -> SandboxProcess:
        return await self._spawn(self.settings.limits.memory_mib, python=True)

    async def _spawn_for(self, request: RunRequest) -> SandboxProcess:
        return await self._spawn(request.limits.memory_mib, python=request.language == "python")

    async def _spawn(self, heap_mib: int, *, python: bool = False) -> SandboxProcess:
        assert self.deno is not None
        return await SandboxProcess.start(
            self.deno,
            heap_mib=heap_mib,
            frame_bytes=self.settings.limits.frame_bytes,
            fetch=self.settings.outbound is not None,
            python=self.pyodide if python else None,
        )


def _check_python_names(tools: Mapping[str, Sequence[str]], globals: Sequence[str]) -> None:
    """Python programs also need names that are Python identifiers, and globals (namespaces
    included) that leave `ToolError` and the built-ins alone; a tool is an attribute, so `ns.list`
    is fine."""
    names = [(name, True) for name in [*tools, *globals]]
    names += [(name, False) for listed in tools.values() for name in listed]
    for name, is_global in names:
        if not name.isidentifier() or keyword.iskeyword(name) or (is_global and name in _PY_RESERVED):
            raise SettingsError(
                f"{name!r} cannot be a Python namespace, tool or global name "
                "(use tool_schemas.python_identifier for Python programs)"
            )


async def _settled(cleanup: Callable[[], Awaitable[None]]) -> None:
    """Run `cleanup` once the caller of the run that just ended has had `SETTLE_S` to answer."""
    try:
        await anyio.sleep(SETTLE_S)
    finally:  # also when the executor is cancelled meanwhile: the process and its directory go
        with anyio.CancelScope(shield=True):
            await cleanup()
