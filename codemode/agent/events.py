"""Events the loop emits as the work happens; the rich display (or anything else) renders them.

The loop calls `on_event(event)` synchronously, in order. Keep handlers quick: they run between API
calls and tool calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codemode.agent.usage import TurnUsage

__all__ = [
    "AgentEvent",
    "AssistantText",
    "CodeWritten",
    "EventHandler",
    "FinalAnswer",
    "ToolCalled",
    "ToolReturned",
    "TurnFinished",
    "TurnStarted",
]


@dataclass(frozen=True)
class TurnStarted:
    """A request to the model is about to be sent."""

    turn: int
    """1-based turn number."""


@dataclass(frozen=True)
class AssistantText:
    """Text the model wrote alongside tool calls (its thinking aloud)."""

    turn: int
    """The turn it belongs to."""
    text: str
    """The text."""


@dataclass(frozen=True)
class CodeWritten:
    """Code mode: the model called `code` with this program."""

    turn: int
    """The turn it belongs to."""
    call_id: str
    """The tool call's id."""
    code: str
    """The TypeScript source."""


@dataclass(frozen=True)
class ToolCalled:
    """Classic mode (or a malformed `code` call): the model called a tool."""

    turn: int
    """The turn it belongs to."""
    call_id: str
    """The tool call's id."""
    name: str
    """The tool name as the model called it."""
    arguments: dict[str, Any]
    """The decoded arguments."""


@dataclass(frozen=True)
class ToolReturned:
    """A tool result is going back to the model."""

    turn: int
    """The turn it belongs to."""
    call_id: str
    """The tool call's id."""
    name: str
    """The tool name as the model called it."""
    text: str
    """The result text the model gets."""
    is_error: bool
    """True for guest and tool errors."""


@dataclass(frozen=True)
class TurnFinished:
    """The model answered; its usage is known."""

    turn: int
    """The turn."""
    usage: TurnUsage
    """Tokens of this API call."""


@dataclass(frozen=True)
class FinalAnswer:
    """The model answered without calling tools: the run is over."""

    turn: int
    """The last turn."""
    text: str
    """The final answer."""


AgentEvent = (
    TurnStarted | AssistantText | CodeWritten | ToolCalled | ToolReturned | TurnFinished | FinalAnswer
)
"""Any event."""

EventHandler = Callable[[AgentEvent], None]
"""Receives events in order."""
