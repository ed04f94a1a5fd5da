"""Counting a transcript's tokens the way the APIs bill them.

Every request re-sends the system prompt, the tool definitions and every prior message; every
response is billed as output. So for turn k (from 0): input_k = system + definitions + prompt +
sum over j < k of (output_j + results_j), and output_k = the tokens of what turn k's model wrote.
Each block is counted once (memoized) and the sums are plain arithmetic over those counts.

Tool definitions are counted as their compact JSON, except that each description is counted as the
text it is, not as an escaped JSON string: a provider renders descriptions into the prompt as text,
and escaping every newline and quote would overcharge the `code` tool, whose description is the
declarations (about 20% more tokens).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codemode.bench.transcript import Block, Transcript
from codemode.model_text import format_value
from codemode.tokenizer import Tokenizer

__all__ = ["ModeTokens", "TurnTokens", "count_blocks", "count_definitions", "count_transcript"]


@dataclass(frozen=True)
class TurnTokens:
    """One model request's tokens."""

    input: int
    """Tokens sent: system, definitions, prompt and everything before this turn."""
    output: int
    """Tokens the model wrote on this turn."""


@dataclass(frozen=True)
class ModeTokens:
    """One mode's token bill for one task."""

    input: int
    """Input tokens over all turns."""
    output: int
    """Output tokens over all turns."""
    turns: int
    """Model requests."""
    definitions: int
    """Tokens of the tool definitions alone (sent once per turn)."""
    per_turn: tuple[TurnTokens, ...]
    """Each turn's figures."""

    @property
    def total(self) -> int:
        """Input plus output."""
        return self.input + self.output


def count_blocks(blocks: tuple[Block, ...], tokenizer: Tokenizer) -> int:
    """The tokens of some content blocks (a tool_use counts its name and its JSON input)."""
    return sum(tokenizer.count(b.text) + (tokenizer.count(b.name) if b.name else 0) for b in blocks)


def count_definitions(tools: Sequence[Mapping[str, Any]], tokenizer: Tokenizer) -> int:
    """The tokens of some tool definitions: each one's JSON without its description, plus the description."""
    total = 0
    for tool in tools:
        description = str(tool.get("description", ""))
        total += tokenizer.count(format_value({k: v for k, v in tool.items() if k != "description"}))
        total += tokenizer.count(description)
    return total


def count_transcript(transcript: Transcript, tokenizer: Tokenizer) -> ModeTokens:
    """Input and output tokens per turn, re-sending the whole history each turn."""
    definitions = count_definitions(transcript.tools, tokenizer)
    history = tokenizer.count(transcript.system) + definitions + tokenizer.count(transcript.prompt)
    per_turn: list[TurnTokens] = []
    for turn in transcript.turns:
        output = count_blocks(turn.output, tokenizer)
        per_turn.append(TurnTokens(input=history, output=output))
        history += output + count_blocks(turn.results, tokenizer)
    return ModeTokens(
        input=sum(t.input for t in per_turn),
        output=sum(t.output for t in per_turn),
        turns=len(per_turn),
        definitions=definitions,
        per_turn=tuple(per_turn),
    )
