"""What every tool source has in common: `ToolInfo`, the `ToolSource` protocol, `SourceStatus`,
change listeners, and the naming rule for namespaces.

A tool source is one namespace of tools in the declarations the model reads: a `PythonTools` registry,
or one upstream MCP server. The `Toolbox` holds them all and checks every call before it reaches a
source, so a source's `call` is only ever given one of its own tools and an object of arguments.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from sandbox import RESERVED_GLOBALS
from tool_schemas import sanitize_identifier

logger = logging.getLogger(__name__)

__all__ = [
    "ChangeListeners",
    "SourceState",
    "SourceStatus",
    "ToolInfo",
    "ToolSource",
    "classic_tool_name",
    "namespace_identifier",
]

"""Names the program relies on: a namespace named like one would hide it, so it gets a `_`.
(`search` and `describe` are the discovery functions.)"""


def classic_tool_name(namespace: str, name: str) -> str:
    """A tool's name where each tool is its own MCP or model-API tool: `namespace__name`.

    Used when tools are published beside `code`, by the agent's classic mode and by the benchmark's
    classic transcripts; both model APIs accept `^[a-zA-Z0-9_-]{1,64}$`.
    """
    return f"{namespace}__{name}" if namespace else name


_TAKEN_GLOBALS = RESERVED_GLOBALS | {"search", "describe"}
"""The sandbox's reserved globals plus the discovery functions (`description.DISCOVERY_GLOBALS`)."""


def namespace_identifier(name: str) -> str:
    """A source's name as the guest's namespace: sanitized like tool names, never a global.

    `my-server` -> `my_server`; `console` -> `console_`; `crypto` -> `crypto_`.
    """
    identifier = sanitize_identifier(name)
    return identifier + "_" if identifier in _TAKEN_GLOBALS else identifier


SourceState = Literal["starting", "ready", "failed", "closed"]
"""`starting`: not connected yet; `ready`: tools listed and callable; `failed`: down, may be retrying;
`closed`: shut down on purpose."""


@dataclass(frozen=True)
class ToolInfo:
    """One tool as the guest sees it, with the schemas it was declared from."""

    namespace: str
    """The guest identifier of the tool's namespace (sanitized), e.g. `memory`."""
    name: str
    """The guest identifier of the tool (sanitized), e.g. `create_entities`."""
    original_name: str
    """The tool's own name: the upstream server's tool name or the Python name it was registered under."""
    description: str
    """What the tool does, as written by its author."""
    input_schema: dict[str, Any]
    """JSON Schema of the arguments object."""
    output_schema: dict[str, Any] | None = None
    """JSON Schema of the result, when the tool declares one."""
    annotations: dict[str, Any] | None = None
    """MCP tool annotations (readOnlyHint, destructiveHint, ...), when present."""

    @property
    def qualified_name(self) -> str:
        """`namespace.name`, the way the guest calls it and the way messages name it."""
        return f"{self.namespace}.{self.name}"

    def to_mcp_dict(self) -> dict[str, Any]:
        """The tool as an MCP `Tool` dict (the shape tool_schemas and classic tool calling consume)."""
        tool: dict[str, Any] = {
            "name": self.original_name,
            "description": self.description,
            "inputSchema": self.input_schema,
        }
        if self.output_schema is not None:
            tool["outputSchema"] = self.output_schema
        if self.annotations:
            tool["annotations"] = self.annotations
        return tool


@dataclass(frozen=True)
class SourceStatus:
    """How one tool source is doing, for `codemode doctor` and the logs."""

    namespace: str
    """The source's namespace."""
    state: SourceState
    """Where the source is in its life."""
    tool_count: int
    """How many tools it currently offers."""
    detail: str = ""
    """Why it is not ready (the last error, the retry delay), empty when ready."""


@runtime_checkable
class ToolSource(Protocol):
    """One namespace of tools. `start`/`aclose` are called once each, from the same task."""

    namespace: str
    """The guest identifier of the namespace (sanitized)."""

    async def start(self) -> None:
        """Make the tools available; may raise (the Toolbox isolates a failing source)."""

    async def aclose(self) -> None:
        """Release everything `start` acquired."""

    def tools(self) -> list[ToolInfo]:
        """The current tool list."""

    def status(self) -> SourceStatus:
        """How the source is doing: its state, its tool count, and why it is not ready."""

    async def call(self, name: str, arguments: dict[str, Any]) -> Any:
        """Call tool `name`, one of `tools()` (the Toolbox checked); return a JSON-able value or raise
        `ToolError` (the tool's own error, bad arguments) with a message the guest sees."""

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the tool list changes."""


@dataclass
class ChangeListeners:
    """The `on_change` listeners of one source; a raising listener is logged and never stops the others."""

    owner: str
    """Who owns the listeners, for log messages."""
    _listeners: list[Callable[[], None]] = field(default_factory=list)

    def add(self, listener: Callable[[], None]) -> None:
        """Register a listener."""
        self._listeners.append(listener)

    def notify(self) -> None:
        """Call every listener."""
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:
                logger.exception("a tools-changed listener of %s raised; continuing", self.owner)
