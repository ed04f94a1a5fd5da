"""`DenoExecutor`: run guest code in a fresh hardened Deno process, against a tool callback.

```python
async with DenoExecutor(SandboxSettings()) as executor:
    result = await executor.run("return await github.create_issue({title: 'x'})",
                                tools={"github": ["create_issue"]}, callback=callback)
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import anyio

from .deno import deno_version, find_deno
from .errors import SettingsError
from .limits import Limits
from .process import SandboxProcess
from .result import RunResult
from .run import LogCallback, RunRequest, SandboxRun, ToolCallback
from .settings import SandboxSettings
from .source import candidates

__all__ = ["DenoExecutor", "Executor"]

_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
_RESERVED = frozenset({"console", "Deno", "globalThis", "JSON", "Promise", "Object", "Error", "fetch"})
"""Globals the harness relies on or the guest needs; a namespace may not replace them."""


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
    """Runs each piece of guest code in its own hardened Deno process."""

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self.deno: Path | None = None
        """The Deno binary, resolved and version-checked on entry."""

    async def __aenter__(self) -> Self:
        deno = find_deno(self.settings.deno_path)
        if self.settings.check_version:
            await anyio.to_thread.run_sync(deno_version, deno)
        self.deno = deno
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.deno = None

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
        if self.deno is None:
            raise RuntimeError("use `async with DenoExecutor(...) as executor:` before run()")
        if sandbox_id is not None:
            raise NotImplementedError("warm sandboxes by id (sandbox_id=...) are not built yet")
        limits = limits or self.settings.limits
        tools = tools or {}
        _check_names(tools, globals)
        request = RunRequest(
            candidates=candidates(code),
            tools=tools,
            globals=tuple(globals),
            limits=limits,
            callback=callback,
            on_log=on_log,
            outbound=self.settings.outbound,
        )
        process = await SandboxProcess.start(
            self.deno,
            heap_mib=limits.memory_mib,
            frame_bytes=limits.frame_bytes,
            fetch=self.settings.outbound is not None,
        )
        try:
            return await SandboxRun(process, request).execute()
        finally:
            await process.aclose()


def _check_names(tools: Mapping[str, Sequence[str]], globals: Sequence[str]) -> None:
    for ns in [*tools, *globals]:
        if ns in _RESERVED:
            raise SettingsError(f"namespace or global {ns!r} would hide the built-in {ns}; rename it")
    for ns, names in tools.items():
        if not _IDENTIFIER.match(ns):
            raise SettingsError(f"namespace {ns!r} is not a JavaScript identifier (sanitize it first)")
        for name in names:
            if not _IDENTIFIER.match(name):
                raise SettingsError(f"tool {ns}.{name!r} is not a JavaScript identifier (sanitize it first)")
    for name in globals:
        if not _IDENTIFIER.match(name):
            raise SettingsError(f"global function {name!r} is not a JavaScript identifier")
