"""`SqliteStore`: the workspace in one SQLite database (WAL) plus a directory of blob files.

```
<dir>/workspace.db (+ -wal, -shm)   entries and the content of files up to 1 MiB (see `sqlite_rows`)
<dir>/blobs/ab/ab12...              larger files, one never-reused file each (see `blobs`)
```

Connection strategy: one connection per store object, used by one thread at a time (a lock), so
concurrent programs in one process take turns; other processes open their own store on the same
directory and SQLite's file locks order them. Every change is one `BEGIN IMMEDIATE` transaction: the
write lock is taken first, so two writers queue (up to `busy_timeout_s`, then EBUSY) instead of
failing on a lock upgrade. Reads see one consistent snapshot; WAL lets them run while another process
writes. The bytes held are counted in the same transaction as each change, so a quota check never
races another writer.

Durability: a change is committed to the write-ahead log before the method returns, so it survives
the process being killed (SIGKILL, OOM, a crash). `synchronous="NORMAL"` (the default) leaves the
fsync of the log to checkpoints: a power loss or kernel crash may drop the last changes, never
corrupt the database. `synchronous="FULL"` fsyncs every commit (survives power loss; costs one
fsync per write, 0.3-10 ms depending on the disk). Blob files are always fsynced before their row
commits, so no row can ever point at a partial file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from codemode.sources.workspace.blobs import BlobDir
from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.paths import ROOT, WorkspacePath, ancestors, is_within, parent_of
from codemode.sources.workspace.sqlite_rows import SCHEMA, Row, Transaction
from codemode.sources.workspace.store import MIB, Entry, StoreLimits, Usage, WouldWait, format_size, may_wait

__all__ = ["DB_NAME", "INLINE_MAX_BYTES", "SqliteStore"]

DB_NAME = "workspace.db"
INLINE_MAX_BYTES = MIB
"""Files up to this size live in the database; larger ones are blob files."""
_BATCH = 64


class SqliteStore:
    """The `Store` of one workspace directory; safe for threads of one process and for several processes."""

    def __init__(
        self,
        directory: str | Path,
        limits: StoreLimits | None = None,
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
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
        self._busy_zero = False
        """SQLite's busy timeout is 0 (set for calls inside `without_waiting()`), not `busy_timeout_s`."""
        self._db: sqlite3.Connection | None = sqlite3.connect(
            self.directory / DB_NAME, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(f"PRAGMA synchronous = {'FULL' if synchronous == 'FULL' else 'NORMAL'}")
            with self._transaction() as tx:
                for statement in SCHEMA:
                    tx.db.execute(statement)
                tx.db.execute(
                    "INSERT OR IGNORE INTO entries (path, parent, type, size, mtime) "
                    "VALUES ('/', '/', 'dir', 0, ?)",
                    (time.time(),),
                )
                referenced = {
                    name for (name,) in tx.db.execute("SELECT blob FROM entries WHERE blob IS NOT NULL")
                }
            self._blobs.sweep(referenced)
        except BaseException:
            self.close()
            raise

    # -- reading ---------------------------------------------------------------------------------

    def stat(self, path: WorkspacePath) -> Entry | None:
        with self._locked():
            found = (
                self._open()
                .execute("SELECT type, size, mtime FROM entries WHERE path = ?", (path,))
                .fetchone()
            )
        return None if found is None else Entry(path, found[0], found[1], found[2])

    def read(self, path: WorkspacePath) -> bytes:
        for _ in range(5):
            with self._transaction(write=False) as tx:
                row = tx.row(path)
                if row is None:
                    raise _missing(path)
                if row.type == "dir":
                    raise WorkspaceError("EISDIR", path, "is a directory; readdir lists what is in it")
                if row.blob is None:
                    return tx.inline(row)
            try:
                return self._blobs.read(row.blob)
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
        with self._transaction(write=False) as tx:
            rows = tx.subtree(path, "path, 'file', size, mtime", files_only=True)
        return [Entry._make(row) for row in rows]

    def find_files(
        self, base: WorkspacePath, pattern: str = "*", *, children_of: WorkspacePath | None = None
    ) -> list[WorkspacePath]:
        with self._transaction(write=False) as tx:
            rows = tx.find_files(base, pattern, children_of)
        return [WorkspacePath(path) for (path,) in rows]

    def iter_files(self, paths: Sequence[WorkspacePath]) -> Iterator[tuple[Entry, bytes]]:
        for start in range(0, len(paths), _BATCH):
            batch = paths[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            with self._locked():
                rows = (
                    self._open()
                    .execute(
                        "SELECT e.path, e.size, e.mtime, e.blob, c.data FROM entries e LEFT JOIN contents c "
                        f"ON c.id = e.content WHERE e.type = 'file' AND e.path IN ({marks})",
                        batch,
                    )
                    .fetchall()
                )
            found = {row[0]: row for row in rows}
            for path in batch:
                if path not in found:
                    continue  # removed meanwhile
                _, size, mtime, blob, data = found[path]
                if blob is not None:
                    try:
                        data = self._blobs.read(blob)
                    except FileNotFoundError:
                        data = self.read(path)  # replaced meanwhile
                yield Entry(path, "file", size, mtime), bytes(data or b"")

    def usage(self) -> Usage:
        with self._transaction(write=False) as tx:
            used = tx.used()
            (files,) = tx.db.execute("SELECT count(*) FROM entries WHERE type = 'file'").fetchone()
        return Usage(bytes=used, files=files, limits=self.limits)

    # -- writing ---------------------------------------------------------------------------------

    def write(self, path: WorkspacePath, data: bytes, *, append: bool = False) -> Entry:
        if path == ROOT:
            raise WorkspaceError("EISDIR", path, "is the workspace root, a directory")
        now = time.time()
        if not append:
            self.write_many([(path, data)], now=now)
            return Entry(path, "file", len(data), now)
        with self._transaction() as tx:
            old = _file_row(tx, path)
            size = (old.size if old else 0) + len(data)
            self._check_size(path, size)
            self._make_parents(tx, path)
            if old is not None:
                data = (self._blobs.read(old.blob) if old.blob else tx.inline(old)) + data
            blob = None
            if size > self._inline_max:
                blob = self._blobs.write(data)
                tx.created.append(blob)
            self._charge(tx, path, len(data) - (old.size if old else 0))
            tx.put_file(path, old, data, blob, size, now)
        return Entry(path, "file", size, now)

    def write_many(self, files: Sequence[tuple[WorkspacePath, bytes]], *, now: float | None = None) -> None:
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
        now = time.time() if now is None else now
        with self._transaction(created=[name for name in blobs if name]) as tx:
            for (path, data), blob in zip(files, blobs, strict=True):
                old = _file_row(tx, path)
                self._make_parents(tx, path)
                self._charge(tx, path, len(data) - (old.size if old else 0))
                tx.put_file(path, old, data, blob, len(data), now)

    def mkdir(self, path: WorkspacePath, *, recursive: bool) -> None:
        with self._transaction() as tx:
            row = tx.row(path)
            if row is not None:
                if row.type == "dir" and recursive:
                    return
                raise WorkspaceError(
                    "EEXIST", path, f"already exists (a {'directory' if row.type == 'dir' else 'file'})"
                )
            parent = parent_of(path)
            above = tx.row(parent)
            if above is None and not recursive:
                raise WorkspaceError(
                    "ENOENT", path, f"cannot be created: {parent} does not exist; pass recursive: true"
                )
            self._make_parents(tx, path)
            tx.insert_dir(path, time.time())

    def remove(self, path: WorkspacePath, *, recursive: bool) -> None:
        if path == ROOT:
            raise WorkspaceError(
                "EPERM", path, "is the workspace root and cannot be removed; remove its entries"
            )
        with self._transaction() as tx:
            row = tx.row(path)
            if row is None:
                raise _missing(path)
            if row.type == "dir" and not recursive and tx.has_children(path):
                raise WorkspaceError(
                    "ENOTEMPTY",
                    path,
                    "is not empty; remove it recursively (recursive: true; rm -r in the CLI)",
                )
            self._charge(tx, path, -tx.drop(path))

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
                self._charge(tx, target, src.size - (dst.size if dst else 0))
                self._copy_file(tx, src, target, dst, now)
                return
            if not recursive:
                raise WorkspaceError("EISDIR", source, "is a directory; pass recursive: true to copy it")
            _check_new_tree(source, target, dst)
            self._make_parents(tx, target)
            rows = tx.subtree(source, "path, type, size, content, blob")
            self._charge(tx, target, sum(size for _, kind, size, _, _ in rows if kind == "file"))
            for path, kind, size, content, blob in rows:
                new_path = WorkspacePath(target + path[len(source) :])
                if kind == "dir":
                    tx.insert_dir(new_path, now)
                else:
                    self._copy_file(tx, Row(kind, size, content, blob), new_path, None, now)

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
                    self._charge(tx, target, -tx.drop(target))
            else:
                _check_new_tree(source, target, dst)
            self._make_parents(tx, target)
            tx.rename(source, target, time.time())

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            db, self._db = self._db, None
            if db is not None:
                db.close()

    def verify(self) -> list[str]:
        """Problems found by SQLite's integrity check and recounts (none: an empty list)."""
        with self._transaction(write=False) as tx:
            problems = tx.check()
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

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError(f"the workspace store at {self.directory} is closed")
        return self._db

    @contextmanager
    def _transaction(self, *, write: bool = True, created: Sequence[str] = ()) -> Iterator[Transaction]:
        """One transaction under the lock; blobs created for it are deleted if it rolls back.

        Inside `without_waiting()`: `WouldWait` when another thread holds the lock or another
        process the database (SQLite's busy timeout is 0 for such transactions).
        """
        wait = may_wait()
        with self._locked():
            tx = Transaction(self._open(), created=list(created))
            if wait == self._busy_zero:  # switch SQLite's busy timeout only when the mode changes
                timeout_ms = int(self._busy_timeout_s * 1000) if wait else 0
                tx.db.execute(f"PRAGMA busy_timeout = {timeout_ms}")
                self._busy_zero = not wait
            try:
                try:
                    tx.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) and "busy" not in str(error):
                        raise
                    if not wait:
                        raise WouldWait from error
                    raise WorkspaceError(
                        "EBUSY",
                        "",
                        f"the workspace {self.directory} stayed locked by another process for "
                        f"{self._busy_timeout_s:g} s; try again",
                    ) from error
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

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The connection's lock (`WouldWait` inside `without_waiting()` when another thread holds it)."""
        if not self._lock.acquire(blocking=may_wait()):
            raise WouldWait
        try:
            yield
        finally:
            self._lock.release()

    def _check_size(self, path: WorkspacePath, size: int) -> None:
        if size > self.limits.max_file_bytes:
            raise WorkspaceError(
                "EFBIG",
                path,
                f"would be {format_size(size)}, over the limit of {format_size(self.limits.max_file_bytes)} "
                "for one file (workspace.max_file_mib)",
            )

    def _charge(self, tx: Transaction, path: WorkspacePath, delta: int) -> None:
        """Count `delta` more bytes held, or ENOSPC (the transaction then rolls back)."""
        used = tx.add_used(delta)
        if delta > 0 and used > self.limits.quota_bytes:
            raise WorkspaceError(
                "ENOSPC",
                path,
                f"needs {format_size(delta)} more, but the workspace holds {format_size(used - delta)} "
                f"of its {format_size(self.limits.quota_bytes)} quota (workspace.quota_mib); "
                "remove files first",
            )

    def _copy_file(
        self, tx: Transaction, src: Row, target: WorkspacePath, dst: Row | None, now: float
    ) -> None:
        """Write a copy of the file row `src` at `target` (quota already charged)."""
        if src.blob is not None:
            blob = self._blobs.write(self._blobs.read(src.blob))
            tx.created.append(blob)
            tx.put_file(target, dst, b"", blob, src.size, now)
        else:
            tx.put_file(target, dst, tx.inline(src), None, src.size, now)

    def _make_parents(self, tx: Transaction, path: WorkspacePath) -> None:
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
            tx.insert_dir(directory, now)


def _file_row(tx: Transaction, path: WorkspacePath) -> Row | None:
    """The row at `path` about to be written as a file: None, or a file (EISDIR for a directory)."""
    row = tx.row(path)
    if row is not None and row.type == "dir":
        raise WorkspaceError("EISDIR", path, "is a directory; write to a file path inside it")
    return row


def _check_new_tree(source: WorkspacePath, target: WorkspacePath, existing: Row | None) -> None:
    if existing is not None:
        raise WorkspaceError("EEXIST", target, "already exists; a directory goes to a new path")
    if is_within(target, source):
        raise WorkspaceError("EINVAL", target, f"is inside {source}; a directory cannot go into itself")


def _missing(path: WorkspacePath) -> WorkspaceError:
    return WorkspaceError("ENOENT", path, "does not exist")
