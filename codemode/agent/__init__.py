"""Agent loops with Anthropic and OpenAI models, in code mode or with classic tools.

`run_agent` is the library entry point (the `codemode agent` command, the benchmark and the examples
call it); `codemode.agent.fakeapi` is a scripted stand-in for both APIs, for tests.
"""

from __future__ import annotations

from codemode.agent.errors import AgentError, MissingAPIKeyError, ProviderAPIError
from codemode.agent.events import (
    AgentEvent,
    AssistantText,
    CodeWritten,
    EventHandler,
    FinalAnswer,
    ToolCalled,
    ToolReturned,
    TurnFinished,
    TurnStarted,
)
from codemode.agent.loop import AgentResult, ToolCallRecord, TurnRecord, run_agent
from codemode.agent.pricing import estimate_cost
from codemode.agent.providers import PROVIDERS, ProviderName, make_client
from codemode.agent.toolset import Mode
from codemode.agent.transcript import transcript_json, write_transcript
from codemode.agent.usage import TurnUsage
from codemode.sources.protocol import classic_tool_name

__all__ = [
    "PROVIDERS",
    "AgentError",
    "AgentEvent",
    "AgentResult",
    "AssistantText",
    "CodeWritten",
    "EventHandler",
    "FinalAnswer",
    "MissingAPIKeyError",
    "Mode",
    "ProviderAPIError",
    "ProviderName",
    "ToolCallRecord",
    "ToolCalled",
    "ToolReturned",
    "TurnFinished",
    "TurnRecord",
    "TurnStarted",
    "TurnUsage",
    "classic_tool_name",
    "estimate_cost",
    "make_client",
    "run_agent",
    "transcript_json",
    "write_transcript",
]
