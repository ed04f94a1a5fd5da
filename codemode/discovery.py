"""Progressive discovery for large catalogs: `search(query)` and `describe(names)` in the guest.

When every declaration would not fit the token budget, the model reads a short listing and looks
tools up from its code: `search` ranks tools by what they do (ranking.py: BM25F over name,
description, argument names and docs, result fields), `describe` returns the full declarations of
one or several tools as plain TypeScript (or Python stubs, for Python programs), their shared
aliases stated once, led by a note on what the approval tag means when one of them needs approval
(said there, where the tag is read, rather than on every turn in the `code` tool's description).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from codemode.approvals import APPROVAL_GUIDE
from codemode.ranking import Ranker, tool_fields, words
from codemode.sources.protocol import ToolInfo
from tool_schemas import render_declarations

__all__ = ["SEARCH_LIMIT", "Catalog", "SearchHit"]

SEARCH_LIMIT = 10
"""How many tools `search()` returns: the depth its recall is measured at (`codemode.bench.recall`)."""

_NAME_SEPARATORS = re.compile(r"[\s,]+")
"""Between names in one `describe` string: qualified names never hold a space or a comma."""


def _summary(description: str | None) -> str:
    text = " ".join((description or "").split())
    end = text.find(". ")
    first = text if end < 0 else text[: end + 1]
    return first if len(first) <= 120 else first[:117].rstrip() + "..."


@dataclass(frozen=True)
class SearchHit:
    """One ranked result of `search(query)`."""

    name: str
    """`namespace.tool`, as the guest calls it."""

    summary: str
    """The first sentence of the tool's description."""

    score: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "summary": self.summary}


class Catalog:
    """A ranked index over tools, and their full declarations by name."""

    def __init__(
        self,
        tools: Sequence[ToolInfo],
        render: Callable[[Mapping[str, Sequence[Any]]], str] = render_declarations,
        *,
        gated: Collection[str] = (),
        approval_note: str = f"// {APPROVAL_GUIDE}",
    ) -> None:
        """`render`: how `describe` declares tools (`tool_schemas.render_python_stubs` for Python);
        `gated`: the qualified names of the tools a person must approve (their descriptions tagged);
        `approval_note`: the line `describe` starts with when it returns one of them, a comment in
        the program's language."""
        self._render = render
        self._approval_note = approval_note
        self._tools = {tool.qualified_name: tool for tool in tools}
        self._gated = frozenset(gated)

    @cached_property
    def _ranker(self) -> Ranker:
        """Built on the first search: every description builds a catalog, few programs search it."""
        return Ranker({name: tool_fields(tool) for name, tool in self._tools.items()})

    def __len__(self) -> int:
        return len(self._tools)

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """The tools that best match `query`, best first (empty when nothing matches)."""
        return [
            SearchHit(name=name, summary=_summary(self._tools[name].description), score=round(score, 4))
            for score, name in self._ranker.rank(query)[:limit]
        ]

    def overview(self, keywords: int = 8) -> str:
        """One line per namespace: its tool count and the words its tool names use most."""
        by_namespace: dict[str, list[ToolInfo]] = {}
        for tool in self._tools.values():
            by_namespace.setdefault(tool.namespace, []).append(tool)
        lines = [f"Namespaces ({len(self._tools):,} tools):"]
        for namespace, tools in sorted(by_namespace.items()):
            common_words = Counter(word for tool in tools for word in words(tool.name) if len(word) > 2)
            common = ", ".join(word for word, _ in common_words.most_common(keywords))
            lines.append(f"- {namespace} ({len(tools)} tools): {common}")
        return "\n".join(lines)

    def describe(self, names: str | Sequence[str]) -> str:
        """The full declarations of the named tools (TypeScript, or as `render` says), as one text.

        `names` is one name, several in one string (`"github.get_issue, github.list_issues"`), or a
        list of names; each is `namespace.tool`, or a bare tool name when only one namespace has it.
        Tools come in the order named (repeats once), grouped by namespace, with the aliases they
        share declared once; when one of them is gated, a comment first says what its tag means.
        Raises `TypeError` for anything but a string or a list of strings, and `KeyError` naming
        every unknown name with close matches.
        """
        wanted = _split_names(names)
        tools: dict[str, ToolInfo] = {}
        unknown: list[str] = []
        for name in wanted:
            tool = self._resolve(name)
            if tool is None:
                unknown.append(name)
            else:
                tools.setdefault(tool.qualified_name, tool)
        if unknown:
            raise KeyError("; ".join(self._unknown(name) for name in unknown))
        grouped: dict[str, list[dict[str, Any]]] = {}
        for tool in tools.values():
            grouped.setdefault(tool.namespace, []).append(tool.to_mcp_dict())
        note = f"{self._approval_note}\n" if self._gated.intersection(tools) else ""
        return note + self._render(grouped)

    def _resolve(self, name: str) -> ToolInfo | None:
        if name in self._tools:
            return self._tools[name]
        bare = [tool for tool in self._tools.values() if tool.name == name or tool.original_name == name]
        return bare[0] if len(bare) == 1 else None

    def _unknown(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self._tools), n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; search(query) finds tools by purpose"
        return f"no tool named `{name}`{hint}"


def _split_names(names: object) -> list[str]:
    """The tool names of a `describe` argument, checked."""
    usage = 'describe takes tool names, e.g. describe("github.get_issue") or describe(["a.x", "b.y"])'
    if isinstance(names, str):
        parts = [part for part in _NAME_SEPARATORS.split(names) if part]
    elif isinstance(names, list | tuple) and all(isinstance(name, str) for name in names):
        parts = [part for name in names for part in _NAME_SEPARATORS.split(name) if part]
    else:
        raise TypeError(f"{usage}; got {type(names).__name__}")
    if not parts:
        raise TypeError(f"{usage}; got no name")
    return parts
