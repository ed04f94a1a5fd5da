"""Offline token counting, for the declaration budget and the benchmarks.

The tokenizer is OpenAI's `o200k_base` BPE, from the PyPI package `bpe-openai`, which ships the
vocabulary inside its wheel (tiktoken downloads its files at run time, which an offline machine
cannot do). Claude's tokenizer is not public; o200k_base is a close, named, reproducible stand-in.
"""

from __future__ import annotations

import functools
import warnings
from importlib.metadata import version
from typing import Any

__all__ = ["TOKENIZER_NAME", "count_tokens", "tokenizer_name"]

_ENCODING = "o200k_base"
_CHUNK = 200_000


@functools.cache
def _encoding() -> Any:
    # bpe-openai 0.1.4 reads its vocabulary with importlib.resources.open_binary, deprecated
    # since Python 3.11; the warning is about the library's code, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai

        return bpe_openai.get_encoding(_ENCODING)


@functools.cache
def tokenizer_name() -> str:
    """The tokenizer's name and package version, as reports print it."""
    return f"{_ENCODING} (bpe-openai {version('bpe-openai')})"


TOKENIZER_NAME = _ENCODING


def count_tokens(text: str) -> int:
    """The number of o200k_base tokens in `text`."""
    if not text:
        return 0
    encoding = _encoding()
    total = 0
    # The library refuses inputs of a million characters; cut long texts at line ends, where
    # the pre-tokenizer splits anyway, so the sum equals the count of the whole.
    start = 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text):
            newline = text.rfind("\n", start, end)
            end = newline + 1 if newline > start else end
        total += len(encoding.encode(text[start:end]))
        start = end
    return total
