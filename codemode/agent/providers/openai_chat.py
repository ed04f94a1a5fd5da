"""OpenAI's Chat Completions API with function tools (provider `openai-chat`).

The older, widely imitated API: besides OpenAI itself it is what most OpenAI-compatible servers
(local model servers, gateways) speak, reached through `OPENAI_BASE_URL`. The system prompt is the
first message; the assistant message with its `tool_calls` is appended as the model sent it; each
result goes back as a `tool` message. There is no error flag, so error results are prefixed with
`Error: ` as in the Responses API.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import openai

from codemode.agent.errors import ProviderAPIError
from codemode.agent.providers.base import ModelReply, ToolCallRequest
from codemode.agent.providers.openai import decode_call, describe_openai_error, error_text
from codemode.agent.toolset import ModelTool, ToolOutcome
from codemode.agent.usage import TurnUsage

__all__ = ["OpenAIChatConversation"]


class OpenAIChatConversation:
    """A Chat Completions exchange (see the module docstring)."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
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
        self._tools: list[dict[str, Any]] = [
            {"type": "function", "function": _function(tool)} for tool in tools
        ]
        self._messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": task},
        ]

    async def complete(self) -> ModelReply:
        try:
            completion = await self._client.chat.completions.create(
                model=self._model,
                messages=cast(Any, self._messages),
                tools=cast(Any, self._tools),
                max_completion_tokens=self._max_tokens,
            )
        except openai.APIError as exc:
            raise ProviderAPIError(describe_openai_error(exc)) from exc
        if not completion.choices:
            raise ProviderAPIError(f"openai: the completion for model `{self._model}` has no choices")
        choice = completion.choices[0]
        message = choice.message
        sent: dict[str, Any] = {"role": "assistant", "content": message.content}
        calls: list[ToolCallRequest] = []
        raw_calls = []
        for call in message.tool_calls or []:
            if call.type != "function":
                continue
            raw_calls.append(call.model_dump(mode="json", exclude_none=True))
            calls.append(decode_call(call.id, call.function.name, call.function.arguments))
        if raw_calls:
            sent["tool_calls"] = raw_calls
        self._messages.append(sent)
        usage = TurnUsage()
        if completion.usage is not None:
            u = completion.usage
            details = u.prompt_tokens_details
            cached = (details.cached_tokens or 0) if details is not None else 0
            written = (details.cache_write_tokens or 0) if details is not None else 0
            usage = TurnUsage(
                input_tokens=max(u.prompt_tokens - cached - written, 0),
                output_tokens=u.completion_tokens,
                cache_read_tokens=cached,
                cache_write_tokens=written,
            )
        return ModelReply(message.content or "", calls, usage, choice.finish_reason)

    def add_tool_results(self, results: Sequence[tuple[ToolCallRequest, ToolOutcome]]) -> None:
        for call, outcome in results:
            self._messages.append({"role": "tool", "tool_call_id": call.id, "content": error_text(outcome)})

    def transcript(self) -> dict[str, Any]:
        return {"tools": self._tools, "messages": self._messages}


def _function(tool: ModelTool) -> dict[str, Any]:
    return {"name": tool.name, "description": tool.description, "parameters": tool.input_schema}
