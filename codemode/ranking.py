"""How `search()` ranks tools: words out of names and schemas, and BM25 over weighted fields.

A tool is read as five fields, each weighted by how much a match there says about the tool:

    name           its namespace and name                      3.0
    description    what its author wrote                       1.0
    arguments      its argument names                          1.0
    argument_docs  argument descriptions and enum values       0.5
    results        field names and descriptions of its result   0.3

Words split on anything not a letter or digit and on camelCase and acronym boundaries, so
`list_issues`, `listIssues` and "list issues" read alike and `DOC-0007` gives `doc` and `0007`.
Plurals and -ing forms fold to one stem (`issues` -> `issue`, `entities` -> `entity`). Ranking is
Okapi BM25 within each field (its own length normalization, so a long description does not drown a
name), the fields' scores weighted and summed: a word in the name counts three times one in the
description. Measured on the bench's tasks (codemode/bench/recall.py), this sum ranked the tools a
solution needs better than BM25F's pooled counts, whose saturation let a long prompt's many
description matches outweigh a match in the name. Small enough that a dependency would cost more
than it saves.

A query says more than its words: "export the orders to /out/orders.csv" asks for a tool that
writes a file, though neither word is in it. So the query (never the tools) gains the words its
intent implies (`INTENTS`): a path-shaped token adds `file` and `path`, and a verb of moving data
adds the verb tool names use (`export`, `save`, `store`, `append` -> `write`; `import`, `load` ->
`read`; `convert` -> both). Measured on the bench's tasks with the workspace's 18 file tools in the
catalog: recall@10 0.84 without these, see docs/benchmarks.md for the figure with them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from codemode.sources.protocol import ToolInfo

__all__ = ["FIELD_WEIGHTS", "INTENTS", "Ranker", "query_terms", "stem", "terms", "tool_fields", "words"]

FIELD_WEIGHTS: dict[str, float] = {
    "name": 3.0,
    "description": 1.0,
    "arguments": 1.0,
    "argument_docs": 0.5,
    "results": 0.3,
}
"""How much one occurrence of a word in each field counts."""

_K1 = 1.2
_B = 0.75
_NAME_B = 1.0
"""Full length normalization in the name: a word more in a tool's name (`list_issue_types` beside
`list_issues`) means the tool is about something more than the query asked."""
_MAX_DEPTH = 6
"""How deep into a schema the argument docs and result fields are read."""

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[A-Za-z]+|\d+")
_STOP_TEXT = """
a about after all an and any are as at be been but by can could did do does each for from get
give has have how i if in into is it its me my of on or our so than that the their them then
there these they this those to us was we were what when where which who whom why will with
would you your
"""
_STOP = frozenset(_STOP_TEXT.split())
"""Words too common to tell tools apart (`get` too: most lookups start with it)."""


def words(text: str) -> list[str]:
    """Lower-case words of `text`, split on camelCase and acronyms; stop words and single letters dropped."""
    found = (w.lower() for w in _WORD.findall(_CAMEL.sub(" ", text)))
    return [w for w in found if w not in _STOP and (len(w) > 1 or w.isdigit())]


def stem(word: str) -> str:
    """Plural and -ing endings folded: `issues` -> `issue`, `entities` -> `entity`, `listing` -> `list`."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and not word.endswith(("aies", "eies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    return word


def terms(text: str) -> list[str]:
    """The stemmed words of `text`, as queries and fields are both read."""
    return [stem(word) for word in words(text)]


INTENTS: dict[str, tuple[str, ...]] = {
    "export": ("write",),
    "save": ("write",),
    "store": ("write",),
    "append": ("write",),
    "import": ("read",),
    "load": ("read",),
    "convert": ("read", "write"),
}
"""Query stems -> the words tools that do it are named with (added to the query, not replacing)."""

_PATH = re.compile(r"\S*/\S*[A-Za-z]|\w\.[A-Za-z][A-Za-z0-9]{1,4}\b")
"""A path-shaped token: with a slash (`/reports/q3.md`, `docs/a`) or a file extension (`notes.txt`)."""


