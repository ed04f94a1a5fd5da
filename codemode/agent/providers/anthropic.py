"""Anthropic's Messages API with client tools.

Each turn sends the whole conversation (`messages.create` is stateless). Several `tool_use` blocks
in one reply are parallel tool use: all their `tool_result` blocks go back in one user message, in
order, with `is_error` set on guest and tool errors.

Prompt caching, as real deployments do it: the system prompt is one text block marked with
`cache_control` (the prefix `tools` + `system` is cached, so every turn after the first reads the
tool declarations from the cache), and the request's top-level `cache_control` lets the API move a
second breakpoint along the growing conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import anthropic

from codemode.agent.errors import ProviderAPIError
from codemode.agent.providers.base import ModelReply, ToolCallRequest
from codemode.agent.toolset import ModelTool, ToolOutcome
from codemode.agent.usage import TurnUsage

__all__ = ["AnthropicConversation", "describe_anthropic_error"]

_EPHEMERAL: dict[str, Any] = {"type": "ephemeral"}


class AnthropicConversation:
    """A Messages API exchange (see the module docstring)."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        *,
        model: str,
        system: str,
        tools: Sequence[ModelTool],
        task: str,
        max_tokens: int,
    ) -> None:
        self._client = client
        self._model = model
        self._max_tokens = max_tokens
        self._system: list[dict[str, Any]] = [{"type": "text", "text": system, "cache_control": _EPHEMERAL}]
        self._tools = [_tool(tool) for tool in tools]
        self._messages: list[dict[str, Any]] = [{"role": "user", "content": task}]

    async def complete(self) -> ModelReply:
        try:
            message = await self._client.messages.create(
                model=self._model,
                max_tokens=self._max_tokens,
                system=cast(Any, self._system),
                tools=cast(Any, self._tools),
                messages=cast(Any, self._messages),
                cache_control=cast(Any, _EPHEMERAL),
            )
        except anthropic.APIError as exc:
            raise ProviderAPIError(describe_anthropic_error(exc)) from exc
        except ValueError as exc:  # the SDK refuses a max_tokens that needs streaming, before sending
            raise ProviderAPIError(f"anthropic: {exc} (lower max_tokens / --max-tokens)") from exc
        content = [block.model_dump(mode="json", exclude_none=True) for block in message.content]
        self._messages.append({"role": "assistant", "content": content})
        texts: list[str] = []
        calls: list[ToolCallRequest] = []
        for block in message.content:
            if block.type == "text":
                texts.append(block.text)
            elif block.type == "tool_use":
                calls.append(ToolCallRequest(id=block.id, name=block.name, arguments=dict(block.input)))
        u = message.usage
        usage = TurnUsage(
            input_tokens=u.input_tokens,
            output_tokens=u.output_tokens,
            cache_read_tokens=u.cache_read_input_tokens or 0,
            cache_write_tokens=u.cache_creation_input_tokens or 0,
        )
        return ModelReply("\n".join(texts), calls, usage, message.stop_reason)

    def add_tool_results(self, results: Sequence[tuple[ToolCallRequest, ToolOutcome]]) -> None:
        blocks: list[dict[str, Any]] = []
        for call, outcome in results:
            block: dict[str, Any] = {"type": "tool_result", "tool_use_id": call.id, "content": outcome.text}
            if outcome.is_error:
                block["is_error"] = True
            blocks.append(block)
        self._messages.append({"role": "user", "content": blocks})

    def transcript(self) -> dict[str, Any]:
        return {"system": self._system, "tools": self._tools, "messages": self._messages}


def _tool(tool: ModelTool) -> dict[str, Any]:
    declared: dict[str, Any] = {"name": tool.name, "input_schema": tool.input_schema}
    if tool.description:  # the API takes no description better than an empty one
        declared["description"] = tool.description
    return declared


def describe_anthropic_error(exc: anthropic.APIError) -> str:
    """One line that says what failed and what to do."""
    if isinstance(exc, anthropic.AuthenticationError):
        return f"anthropic: authentication failed ({exc.status_code}): check ANTHROPIC_API_KEY"
    if isinstance(exc, anthropic.APIStatusError):
        detail = exc.api_message or exc.message
        hint = " (after retries)" if exc.status_code == 429 or exc.status_code >= 500 else ""
        return f"anthropic: HTTP {exc.status_code}{hint}: {detail}"
    if isinstance(exc, anthropic.APIConnectionError):
        where = exc.request.url
        return f"anthropic: cannot reach the API at {where}: {exc.message} (check ANTHROPIC_BASE_URL)"
    return f"anthropic: {exc.message}"
