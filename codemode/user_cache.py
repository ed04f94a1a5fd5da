"""What codemode keeps in the user's cache folder between runs, and the key that says it is current.

Several things `codemode exec` and `serve` would otherwise work out again on every start are kept
there: tool listings (`codemode.sources.listing_cache`), rendered declarations
(`codemode.declarations_cache`), token counts (`codemode.tokenizer`), the demo world
(`codemode.world.cache`). Whatever is derived from our code is stored under `code_key()`, made of
the Python version and of the path, size and modification time of every module of `codemode` and
`tool_schemas` and of the installed pydantic's `__init__.py`: a changed file, an upgrade or another
Python makes a new key. A missing, stale or unreadable file only costs the work again. The files are
the user's own, written by this code; a program that can write there can already run code as the
user.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

__all__ = ["cache_folder", "code_key", "write_atomically"]

_OURS = ("codemode", "tool_schemas")
_INSTALLED = ("pydantic", "pydantic_core")
"""Installed packages whose version matters: an upgrade rewrites their `__init__.py`."""


def cache_folder() -> Path:
    """`$XDG_CACHE_HOME/codemode` (`~/.cache/codemode`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codemode"


@cache
def code_key() -> str:
    """A key that changes whenever our code, Python or pydantic may have changed (a few ms, once)."""
    digest = hashlib.sha256(repr(sys.version_info[:3]).encode())
    for package in (*_OURS, *_INSTALLED):
        spec = importlib.util.find_spec(package)  # finds, does not import
        if spec is None or spec.origin is None:
            continue
        if package in _OURS:
            files = sorted(_modules(os.path.dirname(spec.origin)))
        else:
            stat = os.stat(spec.origin)
            files = [(spec.origin, stat.st_size, stat.st_mtime_ns)]
        digest.update(repr(files).encode())
    return digest.hexdigest()[:16]


def _modules(folder: str) -> Iterator[tuple[str, int, int]]:
    """(path, size, modification time) of every module under `folder`."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                yield from _modules(entry.path)
        elif entry.name.endswith((".py", ".so", ".pyd")):
            stat = entry.stat()
            yield entry.path, stat.st_size, stat.st_mtime_ns


def write_atomically(path: Path, text: str, *, stale: str | None = None) -> None:
    """Best effort: two processes writing at once each write whole files; a read-only or missing
    home folder only costs the next run the work. `stale`: a glob of older files to remove first."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        if stale is not None:
            for old in path.parent.glob(stale):
                old.unlink(missing_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
