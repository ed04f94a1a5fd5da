"""`WorkspaceSource`: the workspace as a tool source, the namespace `workspace` in every program.

```python
source = WorkspaceSource.open("/var/lib/codemode/workspace", StoreLimits(quota_bytes=...))
source = WorkspaceSource.per_session("/var/lib/codemode/workspace", limits)   # one per MCP session
async with Toolbox([source, ...]) as toolbox:
    await toolbox.call("workspace", "writeFile", {"path": "/notes.md", "content": "..."})
```

Arguments are validated against the method's model before anything runs; the store's work runs in a
worker thread (SQLite blocks), except that the one-file methods (`QUICK_METHODS`) are tried on the
event loop's thread first and move to a worker only if they would wait (saving a thread hop, about
a third of a small call's time); a `WorkspaceError` becomes a `ToolError` with the same message, which
the program sees as a thrown `Error`. In session scope the store is the one of the session in
`sessions.current_session`, which the server sets around each request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import anyio.to_thread
from pydantic import ValidationError

from codemode.errors import ToolError
from codemode.sources.protocol import ChangeListeners, SourceStatus, ToolInfo, namespace_identifier
from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.methods import METHODS, tool_infos
from codemode.sources.workspace.sessions import SESSION_IDLE_S, SessionStores, current_session
from codemode.sources.workspace.sqlite_store import SqliteStore
from codemode.sources.workspace.store import Store, StoreLimits, WouldWait, without_waiting
from codemode.validation_messages import describe_validation_error

__all__ = ["NAMESPACE", "QUICK_METHODS", "WorkspaceSource"]

NAMESPACE = "workspace"

QUICK_METHODS = frozenset(
    {"readFile", "readFileBytes", "readJson", "writeFile", "appendFile", "writeFileBytes", "writeJson"}
    | {"exists", "stat", "mkdir"}
)
"""Methods tried on the event loop's thread first (one file or entry: well under a millisecond);
they move to a worker thread at the first thing that would wait (`store.without_waiting`). The
others (glob, search, replace, cp, mv, rm, readdir, diff) may touch thousands of rows and always
run in a worker thread."""


class WorkspaceSource:
    """The workspace methods over one store, or one store per MCP session; implements `ToolSource`."""

    def __init__(
        self,
        opener: Callable[[], Store] | None = None,
        *,
        sessions: SessionStores | None = None,
        namespace: str = NAMESPACE,
    ) -> None:
        """`opener` makes the shared store when the source starts (in a worker thread; closed on
        `aclose`); or `sessions` keeps one store per session. Exactly one of the two."""
        if (opener is None) == (sessions is None):
            raise ValueError("WorkspaceSource takes an opener (shared scope) or sessions (session scope)")
        self.namespace = namespace_identifier(namespace)
        """The guest identifier of the namespace."""
        self.sessions = sessions
        """The per-session stores in session scope, else None."""
        self._opener = opener
        self._store: Store | None = None
        self._started = False
        self._reaper: anyio.abc.TaskGroup | None = None
        self._tools = tool_infos(self.namespace)
        self._listeners = ChangeListeners(f"workspace `{self.namespace}`")

    @classmethod
    def open(
        cls, directory: str | Path, limits: StoreLimits | None = None, *, namespace: str = NAMESPACE
    ) -> WorkspaceSource:
        """One shared workspace: the SQLite store in `directory` (created if missing)."""
        return cls(functools.partial(SqliteStore, Path(directory), limits), namespace=namespace)

    @classmethod
    def per_session(
        cls,
        directory: str | Path,
        limits: StoreLimits | None = None,
        *,
        idle_s: float = SESSION_IDLE_S,
        namespace: str = NAMESPACE,
    ) -> WorkspaceSource:
        """One workspace per MCP session under `directory/sessions`, removed after `idle_s` idle."""
        stores = SessionStores(Path(directory), limits or StoreLimits(), idle_s=idle_s)
        return cls(sessions=stores, namespace=namespace)

    @property
    def store(self) -> Store:
        """The store of the current call: the shared one, or the current session's."""
        return self.store_for(current_session.get())

    def store_for(self, session: str | None) -> Store:
        """The shared store, or `session`'s (RuntimeError before `start`)."""
        if not self._started:
            raise RuntimeError(f"the workspace source `{self.namespace}` is not started")
        if self.sessions is not None:
            return self.sessions.get(session)
        assert self._store is not None
        return self._store

    async def start(self) -> None:
        """Open the shared store; in session scope, clear old session workspaces and start the reaper."""
        if self.sessions is not None:
            await anyio.to_thread.run_sync(self.sessions.clear)
            self._reaper = anyio.create_task_group()
            await self._reaper.__aenter__()
            self._reaper.start_soon(self._reap_forever, self.sessions)
        else:
            assert self._opener is not None
            self._store = await anyio.to_thread.run_sync(self._opener)
        self._started = True

    async def aclose(self) -> None:
        """Close the stores (session workspaces are removed: they are temporary)."""
        self._started = False
        reaper, self._reaper = self._reaper, None
        if reaper is not None:
            reaper.cancel_scope.cancel()
            await reaper.__aexit__(None, None, None)
        if self.sessions is not None:
            await anyio.to_thread.run_sync(self.sessions.clear)
        store, self._store = self._store, None
        if store is not None:
            await anyio.to_thread.run_sync(store.close)

    def tools(self) -> list[ToolInfo]:
        """Every workspace method."""
        return list(self._tools)

    def status(self) -> SourceStatus:
        """Ready once started."""
        if not self._started:
            return SourceStatus(self.namespace, "starting", len(self._tools), "the store is not open yet")
        return SourceStatus(self.namespace, "ready", len(self._tools))

    def on_change(self, listener: Callable[[], None]) -> None:
        """The methods never change; kept for the protocol."""
        self._listeners.add(listener)

    async def call(self, name: str, arguments: dict[str, Any]) -> Any:
        """Validate, run the method on the call's store in a worker thread, return its JSON-able result."""
        method = METHODS.get(name)
        qualified = f"{self.namespace}.{name}"
        if method is None:
            known = ", ".join(f"`{key}`" for key in METHODS)
            raise ToolError(f"tool `{qualified}` does not exist; the workspace methods are: {known}")
        try:
            validated = method.arguments.model_validate(arguments)
        except ValidationError as error:
            accepted = [field.alias or key for key, field in method.arguments.model_fields.items()]
            raise ToolError(describe_validation_error(qualified, error, accepted)) from None
        if not self._started:
            raise ToolError(f"the workspace is not available: `{self.namespace}` is not started")
        session = current_session.get()  # read here: the worker thread does not share the context

        def run() -> Any:
            return method.run(self.store_for(session), validated)

        try:
            if name in QUICK_METHODS:
                try:
                    with without_waiting():
                        return run()
                except WouldWait:
                    pass  # a lock is taken or the disk must sync: wait in a worker thread
            return await anyio.to_thread.run_sync(run)
        except WorkspaceError as error:
            raise ToolError(str(error)) from None

    @staticmethod
    async def _reap_forever(sessions: SessionStores) -> None:
        while True:
            await anyio.sleep(min(60.0, sessions.idle_s / 2))
            await anyio.to_thread.run_sync(sessions.reap)
