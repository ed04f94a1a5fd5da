"""The agent's exceptions.

    AgentError                  base; the CLI prints its message on one line and exits 1
    +-- MissingAPIKeyError      the provider's key variable is unset (the CLI exits 2)
    +-- ProviderAPIError        the API failed after the SDK's own retries (auth, 4xx, 5xx, network)

The model's mistakes are not exceptions: a guest error or a failing tool goes back to the model as
the tool result, so it can fix its code.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AgentError", "MissingAPIKeyError", "ProviderAPIError"]


class AgentError(Exception):
    """Base of the agent's errors; the message says what to do."""

    partial: Any = None
    """For errors raised mid-run: the `AgentResult` so far (turns done, the exchange), else None."""


class MissingAPIKeyError(AgentError):
    """The provider's API key is not in the environment."""

    def __init__(self, provider: str, variable: str) -> None:
        self.provider = provider
        self.variable = variable
        super().__init__(f"{provider}: no API key: set {variable} in the environment (export {variable}=...)")


class ProviderAPIError(AgentError):
    """The provider's API refused or failed the request, after the SDK's retries."""
