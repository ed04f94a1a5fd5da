"""Offline token counting: the declaration budget, `codemode types`, and every benchmark figure.

The tokenizer is OpenAI's `o200k_base` BPE (the GPT-4o/GPT-5 family's encoding) from the PyPI package
`bpe-openai`, which ships the vocabulary inside its wheel (tiktoken downloads its files at run time,
which an offline machine cannot do). Claude's tokenizer is not public; o200k_base is a close, named,
reproducible stand-in. Text is encoded as ordinary text: a tool description that happens to contain
`<|endoftext|>` is counted, not refused.

Loading the tables takes most of a second, so `count_tokens` remembers its counts on disk (by the
text's SHA-256, in the user's cache folder): `codemode exec` and `serve` over a catalog they have
counted before start without loading the tokenizer at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = ["Tokenizer", "count_tokens", "default_tokenizer"]

_ENCODING = "o200k_base"

#: bpe-openai refuses inputs of a million characters or more; longer texts are counted in pieces
#: cut at line ends. A cut can split what would have been one token (a run of newlines), so a long
#: text may count a token or two more per cut than it would whole.
_PIECE_CHARS = 200_000

_REMEMBERED = 512
"""How many counts the on-disk memo keeps (the most recent)."""


@dataclass
class Tokenizer:
    """A named token counter that remembers what it counted.

    The memo is what the benchmark needs: a classic transcript re-sends the same blocks on every
    turn, and each block is counted once.
    """

    name: str
    """What the figures say they were counted with, e.g. `o200k_base (bpe-openai 0.1.4)`."""
    encode: Callable[[str], list[int]]
    """Text -> token ids, no special tokens."""
    _memo: dict[str, int] = field(default_factory=dict, repr=False)

    def count(self, text: str) -> int:
        """How many tokens `text` is."""
        cached = self._memo.get(text)
        if cached is None:
            cached = _count(self.encode, text)
            self._memo[text] = cached
        return cached


@cache
def _encode() -> Callable[[str], list[int]]:
    with warnings.catch_warnings():
        # bpe-openai 0.1.4 loads its tables with importlib.resources.open_binary, deprecated since
        # Python 3.11; the warning is about the library's code, not ours.
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai

        encode: Callable[[str], list[int]] = bpe_openai.get_encoding(_ENCODING).encode_ordinary
    return encode


def default_tokenizer() -> Tokenizer:
    """A fresh o200k_base counter (its own memo), named with the package version."""
    import importlib.metadata  # here, not above: slow to load, and counts are mostly remembered

    version = importlib.metadata.version("bpe-openai")
    return Tokenizer(name=f"{_ENCODING} (bpe-openai {version})", encode=_encode())


def count_tokens(text: str) -> int:
    """The number of o200k_base tokens in `text`, remembered on disk across runs."""
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    path = _memo_path()
    memo = _read_memo(path)
    count = memo.get(key)
    if not isinstance(count, int):
        count = _count(_encode(), text)
        memo.pop(key, None)
        memo[key] = count
        _write_memo(path, dict(list(memo.items())[-_REMEMBERED:]))
    return count


def _memo_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codemode" / f"{_ENCODING}-counts.json"


def _read_memo(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_memo(path: Path, memo: dict[str, int]) -> None:
    """Best effort, atomic: a read-only or missing home folder only costs the next run the count."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(memo), encoding="utf-8")
        temporary.replace(path)


def _count(encode: Callable[[str], list[int]], text: str) -> int:
    total = 0
    start = 0
    while start < len(text):
        end = min(start + _PIECE_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        total += len(encode(text[start:end]))
        start = end
    return total
