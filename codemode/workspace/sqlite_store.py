"""`SqliteStore`: the workspace in one SQLite database (WAL) plus a directory of blob files.

```
<dir>/workspace.db (+ -wal, -shm)   one row per file and directory; content inline up to 1 MiB
<dir>/blobs/ab/ab12...              larger files, one never-reused file each (see `blobs`)
```

Connection strategy: one connection per store object, used by one thread at a time (a lock), so
concurrent programs in one process take turns; other processes open their own store on the same
directory and SQLite's file locks order them. Every change is one `BEGIN IMMEDIATE` transaction (the
write lock is taken first, so two writers queue instead of failing on an upgrade) with
`synchronous=FULL`: when a method returns, its change is on disk. Reads see one consistent snapshot;
WAL lets them run while another process writes. A writer waits up to `busy_timeout_s` for the lock,
then fails with EBUSY. The bytes held are kept in a `meta` row updated in the same transaction as the
change, so the quota check never races another writer.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemode.workspace.blobs import BlobDir
from codemode.workspace.errors import WorkspaceError
from codemode.workspace.paths import ROOT, WorkspacePath, ancestors, is_within, parent_of
from codemode.workspace.store import MIB, Entry, EntryType, StoreLimits, Usage

__all__ = ["DB_NAME", "INLINE_MAX_BYTES", "SqliteStore"]

DB_NAME = "workspace.db"
INLINE_MAX_BYTES = MIB
"""Files up to this size live in the database row; larger ones are blob files."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    path TEXT NOT NULL UNIQUE,
    parent TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('file', 'dir')),
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    blob TEXT,
    data BLOB
);
CREATE INDEX IF NOT EXISTS entries_parent ON entries (parent);
CREATE INDEX IF NOT EXISTS entries_blob ON entries (blob) WHERE blob IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
_BATCH = 64


@dataclass(frozen=True)
class _Row:
    type: EntryType
    size: int
    blob: str | None


@dataclass
class _Transaction:
    db: sqlite3.Connection
    garbage: list[str] = field(default_factory=list)
    """Blobs to delete once the transaction commits."""
    created: list[str] = field(default_factory=list)
    """Blobs to delete if it rolls back."""

    def row(self, path: WorkspacePath) -> _Row | None:
        found = self.db.execute("SELECT type, size, blob FROM entries WHERE path = ?", (path,)).fetchone()
        return None if found is None else _Row(found[0], found[1], found[2])


