"""The public renderings: full declarations, one standalone tool, and the compact index.

All three run the same pipeline, read (spec) -> normalize + parse (IR) -> emit, over tools grouped
by namespace. Output is deterministic: namespaces and tools in the order given, properties in schema
order, alias names allocated in that order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tool_schemas.docs import tool_doc
from tool_schemas.emit import emit_alias, emit_namespace
from tool_schemas.errors import NameCollisionError
from tool_schemas.identifiers import sanitize_identifier
from tool_schemas.ir import (
    UNKNOWN,
    Alias,
    Intersection,
    ObjectType,
    Reference,
    ToolDecl,
    TSType,
    Union,
)
from tool_schemas.normalize import normalize
from tool_schemas.parse import AliasTable, SchemaParser
from tool_schemas.refs import used_definitions
from tool_schemas.spec import ToolLike, ToolSpec, read_tool

__all__ = ["render_declarations", "render_index", "render_tool"]

SUMMARY_CHARS = 100
"""Longest summary in an index line."""

INDEX_OPTIONAL_ARGS = 4
"""Optional argument names an index line lists (after all the required ones) before `…`."""


@dataclass(frozen=True)
class _Namespace:
    """One namespace, read and checked for name collisions."""

    identifier: str
    """The namespace's guest identifier."""
    specs: list[tuple[str, ToolSpec]]
    """Its tools with their guest identifiers, in the order given."""


def _check_unique(pairs: list[tuple[str, str]], kind: str, where: str = "") -> None:
    seen: dict[str, str] = {}
    for original, identifier in pairs:
        if identifier in seen:
            raise NameCollisionError(kind, seen[identifier], original, identifier, where)
        seen[identifier] = original


def _read(namespaces: Mapping[str, Sequence[ToolLike]]) -> list[_Namespace]:
    out = []
    _check_unique([(name, sanitize_identifier(name)) for name in namespaces], "namespace")
    for name, tools in namespaces.items():
        specs = [read_tool(tool) for tool in tools]
        pairs = [(spec.name, sanitize_identifier(spec.name)) for spec in specs]
        _check_unique(pairs, "tool", name)
        identified = [(identifier, spec) for (_, identifier), spec in zip(pairs, specs, strict=True)]
        out.append(_Namespace(sanitize_identifier(name), identified))
    return out


def _has_required(node: TSType, table: AliasTable, seen: frozenset[str] = frozenset()) -> bool:
    if isinstance(node, ObjectType):
        return any(not prop.optional for prop in node.properties)
    if isinstance(node, Reference) and node.name not in seen and node.name in table.aliases:
        return _has_required(table.aliases[node.name].type, table, seen | {node.name})
    if isinstance(node, Intersection):
        return any(_has_required(member, table, seen) for member in node.members)
    if isinstance(node, Union):
        return all(_has_required(member, table, seen) for member in node.members)
    return False


def _shared_definitions(namespaces: list[_Namespace]) -> set[str]:
    """Definitions (by name and content) that more than one schema document uses."""
    counts: Counter[str] = Counter()
    for ns in namespaces:
        for _, spec in ns.specs:
            for document in (spec.input_schema, spec.output_schema):
                if isinstance(document, Mapping):
                    counts.update(used_definitions(document))
    return {key for key, count in counts.items() if count > 1}


def _declare(identifier: str, spec: ToolSpec, table: AliasTable, shared: set[str]) -> ToolDecl:
    params = SchemaParser(spec.input_schema, table, f"{identifier} args", shared).parse_root()
    returns: TSType = UNKNOWN
    if spec.output_schema is not None:
        returns = SchemaParser(spec.output_schema, table, f"{identifier} result", shared).parse_root()
    doc = tool_doc(spec.description, spec.annotations, spec.output_schema)
    return ToolDecl(identifier, params, not _has_required(params, table), returns, doc)


def _emit(namespaces: list[_Namespace]) -> str:
    table = AliasTable()
    shared = _shared_definitions(namespaces)
    blocks = [
        emit_namespace(ns.identifier, [_declare(ident, spec, table, shared) for ident, spec in ns.specs])
        for ns in namespaces
    ]
    aliases = [emit_alias(Alias(a.name, table.resolve(a.type), a.doc)) for a in table.aliases.values()]
    return "".join(aliases) + "".join(blocks)


def render_declarations(namespaces: Mapping[str, Sequence[ToolLike]]) -> str:
    """TypeScript declarations of every tool: `declare const <ns>: { <tool>(args): Promise<T>; ... };`
    per namespace, preceded by the type aliases they use. Raises `NameCollisionError` when two tools
    of a namespace (or two namespaces) sanitize to the same identifier."""
    return _emit(_read(namespaces))


def render_tool(namespace: str, tool: ToolLike) -> str:
    """The full declaration of one tool, standalone: its namespace with only this tool, and its aliases."""
    return _emit(_read({namespace: [tool]}))


def summary(description: str, limit: int = SUMMARY_CHARS) -> str:
    """The first sentence (or line) of a description, cut to `limit` characters."""
    text = description.strip()
    first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0].strip() if text else ""
    first = re.sub(r"\s+", " ", first)
    return first if len(first) <= limit else f"{first[: limit - 1].rstrip()}…"


def _arg_names(spec: ToolSpec) -> str:
    node = normalize(spec.input_schema)
    props = node.get("properties")
    if not isinstance(props, Mapping):
        return ""
    required = node.get("required")
    if not isinstance(required, list):
        required = []
    names = [str(key) for key in props if key in required]
    optional = [f"{key}?" for key in props if key not in required]
    names += optional[:INDEX_OPTIONAL_ARGS]
    if len(optional) > INDEX_OPTIONAL_ARGS:
        names.append("…")
    return ", ".join(names)


def render_index(namespaces: Mapping[str, Sequence[ToolLike]]) -> str:
    """One line per tool, `ns.tool(required, optional?, …) — First sentence of its description.`

    Required arguments come first, then up to `INDEX_OPTIONAL_ARGS` optional ones; the summary is the
    description's first sentence, cut to `SUMMARY_CHARS`."""
    lines = []
    for ns in _read(namespaces):
        for identifier, spec in ns.specs:
            text = summary(spec.description)
            line = f"{ns.identifier}.{identifier}({_arg_names(spec)})"
            lines.append(f"{line} — {text}" if text else line)
    return "".join(f"{line}\n" for line in lines)
