"""Tool listings kept between runs, for sources whose tools are fixed by the code that defines them.

The built-in demo world and the workspace list the same tools every time, but working them out
(pydantic models and JSON Schemas for every tool) costs most of a `codemode exec`. So their listing is
stored once in the user's cache folder (`~/.cache/codemode/listing-<name>-<key>.json`), under a key
made of the Python version, the size and modification time of every module of `codemode` and
`tool_schemas`, and those of the installed pydantic's `__init__.py`: a changed file, an upgrade or
another Python makes a new key (and the stale file is removed). A missing, stale or unreadable file
only costs one build. The file is the user's own, written by this code; a program that can write
there can already run code as the user.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from codemode.sources.protocol import ToolInfo

__all__ = ["cache_folder", "code_key", "load_listing", "store_listing"]

_FIELDS = frozenset(field.name for field in dataclasses.fields(ToolInfo))
_OURS = ("codemode", "tool_schemas")
_INSTALLED = ("pydantic", "pydantic_core")
"""Installed packages whose version matters: an upgrade rewrites their `__init__.py`."""


def cache_folder() -> Path:
    """`$XDG_CACHE_HOME/codemode` (`~/.cache/codemode`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codemode"


@cache
def code_key() -> str:
    """A key that changes whenever the code that makes a listing may have changed (see the module)."""
    digest = hashlib.sha256(repr(sys.version_info[:3]).encode())
    for package in (*_OURS, *_INSTALLED):
        spec = importlib.util.find_spec(package)  # finds, does not import
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        for path in sorted(_modules(origin.parent)) if package in _OURS else [origin]:
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _modules(folder: Path) -> Iterator[Path]:
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
            yield from _modules(Path(entry.path))
        elif entry.name.endswith((".py", ".so", ".pyd")):
            yield Path(entry.path)


def _path(name: str) -> Path:
    return cache_folder() / f"listing-{name}-{code_key()}.json"


def load_listing(name: str) -> list[ToolInfo] | None:
    """The listing stored under `name` by this exact code, or None."""
    with contextlib.suppress(OSError, ValueError, TypeError):
        entries = json.loads(_path(name).read_text(encoding="utf-8"))
        if isinstance(entries, list) and all(isinstance(e, dict) and set(e) == _FIELDS for e in entries):
            return [ToolInfo(**entry) for entry in entries]
    return None


def store_listing(name: str, tools: list[ToolInfo]) -> None:
    """Best effort and atomic: two processes writing at once each write whole files."""
    path = _path(name)
    with contextlib.suppress(OSError, TypeError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"listing-{name}-*.json"):
            stale.unlink(missing_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps([dataclasses.asdict(tool) for tool in tools]), encoding="utf-8")
        temporary.replace(path)