class SqliteStore:
    """The `Store` of one workspace directory; safe for threads of one process and for several processes."""

    def __init__(
        self,
        directory: str | Path,
        limits: StoreLimits | None = None,
        *,
        busy_timeout_s: float = 30.0,
        inline_max_bytes: int = INLINE_MAX_BYTES,
    ) -> None:
        self.directory = Path(directory)
        """The workspace directory."""
        self.limits = limits or StoreLimits()
        self._inline_max = inline_max_bytes
        self._busy_timeout_s = busy_timeout_s
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._blobs = BlobDir(self.directory / "blobs")
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = sqlite3.connect(
            self.directory / DB_NAME,
            timeout=busy_timeout_s,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            self._setup()
        except BaseException:
            self.close()
            raise

    def _setup(self) -> None:
        db = self._connection()
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        with self._transaction() as tx:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                tx.db.execute(statement)
            tx.db.execute(
                "INSERT OR IGNORE INTO entries (path, parent, type, size, mtime) "
                "VALUES ('/', '/', 'dir', 0, ?)",
                (time.time(),),
            )
            tx.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('used_bytes', 0)")
            referenced = {
                name for (name,) in tx.db.execute("SELECT blob FROM entries WHERE blob IS NOT NULL")
            }
        self._blobs.sweep(referenced)

    # -- reading ---------------------------------------------------------------------------------

    def stat(self, path: WorkspacePath) -> Entry | None:
        with self._lock:
            found = (
                self._connection()
                .execute("SELECT type, size, mtime FROM entries WHERE path = ?", (path,))
                .fetchone()
            )
        return None if found is None else Entry(path, found[0], found[1], found[2])

    def read(self, path: WorkspacePath) -> bytes:
        for _ in range(5):
            with self._lock:
                found = (
                    self._connection()
                    .execute("SELECT type, blob, data FROM entries WHERE path = ?", (path,))
                    .fetchone()
                )
            if found is None:
                raise _missing(path)
            kind, blob, data = found
            if kind == "dir":
                raise WorkspaceError("EISDIR", path, "is a directory; readdir lists what is in it")
            if blob is None:
                return bytes(data or b"")
            try:
                return self._blobs.read(blob)
            except FileNotFoundError:
                continue  # replaced by another writer between the row and the file: read again
        raise WorkspaceError("EBUSY", path, "kept changing while being read; try again")

    def list_dir(self, path: WorkspacePath) -> list[Entry]:
        with self._transaction(write=False) as tx:
            row = tx.row(path)
            if row is None:
                raise _missing(path)
            if row.type != "dir":
                raise WorkspaceError("ENOTDIR", path, "is a file, not a directory")
            rows = tx.db.execute(
                "SELECT path, type, size, mtime FROM entries WHERE parent = ? AND path != '/' ORDER BY path",
                (path,),
            ).fetchall()
        return [Entry(WorkspacePath(p), kind, size, mtime) for p, kind, size, mtime in rows]

    def walk(self, path: WorkspacePath) -> list[Entry]:
        where, params = _subtree(path)
        with self._lock:
            rows = (
                self._connection()
                .execute(
                    f"SELECT path, size, mtime FROM entries WHERE type = 'file' AND ({where}) ORDER BY path",
                    params,
                )
                .fetchall()
            )
        return [Entry(WorkspacePath(p), "file", size, mtime) for p, size, mtime in rows]

    def iter_files(self, paths: Sequence[WorkspacePath]) -> Iterator[tuple[Entry, bytes]]:
        for start in range(0, len(paths), _BATCH):
            batch = paths[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            with self._lock:
                rows = (
                    self._connection()
                    .execute(
                        "SELECT path, size, mtime, blob, data FROM entries "
                        f"WHERE type = 'file' AND path IN ({marks})",
                        batch,
                    )
                    .fetchall()
                )
            found = {row[0]: row for row in rows}
            for path in batch:
                if path not in found:
                    continue
                _, size, mtime, blob, data = found[path]
                if blob is not None:
                    try:
                        data = self._blobs.read(blob)
                    except FileNotFoundError:
                        data = self.read(path)  # replaced meanwhile
                yield Entry(path, "file", size, mtime), bytes(data or b"")

    def usage(self) -> Usage:
        with self._transaction(write=False) as tx:
            used = _used(tx)
            (files,) = tx.db.execute("SELECT count(*) FROM entries WHERE type = 'file'").fetchone()
        return Usage(bytes=used, files=files, limits=self.limits)

    # -- writing ---------------------------------------------------------------------------------

    def write(self, path: WorkspacePath, data: bytes, *, append: bool = False) -> Entry:
        if path == ROOT:
            raise WorkspaceError("EISDIR", path, "is the workspace root, a directory")
        now = time.time()
        if not append:
            self._check_size(path, len(data))
            blob = self._blobs.write(data) if len(data) > self._inline_max else None
            with self._transaction(created=[blob] if blob else []) as tx:
                old = _file_row(tx, path)
                self._make_parents(tx, path)
                self._put(tx, path, old, data, blob, now)
            return Entry(path, "file", len(data), now)
        with self._transaction() as tx:
            old = _file_row(tx, path)
            size = (old.size if old else 0) + len(data)
            self._check_size(path, size)
            self._make_parents(tx, path)
            content = (self._content(tx, old, path) if old else b"") + data
            blob = None
            if size > self._inline_max:
                blob = self._blobs.write(content)
                tx.created.append(blob)
            self._put(tx, path, old, content, blob, now)
        return Entry(path, "file", size, now)

    def write_many(self, files: Sequence[tuple[WorkspacePath, bytes]]) -> None:
        for path, data in files:
            if path == ROOT:
                raise WorkspaceError("EISDIR", path, "is the workspace root, a directory")
            self._check_size(path, len(data))
        blobs: list[str | None] = []
        try:
            for _, data in files:
                blobs.append(self._blobs.write(data) if len(data) > self._inline_max else None)
        except BaseException:
            self._blobs.delete(name for name in blobs if name)
            raise
        now = time.time()
        with self._transaction(created=[name for name in blobs if name]) as tx:
            for (path, data), blob in zip(files, blobs, strict=True):
                old = _file_row(tx, path)
                self._make_parents(tx, path)
                self._put(tx, path, old, data, blob, now)

    def mkdir(self, path: WorkspacePath, *, recursive: bool) -> None:
        with self._transaction() as tx:
            row = tx.row(path)
            if row is not None:
                if row.type == "dir" and recursive:
                    return
                kind = "directory" if row.type == "dir" else "file"
                raise WorkspaceError("EEXIST", path, f"already exists (a {kind})")
            if not recursive:
                parent = parent_of(path)
                above = tx.row(parent)
                if above is None:
                    raise WorkspaceError(
                        "ENOENT", path, f"cannot be created: {parent} does not exist; pass recursive: true"
                    )
                if above.type != "dir":
                    raise WorkspaceError("ENOTDIR", path, f"cannot be created: {parent} is a file")
            else:
                self._make_parents(tx, path)
            _insert_dir(tx, path, time.time())

    def remove(self, path: WorkspacePath, *, recursive: bool) -> None:
        if path == ROOT:
            raise WorkspaceError(
                "EPERM", path, "is the workspace root and cannot be removed; remove its entries"
            )
        with self._transaction() as tx:
            row = tx.row(path)
            if row is None:
                raise _missing(path)
            if row.type == "dir" and not recursive:
                child = tx.db.execute("SELECT 1 FROM entries WHERE parent = ? LIMIT 1", (path,)).fetchone()
                if child is not None:
                    raise WorkspaceError(
                        "ENOTEMPTY",
                        path,
                        "is not empty; pass recursive: true to remove it with everything in it",
                    )
            self._drop(tx, path)

    def copy(self, source: WorkspacePath, target: WorkspacePath, *, recursive: bool) -> None:
        if source == target:
            raise WorkspaceError("EINVAL", target, "is the source itself; copy to another path")
        with self._transaction() as tx:
            src = tx.row(source)
            if src is None:
                raise _missing(source)
            dst = tx.row(target)
            now = time.time()
            if src.type == "file":
                if dst is not None and dst.type == "dir":
                    raise WorkspaceError("EISDIR", target, "is a directory; give the new file's full path")
                self._make_parents(tx, target)
                data = self._content(tx, src, source)
                blob = None
                if src.blob is not None:
                    blob = self._blobs.write(data)
                    tx.created.append(blob)
                self._put(tx, target, dst, data, blob, now)
                return
            if not recursive:
                raise WorkspaceError("EISDIR", source, "is a directory; pass recursive: true to copy it")
            self._check_new_tree(source, target, dst)
            self._make_parents(tx, target)
            where, params = _subtree(source)
            rows = tx.db.execute(
                f"SELECT path, type, size, blob, data FROM entries WHERE {where} ORDER BY path", params
            ).fetchall()
            self._charge(tx, target, sum(size for _, kind, size, _, _ in rows if kind == "file"))
            for path, kind, size, blob, data in rows:
                new_path = WorkspacePath(target + path[len(source) :])
                if kind == "dir":
                    _insert_dir(tx, new_path, now)
                    continue
                if blob is not None:
                    blob = self._blobs.write(self._blobs.read(blob))
                    tx.created.append(blob)
                tx.db.execute(
                    "INSERT INTO entries (path, parent, type, size, mtime, blob, data) "
                    "VALUES (?, ?, 'file', ?, ?, ?, ?)",
                    (new_path, parent_of(new_path), size, now, blob, data),
                )

    def move(self, source: WorkspacePath, target: WorkspacePath) -> None:
        if source == ROOT:
            raise WorkspaceError("EPERM", source, "is the workspace root and cannot be moved")
        if source == target:
            return
        with self._transaction() as tx:
            src = tx.row(source)
            if src is None:
                raise _missing(source)
            dst = tx.row(target)
            if src.type == "file":
                if dst is not None and dst.type == "dir":
                    raise WorkspaceError("EISDIR", target, "is a directory; give the file's full new path")
                if dst is not None:
                    self._drop(tx, target)
            else:
                self._check_new_tree(source, target, dst)
            self._make_parents(tx, target)
            where, params = _subtree(source)
            cut = len(source) + 1
            tx.db.execute(
                f"UPDATE entries SET path = ? || substr(path, ?), "
                f"parent = CASE WHEN path = ? THEN ? ELSE ? || substr(parent, ?) END, "
                f"mtime = CASE WHEN path = ? THEN ? ELSE mtime END WHERE {where}",
                (target, cut, source, parent_of(target), target, cut, source, time.time(), *params),
            )

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            db, self._db = self._db, None
            if db is not None:
                db.close()

    def verify(self) -> list[str]:
        """Problems found by SQLite's integrity check and a recount of the bytes held (none: [])."""
        problems: list[str] = []
        with self._transaction(write=False) as tx:
            (check,) = tx.db.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                problems.append(f"integrity_check: {check}")
            (total,) = tx.db.execute(
                "SELECT coalesce(sum(size), 0) FROM entries WHERE type = 'file'"
            ).fetchone()
            if total != _used(tx):
                problems.append(f"used_bytes is {_used(tx)} but the files hold {total}")
            orphans = tx.db.execute(
                "SELECT path FROM entries WHERE path != '/' AND parent NOT IN (SELECT path FROM entries)"
            ).fetchall()
            problems.extend(f"{path} has no parent directory" for (path,) in orphans)
            blobs = tx.db.execute("SELECT path, size, blob FROM entries WHERE blob IS NOT NULL").fetchall()
        for path, size, blob in blobs:
            try:
                actual = len(self._blobs.read(blob))
            except FileNotFoundError:
                problems.append(f"{path}: blob {blob} is missing")
                continue
            if actual != size:
                problems.append(f"{path}: blob holds {actual} bytes, the row says {size}")
        return problems

    # -- helpers ---------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError(f"the workspace store at {self.directory} is closed")
        return self._db

    @contextmanager
    def _transaction(self, *, write: bool = True, created: Sequence[str] = ()) -> Iterator[_Transaction]:
        with self._lock:
            tx = _Transaction(self._connection(), created=list(created))
            try:
                try:
                    tx.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                except sqlite3.OperationalError as error:
                    if "locked" in str(error) or "busy" in str(error):
                        raise WorkspaceError(
                            "EBUSY",
                            "",
                            f"the workspace {self.directory} stayed locked by another process for "
                            f"{self._busy_timeout_s:g} s; try again",
                        ) from error
                    raise
                try:
                    yield tx
                except BaseException:
                    tx.db.execute("ROLLBACK")
                    raise
                tx.db.execute("COMMIT")
            except BaseException:
                self._blobs.delete(tx.created)
                raise
        self._blobs.delete(tx.garbage)

    def _check_size(self, path: WorkspacePath, size: int) -> None:
        if size > self.limits.max_file_bytes:
            raise WorkspaceError(
                "EFBIG",
                path,
                f"would be {_mib(size)}, over the limit of {_mib(self.limits.max_file_bytes)} for one file "
                "(workspace.max_file_mib)",
            )

    def _charge(self, tx: _Transaction, path: WorkspacePath, delta: int) -> None:
        used = _used(tx)
        if delta > 0 and used + delta > self.limits.quota_bytes:
            raise WorkspaceError(
                "ENOSPC",
                path,
                f"needs {_mib(delta)} more, but the workspace holds {_mib(used)} of its "
                f"{_mib(self.limits.quota_bytes)} quota (workspace.quota_mib); remove files first",
            )
        tx.db.execute("UPDATE meta SET value = value + ? WHERE key = 'used_bytes'", (delta,))

    def _content(self, tx: _Transaction, row: _Row, path: WorkspacePath) -> bytes:
        """A file's content inside a write transaction (no other writer can drop its blob meanwhile)."""
        if row.blob is not None:
            return self._blobs.read(row.blob)
        found = tx.db.execute("SELECT data FROM entries WHERE path = ?", (path,)).fetchone()
        return bytes(found[0] or b"") if found else b""

    def _put(
        self,
        tx: _Transaction,
        path: WorkspacePath,
        old: _Row | None,
        data: bytes,
        blob: str | None,
        now: float,
    ) -> None:
        """Insert or replace the file row at `path` (the parents exist), charging the quota."""
        self._charge(tx, path, len(data) - (old.size if old else 0))
        tx.db.execute(
            "INSERT INTO entries (path, parent, type, size, mtime, blob, data) "
            "VALUES (?, ?, 'file', ?, ?, ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, "
            "blob = excluded.blob, data = excluded.data",
            (path, parent_of(path), len(data), now, blob, None if blob else data),
        )
        if old is not None and old.blob is not None:
            tx.garbage.append(old.blob)

    def _make_parents(self, tx: _Transaction, path: WorkspacePath) -> None:
        """Create the missing directories above `path`; ENOTDIR when one of them is a file."""
        missing: list[WorkspacePath] = []
        for directory in ancestors(path):
            row = tx.row(directory)
            if row is None:
                missing.append(directory)
                continue
            if row.type != "dir":
                raise WorkspaceError("ENOTDIR", path, f"cannot be created: {directory} is a file")
            break
        now = time.time()
        for directory in reversed(missing):
            _insert_dir(tx, directory, now)

    def _drop(self, tx: _Transaction, path: WorkspacePath) -> None:
        """Delete `path` and everything below it, releasing quota and blobs."""
        where, params = _subtree(path)
        rows = tx.db.execute(
            f"SELECT size, blob FROM entries WHERE type = 'file' AND ({where})", params
        ).fetchall()
        tx.db.execute(f"DELETE FROM entries WHERE {where}", params)
        self._charge(tx, path, -sum(size for size, _ in rows))
        tx.garbage.extend(blob for _, blob in rows if blob)

    @staticmethod
    def _check_new_tree(source: WorkspacePath, target: WorkspacePath, existing: _Row | None) -> None:
        if existing is not None:
            raise WorkspaceError("EEXIST", target, "already exists; a directory goes to a new path")
        if is_within(target, source):
            raise WorkspaceError("EINVAL", target, f"is inside {source}; a directory cannot go into itself")


def _subtree(path: WorkspacePath) -> tuple[str, tuple[Any, ...]]:
    """SQL condition and parameters for `path` and everything below it (`/` sorts right before `0`)."""
    if path == ROOT:
        return "path != '/'", ()
    return "path = ? OR (path > ? AND path < ?)", (path, path + "/", path + "0")


def _file_row(tx: _Transaction, path: WorkspacePath) -> _Row | None:
    """The row at `path` about to be written as a file: None, or a file (EISDIR for a directory)."""
    row = tx.row(path)
    if row is not None and row.type == "dir":
        raise WorkspaceError("EISDIR", path, "is a directory; write to a file path inside it")
    return row


def _insert_dir(tx: _Transaction, path: WorkspacePath, now: float) -> None:
    tx.db.execute(
        "INSERT INTO entries (path, parent, type, size, mtime) VALUES (?, ?, 'dir', 0, ?)",
        (path, parent_of(path), now),
    )


def _used(tx: _Transaction) -> int:
    (used,) = tx.db.execute("SELECT value FROM meta WHERE key = 'used_bytes'").fetchone()
    return int(used)


def _missing(path: WorkspacePath) -> WorkspaceError:
    return WorkspaceError("ENOENT", path, "does not exist")


def _mib(size: int) -> str:
    """`3 MiB` for whole mebibytes, else the exact byte count."""
    return f"{size // MIB:,} MiB" if size and size % MIB == 0 else f"{size:,} bytes"
