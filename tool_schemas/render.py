"""The full renderings: every declaration, and one standalone tool (the short forms: listing.py).

Both run the same pipeline, read (spec) -> normalize + parse (IR) -> share repeats -> emit, over
tools grouped by namespace. Output is deterministic: namespaces and tools in the order given,
properties in schema order, alias names allocated in that order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tool_schemas.docs import tool_doc
from tool_schemas.emit import STYLES, Emitter, Style
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
from tool_schemas.parse import AliasTable, SchemaParser
from tool_schemas.refs import used_definitions
from tool_schemas.share import share_repeats
from tool_schemas.spec import ToolLike, ToolSpec, read_tool

__all__ = ["Namespace", "read_namespaces", "render_declarations", "render_tool"]


@dataclass(frozen=True)
class Namespace:
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


def read_namespaces(namespaces: Mapping[str, Sequence[ToolLike]]) -> list[Namespace]:
    """Every tool read, with guest identifiers; raises `NameCollisionError` when two tools of a
    namespace (or two namespaces) sanitize to the same identifier."""
    out = []
    _check_unique([(name, sanitize_identifier(name)) for name in namespaces], "namespace")
    for name, tools in namespaces.items():
        specs = [read_tool(tool) for tool in tools]
        pairs = [(spec.name, sanitize_identifier(spec.name)) for spec in specs]
        _check_unique(pairs, "tool", name)
        identified = [(identifier, spec) for (_, identifier), spec in zip(pairs, specs, strict=True)]
        out.append(Namespace(sanitize_identifier(name), identified))
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


def _shared_definitions(namespaces: list[Namespace]) -> set[str]:
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


def _emit(namespaces: list[Namespace], style: Style) -> str:
    if style not in STYLES:
        raise ValueError(f"unknown declaration style {style!r}; use one of {', '.join(STYLES)}")
    table = AliasTable()
    shared = _shared_definitions(namespaces)
    groups = [[_declare(ident, spec, table, shared) for ident, spec in ns.specs] for ns in namespaces]
    emitter = Emitter(style)
    if style == "compact":
        groups = share_repeats(groups, table, lambda node: len(emitter.type(node)))
    blocks = [emitter.namespace(ns.identifier, group) for ns, group in zip(namespaces, groups, strict=True)]
    aliases = [emitter.alias(Alias(a.name, table.resolve(a.type), a.doc)) for a in table.aliases.values()]
    return "".join(aliases) + "".join(blocks)


def render_declarations(namespaces: Mapping[str, Sequence[ToolLike]], *, style: Style = "compact") -> str:
    """TypeScript declarations of every tool: `declare const <ns>: { <tool>(args): Promise<T>; ... };`
    per namespace, preceded by the type aliases they use. Raises `NameCollisionError` when two tools
    of a namespace (or two namespaces) sanitize to the same identifier.

    `style="compact"` (the default) is what a model should read: no indentation, `//` comments, and a
    doc that several properties share stated once on a type alias. `style="jsdoc"` is the readable
    form with indents and `/** */` blocks for editors. Both state every description and type."""
    return _emit(read_namespaces(namespaces), style)


def render_tool(namespace: str, tool: ToolLike, *, style: Style = "compact") -> str:
    """The full declaration of one tool, standalone: its namespace with only this tool, and its aliases."""
    return _emit(read_namespaces({namespace: [tool]}), style)
