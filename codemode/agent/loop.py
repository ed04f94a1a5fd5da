"""The agent loop: ask the model, run its tool calls, send the results back, until it answers.

    async with open_engine() as engine:          # codemode.app; no config = the built-in world
        result = await run_agent(
            "Which customers have overdue invoices?",
            provider="anthropic", model="claude-sonnet-4-6", mode="code",
            engine=engine,                      # code mode: the `code` tool of this engine
            toolbox=engine.tools,               # classic mode: every tool of the toolbox, directly
        )
    result.final_text, result.total, result.cost_usd

One turn is one API request. The model's mistakes never stop the loop: guest errors and tool
errors go back as tool results so it can fix its code; only infrastructure failures (the API after
the SDK's retries, a missing key) raise, as `AgentError`s. The loop stops at the first reply
without tool calls, or after `max_turns` requests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import anyio

from codemode.agent.errors import AgentError
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
from codemode.agent.pricing import estimate_cost
from codemode.agent.prompts import system_prompt
from codemode.agent.providers import (
    ModelReply,
    ProviderName,
    ToolCallRequest,
    make_client,
    open_conversation,
)
from codemode.agent.toolset import ClassicToolset, CodeToolset, Mode, ToolOutcome, Toolset
from codemode.agent.usage import TurnUsage
from codemode.code_tool import CODE_TOOL_NAME
from codemode.dialect import Language

if TYPE_CHECKING:  # the engine brings the sandbox; the loop only calls what it is given
    from codemode.approvals import Asker
    from codemode.engine import CodeMode, ToolProvider

__all__ = ["AgentResult", "ToolCallRecord", "TurnRecord", "run_agent"]

StopReason = Literal["answer", "max_turns", "error"]


@dataclass(frozen=True)
class ToolCallRecord:
    """One tool call and its result."""

    id: str
    """The provider's call id."""
    name: str
    """The tool name the model called."""
    arguments: dict[str, Any]
    """Decoded arguments (in code mode, `{"code": ...}`)."""
    result: str
    """The text that went back to the model."""
    is_error: bool
    """True for guest and tool errors."""


@dataclass(frozen=True)
class TurnRecord:
    """One API request and the tool calls it led to."""

    turn: int
    """1-based."""
    usage: TurnUsage
    """Tokens of this request, from the API's usage fields."""
    text: str
    """Text of the model's reply."""
    stop_reason: str | None
    """The provider's stop reason / status."""
    tool_calls: list[ToolCallRecord]
    """The calls in the reply, in order, with their results."""
    wall_s: float
    """Seconds for the request plus the tool calls."""


@dataclass
class AgentResult:
    """Everything about one run: the answer, the cost, and the exchange."""

    task: str
    """The task as given."""
    provider: ProviderName
    """`anthropic` or `openai`."""
    model: str
    """The model id."""
    mode: Mode
    """`code` or `tools`."""
    final_text: str
    """The final answer (the last reply's text when stopped by max turns)."""
    stopped: StopReason
    """`answer`; `max_turns` when the cap was reached with tool calls pending; `error` on the partial
    result an `AgentError` carries."""
    turns: list[TurnRecord] = field(default_factory=list)
    """Per-turn records."""
    wall_s: float = 0.0
    """Seconds for the whole run."""
    exchange: dict[str, Any] = field(default_factory=dict)
    """The conversation as last sent, in the provider's format (system/instructions, tools, messages)."""

    @property
    def total(self) -> TurnUsage:
        """Usage summed over all turns."""
        return TurnUsage.total(record.usage for record in self.turns)

    @property
    def tool_calls(self) -> int:
        """Tool calls made, over all turns."""
        return sum(len(record.tool_calls) for record in self.turns)

    @property
    def cost_usd(self) -> float | None:
        """Estimated cost from the price table; None for a model not in it."""
        return estimate_cost(self.model, self.total)


