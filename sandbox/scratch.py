"""Scratch directories of sandbox processes: created per process, removed with it, swept when orphaned.

Each sandbox process gets `TMP/codemode-sandbox-<HOSTPID>-<random>/` (its cwd and its `DENO_DIR`),
deleted when the process is closed. A host that is killed (SIGKILL, OOM killer) cannot delete them,
so a starting executor removes the scratch directories whose host process no longer exists, and only
those: directories of live hosts (other servers, concurrent test sessions) are never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["HELPER_PREFIX", "PREFIX", "make_scratch", "remove_orphaned_scratch", "scratch_owner"]

PREFIX = "codemode-sandbox-"
"""Every sandbox process's scratch directory's name starts with this, then the host's pid and a dash."""
HELPER_PREFIX = "codemode-helper-"
"""The same for trusted helper processes (the type stripper): never counted as sandboxes."""

_NAME = re.compile(r"(?:" + re.escape(PREFIX) + "|" + re.escape(HELPER_PREFIX) + r")(\d+)-[^/]+$")


def make_scratch(prefix: str = PREFIX) -> Path:
    """A new scratch directory owned by this host process."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def scratch_owner(path: Path) -> int | None:
    """The pid of the host process that created `path`, or None when the name has no pid."""
    match = _NAME.match(path.name)
    return int(match.group(1)) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_orphaned_scratch(tmp: Path | None = None) -> list[Path]:
    """Delete scratch directories whose host process is gone; return what was deleted."""
    root = Path(tmp or tempfile.gettempdir())
    removed = []
    for path in [*root.glob(PREFIX + "*"), *root.glob(HELPER_PREFIX + "*")]:
        owner = scratch_owner(path)
        if owner is None or owner == os.getpid() or _alive(owner) or not path.is_dir():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed
