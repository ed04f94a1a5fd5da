"""Token usage per turn, normalized across providers.

Anthropic reports uncached input, cache writes and cache reads separately; OpenAI reports total input
with the cached part inside it. `TurnUsage.input_tokens` is always the input billed at the plain
input price: neither read from nor written to the cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["TurnUsage"]


@dataclass(frozen=True)
class TurnUsage:
    """Token counts of one API call (or a sum of them)."""

    input_tokens: int = 0
    """Input tokens neither read from nor written to the prompt cache."""
    output_tokens: int = 0
    """Generated tokens (reasoning included)."""
    cache_read_tokens: int = 0
    """Input tokens read from the prompt cache."""
    cache_write_tokens: int = 0
    """Input tokens written to the prompt cache."""

    @property
    def total_input_tokens(self) -> int:
        """All input tokens, cached or not."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    def __add__(self, other: TurnUsage) -> TurnUsage:
        return TurnUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )

    @staticmethod
    def total(usages: Iterable[TurnUsage]) -> TurnUsage:
        """The sum of several turns."""
        result = TurnUsage()
        for usage in usages:
            result = result + usage
        return result

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict of the four counts."""
        return asdict(self)
