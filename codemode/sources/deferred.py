"""`DeferredSource`: a source whose tools are known ahead (a cached listing), built on its first call.

`codemode exec` over the built-in demo lists every tool in the description and the type check, but
a program like `return 1` calls none of them: building the demo world's tools (their pydantic
models) and opening the workspace is work it need not do. A `DeferredSource` shows the cached
listing at once and builds the real source when a program first calls one of its tools (in a
worker thread: the build is CPU work), then hands every call to it.

Several deferred sources may share one `SourceBuilder` (the four demo namespaces come from one
world). Should the real source list other tools than the cache said (it cannot, while the cache key
covers the code; `listing_cache`), its list wins and the change is announced like any other.

The real source is started in the task of the first call and closed in the toolbox's: fine for
sources that start without a task group of their own (`PythonTools`, a shared workspace), not for
upstream servers or a session-scoped workspace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import anyio.to_thread

from codemode.sources.listing_cache import load_listing, store_listing
from codemode.sources.protocol import ChangeListeners, SourceStatus, ToolInfo, ToolSource

__all__ = ["DeferredSource", "SourceBuilder", "deferred_sources"]

logger = logging.getLogger(__name__)


def deferred_sources(listing: str, build: Callable[[], Sequence[ToolSource]]) -> list[ToolSource]:
    """The sources `build` makes, deferred: one `DeferredSource` per namespace of the listing cached
    under the name `listing`; without a usable cache, `build()` now (and its listing is stored)."""
    tools = load_listing(listing)
    if tools is None:
        built = list(build())
        store_listing(listing, [tool for source in built for tool in source.tools()])
        return built
    builder = SourceBuilder(build)
    by_namespace: dict[str, list[ToolInfo]] = {}
    for tool in tools:
        by_namespace.setdefault(tool.namespace, []).append(tool)
    return [DeferredSource(namespace, listed, builder) for namespace, listed in by_namespace.items()]


class SourceBuilder:
    """Builds a set of sources once, on first need, in a worker thread."""

    def __init__(self, build: Callable[[], Sequence[ToolSource]]) -> None:
        self._build = build
        self._lock = anyio.Lock()
        self._built: dict[str, ToolSource] | None = None

    async def source(self, namespace: str) -> ToolSource:
        """The built source of `namespace` (KeyError when the build made none)."""
        async with self._lock:
            if self._built is None:
                sources = await anyio.to_thread.run_sync(self._build)
                self._built = {source.namespace: source for source in sources}
        return self._built[namespace]


class DeferredSource:
    """One namespace listed from a cache and built on its first call; implements `ToolSource`."""

    def __init__(self, namespace: str, tools: Sequence[ToolInfo], builder: SourceBuilder) -> None:
        self.namespace = namespace
        """The guest identifier of the namespace."""
        self._tools = list(tools)
        self._builder = builder
        self._real: ToolSource | None = None
        self._lock = anyio.Lock()
        self._closed = False
        self._listeners = ChangeListeners(f"deferred tools `{namespace}`")

    async def start(self) -> None:
        """Nothing yet: the real source is built and started on the first call."""

    async def aclose(self) -> None:
        """Close the real source, if it was built."""
        async with self._lock:
            self._closed = True
            real, self._real = self._real, None
        if real is not None:
            await real.aclose()

    def tools(self) -> list[ToolInfo]:
        """The cached listing, until the real source is built; then the real source's."""
        return list(self._tools)

    def status(self) -> SourceStatus:
        """Ready: its tools are known, and it builds itself when called."""
        return (
            self._real.status()
            if self._real is not None
            else SourceStatus(self.namespace, "ready", len(self._tools))
        )

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.add(listener)

    async def call(self, name: str, arguments: dict[str, Any]) -> Any:
        """Build and start the real source if this is the first call, then call it."""
        real = self._real or await self._realize()
        return await real.call(name, arguments)

    async def _realize(self) -> ToolSource:
        async with self._lock:
            if self._real is not None:
                return self._real
            if self._closed:
                raise RuntimeError(f"the tool source `{self.namespace}` is closed")
            real = await self._builder.source(self.namespace)
            await real.start()
            real.on_change(self._changed)
            self._real = real
        if real.tools() != self._tools:
            logger.warning("the cached tool list of `%s` was stale; using the real one", self.namespace)
            self._changed()
        return real

    def _changed(self) -> None:
        if self._real is not None:
            self._tools = self._real.tools()
        self._listeners.notify()
