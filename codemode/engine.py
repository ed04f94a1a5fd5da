"""The `code` tool itself: its description, and running one program against the tools.

`CodeMode` joins a toolbox (where tool calls go) and a sandbox executor (where the model's code
runs). The server, the agent loop and the benchmark all go through it, so the model sees the same
description and gets back the same text whichever way it arrives.

    description()  declarations of every tool (or, over the token budget, a compact index plus
                   the guest functions `search(query)` and `describe(name)`)
    run(code)      sandbox run -> CodeOutcome(text for the model, is_error, the raw RunResult)
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from codemode.discovery import Catalog
from codemode.errors import ToolError
from codemode.formatting import format_outcome
from codemode.tokens import count_tokens
from codemode.tools import ToolInfo, ToolSource
from sandbox import DenoExecutor, Executor, Limits, LogEntry, RunResult, SandboxSettings, ToolCallError
from tool_schemas import render_declarations, render_index

if TYPE_CHECKING:
    from codemode.config import Config

__all__ = [
    "CODE_TOOL_INPUT_SCHEMA",
    "CODE_TOOL_NAME",
    "CodeMode",
    "CodeOutcome",
    "Described",
    "EngineSettings",
    "ToolProvider",
    "describe",
    "open_engine",
    "unavailable",
]

logger = logging.getLogger(__name__)

CODE_TOOL_NAME = "code"

CODE_TOOL_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "TypeScript: the body of an async function that calls the tools "
            "and returns the answer.",
        }
    },
    "required": ["code"],
    "additionalProperties": False,
}

_GUIDE = """\
Run TypeScript in a sandbox that can call the tools declared below, and get back only what the \
program returns. Write the body of an async function: call tools as \
`await namespace.tool({...})`, run independent calls together with `Promise.all`, filter and \
aggregate large results in code, and `return` just the answer (any JSON value). `console.log` \
lines come back as notes. There is no network, file system or import; only these tools. \
A failing tool call throws an Error with the tool's message."""

_DISCOVERY_GUIDE = """\
The catalog is too large to declare here, so it is {shown}. Two more functions exist in the code: \
`await search("what you need")` returns the best-matching tools as `{{name, summary}}[]`, and \
`await describe(["ns.tool", "ns.other"])` returns those tools' full TypeScript declarations as one \
text. Search, then describe the tools before calling them, all in one program when you can."""

_RETRY = re.compile(r";? *retrying in [\d.]+ s\.?$")
"""The retry countdown in a down source's status: stale by the time the model reads it."""

_JS_KINDS = {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "an array"}
"""How a non-object argument is named back to the program, in its own language's words."""

#: Guest functions that exist only in discovery mode.
DISCOVERY_GLOBALS: tuple[str, ...] = ("search", "describe")


class ToolProvider(Protocol):
    """What the engine needs of a toolbox (`codemode.toolbox.Toolbox` is the real one)."""

    def tools(self) -> list[ToolInfo]: ...

    async def call(self, namespace: str, name: str, arguments: dict[str, Any]) -> Any: ...

    def on_change(self, listener: Callable[[], None]) -> None: ...


@dataclass(frozen=True)
class EngineSettings:
    """How the `code` tool is described and how its results are shaped."""

    token_budget: int = 8000
    """Above this many tokens of declarations, describe the catalog by its index plus search."""

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
            self._cache = describe(self.tools.tools(), self.settings.token_budget, unavailable(self.tools))
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
        if namespace == "":
            return self._global(name, arguments)
        if arguments is None:  # `ns.tool()` with no argument
            arguments = {}
        if not isinstance(arguments, dict):
            raise ToolCallError(self._object_argument_hint(namespace, name, arguments))
        try:
            return await self.tools.call(namespace, name, arguments)
        except ToolError as exc:
            raise ToolCallError(str(exc)) from exc

    def _object_argument_hint(self, namespace: str, name: str, arguments: Any) -> str:
        """The message for `ns.tool("x")`: which object the tool takes instead."""
        schema = next(
            (t.input_schema for t in self.tools.tools() if t.namespace == namespace and t.name == name), {}
        )
        keys = list(schema.get("required") or []) or list(schema.get("properties") or {})[:1]
        example = "{" + ", ".join(f"{key}: ..." for key in keys) + "}"
        got = _JS_KINDS.get(type(arguments), "a " + type(arguments).__name__)
        call = f"{namespace}.{name}({example})"
        return f"tool `{namespace}.{name}` takes one object argument, as in {call}; got {got}"

    def _global(self, name: str, arguments: Any) -> Any:
        catalog = self._described().catalog
        query = arguments[0] if isinstance(arguments, list) and arguments else arguments
        if name == "search":
            if not isinstance(query, str):
                raise ToolCallError('search(query) takes a string, e.g. search("create an issue")')
            return [hit.to_json() for hit in catalog.search(query)]
        if name == "describe":
            try:
                return catalog.describe(arguments)
            except (KeyError, TypeError) as exc:
                raise ToolCallError(str(exc.args[0])) from exc
        raise ToolCallError(f"unknown function `{name}`; available: search, describe")


