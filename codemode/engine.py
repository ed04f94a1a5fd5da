"""`CodeMode`: the `code` tool over a set of tools, running each program in a sandbox executor.

One run, from the program to the text the model reads:

    CodeMode.run(code)
      -> checker.check(code)                                typecheck: certain bugs stop it here,
                                                            before any tool is called (when on;
                                                            TypeScript only)
      -> executor.run(code, tools=..., callback=...,       sandbox: Deno, limits, the bridge
                      language=settings.language)          (Python: Pyodide in the same sandbox)
           guest `ns.tool({...})` -> callback -> the names the program used, back to the tool's own
                                         -> the run's approval gate (codemode.approvals)
                                         -> tools.call(ns, tool, args)   (a ToolProvider, the Toolbox)
           guest `search(q)` / `describe(name)` -> the catalog, when over the token budget
      -> format_outcome(result)                             model_text: the value block, the notes block

The engine is given its tools, executor and settings; it reads no config and builds no source
(`codemode.app` does). Every check of a tool call's namespace, name and arguments is the Toolbox's.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from codemode.approvals import ApprovalGate, ApprovalPolicy, Asker
from codemode.approvals.gate import DecisionSink
from codemode.description import DISCOVERY_GLOBALS, Described, describe, unavailable
from codemode.dialect import Language
from codemode.errors import ToolError
from codemode.model_text import format_outcome
from codemode.sources.protocol import SourceStatus, ToolInfo
from codemode.typecheck import CheckerError, Diagnostic, TypeChecker, rejected_result, shown_declarations
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

    async def wait_listed(self, namespace: str) -> bool:
        """Wait for a still-starting source's first listing; whether there was one to wait for."""

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

    notice: str = ""
    """A paragraph the description starts with (that the tools are a built-in demo, say)."""
    approvals: ApprovalPolicy = field(default_factory=ApprovalPolicy)
    """Which tool calls a person must approve (by default: the tools marked `destructiveHint`)."""
    language: Language = "typescript"
    """The language the model writes programs in: the description is written for it (Python: stubs,
    keyword arguments) and every run is in it. Python programs are not type-checked."""


@dataclass(frozen=True)
class CodeOutcome:
    """One run of the `code` tool, ready for the model."""

    blocks: tuple[str, str]
    """What the model reads: the return value as JSON (or the error), then logs and a stats line."""

    is_error: bool
    """True when the program failed (threw, broke a limit); the text then explains why."""

    result: RunResult
    """The sandbox's full result, for callers that want the parsed value or the stats."""

    diagnostics: tuple[Diagnostic, ...] = ()
    """The type errors that stopped the program before it ran (`result.error.name` is `TypeCheckError`)."""

    @property
    def text(self) -> str:
        """Both blocks as one text, for tool results that take a single string."""
        return "\n".join(block for block in self.blocks if block)


