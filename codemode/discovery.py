"""Progressive discovery for large catalogs: `search(query)` and `describe(name)` in the guest.

When every declaration would not fit the token budget, the model reads a one-line index and looks
tools up from its code. Ranking is Okapi BM25 over each tool's words, with the tool's own name
weighted above its description and argument names (a query naming the thing the tool acts on
should find it first). Names split on `_`, `.` and camelCase, so "pull request" finds
`create_pull_request`. Small enough that a dependency would cost more than it saves.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from codemode.sources.protocol import ToolInfo
from tool_schemas import render_tool

__all__ = ["Catalog", "SearchHit"]

_K1 = 1.2
_B = 0.75
#: How many times a tool's name counts against one mention in its description.
_NAME_WEIGHT = 3
_WORD = re.compile(r"[A-Za-z][a-z]*|[a-z]+|\d+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "with",
    ]
)


def _words(text: str) -> list[str]:
    return [word for word in (w.lower() for w in _WORD.findall(text)) if word not in _STOP]


def _stem(word: str) -> str:
    """Plural and -ing endings folded, so `issues` meets `issue` and `listing` meets `list`."""
    for suffix in ("ies", "ing", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _terms(text: str) -> list[str]:
    return [_stem(word) for word in _words(text)]


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
    """A BM25 index over tools, and their full declarations by name."""

    def __init__(self, tools: Sequence[ToolInfo]) -> None:
        self._tools = {f"{tool.namespace}.{tool.name}": tool for tool in tools}
        self._docs: dict[str, Counter[str]] = {}
        for qualified, tool in self._tools.items():
            props = (tool.input_schema or {}).get("properties") or {}
            text_terms = _terms(f"{tool.description or ''} {' '.join(props)}")
            name_terms = _terms(f"{tool.namespace} {tool.original_name} {tool.name}")
            self._docs[qualified] = Counter(text_terms) + Counter(name_terms * _NAME_WEIGHT)
        self._lengths = {name: sum(doc.values()) for name, doc in self._docs.items()}
        self._average = sum(self._lengths.values()) / max(1, len(self._lengths))
        frequency: Counter[str] = Counter()
        for doc in self._docs.values():
            frequency.update(doc.keys())
        total = len(self._docs)
        self._idf = {term: math.log(1 + (total - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}

    def __len__(self) -> int:
        return len(self._tools)

    def search(self, query: str, limit: int = 8) -> list[SearchHit]:
        """The tools that best match `query`, best first (empty when nothing matches)."""
        terms = set(_terms(query))
        scored: list[tuple[float, str]] = []
        for name, doc in self._docs.items():
            score = 0.0
            norm = _K1 * (1 - _B + _B * self._lengths[name] / self._average)
            for term in terms:
                tf = doc.get(term, 0)
                if tf:
                    score += self._idf[term] * tf * (_K1 + 1) / (tf + norm)
            if score > 0:
                scored.append((score, name))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [
            SearchHit(name=name, summary=_summary(self._tools[name].description), score=round(score, 4))
            for score, name in scored[:limit]
        ]

    def overview(self, keywords: int = 8) -> str:
        """One line per namespace: its tool count and the words its tool names use most."""
        by_namespace: dict[str, list[ToolInfo]] = {}
        for tool in self._tools.values():
            by_namespace.setdefault(tool.namespace, []).append(tool)
        lines = [f"Namespaces ({len(self._tools):,} tools):"]
        for namespace, tools in sorted(by_namespace.items()):
            words = Counter(word for tool in tools for word in _words(tool.name) if len(word) > 2)
            common = ", ".join(word for word, _ in words.most_common(keywords))
            lines.append(f"- {namespace} ({len(tools)} tools): {common}")
        return "\n".join(lines)

    def describe(self, name: str) -> str:
        """The full declaration of one tool, by `namespace.tool` (or a bare name if unique).

        Raises KeyError with a message that lists close names.
        """
        tool = self._resolve(name)
        return render_tool(tool.namespace, tool.to_mcp_dict())

    def _resolve(self, name: str) -> ToolInfo:
        if name in self._tools:
            return self._tools[name]
        bare = [tool for qualified, tool in self._tools.items() if qualified.split(".", 1)[1] == name]
        if len(bare) == 1:
            return bare[0]
        close = difflib.get_close_matches(name, list(self._tools), n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; search(query) finds tools by purpose"
        raise KeyError(f"no tool named `{name}`{hint}")
