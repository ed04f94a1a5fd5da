"""The short forms, for catalogs too large to declare in full: the index and the overview.

`render_index`: one line per tool, its call shape and the first sentence of its description.
`render_overview`: one line per namespace, each tool's name and argument names and nothing more
(or the tool names alone); what a tool does is found with `search()` and read in full with
`describe()` by whoever serves them.

Both read the same specs as the full renderings (same identifiers, same collision errors) and list
namespaces and tools in the order given, so output is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tool_schemas.normalize import normalize
from tool_schemas.render import read_namespaces
from tool_schemas.spec import ToolLike, ToolSpec

__all__ = ["render_index", "render_overview", "summary"]

SUMMARY_CHARS = 100
"""Longest summary in an index line."""

INDEX_OPTIONAL_ARGS = 4
"""Optional argument names an index line lists (after all the required ones) before `…`."""


def summary(description: str, limit: int = SUMMARY_CHARS) -> str:
    """The first sentence (or line) of a description, cut to `limit` characters."""
    text = description.strip()
    first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0].strip() if text else ""
    first = re.sub(r"\s+", " ", first)
    return first if len(first) <= limit else f"{first[: limit - 1].rstrip()}…"


def _arg_names(spec: ToolSpec, optional_limit: int | None) -> str:
    """`required, optional?, …`: every required argument, then up to `optional_limit` optional ones
    (all of them when None)."""
    node = normalize(spec.input_schema)
    props = node.get("properties")
    if not isinstance(props, Mapping):
        return ""
    required = node.get("required")
    if not isinstance(required, list):
        required = []
    names = [str(key) for key in props if key in required]
    optional = [f"{key}?" for key in props if key not in required]
    if optional_limit is None:
        optional_limit = len(optional)
    names += optional[:optional_limit]
    if len(optional) > optional_limit:
        names.append("…")
    return ", ".join(names)


def render_index(namespaces: Mapping[str, Sequence[ToolLike]]) -> str:
    """One line per tool, `ns.tool(required, optional?, …) — First sentence of its description.`

    Required arguments come first, then up to `INDEX_OPTIONAL_ARGS` optional ones; the summary is the
    description's first sentence, cut to `SUMMARY_CHARS`."""
    lines = []
    for ns in read_namespaces(namespaces):
        for identifier, spec in ns.specs:
            text = summary(spec.description)
            line = f"{ns.identifier}.{identifier}({_arg_names(spec, INDEX_OPTIONAL_ARGS)})"
            lines.append(f"{line} — {text}" if text else line)
    return "".join(f"{line}\n" for line in lines)


def render_overview(
    namespaces: Mapping[str, Sequence[ToolLike]], *, optional_args: int | None = None, arguments: bool = True
) -> str:
    """One line per namespace: `ns: tool(required, optional?), other(…)`.

    Names only, no descriptions: the smallest listing that still shows every tool and every argument
    name it takes (required first). With `optional_args`, at most that many optional names per tool,
    then `…`; with `arguments=False`, tool names alone (`ns: tool other`). Meant to sit beside a
    search over the descriptions."""
    lines = []
    for ns in read_namespaces(namespaces):
        if arguments:
            calls = ", ".join(
                f"{identifier}({_arg_names(spec, optional_args)})" for identifier, spec in ns.specs
            )
        else:  # an identifier holds no space: a space separates them, a token cheaper than ", "
            calls = " ".join(identifier for identifier, _ in ns.specs)
        lines.append(f"{ns.identifier}: {calls}")
    return "".join(f"{line}\n" for line in lines)
