"""What the model can call: the `code` tool (code mode) or every real tool (classic mode).

Both modes present the same face to the loop: a list of `ModelTool`s to declare to the API, and
`call(name, arguments) -> ToolOutcome`. The loop never raises on the model's mistakes: a guest error,
a failing tool, an unknown tool name or bad arguments all become an error outcome that goes back to
the model as the tool result. In classic mode a tool's value goes back as an MCP server sends it
(`codemode.model_text.tool_result_text`: strings as they are, anything else as indented JSON), so
the classic agent costs what a real classic client costs.

Classic-mode tool names: providers require `^[a-zA-Z0-9_-]{1,64}$`, so tool `name` in namespace
`ns` is offered as `ns__name` (two underscores; both parts are already sanitized identifiers).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from codemode.code_tool import CODE_TOOL_NAME, code_tool_input_schema, program_of
from codemode.errors import ToolError
from codemode.model_text import tool_result_text
from codemode.sources.protocol import ToolInfo, classic_tool_name

if TYPE_CHECKING:  # the engine brings the sandbox; the agent only calls what it is given
    from codemode.approvals import Asker
    from codemode.engine import CodeMode, ToolProvider

__all__ = [
    "ClassicToolset",
    "CodeToolset",
    "Mode",
    "ModelTool",
    "ToolOutcome",
    "Toolset",
]

logger = logging.getLogger(__name__)

Mode = Literal["code", "tools"]
"""`code`: the model gets the one `code` tool. `tools`: it gets every tool directly (the baseline)."""


# -- the model-facing side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelTool:
    """One tool as declared to the model's API."""

    name: str
    """The name the model calls it by."""
    description: str
    """The description the model reads."""
    input_schema: dict[str, Any]
    """JSON Schema of the arguments object."""


@dataclass(frozen=True)
class ToolOutcome:
    """What goes back to the model as a tool result."""

    text: str
    """The result text (JSON of the value, or the error message)."""
    is_error: bool = False
    """True for guest errors and tool errors."""


class Toolset(Protocol):
    """The tools of one mode, and how to call them."""

    mode: Mode

    def model_tools(self) -> list[ModelTool]: ...
    async def call(self, name: str, arguments: Mapping[str, Any]) -> ToolOutcome: ...


_NOBODY = "nobody can be asked here (no terminal; `codemode agent --yes` allows every call)"


class CodeToolset:
    """Code mode: the one `code` tool, run by the engine."""

    mode: Mode = "code"

    def __init__(self, engine: CodeMode, asker: Asker | None = None, who: str = "the agent's user") -> None:
        self._engine = engine
        self._asker = asker
        """Asked before each call that needs approval; None: nobody (the approval fallback decides)."""
        self._who = who

    def model_tools(self) -> list[ModelTool]:
        schema = code_tool_input_schema(self._engine.settings.language)
        return [ModelTool(CODE_TOOL_NAME, self._engine.description(), dict(schema))]

    async def call(self, name: str, arguments: Mapping[str, Any]) -> ToolOutcome:
        if name != CODE_TOOL_NAME:
            return ToolOutcome(f"unknown tool `{name}`: the only tool is `{CODE_TOOL_NAME}`", True)
        try:
            code = program_of(arguments)
        except ToolError as error:
            return ToolOutcome(str(error), True)
        gate = self._engine.approval_gate(self._asker, who=self._who, cannot_ask=_NOBODY)
        outcome = await self._engine.run(code, approvals=gate)
        return ToolOutcome(outcome.text, outcome.is_error)


class ClassicToolset:
    """Classic mode: every tool of the toolbox, each called directly."""

    mode: Mode = "tools"

    def __init__(self, toolbox: ToolProvider) -> None:
        self._toolbox = toolbox

    def _routes(self) -> dict[str, ToolInfo]:
        return {classic_tool_name(info.namespace, info.name): info for info in self._toolbox.tools()}

    def model_tools(self) -> list[ModelTool]:
        tools = []
        for model_name, info in self._routes().items():
            if len(model_name) > 64:
                logger.warning("tool `%s`: name over 64 characters; providers may reject it", model_name)
            tools.append(ModelTool(model_name, info.description or "", dict(info.input_schema)))
        return tools

    async def call(self, name: str, arguments: Mapping[str, Any]) -> ToolOutcome:
        info = self._routes().get(name)
        if info is None:
            return ToolOutcome(f"unknown tool `{name}`: call one of the declared tools", True)
        try:
            value = await self._toolbox.call(info.namespace, info.name, dict(arguments))
        except ToolError as exc:
            return ToolOutcome(str(exc), True)
        except Exception as exc:
            # Not the tool's own error: still the model's to see (classic agents do the same), with
            # the type, so it and the transcript can tell an infrastructure failure apart.
            logger.warning("tool `%s` failed", name, exc_info=True)
            return ToolOutcome(f"tool `{name}` failed: {type(exc).__name__}: {exc}", True)
        return ToolOutcome(tool_result_text(value))