async def run_agent(
    task: str,
    *,
    provider: ProviderName,
    model: str,
    mode: Mode = "code",
    toolbox: ToolProvider | None = None,
    engine: CodeMode | None = None,
    max_turns: int = 20,
    max_tokens: int = 8192,
    on_event: EventHandler | None = None,
    client: Any = None,
    system: str | None = None,
    asker: Asker | None = None,
    who: str = "the agent's user",
) -> AgentResult:
    """Run `task` to a final answer (see the module docstring).

    `client` is an SDK client to use (default: a new one from the environment, closed at the end);
    `system` replaces the default system prompt of the mode. `max_tokens` caps each reply (reasoning
    included); 8192 is the most every Anthropic model accepts without streaming. `asker` (e.g.
    `codemode.approvals.terminal.TerminalAsker()`) is asked before each call that needs approval, and
    `who` names that person in the decision log; without one, such calls follow the approval fallback.
    """
    if max_turns < 1:
        raise AgentError(f"max_turns must be at least 1, got {max_turns}")
    toolset = _toolset(mode, toolbox, engine, asker, who)
    emit: EventHandler = on_event or _ignore
    own_client = client is None
    if own_client:
        client = make_client(provider)
    started = time.perf_counter()
    conversation = open_conversation(
        provider,
        client,
        model=model,
        system=system if system is not None else system_prompt(mode, _language(engine, mode)),
        tools=toolset.model_tools(),
        task=task,
        max_tokens=max_tokens,
    )
    result = AgentResult(task, provider, model, mode, final_text="", stopped="max_turns")
    try:
        for turn in range(1, max_turns + 1):
            turn_started = time.perf_counter()
            emit(TurnStarted(turn))
            reply = await conversation.complete()
            emit(TurnFinished(turn, reply.usage))
            result.final_text = reply.text
            if not reply.tool_calls:
                result.turns.append(_record(turn, reply, [], turn_started))
                result.stopped = "answer"
                emit(FinalAnswer(turn, reply.text))
                break
            if reply.text:
                emit(AssistantText(turn, reply.text))
            outcomes = await _run_calls(toolset, turn, reply.tool_calls, emit)
            conversation.add_tool_results(list(zip(reply.tool_calls, outcomes, strict=True)))
            calls = [
                ToolCallRecord(call.id, call.name, call.arguments, outcome.text, outcome.is_error)
                for call, outcome in zip(reply.tool_calls, outcomes, strict=True)
            ]
            result.turns.append(_record(turn, reply, calls, turn_started))
    except AgentError as error:
        result.stopped = "error"
        error.partial = result
        raise
    finally:
        result.wall_s = time.perf_counter() - started
        result.exchange = conversation.transcript()
        if own_client:
            await client.close()
    return result


def _language(engine: CodeMode | None, mode: str) -> Language:
    """The language the `code` tool speaks (the engine's), for the system prompt."""
    return engine.settings.language if mode == "code" and engine is not None else "typescript"


def _toolset(
    mode: str, toolbox: ToolProvider | None, engine: CodeMode | None, asker: Asker | None, who: str
) -> Toolset:
    if mode == "code":
        if engine is None:
            raise AgentError("mode `code` needs an engine: pass engine=CodeMode(...)")
        return CodeToolset(engine, asker, who)
    if mode == "tools":
        if toolbox is None:
            raise AgentError("mode `tools` needs a toolbox: pass toolbox=Toolbox(...)")
        return ClassicToolset(toolbox)
    raise AgentError(f"unknown mode `{mode}`: use `code` or `tools`")


async def _run_calls(
    toolset: Toolset, turn: int, calls: Sequence[ToolCallRequest], emit: EventHandler
) -> list[ToolOutcome]:
    """Run one reply's tool calls concurrently; results in call order."""
    for call in calls:
        emit(_call_event(turn, call))
    outcomes: list[ToolOutcome | None] = [None] * len(calls)

    async def run_one(index: int, call: ToolCallRequest) -> None:
        if call.error is not None:
            outcomes[index] = ToolOutcome(call.error, True)
        else:
            outcomes[index] = await toolset.call(call.name, call.arguments)

    async with anyio.create_task_group() as group:
        for index, call in enumerate(calls):
            group.start_soon(run_one, index, call)
    done = [outcome for outcome in outcomes if outcome is not None]
    for call, outcome in zip(calls, done, strict=True):
        emit(ToolReturned(turn, call.id, call.name, outcome.text, outcome.is_error))
    return done


def _call_event(turn: int, call: ToolCallRequest) -> AgentEvent:
    code = call.arguments.get("code")
    if call.name == CODE_TOOL_NAME and isinstance(code, str):
        return CodeWritten(turn, call.id, code)
    return ToolCalled(turn, call.id, call.name, call.arguments)


def _record(turn: int, reply: ModelReply, calls: list[ToolCallRecord], started: float) -> TurnRecord:
    elapsed = time.perf_counter() - started
    return TurnRecord(turn, reply.usage, reply.text, reply.stop_reason, calls, elapsed)


def _ignore(event: AgentEvent) -> None:
    pass
