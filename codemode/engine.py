"""`CodeMode`: the `code` tool over a set of tools, running each program in a sandbox executor.

One run, from the program to the text the model reads:

    CodeMode.run(code)
      -> executor.run(code, tools=..., callback=...)       sandbox: Deno, limits, the bridge
           guest `ns.tool({...})` -> callback -> tools.call(ns, tool, args)   (a ToolProvider, the Toolbox)
           guest `search(q)` / `describe(name)` -> the catalog, when over the token budget
      -> format_outcome(result)                             model_text: the value block, the notes block

The engine is given its tools, executor and settings; it reads no config and builds no source
(`codemode.app` does). Every check of a tool call's namespace, name and arguments is the Toolbox's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from codemode.description import DISCOVERY_GLOBALS, Described, describe, unavailable
from codemode.errors import ToolError
from codemode.model_text import format_outcome
from codemode.sources.protocol import SourceStatus, ToolInfo
from sandbox import Executor, Limits, LogEntry, RunResult, ToolCallError

__all__ = ["CodeMode", "CodeOutcome", "EngineSettings", "ToolProvider"]

logger = logging.getLogger(__name__)


class ToolProvider(Protocol):
    """What the engine needs of its tools (`codemode.sources.Toolbox` is the real one)."""

    def tools(self) -> list[ToolInfo]:
        """Every tool, in declaration order."""

    def status(self) -> dict[str, SourceStatus]:
        """Namespace -> how its source is doing (the description names the ones that are down)."""

    async def call(self, namespace: str, name: str, arguments: Any) -> Any:
        """Call one tool with the guest's arguments as they came; `ToolError` for the guest to see."""

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the tool list changes."""


@dataclass(frozen=True)
class EngineSettings:
    """How the `code` tool is described and how its results are shaped."""

    token_budget: int = 1000
    """The most tokens the tool listing in the `code` tool's description may take: the richest form
    that fits (declarations, index, overview; `description.describe`). 1,000 is measured, not guessed:
    docs/benchmarks.md, "The default"."""

    max_result_chars: int = 20_000
    """The text returned to the model is cut at this many characters, with a marker."""

    limits: Limits = field(default_factory=Limits)
    """Sandbox limits for every run, unless a run passes its own."""


@dataclass(frozen=True)
class CodeOutcome:
    """One run of the `code` tool, ready for the model."""

    blocks: tuple[str, str]
    """What the model reads: the return value as JSON (or the error), then logs and a stats line."""

    is_error: bool
    """True when the program failed (threw, broke a limit); the text then explains why."""

    result: RunResult
    """The sandbox's full result, for callers that want the parsed value or the stats."""

    @property
    def text(self) -> str:
        """Both blocks as one text, for tool results that take a single string."""
        return "\n".join(block for block in self.blocks if block)


class CodeMode:
    """The `code` tool over a set of tools, running programs in a sandbox executor."""

    def __init__(
        self, tools: ToolProvider, executor: Executor, settings: EngineSettings | None = None
    ) -> None:
        self.tools = tools
        self._executor = executor
        self.settings = settings or EngineSettings()
        self._cache: Described | None = None
        self._listeners: list[Callable[[], None]] = []
        tools.on_change(self._tools_changed)

    # -- description -------------------------------------------------------------------------

    def declarations(self) -> str:
        """The full TypeScript declarations of every tool."""
        return self._described().declarations

    def description(self) -> str:
        """The `code` tool's description: how to write the code, and the tools it can call."""
        return self._described().description

    @property
    def discovery(self) -> bool:
        """Whether the catalog is over the token budget, so the model gets an index and search."""
        return self._described().discovery

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the description changes (an upstream's tools changed)."""
        self._listeners.append(listener)

    def _tools_changed(self) -> None:
        self._cache = None
        for listener in self._listeners:
            listener()

    def _described(self) -> Described:
        if self._cache is None:
            down = unavailable(self.tools.status())
            self._cache = describe(self.tools.tools(), self.settings.token_budget, down)
        return self._cache

    # -- running -----------------------------------------------------------------------------

    async def run(
        self,
        code: str,
        *,
        limits: Limits | None = None,
        on_log: Callable[[LogEntry], None] | None = None,
        sandbox_id: str | None = None,
    ) -> CodeOutcome:
        """Run one program. Never raises for the program's mistakes: they are in the outcome."""
        described = self._described()
        result = await self._executor.run(
            code,
            tools=described.guest_tools,
            callback=self._callback,
            globals=DISCOVERY_GLOBALS if described.discovery else (),
            limits=limits or self.settings.limits,
            on_log=on_log,
            sandbox_id=sandbox_id,
        )
        blocks = format_outcome(result, max_chars=self.settings.max_result_chars)
        return CodeOutcome(blocks=blocks, is_error=not result.ok, result=result)

    async def _callback(self, namespace: str, name: str, arguments: Any) -> Any:
        """A guest call: a tool (checked and routed by the tools), or a discovery function."""
        try:
            if namespace == "":
                return self._discovery_call(name, arguments)
            return await self.tools.call(namespace, name, arguments)
        except ToolError as exc:
            raise ToolCallError(str(exc)) from exc

    def _discovery_call(self, name: str, arguments: Any) -> Any:
        catalog = self._described().catalog
        query = arguments[0] if isinstance(arguments, list) and arguments else arguments
        if name == "search":
            if not isinstance(query, str):
                raise ToolError('search(query) takes a string, e.g. search("create an issue")')
            return [hit.to_json() for hit in catalog.search(query)]
        if name == "describe":
            try:
                return catalog.describe(arguments)
            except (KeyError, TypeError) as exc:
                raise ToolError(str(exc.args[0])) from exc
        raise ToolError(f"unknown function `{name}`; available: {', '.join(DISCOVERY_GLOBALS)}")
