"""A catalog's declarations, index and overview, remembered between runs: the same catalog renders
to the same text.

Rendering the demo's catalog takes a good part of a `codemode exec` start, and the catalog a command
sees is usually the one it saw last time. So each text is kept in the user's cache folder
(`~/.cache/codemode/rendered.json`), under the SHA-256 of the catalog and the code key
(`codemode.user_cache`: a change to `tool_schemas` renders afresh); the most recent few catalogs are
kept. Each form is rendered (and stored) the first time it is asked for.

    rendered = Rendered(grouped)     # namespace -> MCP tool dicts
    rendered.declarations            # render_declarations(grouped), from the cache when it can
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from codemode.user_cache import cache_folder, code_key, write_atomically
from tool_schemas import render_declarations, render_index, render_overview

__all__ = ["Rendered"]

_REMEMBERED = 8
"""How many catalogs the file keeps (the most recent)."""

Grouped = Mapping[str, Sequence[Mapping[str, Any]]]


def _names(grouped: Grouped) -> str:
    return render_overview(grouped, arguments=False)


class Rendered:
    """The rendered forms of one catalog, each from the cache or rendered on first use."""

    def __init__(self, grouped: Grouped) -> None:
        self._grouped = grouped
        try:
            catalog = json.dumps(grouped, ensure_ascii=False)  # in order: the order is rendered
        except (TypeError, ValueError):  # not JSON (a Python tool's odd default): never cached
            self._key = None
        else:
            text = f"{code_key()}\0{catalog}".encode("utf-8", "surrogatepass")
            self._key = hashlib.sha256(text).hexdigest()[:32]
        self._memo: dict[str, Any] | None = None

    @property
    def declarations(self) -> str:
        """`tool_schemas.render_declarations`."""
        return self._form("declarations", render_declarations)

    @property
    def index(self) -> str:
        """`tool_schemas.render_index`."""
        return self._form("index", render_index)

    @property
    def overview(self) -> str:
        """`tool_schemas.render_overview`."""
        return self._form("overview", render_overview)

    @property
    def names(self) -> str:
        """`tool_schemas.render_overview` without arguments: each namespace's tool names."""
        return self._form("names", _names)

    def form(self, name: str, render: Callable[[Grouped], str]) -> str:
        """Any other rendering, kept under `name` (the Python stubs, say)."""
        return self._form(name, render)

    def _form(self, name: str, render: Callable[[Grouped], str]) -> str:
        if self._key is None:
            return render(self._grouped)
        path = cache_folder() / "rendered.json"
        if self._memo is None:
            self._memo = _read(path)
        memo = self._memo
        forms = memo.get(self._key)
        forms = forms if isinstance(forms, dict) else {}
        text = forms.get(name)
        if not isinstance(text, str):
            text = render(self._grouped)
            forms[name] = text
            memo.pop(self._key, None)
            memo[self._key] = forms
            write_atomically(path, json.dumps(dict(list(memo.items())[-_REMEMBERED:])))
        return text


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
