"""The face every provider shows the loop: a conversation in the provider's own message format.

A `Conversation` owns the native message list. The loop asks it for the model's next reply, hands
back the tool results, and finally reads the whole exchange as sent, for the transcript.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from codemode.agent.toolset import ToolOutcome
from codemode.agent.usage import TurnUsage

__all__ = ["Conversation", "ModelReply", "ProviderName", "ToolCallRequest"]

ProviderName = Literal["anthropic", "openai", "openai-chat"]
"""The supported APIs: Anthropic Messages, OpenAI Responses, OpenAI Chat Completions."""


@dataclass(frozen=True)
class ToolCallRequest:
    """One tool call in a model reply."""

    id: str
    """The provider's call id (`tool_use.id` / `function_call.call_id`)."""
    name: str
    """The tool name the model called."""
    arguments: dict[str, Any] = field(default_factory=dict)
    """Decoded arguments."""
    error: str | None = None
    """Why the arguments could not be decoded (then they are empty); goes back to the model."""


@dataclass(frozen=True)
class ModelReply:
    """The model's answer to one request."""

    text: str
    """All text of the reply, joined."""
    tool_calls: list[ToolCallRequest]
    """Tool calls, in order; empty means this is the final answer."""
    usage: TurnUsage
    """The API's usage numbers for this request."""
    stop_reason: str | None = None
    """The provider's stop reason or status, for the transcript."""


class Conversation(Protocol):
    """One exchange with one provider's API."""

    async def complete(self) -> ModelReply:
        """Send the conversation so far; append the model's reply to it and return it."""
        ...

    def add_tool_results(self, results: Sequence[tuple[ToolCallRequest, ToolOutcome]]) -> None:
        """Append the results of the last reply's tool calls (all of them, in one message)."""
        ...

    def transcript(self) -> dict[str, Any]:
        """The request as last sent (system, tools, messages), JSON-able."""
        ...
