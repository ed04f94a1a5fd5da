"""Tool listings kept between runs, for sources whose tools are fixed by the code that defines them.

The built-in demo world and the workspace list the same tools every time, but working them out
(pydantic models and JSON Schemas for every tool) costs most of a `codemode exec`. So their listing is
stored once in the user's cache folder (`~/.cache/codemode/listing-<name>-<key>.json`) under the
code key (`codemode.user_cache`: any change to our modules, Python or pydantic makes a new one, and
the stale file is removed). A missing, stale or unreadable file only costs one build.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path

from codemode.sources.protocol import ToolInfo
from codemode.user_cache import cache_folder, code_key, write_atomically

__all__ = ["load_listing", "store_listing"]

_FIELDS = frozenset(field.name for field in dataclasses.fields(ToolInfo))


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
    """Store `tools` under `name` (best effort)."""
    with contextlib.suppress(TypeError, ValueError):  # a schema that is not JSON: not cached
        text = json.dumps([dataclasses.asdict(tool) for tool in tools])
        write_atomically(_path(name), text, stale=f"listing-{name}-*.json")
