"""The two transcripts of one plan: code mode's, and the classic one derived from its trace.

Both are in the shape of Anthropic's Messages API (the primary format; OpenAI's Responses API shape of
the definitions is counted too, in `definitions.py`): a system prompt, tool definitions, the user's
task, then turns. Each turn is one model request: the assistant's output (tool calls or the final
text) and the tool results sent back after it.

- Code mode: turn 1 writes the program (one `code` tool_use whose input is `{"code": ...}`) and gets
  `CodeOutcome.text` back; turn 2 states the final answer. With the discovery index (the engine's
  default when the declarations exceed its token budget), a first turn `describe`s the tools first.
- Classic: one turn per wave of independent calls (`trace.group_waves`), each call a tool_use named
  `namespace__tool` with its JSON arguments, each result appended as a tool_result (errors as their
  message); then the same final answer.
- A conversation of several tasks (`chain`): after each final answer the user sends the next task as
  a text message, and every later request re-sends all the earlier turns, in both modes.

What is counted as text: everything as the model reads it. Tool definitions and tool_use inputs as
compact JSON (`codemode.model_text.format_value`); the `code` tool's results as the engine returns
them; a classic tool result as its MCP server's text content (`codemode.model_text.tool_result_text`:
indented JSON, the MCP Python SDK's rule for the built-in tools, `JSON.stringify(v, null, 2)` for the
npm servers named in `typescript_namespaces`).
Message framing (roles, block types, tool_use ids) is not counted, which understates the classic
transcript (many blocks) more than code mode's.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from codemode.bench.trace import ToolCall, group_waves
from codemode.model_text import format_value, tool_result_text
from codemode.sources.protocol import classic_tool_name

__all__ = [
    "SYSTEM_PROMPT",
    "Block",
    "Transcript",
    "Turn",
    "chain",
    "classic_transcript",
    "code_transcript",
]

#: The system prompt of both modes (the same words, so it cancels out of the comparison but is billed
#: on every turn, as it is in real life).
SYSTEM_PROMPT = (
    "You are a careful assistant working for a small company. Complete the user's task with the tools "
    "provided. Use the tools rather than guessing; when the task is done, reply with the final answer "
    "only."
)

Mode = Literal["classic", "code"]


@dataclass(frozen=True)
class Block:
    """One content block of a message, reduced to what the model reads."""

    kind: Literal["text", "tool_use", "tool_result"]
    """The block type in the Messages API."""
    text: str
    """The text counted: the text itself, the tool_use input as compact JSON, the tool_result content."""
    name: str = ""
    """The tool's name, for tool_use blocks (counted too)."""


@dataclass(frozen=True)
class Turn:
    """One model request: what the model wrote, then what was sent back."""

    output: tuple[Block, ...]
    """The assistant message (tool_use blocks, or the final text)."""
    results: tuple[Block, ...] = ()
    """The next user message: tool_result blocks after tool calls, or the user's next task (one text
    block) after a final answer; empty on the conversation's last turn."""


@dataclass(frozen=True)
class Transcript:
    """A whole exchange, enough to count what each request sends and each response returns."""

    mode: Mode
    """`classic` (every tool directly) or `code` (the one `code` tool)."""
    system: str
    """The system prompt."""
    tools: tuple[dict[str, Any], ...]
    """The tool definitions as the API receives them."""
    prompt: str
    """The user's task."""
    turns: tuple[Turn, ...]
    """The model requests, in order; the last one returns the final answer."""

    def messages(self) -> list[dict[str, Any]]:
        """The messages in the Messages API shape (for transcripts and debugging)."""
        messages: list[dict[str, Any]] = [{"role": "user", "content": self.prompt}]
        counter = 0
        for turn in self.turns:
            content: list[dict[str, Any]] = []
            ids: list[str] = []
            for block in turn.output:
                if block.kind == "tool_use":
                    counter += 1
                    ids.append(f"toolu_{counter:04d}")
                    content.append(
                        {
                            "type": "tool_use",
                            "id": ids[-1],
                            "name": block.name,
                            "input": json.loads(block.text),
                        }
                    )
                else:
                    content.append({"type": "text", "text": block.text})
            messages.append({"role": "assistant", "content": content})
            if turn.results and all(block.kind == "text" for block in turn.results):
                messages.append({"role": "user", "content": "\n\n".join(b.text for b in turn.results)})
            elif turn.results:
                messages.append(
                    {
                        "role": "user",
                        "content": [
                            {"type": "tool_result", "tool_use_id": tool_id, "content": block.text}
                            for tool_id, block in zip(ids, turn.results, strict=True)
                        ],
                    }
                )
        return messages


def code_transcript(
    *, steps: Sequence[tuple[str, str]], answer: str, prompt: str, code_tool: dict[str, Any]
) -> Transcript:
    """Code mode: one `code` call per step (program, outcome text), then the final answer.

    One step is the usual plan; with the discovery index, a first step `describe`s the tools the
    plan uses and the second runs the plan.
    """
    turns = [
        Turn(
            output=(Block("tool_use", format_value({"code": code}), name=code_tool["name"]),),
            results=(Block("tool_result", outcome_text),),
        )
        for code, outcome_text in steps
    ]
    turns.append(Turn(output=(Block("text", answer),)))
    return Transcript(
        mode="code", system=SYSTEM_PROMPT, tools=(code_tool,), prompt=prompt, turns=tuple(turns)
    )


def chain(transcripts: Sequence[Transcript]) -> Transcript:
    """One conversation of several tasks in the same mode: each later task's prompt is the user's
    message after the previous final answer, and every request re-sends everything before it."""
    first = transcripts[0]
    turns: list[Turn] = []
    for transcript in transcripts:
        if transcript.mode != first.mode or transcript.tools != first.tools:
            raise ValueError("chained transcripts must share their mode and tool definitions")
        if turns:
            turns[-1] = Turn(turns[-1].output, (Block("text", transcript.prompt),))
        turns.extend(transcript.turns)
    return Transcript(first.mode, first.system, first.tools, first.prompt, tuple(turns))


def classic_transcript(
    *,
    calls: Sequence[ToolCall],
    answer: str,
    prompt: str,
    tools: Sequence[dict[str, Any]],
    typescript_namespaces: Collection[str] = (),
) -> Transcript:
    """Classic tool calling with the same calls: one turn per wave, then the same final answer.

    Results in `typescript_namespaces` come from servers written with the TypeScript SDK.
    """

    def result_text(call: ToolCall) -> str:
        if call.error is not None:
            return call.error
        sdk = "typescript" if call.namespace in typescript_namespaces else "python"
        return tool_result_text(call.result, sdk=sdk)

    turns: list[Turn] = []
    for wave in group_waves(list(calls)):
        turns.append(
            Turn(
                output=tuple(
                    Block(
                        "tool_use",
                        format_value(call.arguments),
                        name=classic_tool_name(call.namespace, call.name),
                    )
                    for call in wave
                ),
                results=tuple(Block("tool_result", result_text(call)) for call in wave),
            )
        )
    turns.append(Turn(output=(Block("text", answer),)))
    return Transcript(
        mode="classic", system=SYSTEM_PROMPT, tools=tuple(tools), prompt=prompt, turns=tuple(turns)
    )
