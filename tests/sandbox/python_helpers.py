"""Helpers for the Python-program tests: the installed runtime and an executor that pools Python."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from sandbox import DenoExecutor, Limits, SandboxSettings
from sandbox.deno import find_deno
from sandbox.pyodide_runtime import PyodideRuntime, install_pyodide

PY_LIMITS = Limits(wall_s=60)
"""Generous wall clock: a Python process on a loaded two-core machine can take seconds to start."""


@cache
def pyodide_runtime() -> PyodideRuntime:
    """The runtime in the user's cache, installed on first use (CI installs it before the tests)."""
    return install_pyodide(find_deno(None))


@asynccontextmanager
async def python_executor(pool: int = 2) -> AsyncIterator[DenoExecutor]:
    """An executor that pools Python processes (and no TypeScript ones)."""
    pyodide_runtime()
    async with DenoExecutor(SandboxSettings(pool_size=0, python_pool_size=pool, limits=PY_LIMITS)) as ex:
        yield ex
