"""`WorkspaceSource`: the workspace as a tool source, the namespace `workspace` in every program.

```python
source = WorkspaceSource.open("/var/lib/codemode/workspace", StoreLimits(quota_bytes=...))
async with Toolbox([source, ...]) as toolbox:
    await toolbox.call("workspace", "writeFile", {"path": "/notes.md", "content": "..."})
```

Arguments are validated against the method's model before anything runs; the store's work runs in a
worker thread (SQLite blocks); a `WorkspaceError` becomes a `ToolError` with the same message, which
the program sees as a thrown `Error`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
from pydantic import ValidationError

from codemode.errors import ToolError
from codemode.validation import describe_validation_error
from codemode.workspace.errors import WorkspaceError
from codemode.workspace.methods import METHODS, tool_infos
from codemode.workspace.protocol import ChangeListeners, SourceStatus, ToolInfo, namespace_identifier
from codemode.workspace.sqlite_store import SqliteStore
from codemode.workspace.store import Store, StoreLimits

__all__ = ["NAMESPACE", "WorkspaceSource"]

NAMESPACE = "workspace"


class WorkspaceSource:
    """The workspace methods over one store; implements `ToolSource`."""

    def __init__(self, opener: Callable[[], Store], *, namespace: str = NAMESPACE) -> None:
        """`opener` makes the store when the source starts (in a worker thread); it is closed on `aclose`."""
        self.namespace = namespace_identifier(namespace)
        """The guest identifier of the namespace."""
        self._opener = opener
        self._store: Store | None = None
        self._tools = tool_infos(self.namespace)
        self._listeners = ChangeListeners(f"workspace `{self.namespace}`")

    @classmethod
    def open(
        cls, directory: str | Path, limits: StoreLimits | None = None, *, namespace: str = NAMESPACE
    ) -> WorkspaceSource:
        """A source over the SQLite workspace in `directory` (created if missing)."""
        return cls(functools.partial(SqliteStore, Path(directory), limits), namespace=namespace)

    @property
    def store(self) -> Store:
        """The open store (RuntimeError before `start`)."""
        if self._store is None:
            raise RuntimeError(f"the workspace source `{self.namespace}` is not started")
        return self._store

    async def start(self) -> None:
        """Open the store."""
        self._store = await anyio.to_thread.run_sync(self._opener)

    async def aclose(self) -> None:
        """Close the store."""
        store, self._store = self._store, None
        if store is not None:
            await anyio.to_thread.run_sync(store.close)

    def tools(self) -> list[ToolInfo]:
        """Every workspace method."""
        return list(self._tools)

    def status(self) -> SourceStatus:
        """Ready once the store is open."""
        if self._store is None:
            return SourceStatus(self.namespace, "starting", len(self._tools), "the store is not open yet")
        return SourceStatus(self.namespace, "ready", len(self._tools))

    def on_change(self, listener: Callable[[], None]) -> None:
        """The methods never change; kept for the protocol."""
        self._listeners.add(listener)

    async def call(self, name: str, arguments: dict[str, Any]) -> Any:
        """Validate, run the method on the store in a worker thread, return its JSON-able result."""
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
        store = self._store_for_call()
        try:
            return await anyio.to_thread.run_sync(method.run, store, validated)
        except WorkspaceError as error:
            raise ToolError(str(error)) from None

    def _store_for_call(self) -> Store:
        """The store this call works on."""
        if self._store is None:
            raise ToolError(f"the workspace is not available: `{self.namespace}` is not started")
        return self._store
