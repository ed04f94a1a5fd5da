"""Counting a transcript's tokens the way the APIs bill them.

Every request re-sends the system prompt, the tool definitions and every prior message; every
response is billed as output. So for turn k (from 0): input_k = system + definitions + prompt +
sum over j < k of (output_j + results_j), and output_k = the tokens of what turn k's model wrote.
Each block is counted once (memoized) and the sums are plain arithmetic over those counts.

Tool definitions are counted as their compact JSON, except that each description is counted as the
text it is, not as an escaped JSON string: a provider renders descriptions into the prompt as text,
and escaping every newline and quote would overcharge the `code` tool, whose description is the
declarations (about 20% more tokens).

Each request also carries the provider's own tool-use system prompt, which the API adds whenever
tools are given: `TOOL_USE_SYSTEM_PROMPT` tokens, from Anthropic's tool-use pricing table (346 tokens
for the Claude 4 models and Claude Sonnet 3.7 with `tool_choice` auto; docs.anthropic.com, "Tool use
with Claude", Pricing). OpenAI documents no such figure, so none is added for it.

Warm prompt caching (`ModeTokens.cached_total`), as Anthropic bills it with a cache breakpoint at the
end of every request: the static prefix (tool-use prompt, definitions, system) is already cached, so
every turn reads it at 10%; every turn also reads what the previous request sent at 10%, and writes
what is new in it (the task on turn 0, the last output and results after) at 125%. Output is billed
as output either way. Not modelled: the minimum cacheable prefix (1,024 tokens on most models) and
the cache's five-minute lifetime.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codemode.bench.transcript import Block, Transcript
from codemode.model_text import format_value
from codemode.tokenizer import Tokenizer

__all__ = [
    "CACHE_READ",
    "CACHE_WRITE",
    "CONTEXT_WINDOW",
    "TOOL_USE_SYSTEM_PROMPT",
    "ModeTokens",
    "TurnTokens",
    "count_blocks",
    "count_definitions",
    "count_transcript",
]

#: Tokens of the system prompt Anthropic adds to every request with tools (see the module docstring).
TOOL_USE_SYSTEM_PROMPT = 346

#: Price of a cached input token, and of a token written to the cache, as a fraction of an input token.
CACHE_READ = 0.1
CACHE_WRITE = 1.25

#: A request over this many input tokens cannot run (the common 200k context window).
CONTEXT_WINDOW = 200_000


@dataclass(frozen=True)
class TurnTokens:
    """One model request's tokens."""

    input: int
    """Tokens sent: system, definitions, prompt and everything before this turn."""
    output: int
    """Tokens the model wrote on this turn."""
    cache_read: int = 0
    """Of `input`, the tokens read from a warm cache."""
    cache_write: int = 0
    """Of `input`, the tokens written to the cache (the rest of `input`)."""


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

    @property
    def cached_total(self) -> float:
        """The same requests with warm prompt caching, in input-token equivalents, plus output."""
        return (
            sum(CACHE_READ * t.cache_read + CACHE_WRITE * t.cache_write for t in self.per_turn) + self.output
        )

    @property
    def peak_input(self) -> int:
        """The largest single request: over `CONTEXT_WINDOW`, the plan could not run."""
        return max((t.input for t in self.per_turn), default=0)


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


def count_transcript(
    transcript: Transcript, tokenizer: Tokenizer, *, tool_use_prompt: int = TOOL_USE_SYSTEM_PROMPT
) -> ModeTokens:
    """Input and output tokens per turn, re-sending the whole history each turn.

    `tool_use_prompt` is the provider's own tool-use system prompt, added to every request.
    """
    definitions = count_definitions(transcript.tools, tokenizer)
    prefix = tool_use_prompt + tokenizer.count(transcript.system) + definitions
    history = prefix + tokenizer.count(transcript.prompt)
    cached = prefix
    per_turn: list[TurnTokens] = []
    for turn in transcript.turns:
        output = count_blocks(turn.output, tokenizer)
        per_turn.append(TurnTokens(history, output, cache_read=cached, cache_write=history - cached))
        cached = history
        history += output + count_blocks(turn.results, tokenizer)
    return ModeTokens(
        input=sum(t.input for t in per_turn),
        output=sum(t.output for t in per_turn),
        turns=len(per_turn),
        definitions=definitions,
        per_turn=tuple(per_turn),
    )
