"""The model APIs: one module per provider, each a `Conversation` in its own message format.

`make_client` builds the official SDK's async client the usual way (key and base URL from the
environment, the SDK's own retries on 429 and 5xx), after checking that the key is there so a
missing key is a one-line message rather than a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from codemode.agent.errors import AgentError, MissingAPIKeyError
from codemode.agent.providers.base import Conversation, ModelReply, ProviderName, ToolCallRequest
from codemode.agent.toolset import ModelTool

__all__ = [
    "API_KEY_VARIABLES",
    "PROVIDERS",
    "Conversation",
    "ModelReply",
    "ProviderName",
    "ToolCallRequest",
    "check_api_key",
    "make_client",
    "open_conversation",
]

PROVIDERS: tuple[ProviderName, ...] = ("anthropic", "openai", "openai-chat")
"""Supported providers, in `--help` order."""

API_KEY_VARIABLES: dict[str, tuple[str, ...]] = {
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"),
    "openai": ("OPENAI_API_KEY",),
    "openai-chat": ("OPENAI_API_KEY",),
}
"""The environment variables each SDK reads its credential from (any one will do)."""


def check_api_key(provider: str) -> None:
    """Raise `MissingAPIKeyError` unless one of the provider's key variables is set."""
    variables = API_KEY_VARIABLES[provider]
    if not any(os.environ.get(name) for name in variables):
        raise MissingAPIKeyError(provider, variables[0])


def make_client(provider: str, *, max_retries: int | None = None) -> Any:
    """The provider's async SDK client, configured from the environment.

    `max_retries` None keeps the SDK's default (2 retries with backoff on 429 and 5xx).
    """
    if provider not in API_KEY_VARIABLES:
        raise AgentError(f"unknown provider `{provider}`: use one of {', '.join(PROVIDERS)}")
    check_api_key(provider)
    retries: dict[str, Any] = {} if max_retries is None else {"max_retries": max_retries}
    if provider == "anthropic":
        import anthropic

        return anthropic.AsyncAnthropic(**retries)
    import openai

    return openai.AsyncOpenAI(**retries)


def open_conversation(
    provider: str,
    client: Any,
    *,
    model: str,
    system: str,
    tools: Sequence[ModelTool],
    task: str,
    max_tokens: int,
) -> Conversation:
    """A new conversation with `provider`'s API through `client`, starting with `task`."""
    if provider == "anthropic":
        from codemode.agent.providers.anthropic import AnthropicConversation

        return AnthropicConversation(
            client, model=model, system=system, tools=tools, task=task, max_tokens=max_tokens
        )
    if provider == "openai":
        from codemode.agent.providers.openai import OpenAIResponsesConversation

        return OpenAIResponsesConversation(
            client, model=model, system=system, tools=tools, task=task, max_tokens=max_tokens
        )
    if provider == "openai-chat":
        from codemode.agent.providers.openai_chat import OpenAIChatConversation

        return OpenAIChatConversation(
            client, model=model, system=system, tools=tools, task=task, max_tokens=max_tokens
        )
    raise AgentError(f"unknown provider `{provider}`: use one of {', '.join(PROVIDERS)}")
