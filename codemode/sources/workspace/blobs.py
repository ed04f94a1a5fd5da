"""Large files as blob files beside the database, each written atomically before its row commits.

A blob is written to a temporary file, flushed and fsynced, renamed to its final, never reused name
(`blobs/ab/ab12...`), and the directory is fsynced; only then does the store commit the row that
points at it. A crash in between leaves an unreferenced blob, never a partial file that a row points
at; `sweep` removes such leftovers once they are old enough that no other process can still be about
to commit them. A replaced or removed blob is deleted after the transaction that dropped it commits.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from codemode.sources.workspace.store import WouldWait, may_wait

__all__ = ["BlobDir"]

_TEMP_PREFIX = ".tmp-"
_SWEEP_AGE_S = 600.0
"""Unreferenced blobs younger than this may belong to a write in progress in another process."""


class BlobDir:
    """The `blobs/` directory of one workspace."""

    def __init__(self, root: Path) -> None:
        self.root = root
        """The directory holding the blob files (created on first write)."""

    def write(self, data: bytes) -> str:
        """Store `data` durably under a new name and return the name (`WouldWait` when waiting for
        the disk is not allowed: it fsyncs)."""
        if not may_wait():
            raise WouldWait
        name = uuid.uuid4().hex
        shard = self.root / name[:2]
        shard.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = shard / f"{_TEMP_PREFIX}{name}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            temp.unlink(missing_ok=True)
            raise
        os.close(fd)
        os.replace(temp, shard / name)
        _fsync_dir(shard)
        return name

    def read(self, name: str) -> bytes:
        """The content of blob `name`; FileNotFoundError when it was deleted meanwhile."""
        return self._path(name).read_bytes()

    def delete(self, names: Iterable[str]) -> None:
        """Delete blobs no row points at any more (missing ones are ignored)."""
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                self._path(name).unlink()

    def sweep(self, referenced: set[str]) -> int:
        """Delete old blobs and temporary files no row points at; return how many."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - _SWEEP_AGE_S
        removed = 0
        for shard in self.root.iterdir():
            if not shard.is_dir():
                continue
            for item in shard.iterdir():
                name = item.name.removeprefix(_TEMP_PREFIX)
                if name in referenced and not item.name.startswith(_TEMP_PREFIX):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if item.stat().st_mtime < cutoff:
                        item.unlink()
                        removed += 1
        return removed

    def _path(self, name: str) -> Path:
        if len(name) != 32 or not all(char in "0123456789abcdef" for char in name):
            raise ValueError(f"not a blob name: {name!r}")
        return self.root / name[:2] / name


def _fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