@dataclass(frozen=True)
class Described:
    """How a set of tools is presented to the model."""

    declarations: str
    """Full TypeScript declarations of every tool."""
    description: str
    """The `code` tool's description: the guide, then declarations or (over budget) the index."""
    discovery: bool
    """True when over the token budget: the guest gets `search` and `describe`."""
    guest_tools: Mapping[str, Sequence[str]]
    """Guest identifiers by namespace, for the sandbox."""
    catalog: Catalog
    """The search index behind `search` and `describe`."""


def unavailable(tools: object) -> dict[str, str]:
    """Namespaces whose source is down and offers no tools, with why (from `Toolbox.status()`)."""
    status = getattr(tools, "status", None)
    if not callable(status):
        return {}
    return {
        namespace: _RETRY.sub("", report.detail) or report.state
        for namespace, report in status().items()
        if report.state in ("failed", "starting") and report.tool_count == 0
    }


def describe(tools: list[ToolInfo], token_budget: int, down: Mapping[str, str] | None = None) -> Described:
    """Present `tools` to the model, in the richest form that fits `token_budget` tokens.

    `down` names sources that are down with no tools (namespace -> why), so the model is told
    rather than left to guess why a configured server is missing.

    Full declarations when they fit; else the one-line index plus `search`/`describe`; else (very
    large catalogs) a per-namespace overview plus `search`/`describe`.
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    guest: dict[str, list[str]] = {}
    for tool in tools:
        grouped.setdefault(tool.namespace, []).append(tool.to_mcp_dict())
        guest.setdefault(tool.namespace, []).append(tool.name)
    declarations = render_declarations(grouped)
    catalog = Catalog(tools)
    discovery = count_tokens(declarations) > token_budget
    if not discovery:
        body = f"{_GUIDE}\n\n```ts\n{declarations}```"
    else:
        index = render_index(grouped)
        if count_tokens(index) <= token_budget:
            shown = "listed as a one-line index"
            listing = f"Index:\n{index}"
        else:
            shown = "summarized by namespace"
            listing = catalog.overview()
        body = f"{_GUIDE}\n\n{_DISCOVERY_GUIDE.format(shown=shown)}\n\n{listing}"
    if down:
        lines = "\n".join(f"- {namespace}: {why}" for namespace, why in sorted(down.items()))
        body += f"\n\nNot available right now (their tools are missing above; do not call them):\n{lines}"
    return Described(
        declarations=declarations,
        description=body,
        discovery=discovery,
        guest_tools=guest,
        catalog=catalog,
    )


@asynccontextmanager
async def open_engine(
    config: Config | None = None,
    *,
    sources: Sequence[ToolSource] = (),
    sandbox: SandboxSettings | None = None,
    settings: EngineSettings | None = None,
) -> AsyncIterator[CodeMode]:
    """Tools, sandbox and engine, ready to run code.

    The tools are `sources` plus the config's (`python` entries and `mcpServers`); with neither,
    the embedded default world, so that `codemode serve` with no arguments has a real toolset.
    """
    from codemode.settings import engine_settings, sandbox_settings
    from codemode.toolbox import Toolbox

    async with AsyncExitStack() as stack:
        if config is not None:
            toolbox = Toolbox.from_config(config, extra_sources=sources)
        elif sources:
            toolbox = Toolbox(sources)
        else:
            from codemode.world import default_sources

            toolbox = Toolbox(default_sources())
        await stack.enter_async_context(toolbox)
        executor = DenoExecutor(sandbox or sandbox_settings(config))
        await stack.enter_async_context(executor)
        yield CodeMode(toolbox, executor, settings or engine_settings(config))
