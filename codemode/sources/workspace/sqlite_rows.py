"""The SQL of `SqliteStore`: the schema and every row-level read and write, inside one transaction.

```
entries   path (primary key, clustered: a directory's subtree is one range scan), parent, type,
          size, mtime, content (the row in `contents`, for files up to 1 MiB) or blob (a blob file)
contents  id, data: the bytes, kept apart so that listing and globbing never read them
meta      used_bytes: the bytes held, updated in the same transaction as every change
```
A subtree is `path = P` plus the range `P/ < path < P0` (`0` sorts right after `/`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from codemode.sources.workspace.paths import ROOT, WorkspacePath, parent_of
from codemode.sources.workspace.store import EntryType

__all__ = ["SCHEMA", "Row", "Transaction"]

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        path TEXT PRIMARY KEY,
        parent TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('file', 'dir')),
        size INTEGER NOT NULL,
        mtime REAL NOT NULL,
        content INTEGER,
        blob TEXT
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS entries_parent ON entries (parent)",
    "CREATE TABLE IF NOT EXISTS contents (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('used_bytes', 0)",
)


@dataclass(frozen=True)
class Row:
    """What a transaction needs to know of one entry."""

    type: EntryType
    size: int
    content: int | None
    blob: str | None


@dataclass
class Transaction:
    """One open transaction on the workspace database."""

    db: sqlite3.Connection
    garbage: list[str] = field(default_factory=list)
    """Blobs to delete once the transaction commits."""
    created: list[str] = field(default_factory=list)
    """Blobs to delete if it rolls back."""

    def row(self, path: WorkspacePath) -> Row | None:
        found = self.db.execute(
            "SELECT type, size, content, blob FROM entries WHERE path = ?", (path,)
        ).fetchone()
        return None if found is None else Row(*found)

    def inline(self, row: Row) -> bytes:
        """The bytes of a file kept in `contents`."""
        if row.content is None:
            return b""
        found = self.db.execute("SELECT data FROM contents WHERE id = ?", (row.content,)).fetchone()
        return bytes(found[0]) if found else b""

    def used(self) -> int:
        (used,) = self.db.execute("SELECT value FROM meta WHERE key = 'used_bytes'").fetchone()
        return int(used)

    def add_used(self, delta: int) -> int:
        """Count `delta` more bytes held; the new total."""
        (used,) = self.db.execute(
            "UPDATE meta SET value = value + ? WHERE key = 'used_bytes' RETURNING value", (delta,)
        ).fetchone()
        return int(used)

    def has_children(self, path: WorkspacePath) -> bool:
        found = self.db.execute("SELECT 1 FROM entries WHERE parent = ? AND path != '/' LIMIT 1", (path,))
        return found.fetchone() is not None

    def insert_dir(self, path: WorkspacePath, now: float) -> None:
        self.db.execute(
            "INSERT INTO entries (path, parent, type, size, mtime) VALUES (?, ?, 'dir', 0, ?)",
            (path, parent_of(path), now),
        )

    def put_file(
        self, path: WorkspacePath, old: Row | None, data: bytes, blob: str | None, size: int, now: float
    ) -> None:
        """Insert or replace the file row at `path`: content inline (`data`) or in `blob`."""
        content = old.content if old is not None else None
        if blob is not None:
            if content is not None:
                self.db.execute("DELETE FROM contents WHERE id = ?", (content,))
            content = None
        elif content is not None:
            self.db.execute("UPDATE contents SET data = ? WHERE id = ?", (data, content))
        else:
            content = self.db.execute("INSERT INTO contents (data) VALUES (?)", (data,)).lastrowid
        self.db.execute(
            "INSERT INTO entries (path, parent, type, size, mtime, content, blob) "
            "VALUES (?, ?, 'file', ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET size = excluded.size, "
            "mtime = excluded.mtime, content = excluded.content, blob = excluded.blob",
            (path, parent_of(path), size, now, content, blob),
        )
        if old is not None and old.blob is not None and old.blob != blob:
            self.garbage.append(old.blob)

    def copy_content(self, content: int) -> int:
        """A new `contents` row with the same bytes."""
        cursor = self.db.execute(
            "INSERT INTO contents (data) SELECT data FROM contents WHERE id = ?", (content,)
        )
        return int(cursor.lastrowid or 0)

    def subtree(self, path: WorkspacePath, columns: str, *, files_only: bool = False) -> list[Any]:
        """`columns` of `path` and every entry below it (only files, with `files_only`), in path order."""
        low, high = _range(path)
        only = " AND type = 'file'" if files_only else ""
        rows = self.db.execute(
            f"SELECT {columns} FROM entries WHERE path > ? AND path < ?{only} ORDER BY path", (low, high)
        ).fetchall()
        if path != ROOT:
            rows[:0] = self.db.execute(
                f"SELECT {columns} FROM entries WHERE path = ?{only}", (path,)
            ).fetchall()
        return rows

    def find_files(
        self, base: WorkspacePath, pattern: str, children_of: WorkspacePath | None
    ) -> list[tuple[str]]:
        """The paths of the files at or below `base` matching the `GLOB` `pattern` (and directly in
        `children_of`), in path order: one range scan of the primary key, matched by SQLite itself."""
        low, high = _range(base)
        where = "type = 'file' AND path GLOB ?" + (" AND parent = ?" if children_of is not None else "")
        extra: tuple[str, ...] = (pattern,) if children_of is None else (pattern, children_of)
        rows: list[tuple[str]] = []
        if base != ROOT:
            itself = f"SELECT path FROM entries WHERE path = ? AND {where}"
            rows = self.db.execute(itself, (base, *extra)).fetchall()
        below = f"SELECT path FROM entries WHERE path > ? AND path < ? AND {where} ORDER BY path"
        rows += self.db.execute(below, (low, high, *extra)).fetchall()
        return rows

    def drop(self, path: WorkspacePath) -> int:
        """Delete `path` and everything below it; return the bytes freed (blobs go to `garbage`)."""
        rows = self.subtree(path, "size, content, blob")
        low, high = _range(path)
        self.db.execute("DELETE FROM entries WHERE path > ? AND path < ?", (low, high))
        self.db.execute("DELETE FROM entries WHERE path = ? AND path != '/'", (path,))
        self.db.executemany(
            "DELETE FROM contents WHERE id = ?", [(content,) for _, content, _ in rows if content is not None]
        )
        self.garbage.extend(blob for _, _, blob in rows if blob)
        return sum(size for size, _, _ in rows)

    def rename(self, source: WorkspacePath, target: WorkspacePath, now: float) -> None:
        """Move `source` and its subtree to `target` (which does not exist)."""
        cut = len(source) + 1
        low, high = _range(source)
        self.db.execute(
            "UPDATE entries SET path = ? || substr(path, ?), parent = ? || substr(parent, ?) "
            "WHERE path > ? AND path < ?",
            (target, cut, target, cut, low, high),
        )
        self.db.execute(
            "UPDATE entries SET path = ?, parent = ?, mtime = ? WHERE path = ?",
            (target, parent_of(target), now, source),
        )

    def check(self) -> list[str]:
        """Problems in the database: SQLite's integrity check and recounts of what rows claim."""
        problems: list[str] = []
        (check,) = self.db.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            problems.append(f"integrity_check: {check}")
        (total,) = self.db.execute(
            "SELECT coalesce(sum(size), 0) FROM entries WHERE type = 'file'"
        ).fetchone()
        if total != self.used():
            problems.append(f"used_bytes is {self.used()} but the files hold {total}")
        for (path,) in self.db.execute(
            "SELECT path FROM entries WHERE path != '/' "
            "AND parent NOT IN (SELECT path FROM entries WHERE type = 'dir')"
        ):
            problems.append(f"{path} has no parent directory")
        for path, size, length in self.db.execute(
            "SELECT e.path, e.size, length(c.data) FROM entries e LEFT JOIN contents c "
            "ON c.id = e.content WHERE e.type = 'file' AND e.blob IS NULL"
        ):
            if size != (length or 0):
                problems.append(f"{path}: holds {length} bytes, the row says {size}")
        return problems


def _range(path: WorkspacePath) -> tuple[str, str]:
    """Bounds strictly around everything below `path`."""
    if path == ROOT:
        return "/", "0"
    return path + "/", path + "0"
