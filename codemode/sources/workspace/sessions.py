"""`session` scope: one workspace per MCP session, removed after `SESSION_IDLE_S` without use.

The server sets `current_session` (a context variable) around each `code` call and resource request;
tool calls made by that program run in the same context, so `SessionStores.get` hands them the store
of their own session and no other. A session's directory is `<dir>/sessions/<sha256 of its id>`,
so a session id never becomes a path. Session workspaces are temporary by definition: those left by
an earlier server process are removed when the next one starts, and the reaper removes a session's
workspace once it has been idle for `SESSION_IDLE_S` (an hour: longer than a conversation pauses
between `code` calls, short enough that an abandoned session's files do not pile up).
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.sqlite_store import SqliteStore
from codemode.sources.workspace.store import Store, StoreLimits, WouldWait, may_wait

__all__ = ["DEFAULT_SESSION", "NO_SESSION", "SESSION_IDLE_S", "SessionStores", "current_session"]

SESSION_IDLE_S = 3600.0
"""Seconds without a call after which a session's workspace is removed."""
DEFAULT_SESSION = "default"
"""The session of calls made outside any MCP session (`codemode exec`, one stdio client)."""

NO_SESSION = ""
"""A request that belongs to no MCP session: stateless HTTP, or a client of the 2026-07-28 protocol,
which has no sessions. In `session` scope it gets no workspace (EPERM), never another's."""

current_session: ContextVar[str | None] = ContextVar("codemode_workspace_session", default=None)
"""The MCP session the current call belongs to (None: outside any server request); set by the server."""


@dataclass
class _Open:
    store: SqliteStore
    last_used: float


class SessionStores:
    """The stores of every live session under `<directory>/sessions`."""

    def __init__(
        self,
        directory: Path,
        limits: StoreLimits,
        *,
        idle_s: float = SESSION_IDLE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = directory / "sessions"
        """Where session workspaces live."""
        self.idle_s = idle_s
        """Seconds of idleness after which a session's workspace is removed."""
        self._limits = limits
        self._clock = clock
        self._open: dict[str, _Open] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Remove every session workspace on disk (those of an earlier server process)."""
        with self._lock:
            for entry in self._open.values():
                entry.store.close()
            self._open.clear()
            shutil.rmtree(self.root, ignore_errors=True)

    def get(self, session: str | None) -> Store:
        """The store of `session` (opened, and created, on first use); EPERM for `NO_SESSION`."""
        if session == NO_SESSION:
            raise WorkspaceError(
                "EPERM",
                "",
                'the workspace is per MCP session (workspace.scope "session") and this request belongs '
                "to none (stateless HTTP, or a client of the 2026-07-28 protocol); connect with a "
                'session or set the scope to "shared"',
            )
        key = session or DEFAULT_SESSION
        wait = may_wait()
        if not self._lock.acquire(blocking=wait):
            raise WouldWait
        try:
            entry = self._open.get(key)
            if entry is None:
                if not wait:
                    raise WouldWait  # creating a store touches the disk: not on the event loop
                entry = _Open(SqliteStore(self.directory_of(key), self._limits), self._clock())
                self._open[key] = entry
            entry.last_used = self._clock()
            return entry.store
        finally:
            self._lock.release()

    def directory_of(self, session: str) -> Path:
        """The directory of `session`'s workspace."""
        return self.root / hashlib.sha256(session.encode("utf-8")).hexdigest()[:32]

    def reap(self) -> list[str]:
        """Close and remove the workspaces idle for longer than `idle_s`; their session ids."""
        now = self._clock()
        with self._lock:
            idle = [key for key, entry in self._open.items() if now - entry.last_used > self.idle_s]
            closing = [(key, self._open.pop(key).store) for key in idle]
        for key, store in closing:
            store.close()
            shutil.rmtree(self.directory_of(key), ignore_errors=True)
        return idle

    def sessions(self) -> list[str]:
        """The session ids with an open workspace."""
        with self._lock:
            return list(self._open)
