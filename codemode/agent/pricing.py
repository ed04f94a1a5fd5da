"""The price table: USD per million tokens, kept in this one place.

Sources, looked up 2026-11-27 (update here, and only here, when prices change):
- Anthropic: https://platform.claude.com/docs/en/about-claude/pricing ("Model pricing": base input,
  5-minute cache writes = 1.25x input, cache hits = 0.1x input, output). Haiku 5.5 is priced by
  prompt length; the table holds its rate for prompts up to 100k tokens.
- OpenAI: https://developers.openai.com/api/docs/pricing as reported by deploybase.ai
  ("OpenAI API Pricing 2026", March 2026) for input/output; cached input at OpenAI's published
  discount (GPT-5 family 0.1x, GPT-4.1 0.25x, GPT-4o and o-series 0.5x). OpenAI bills cache writes
  at the plain input price.

Models are matched by the longest key that prefixes the model id, so dated ids
(`claude-sonnet-4-5-20250929`) and aliases (`claude-sonnet-4-5`) share one row. An unknown model
has no price: `estimate_cost` returns None and the display shows "n/a".
"""

from __future__ import annotations

from dataclasses import dataclass

from codemode.agent.usage import TurnUsage

__all__ = ["PRICES", "Price", "estimate_cost", "price_for"]


@dataclass(frozen=True)
class Price:
    """One model's prices in USD per million tokens."""

    input: float
    """Plain input tokens."""
    output: float
    """Output tokens (reasoning included)."""
    cache_read: float
    """Input tokens read from the prompt cache."""
    cache_write: float
    """Input tokens written to the prompt cache."""


def _claude(input: float, output: float, cache_read_factor: float = 0.1) -> Price:
    return Price(input, output, round(input * cache_read_factor, 6), round(input * 1.25, 6))


def _openai(input: float, output: float, cached: float) -> Price:
    return Price(input, output, cached, input)


PRICES: dict[str, Price] = {
    # Anthropic
    "claude-fable-5-1": _claude(10.0, 50.0, 0.025),
    "claude-mythos-5-1": _claude(10.0, 50.0, 0.025),
    "claude-fable-5": _claude(10.0, 50.0),
    "claude-mythos-5": _claude(10.0, 50.0),
    "claude-opus-5-5": _claude(4.0, 20.0, 0.05),
    "claude-opus-5": _claude(5.0, 25.0),
    "claude-opus-4-8": _claude(5.0, 25.0),
    "claude-opus-4-7": _claude(5.0, 25.0),
    "claude-opus-4-6": _claude(5.0, 25.0),
    "claude-opus-4-5": _claude(5.0, 25.0),
    "claude-opus-4-1": _claude(15.0, 75.0),
    "claude-opus-4": _claude(15.0, 75.0),
    "claude-sonnet-5-5": _claude(2.0, 10.0, 0.05),
    "claude-sonnet-5": _claude(2.0, 10.0),
    "claude-sonnet-4": _claude(3.0, 15.0),
    "claude-3-7-sonnet": _claude(3.0, 15.0),
    "claude-haiku-5-5": _claude(0.10, 0.50),
    "claude-haiku-4-5": _claude(1.0, 5.0),
    "claude-3-5-haiku": _claude(0.80, 4.0),
    # OpenAI
    "gpt-5.4": _openai(2.50, 15.0, 0.25),
    "gpt-5.1": _openai(1.25, 10.0, 0.125),
    "gpt-5-codex": _openai(1.25, 10.0, 0.125),
    "gpt-5-pro": _openai(15.0, 120.0, 15.0),
    "gpt-5": _openai(1.25, 10.0, 0.125),
    "gpt-5-mini": _openai(0.25, 2.0, 0.025),
    "gpt-5-nano": _openai(0.05, 0.40, 0.005),
    "gpt-4.1": _openai(2.0, 8.0, 0.50),
    "gpt-4.1-mini": _openai(0.40, 1.60, 0.10),
    "gpt-4.1-nano": _openai(0.10, 0.40, 0.025),
    "gpt-4o": _openai(2.50, 10.0, 1.25),
    "gpt-4o-mini": _openai(0.15, 0.60, 0.075),
    "o3": _openai(2.0, 8.0, 0.50),
    "o4-mini": _openai(1.10, 4.40, 0.275),
}
"""Prices by model id prefix."""


def price_for(model: str) -> Price | None:
    """The price row whose key is the longest prefix of `model`, or None for an unknown model."""
    matches = [key for key in PRICES if model == key or model.startswith(key + "-")]
    if not matches:
        return None
    return PRICES[max(matches, key=len)]


def estimate_cost(model: str, usage: TurnUsage) -> float | None:
    """Estimated USD cost of `usage` on `model`; None when the model is not in the table."""
    price = price_for(model)
    if price is None:
        return None
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_read_tokens * price.cache_read
        + usage.cache_write_tokens * price.cache_write
    ) / 1_000_000
