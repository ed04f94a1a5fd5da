"""Helpers shared by the sandbox tests (imported as `sandbox_helpers`)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from sandbox import DenoExecutor, Limits, RunResult

SCRATCH_PREFIX = os.path.join(tempfile.gettempdir(), "codemode-sandbox-")


async def echo(ns: str, tool: str, args: Any) -> Any:
    """A tool callback that answers with what it was asked."""
    return {"ns": ns, "tool": tool, "args": args}


async def run(executor: DenoExecutor, code: str, **kwargs: Any) -> RunResult:
    kwargs.setdefault("callback", echo)
    kwargs.setdefault("limits", Limits(wall_s=20))
    return await executor.run(code, **kwargs)


def sandbox_orphans() -> list[int]:
    """Sandbox processes still alive although their scratch directory is gone.

    Every sandbox process gets a fresh scratch directory (its cwd and DENO_DIR), deleted only after the
    process group was killed and reaped. A live process whose scratch directory no longer exists has
    outlived its run. Works across concurrent test sessions: it does not care who spawned it.
    """
    orphans = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for var in environ:
            if var.startswith(b"DENO_DIR=" + SCRATCH_PREFIX.encode()):
                root = Path(var.split(b"=", 1)[1].decode()).parent
                if not root.exists():
                    orphans.append(int(entry.name))
    return orphans


def scratch_dirs() -> set[str]:
    """Existing sandbox scratch directories (each belongs to a live sandbox process)."""
    tmp = Path(tempfile.gettempdir())
    return {str(p) for p in tmp.glob("codemode-sandbox-*")}


def sandbox_pids(*, children_only: bool = False) -> list[int]:
    """Live sandbox processes whose scratch directory still exists (runs in progress)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        if children_only and _ppid(entry) != os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for var in environ:
            prefix = b"DENO_DIR=" + SCRATCH_PREFIX.encode()
            scratch_exists = var.startswith(prefix) and Path(var.split(b"=", 1)[1].decode()).parent.exists()
            if scratch_exists and process_alive(int(entry.name)):
                pids.append(int(entry.name))
    return pids


def _ppid(entry: Path) -> int:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def process_environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(var.decode().split("=", 1) for var in raw if b"=" in var)


def process_cwd_entries(pid: int) -> list[str]:
    return sorted(p.name for p in Path(f"/proc/{pid}/cwd").resolve().iterdir())


def process_alive(pid: int) -> bool:
    """True unless the process is gone (a zombie counts as gone: it was killed and waits for reaping)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


async def eventually(predicate: Callable[[], bool]) -> None:
    """Poll state outside our control (the kernel's process table, a background eviction)."""
    with anyio.fail_after(10):
        while not predicate():  # noqa: ASYNC110 - nothing to wait on but the process table
            await anyio.sleep(0.01)
