"""The offline tokenizer every benchmark figure is counted with: o200k_base from the `bpe-openai` package.

Counting is memoized per text: a classic transcript re-sends the same blocks on every turn, and the
accounting counts each block once and adds the counts up, exactly as re-sending would.
"""

from __future__ import annotations

import importlib.metadata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

__all__ = ["Tokenizer", "default_tokenizer"]

#: bpe-openai refuses inputs of a million characters or more; longer texts are counted in pieces
#: split at line breaks (a split costs at most a token or two at each boundary).
_PIECE_CHARS = 200_000


@dataclass
class Tokenizer:
    """A named token counter."""

    name: str
    """What the figures say they were counted with, e.g. `o200k_base (bpe-openai 0.1.4)`."""
    encode: Callable[[str], list[int]]
    """Text -> token ids, no special tokens."""
    _memo: dict[str, int] = field(default_factory=dict, repr=False)

    def count(self, text: str) -> int:
        """How many tokens `text` is."""
        cached = self._memo.get(text)
        if cached is None:
            cached = sum(len(self.encode(piece)) for piece in _pieces(text))
            self._memo[text] = cached
        return cached


def _pieces(text: str) -> list[str]:
    if len(text) <= _PIECE_CHARS:
        return [text]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + _PIECE_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        pieces.append(text[start:end])
        start = end
    return pieces


@cache
def default_tokenizer() -> Tokenizer:
    """o200k_base (the GPT-4o/GPT-5 family's encoding), shipped offline by `bpe-openai`."""
    with warnings.catch_warnings():
        # bpe-openai 0.1.4 loads its tables with importlib.resources.open_binary (deprecated).
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai

        encoding = bpe_openai.get_encoding("o200k_base")
    version = importlib.metadata.version("bpe-openai")
    return Tokenizer(name=f"o200k_base (bpe-openai {version})", encode=encoding.encode_ordinary)
