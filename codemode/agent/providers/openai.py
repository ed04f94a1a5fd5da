"""OpenAI's Responses API with function tools.

Each turn sends the whole input list (no `previous_response_id`, so the transcript is complete and
the run does not depend on stored responses). The model's output items (messages, reasoning,
`function_call`s) are appended to the input as they came; each call's result goes back as a
`function_call_output` item. The Responses API has no error flag on a function result, so an error
outcome's text is sent prefixed with `Error: ` unless it already says so.

Prompt caching is automatic for OpenAI; cached tokens come from `input_tokens_details`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import openai

from codemode.agent.errors import ProviderAPIError
from codemode.agent.providers.base import ModelReply, ToolCallRequest
from codemode.agent.toolset import ModelTool, ToolOutcome
from codemode.agent.usage import TurnUsage

__all__ = ["OpenAIResponsesConversation", "decode_call", "describe_openai_error", "error_text"]


class OpenAIResponsesConversation:
    """A Responses API exchange (see the module docstring)."""

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
        self._instructions = system
        self._tools: list[dict[str, Any]] = [
            {
                "type": "function",
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.input_schema,
                "strict": False,
            }
            for tool in tools
        ]
        self._input: list[dict[str, Any]] = [{"role": "user", "content": task}]

    async def complete(self) -> ModelReply:
        try:
            response = await self._client.responses.create(
                model=self._model,
                instructions=self._instructions,
                input=self._input,  # type: ignore[arg-type]
                tools=self._tools,  # type: ignore[arg-type]
                max_output_tokens=self._max_tokens,
            )
        except openai.APIError as exc:
            raise ProviderAPIError(describe_openai_error(exc)) from exc
        texts: list[str] = []
        calls: list[ToolCallRequest] = []
        for item in response.output:
            self._input.append(item.model_dump(mode="json", exclude_none=True, by_alias=True))
            if item.type == "message":
                texts.extend(part.text for part in item.content if part.type == "output_text")
            elif item.type == "function_call":
                calls.append(decode_call(item.call_id, item.name, item.arguments))
        usage = TurnUsage()
        if response.usage is not None:
            u = response.usage
            details = u.input_tokens_details
            cached = details.cached_tokens if details is not None else 0
            written = (getattr(details, "cache_write_tokens", 0) or 0) if details is not None else 0
            usage = TurnUsage(
                input_tokens=max(u.input_tokens - cached - written, 0),
                output_tokens=u.output_tokens,
                cache_read_tokens=cached,
                cache_write_tokens=written,
            )
        return ModelReply("\n".join(texts), calls, usage, response.status)

    def add_tool_results(self, results: Sequence[tuple[ToolCallRequest, ToolOutcome]]) -> None:
        for call, outcome in results:
            output = error_text(outcome)
            self._input.append({"type": "function_call_output", "call_id": call.id, "output": output})

    def transcript(self) -> dict[str, Any]:
        return {"instructions": self._instructions, "tools": self._tools, "input": self._input}


def error_text(outcome: ToolOutcome) -> str:
    """The result text for an API without an error flag: errors say so in their first word."""
    text = outcome.text
    if outcome.is_error and not text.lower().startswith("error"):
        return f"Error: {text}"
    return text


def decode_call(call_id: str, name: str, arguments: str) -> ToolCallRequest:
    """A function call whose arguments arrive as a JSON string; bad JSON becomes the call's error."""
    try:
        decoded = json.loads(arguments or "{}")
    except ValueError as exc:
        return ToolCallRequest(call_id, name, {}, f"tool `{name}`: arguments are not valid JSON ({exc})")
    if not isinstance(decoded, dict):
        return ToolCallRequest(call_id, name, {}, f"tool `{name}`: arguments must be a JSON object")
    return ToolCallRequest(call_id, name, decoded)


def describe_openai_error(exc: openai.APIError) -> str:
    """One line that says what failed and what to do."""
    if isinstance(exc, openai.AuthenticationError):
        return f"openai: authentication failed ({exc.status_code}): check OPENAI_API_KEY"
    if isinstance(exc, openai.APIStatusError):
        detail = exc.message
        if isinstance(exc.body, dict):
            inner = exc.body.get("error", exc.body)
            if isinstance(inner, dict) and isinstance(inner.get("message"), str):
                detail = inner["message"]
        hint = " (after retries)" if exc.status_code == 429 or exc.status_code >= 500 else ""
        return f"openai: HTTP {exc.status_code}{hint}: {detail}"
    if isinstance(exc, openai.APIConnectionError):
        return f"openai: cannot reach the API at {exc.request.url}: {exc.message} (check OPENAI_BASE_URL)"
    return f"openai: {exc.message}"