class CodeMode:
    """The `code` tool over a set of tools, running programs in a sandbox executor."""

    def __init__(
        self,
        tools: ToolProvider,
        executor: Executor,
        settings: EngineSettings | None = None,
        *,
        checker: TypeChecker | None = None,
    ) -> None:
        self.tools = tools
        self._executor = executor
        self.settings = settings or EngineSettings()
        self.checker = checker
        """Checks each program against the declarations before it runs; None runs it unchecked."""
        self._cache: Described | None = None
        self._cache_checked = False
        """Whether the cached description says programs are type-checked (it follows `checker`)."""
        self._listeners: list[Callable[[], None]] = []
        tools.on_change(self._tools_changed)

    # -- description -------------------------------------------------------------------------

    def declarations(self) -> str:
        """The full declarations of every tool, in the program's language."""
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
        if self._cache is None or self._cache_checked != (self.checker is not None):
            down = unavailable(self.tools.status())
            self._cache_checked = self.checker is not None
            self._cache = describe(
                self.tools.tools(),
                self.settings.token_budget,
                down,
                notice=self.settings.notice,
                approvals=self.settings.approvals,
                language=self.settings.language,
                typechecked=self._cache_checked,
            )
            # The checker follows what the model is shown, no restart (TypeScript only).
            if self.checker is not None and self.settings.language == "typescript":
                shown = shown_declarations(
                    self._cache.declarations,
                    discovery=self._cache.discovery,
                    untyped=self._cache.guest_tools,  # down or starting servers keep their namespace
                )
                self.checker.set_declarations(shown)
        return self._cache

    # -- running -----------------------------------------------------------------------------

    async def run(
        self,
        code: str,
        *,
        limits: Limits | None = None,
        on_log: Callable[[LogEntry], None] | None = None,
        sandbox_id: str | None = None,
        approvals: ApprovalGate | None = None,
    ) -> CodeOutcome:
        """Run one program. Never raises for the program's mistakes: they are in the outcome.

        `approvals` is this run's gate (`approval_gate(asker, ...)`); without one, nobody can be
        asked, so calls that need approval follow the policy's fallback (deny, by default).
        """
        described = self._described()
        rejected = await self._type_check(code)
        if rejected is not None:
            return rejected
        gate = approvals or self.approval_gate(
            None, who="a caller with no way to ask", cannot_ask="nobody can be asked here"
        )
        result = await self._executor.run(
            code,
            tools=described.guest_tools,
            callback=functools.partial(self._callback, gate),
            globals=DISCOVERY_GLOBALS if described.discovery else (),
            limits=limits or self.settings.limits,
            on_log=on_log,
            sandbox_id=sandbox_id,
            language=self.settings.language,
        )
        blocks = format_outcome(
            result, max_chars=self.settings.max_result_chars, limits=limits or self.settings.limits
        )
        return CodeOutcome(blocks=blocks, is_error=not result.ok, result=result)

    async def _type_check(self, code: str) -> CodeOutcome | None:
        """The outcome of a program the checker stops (nothing runs), or None to run it."""
        if self.checker is None or self.settings.language != "typescript":
            return None  # the checker knows TypeScript only: Python programs run unchecked
        start = time.perf_counter()
        try:
            diagnostics = await self.checker.check(code)
        except CheckerError as exc:  # the checker's failure is not the program's: run it unchecked
            logger.warning("type check skipped, running the program unchecked: %s", exc)
            return None
        if not diagnostics:
            return None
        result = rejected_result(code, diagnostics, wall_ms=(time.perf_counter() - start) * 1000)
        blocks = format_outcome(result, max_chars=self.settings.max_result_chars, limits=self.settings.limits)
        return CodeOutcome(blocks=blocks, is_error=True, result=result, diagnostics=tuple(diagnostics))

    def approval_gate(
        self,
        asker: Asker | None,
        *,
        who: str,
        on_decision: DecisionSink | None = None,
        cannot_ask: str | None = None,
    ) -> ApprovalGate:
        """A gate for one run under this engine's approval policy.

        `asker=None`: nobody can be asked, so the policy's fallback decides; `cannot_ask` says why
        in the message the program gets (default: the MCP client does not support elicitation).
        """
        extra = {"cannot_ask": cannot_ask} if cannot_ask is not None else {}
        return ApprovalGate(self.settings.approvals, asker, who=who, on_decision=on_decision, **extra)

    async def _callback(self, gate: ApprovalGate, namespace: str, name: str, arguments: Any) -> Any:
        """A guest call: a tool (approved by the run's gate, checked and routed by the tools), or a
        discovery function. The one place where a program's tool calls enter the toolbox: the names
        the program used (Python's may differ) become the tool's own here, before anything else."""
        try:
            if namespace == "":
                return self._discovery_call(name, arguments)
            described = self._described()
            tool = described.tools.get((namespace, name))
            own_namespace = described.namespaces.get(namespace, namespace)
            if tool is None and await self.tools.wait_listed(own_namespace):
                # Its server was still starting: now that it has listed its tools, the name the
                # program used maps to one of them (Python's may differ), and approval rules apply.
                described = self._described()
                tool = described.tools.get((namespace, name))
            if tool is not None:
                namespace, name = tool.namespace, tool.name
            else:  # no such tool: the toolbox says so (or why its server is down) in its own words
                namespace = own_namespace
            as_object = {} if arguments is None else arguments
            if tool is not None and isinstance(as_object, dict):  # the toolbox refuses anything else
                await gate.check(tool, as_object)
            return await self.tools.call(namespace, name, arguments)
        except ToolError as exc:
            raise ToolCallError(str(exc)) from exc

    def _discovery_call(self, name: str, arguments: Any) -> Any:
        catalog = self._described().catalog
        if isinstance(arguments, dict) and len(arguments) == 1:  # Python: search(query="...")
            arguments = next(iter(arguments.values()))
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
