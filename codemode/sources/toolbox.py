"""`Toolbox`: every tool source together, each failure kept to its own namespace.

```python
async with Toolbox([crm, UpstreamServer("memory", memory_config)]) as toolbox:
    toolbox.namespaces()                       # {"crm": [ToolInfo, ...], "memory": [...]}
    await toolbox.call("memory", "read_graph", {})
```

Sources start concurrently; one that fails to start is logged and shown in `status()` while the others
serve (upstream servers keep retrying on their own). Entering the toolbox does not wait for upstream
servers to connect (they connect in the background, in parallel); `settled()` does, each bounded by its
`startup_timeout`. Each source is started and closed in its own task,
which is what `UpstreamServer` needs to own its connection.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import anyio
import anyio.abc

from codemode.errors import NamespaceCollisionError, ToolError
from codemode.sources.protocol import ChangeListeners, SourceStatus, ToolInfo, ToolSource, not_connected

__all__ = ["Toolbox"]

logger = logging.getLogger(__name__)

_MAX_LISTED = 30


class Toolbox:
    """All tool sources, by namespace; `call(namespace, name, arguments)` routes a guest call."""

    def __init__(self, sources: Iterable[ToolSource]) -> None:
        """`sources` in order; two with the same namespace raise `NamespaceCollisionError`."""
        self._sources: dict[str, ToolSource] = {}
        for source in sources:
            other = self._sources.get(source.namespace)
            if other is not None:
                raise NamespaceCollisionError(
                    f"two tool sources share the namespace `{source.namespace}`: {_describe(other)} and "
                    f"{_describe(source)}; rename one (the config key or the PythonTools namespace)"
                )
            self._sources[source.namespace] = source
        self._start_errors: dict[str, str] = {}
        self._listeners = ChangeListeners("the toolbox")
        for source in self._sources.values():
            source.on_change(self._listeners.notify)
        self._task_group: anyio.abc.TaskGroup | None = None
        self._closing = anyio.Event()

    # -- lifecycle ---------------------------------------------------------------------------------

    async def __aenter__(self) -> Toolbox:
        if self._task_group is not None:
            raise RuntimeError("the toolbox is already started")
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        try:
            started = [anyio.Event() for _ in self._sources]
            for source, done in zip(self._sources.values(), started, strict=True):
                task_group.start_soon(self._run_source, source, done, name=f"tool source {source.namespace}")
            for done in started:
                await done.wait()
        except BaseException as error:
            # Cancelled while starting: close what started, then let the cancellation through.
            await self.__aexit__(type(error), error, error.__traceback__)
            raise
        return self

    async def settled(self) -> None:
        """Wait until every source that connects in the background has made its first attempt."""
        async with anyio.create_task_group() as group:
            for source in self._sources.values():
                group.start_soon(self._settled, source)

    @staticmethod
    async def _settled(source: ToolSource) -> None:
        # Optional in the protocol: only sources that connect in the background have it.
        settled = getattr(source, "settled", None)
        if callable(settled):
            await settled()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        self._closing.set()
        task_group, self._task_group = self._task_group, None
        if task_group is None:
            return None
        return await task_group.__aexit__(exc_type, exc, tb)

    async def _run_source(self, source: ToolSource, started: anyio.Event) -> None:
        """Start one source, keep it until the toolbox closes, close it, all in this one task."""
        try:
            await source.start()
        except Exception as error:
            self._start_errors[source.namespace] = f"failed: {type(error).__name__}: {error}"
            logger.exception("tool source `%s` failed to start; the others go on", source.namespace)
        finally:
            started.set()
        try:
            await self._closing.wait()
        finally:
            # No cancel scope of our own around aclose: a source may own a task group entered in
            # start(), which must be exited from this same scope (sources bound their own shutdown).
            try:
                await source.aclose()
            except Exception:
                logger.exception("tool source `%s` failed to close", source.namespace)

    # -- the catalog -------------------------------------------------------------------------------

    @property
    def sources(self) -> dict[str, ToolSource]:
        """The sources by namespace."""
        return dict(self._sources)

    def tools(self) -> list[ToolInfo]:
        """Every tool of every source, sources in order."""
        return [tool for tools in self.namespaces().values() for tool in tools]

    def namespaces(self) -> dict[str, list[ToolInfo]]:
        """Namespace -> its tools (what tool_schemas renders); namespaces without tools are left out."""
        catalog = {namespace: source.tools() for namespace, source in self._sources.items()}
        return {namespace: tools for namespace, tools in catalog.items() if tools}

    def get(self, namespace: str, name: str) -> ToolInfo:
        """The tool `namespace.name`, or `ToolError` naming the closest existing ones."""
        return self._tool(self._source(namespace, name), name)

    def on_change(self, listener: Callable[[], None]) -> None:
        """`listener` runs whenever any source's tool list changes."""
        self._listeners.add(listener)

    def status(self) -> dict[str, SourceStatus]:
        """Namespace -> how that source is doing (a source that failed to start says why)."""
        statuses: dict[str, SourceStatus] = {}
        for namespace, source in self._sources.items():
            error = self._start_errors.get(namespace)
            if error is None:
                statuses[namespace] = source.status()
            else:
                statuses[namespace] = SourceStatus(namespace, "failed", len(source.tools()), error)
        return statuses

    async def call(self, namespace: str, name: str, arguments: Any) -> Any:
        """Call `namespace.name` with the arguments as the caller got them (a guest program, a model).

        The one place a call is checked: the namespace, the tool, and that the arguments are an
        object (`None` counts as `{}`). A JSON-able result, or `ToolError` with what to do instead.
        """
        source = self._source(namespace, name)
        await self._listed(source)
        tool = self._tool(source, name)
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise ToolError(_object_argument_hint(tool, arguments))
        try:
            return await source.call(name, arguments)
        except ToolError:
            raise
        except Exception as error:
            logger.exception("tool source `%s` raised on `%s`", namespace, name)
            raise ToolError(f"tool `{namespace}.{name}` failed: {type(error).__name__}: {error}") from error

    async def wait_listed(self, namespace: str) -> bool:
        """Wait until the source of `namespace`, if it is still starting, has listed its tools (or
        failed or timed out). Whether there was anything to wait for: if so, the tools may differ now."""
        source = self._sources.get(namespace)
        return source is not None and await self._listed(source)

    async def _listed(self, source: ToolSource) -> bool:
        if source.tools() or self.status()[source.namespace].state != "starting":
            return False
        await self._settled(source)  # bounded by its startup_timeout (and the run's time limit)
        return True

    def _tool(self, source: ToolSource, name: str) -> ToolInfo:
        """The tool `name` of `source`; else why not: it does not exist, or the source is down."""
        tools = source.tools()
        for tool in tools:
            if tool.name == name:
                return tool
        status = self.status()[source.namespace]
        if not tools and status.state != "ready":
            raise ToolError(
                not_connected(getattr(source, "name", source.namespace), status.detail or status.state)
            )
        raise ToolError(self._unknown_tool(source, name))

    def _source(self, namespace: str, name: str) -> ToolSource:
        source = self._sources.get(namespace)
        if source is not None:
            return source
        known = list(self._sources)
        close = difflib.get_close_matches(namespace, known, n=3)
        hint = f"; did you mean {_listed(close, ' or ')}?" if close else ""
        raise ToolError(
            f"tool `{namespace}.{name}`: there is no namespace `{namespace}`{hint} "
            f"(namespaces: {_listed(known)})"
        )

    @staticmethod
    def _unknown_tool(source: ToolSource, name: str) -> str:
        names = [tool.name for tool in source.tools()]
        close = difflib.get_close_matches(name, names, n=3)
        hint = (
            f"; did you mean {_listed((f'{source.namespace}.{c}' for c in close), ' or ')}?" if close else ""
        )
        shown = _listed(names[:_MAX_LISTED]) + (", ..." if len(names) > _MAX_LISTED else "")
        return (
            f"tool `{source.namespace}.{name}` does not exist{hint} (tools of `{source.namespace}`: {shown})"
        )


_JS_KINDS = {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "an array"}
"""How a non-object argument is named back to the program, in its own language's words."""


def _object_argument_hint(tool: ToolInfo, arguments: Any) -> str:
    """The message for `ns.tool("x")`: which object the tool takes instead."""
    schema = tool.input_schema
    keys = list(schema.get("required") or []) or list(schema.get("properties") or {})[:1]
    example = "{" + ", ".join(f"{key}: ..." for key in keys) + "}"
    got = _JS_KINDS.get(type(arguments), "a " + type(arguments).__name__)
    name = tool.qualified_name
    return f"tool `{name}` takes one object argument, as in {name}({example}); got {got}"


def _describe(source: ToolSource) -> str:
    name = getattr(source, "name", None)
    return f"{type(source).__name__} `{name or source.namespace}`"


def _listed(names: Iterable[str], separator: str = ", ") -> str:
    return separator.join(f"`{name}`" for name in names) or "none"