def query_terms(query: str) -> set[str]:
    """The terms a query is ranked by: its own, plus what its intent implies (`INTENTS`, paths)."""
    found = set(terms(query))
    for term in list(found):
        found.update(INTENTS.get(term, ()))
    if _PATH.search(query):
        found.update(("file", "path"))
    return found


def _schema_text(schema: Any, depth: int = 0) -> Iterator[tuple[str, str]]:
    """`(property name, its description and string enum values)` for every property, at any depth."""
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return
    props = schema.get("properties")
    if isinstance(props, Mapping):
        for name, sub in props.items():
            yield str(name), _node_text(sub)
            yield from _schema_text(sub, depth + 1)
    for key in ("items", "additionalProperties"):
        yield from _schema_text(schema.get(key), depth + 1)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        branches = schema.get(key)
        if isinstance(branches, list):
            for branch in branches:
                yield from _schema_text(branch, depth + 1)
    for key in ("$defs", "definitions"):
        defs = schema.get(key)
        if isinstance(defs, Mapping):
            for sub in defs.values():
                yield from _schema_text(sub, depth + 1)


def _node_text(node: Any) -> str:
    if not isinstance(node, Mapping):
        return ""
    parts = [node["description"]] if isinstance(node.get("description"), str) else []
    for branch in [node, *(node.get("anyOf") or []), *(node.get("oneOf") or [])]:
        if isinstance(branch, Mapping) and isinstance(branch.get("enum"), list):
            parts.extend(str(value) for value in branch["enum"] if isinstance(value, str))
        if isinstance(branch, Mapping) and isinstance(branch.get("items"), Mapping):
            parts.append(_node_text(branch["items"]))
    return " ".join(parts)


def tool_fields(tool: ToolInfo) -> dict[str, list[str]]:
    """The terms of each field of `tool` (see the module docstring)."""
    names = {tool.namespace, tool.name, tool.original_name}
    top = (tool.input_schema or {}).get("properties") or {}
    inputs = list(_schema_text(tool.input_schema))
    outputs = list(_schema_text(tool.output_schema))
    return {
        "name": [t for name in sorted(names) for t in terms(name)],
        "description": terms(tool.description or ""),
        "arguments": [t for name in top for t in terms(str(name))],
        "argument_docs": [t for _, text in inputs for t in terms(text)],
        "results": [t for name, text in outputs for t in terms(f"{name} {text}")],
    }


class Ranker:
    """BM25 over each field of a document, weighted and summed."""

    def __init__(self, documents: Mapping[str, Mapping[str, list[str]]]) -> None:
        self._counts = {key: {f: Counter(t) for f, t in fields.items()} for key, fields in documents.items()}
        self._lengths = {key: {f: len(t) for f, t in fields.items()} for key, fields in documents.items()}
        total = len(documents)
        self._average = {
            field: sum(lengths.get(field, 0) for lengths in self._lengths.values()) / max(1, total)
            for field in FIELD_WEIGHTS
        }
        frequency: Counter[str] = Counter()
        for fields in documents.values():
            frequency.update({term for field_terms in fields.values() for term in field_terms})
        self._idf = {term: math.log(1 + (total - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}

    def _score(self, key: str, query_terms: set[str]) -> float:
        score = 0.0
        for field, counts in self._counts[key].items():
            relative = self._lengths[key][field] / (self._average[field] or 1)
            b = _NAME_B if field == "name" else _B
            norm = _K1 * (1 - b + b * relative)
            for term in query_terms:
                tf = counts.get(term, 0)
                if tf:
                    score += FIELD_WEIGHTS[field] * self._idf[term] * tf * (_K1 + 1) / (tf + norm)
        return score

    def rank(self, query: str) -> list[tuple[float, str]]:
        """`(score, key)` of every document matching a term of `query`, best first (ties by key)."""
        wanted = query_terms(query)
        scored = [(self._score(key, wanted), key) for key in self._counts]
        matched = [(score, key) for score, key in scored if score > 0]
        matched.sort(key=lambda item: (-item[0], item[1]))
        return matched
