"""The store behind the workspace: a small interface, so that SQLite can be swapped for a server database.

Everything a program can do (`searchText`, `replaceInFiles`, `diff`, JSON, globs) is built in
`codemode.sources.workspace.operations` from these few primitives; a backend implements only `Store`. Every
method is synchronous (callers run it in a worker thread), atomic (all or nothing) and durable when it
returns; paths are `WorkspacePath`s, already checked. `SqliteStore` is the one implementation today;
docs/workspace.md says how a server database would implement the same interface for several replicas.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from codemode.sources.workspace.paths import WorkspacePath

__all__ = [
    "MIB",
    "Entry",
    "EntryType",
    "Store",
    "StoreLimits",
    "Usage",
    "WouldWait",
    "format_size",
    "may_wait",
    "without_waiting",
]

MIB = 1024 * 1024

EntryType = Literal["file", "dir"]


def format_size(size: int) -> str:
    """A size as messages show it: `3 MiB` for whole mebibytes, else the exact byte count."""
    return f"{size // MIB:,} MiB" if size and size % MIB == 0 else f"{size:,} bytes"


class WouldWait(Exception):
    """Raised inside `without_waiting()` where the store would have to wait; nothing was changed."""


_no_waiting: ContextVar[bool] = ContextVar("workspace_no_waiting", default=False)


@contextmanager
def without_waiting() -> Iterator[None]:
    """Run store calls that must not wait (on the event loop's thread): where one would wait for a
    lock held by another thread or process, a disk sync, or the network, it raises `WouldWait`
    instead, before changing anything, and the caller runs it again in a worker thread."""
    token = _no_waiting.set(True)
    try:
        yield
    finally:
        _no_waiting.reset(token)


def may_wait() -> bool:
    """False inside `without_waiting()`."""
    return not _no_waiting.get()


class Entry(NamedTuple):
    """One file or directory (a named tuple: walks make thousands of them)."""

    path: WorkspacePath
    """Its absolute path in the workspace."""
    type: EntryType
    """`file` or `dir`."""
    size: int
    """Bytes of content (0 for a directory)."""
    mtime: float
    """Last change, in seconds since the epoch."""


@dataclass(frozen=True)
class StoreLimits:
    """How much one workspace may hold."""

    quota_bytes: int = 1024 * MIB
    """All files' content together (the config's `quota_mib`)."""
    max_file_bytes: int = 100 * MIB
    """One file (the config's `max_file_mib`)."""

    def __post_init__(self) -> None:
        if self.quota_bytes < 1 or self.max_file_bytes < 1:
            raise ValueError("workspace quota_mib and max_file_mib must be positive")


@dataclass(frozen=True)
class Usage:
    """What a workspace holds, against its limits."""

    bytes: int
    """Bytes of file content."""
    files: int
    """Number of files."""
    limits: StoreLimits
    """The limits in force."""


class Store(Protocol):
    """Files and directories by absolute path. Raises `WorkspaceError` for every refusal.

    Inside `without_waiting()`, a method raises `WouldWait` (having changed nothing) rather than wait
    on a lock, a disk sync or the network; a store that always needs one of those (a server
    database) raises it at once, and every call then runs in a worker thread."""

    limits: StoreLimits
    """The quota and file size limit this store enforces."""

    def stat(self, path: WorkspacePath) -> Entry | None:
        """The entry at `path`, or None."""

    def read(self, path: WorkspacePath) -> bytes:
        """A file's content (ENOENT, EISDIR)."""

    def write(self, path: WorkspacePath, data: bytes, *, append: bool = False) -> Entry:
        """Create or replace (or append to) a file, creating missing parent directories."""

    def write_many(self, files: Sequence[tuple[WorkspacePath, bytes]]) -> None:
        """Replace several files in one transaction: all are written or none (quota counted once)."""

    def mkdir(self, path: WorkspacePath, *, recursive: bool) -> None:
        """Create a directory (EEXIST unless `recursive`; ENOENT for a missing parent unless `recursive`)."""

    def list_dir(self, path: WorkspacePath) -> list[Entry]:
        """The children of a directory, sorted by name (ENOENT, ENOTDIR)."""

    def walk(self, path: WorkspacePath) -> list[Entry]:
        """Every file at or below `path`, sorted by path (empty when there is none)."""

    def find_files(
        self, base: WorkspacePath, pattern: str = "*", *, children_of: WorkspacePath | None = None
    ) -> list[WorkspacePath]:
        """The paths of the files at or below `base`, sorted, that match `pattern` in SQLite's `GLOB`
        syntax (`*` any characters, `/` included; `?` one; `[...]`, `[^...]` classes; case-sensitive)
        and, with `children_of`, are directly in that directory. A backend without `GLOB` translates
        it (to `LIKE`, `SIMILAR TO`, a regular expression): callers rely on it being exact."""

    def iter_files(self, paths: Sequence[WorkspacePath]) -> Iterator[tuple[Entry, bytes]]:
        """The content of each of `paths` that is still a file, in order, read in small batches."""

    def remove(self, path: WorkspacePath, *, recursive: bool) -> None:
        """Remove a file or directory (ENOTEMPTY for a non-empty directory unless `recursive`)."""

    def copy(self, source: WorkspacePath, target: WorkspacePath, *, recursive: bool) -> None:
        """Copy a file (replacing a file at `target`) or, with `recursive`, a directory to a new path."""

    def move(self, source: WorkspacePath, target: WorkspacePath) -> None:
        """Rename a file (replacing a file at `target`) or a directory (to a new path)."""

    def usage(self) -> Usage:
        """Bytes and files held."""

    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""
