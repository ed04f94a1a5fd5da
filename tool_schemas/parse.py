"""Stage 2, parse: one schema document (an input or output schema) into the TypeScript type IR.

The parser walks the schema top-down, normalizing each node as it reaches it. `$ref`s are inlined,
except the targets `refs.aliased_refs` picks, which become named aliases registered in an
`AliasTable` shared by every tool of one rendering. Two guards keep any input finite and the output
valid: a depth cap (deeper schemas become `unknown`), and a cycle guard (a reference cycle with no
object, array or tuple between, which TypeScript rejects as a circular alias, becomes `unknown`).

Objects: a schema with named `properties` and no `additionalProperties` is declared closed (no index
signature), since that is what servers mean and it lets the checker catch a misspelt argument; an
object schema with no named properties (`{"type": "object"}`, `"properties": {}`) is open,
`Record<string, unknown>`. An index signature beside named properties includes their types, as
TypeScript requires.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from tool_schemas.docs import schema_doc
from tool_schemas.identifiers import alias_name
from tool_schemas.ir import (
    NEVER,
    UNKNOWN,
    Alias,
    ArrayType,
    Doc,
    IndexSignature,
    Keyword,
    ObjectType,
    Property,
    Reference,
    TSType,
    TupleType,
    intersection,
    literal,
    rename,
    union,
)
from tool_schemas.normalize import NULLABLE, normalize
from tool_schemas.refs import REF_KEYS, aliased_refs, reaches, resolve

__all__ = ["MAX_DEPTH", "AliasTable", "SchemaParser"]

MAX_DEPTH = 16
"""Nesting depth past which a schema is declared `unknown`."""

_KEYWORDS = {"string": "string", "number": "number", "integer": "number", "boolean": "boolean"}
_KEYWORDS["null"] = "null"
_UNDEFINED = Keyword("undefined")


@dataclass
class AliasTable:
    """The named types of one rendering: unique names, and identical shared definitions emitted once."""

    aliases: dict[str, Alias] = field(default_factory=dict)
    """Every alias by name, in the order they were completed."""
    taken: set[str] = field(default_factory=set)
    """Names handed out (an alias is taken before its body is known, when it is recursive)."""
    renames: dict[str, str] = field(default_factory=dict)
    """Recursive aliases merged into an identical earlier one: dropped name -> kept name."""

    def allocate(self, hint: str) -> str:
        """A fresh name from `hint`."""
        base = alias_name(hint)
        name, counter = base, 1
        while name in self.taken:
            counter += 1
            name = f"{base}{counter}"
        self.taken.add(name)
        return name

    def merge_recursive(self, name: str) -> None:
        """Drop the recursive alias `name` when an alias of the same base name is identical but for
        its own name (the same model in another tool), recording the rename for `resolve`."""
        alias = self.aliases[name]
        base = name.rstrip("0123456789")
        for other_name, other in self.aliases.items():
            if other_name == name or other_name.rstrip("0123456789") != base or other.doc != alias.doc:
                continue
            if rename(alias.type, {name: other_name}) == other.type:
                del self.aliases[name]
                self.renames[name] = other_name
                return

    def resolve(self, node: TSType) -> TSType:
        """`node` with references to merged aliases pointing at the one kept."""
        return rename(node, self.renames) if self.renames else node

    def share(self, hint: str, body: TSType, doc: Doc) -> str:
        """The name of an alias with this body: an existing identical one, else a new one."""
        base = alias_name(hint)
        for name, alias in self.aliases.items():
            if alias.type == body and alias.doc == doc and name.rstrip("0123456789") == base:
                return name
        name = self.allocate(hint)
        self.aliases[name] = Alias(name, body, doc)
        return name


def _literal(value: Any) -> TSType:
    """The type of exactly this JSON value."""
    if isinstance(value, float) and not math.isfinite(value):
        return Keyword("number")
    if value is None or isinstance(value, str | int | float | bool):
        return literal(value)
    if isinstance(value, list):
        elements = tuple(_literal(item) for item in value)
        return TupleType(elements, len(elements), None)
    if isinstance(value, Mapping):
        return ObjectType(tuple(Property(str(k), _literal(v), False) for k, v in value.items()))
    return UNKNOWN


def _matches(value: Any, types: list[str]) -> bool:
    for name in types:
        if name == "null" and value is None:
            return True
        if name == "boolean" and isinstance(value, bool):
            return True
        if name == "string" and isinstance(value, str):
            return True
        if name in ("number", "integer") and isinstance(value, int | float) and not isinstance(value, bool):
            return name == "number" or float(value).is_integer()
        if name == "array" and isinstance(value, list):
            return True
        if name == "object" and isinstance(value, Mapping):
            return True
    return False


class SchemaParser:
    """Parses one schema document; its aliases go to the shared table."""

    def __init__(
        self,
        document: Any,
        table: AliasTable,
        root_hint: str,
        shared: Set[str] = frozenset(),
        max_depth: int = MAX_DEPTH,
    ) -> None:
        self.document = document
        self.table = table
        self.root_hint = root_hint
        self.max_depth = max_depth
        self.aliased = aliased_refs(document, shared)
        self.names: dict[str, str] = {}
        self._inlining: set[str] = set()
        self._current: str | None = None
        self._unguarded: dict[str, set[str]] = {}
        self._forbidden: set[str] = set()
        self._bodies: dict[str, Any] = {}

    # -- entry point -------------------------------------------------------------------------

    def parse_root(self) -> TSType:
        """The type of the whole document."""
        if "#" in self.aliased:
            result = self._ref("#", 0, guarded=False)
        else:
            result = self.parse(self.document, 0, guarded=False)
        self._break_unguarded_cycles()
        for pointer, name in self.names.items():
            if self.aliased[pointer] and name in self.table.aliases:
                self.table.merge_recursive(name)
        return self.table.resolve(result)

    def doc(self, schema: Any) -> Doc:
        """The JSDoc for a schema node, taken from a `$ref` target inlined in its place when it has none."""
        node = normalize(schema)
        doc = schema_doc(node)
        if not doc.description:
            for key in REF_KEYS:
                hit = resolve(self.document, node.get(key)) if key in node else None
                if hit is not None and hit[0] not in self.aliased:
                    target_doc = schema_doc(normalize(hit[1]))
                    return Doc(target_doc.description, doc.tags or target_doc.tags)
        return doc

    # -- nodes -------------------------------------------------------------------------------

    def parse(self, schema: Any, depth: int, *, guarded: bool, inherited: Any = None) -> TSType:
        """The type of one schema node. `inherited` is the parent's `properties` for a combinator branch."""
        if depth > self.max_depth:
            return UNKNOWN
        node = normalize(schema)
        parts: list[TSType] = []
        for key in REF_KEYS:
            if key in node:
                parts.append(self._ref(node[key], depth, guarded=guarded))
                break
        if isinstance(node.get("enum"), list):
            parts.append(self._enum(node))
        elif "type" in node:
            parts.append(union([self._typed(node, name, depth, guarded, inherited) for name in node["type"]]))
        if node.get("not") == {}:
            parts.append(NEVER)
        branch_parent = node.get("properties") if isinstance(node.get("properties"), Mapping) else inherited
        for key, combine in (("allOf", intersection), ("anyOf", union), ("oneOf", union)):
            branches = node.get(key)
            if isinstance(branches, list) and branches:
                parts.append(
                    combine(
                        [self.parse(b, depth + 1, guarded=guarded, inherited=branch_parent) for b in branches]
                    )
                )
        result = intersection(parts) if parts else UNKNOWN
        if node.get(NULLABLE):
            result = union([result, Keyword("null")])
        return result

    def _enum(self, node: Mapping[str, Any]) -> TSType:
        values = node["enum"]
        if "type" in node:
            values = [value for value in values if _matches(value, node["type"])]
        return union([_literal(value) for value in values])

    def _typed(self, node: Mapping[str, Any], name: str, depth: int, guarded: bool, inherited: Any) -> TSType:
        if name in _KEYWORDS:
            return Keyword(_KEYWORDS[name])
        if name == "array":
            return self._array(node, depth)
        return self._object(node, depth, inherited)

    def _array(self, node: Mapping[str, Any], depth: int) -> TSType:
        prefix = node.get("prefixItems")
        items = node.get("items", True)
        if not isinstance(prefix, list):
            if items is False:
                return TupleType((), 0, None)
            return ArrayType(self.parse(items, depth + 1, guarded=True))
        max_items = node.get("maxItems")
        if isinstance(max_items, int) and not isinstance(max_items, bool) and max_items <= len(prefix):
            prefix, items = prefix[: max(max_items, 0)], False
        elements = tuple(self.parse(item, depth + 1, guarded=True) for item in prefix)
        min_items = node.get("minItems", 0)
        required = min(min_items, len(elements)) if isinstance(min_items, int) and min_items > 0 else 0
        rest = None if items is False else self.parse(items, depth + 1, guarded=True)
        return TupleType(elements, required, rest)

    def _object(self, node: Mapping[str, Any], depth: int, inherited: Any) -> TSType:
        declared = node.get("properties")
        props = declared if isinstance(declared, Mapping) else {}
        required_list = node.get("required")
        required = [r for r in required_list if isinstance(r, str)] if isinstance(required_list, list) else []
        index_types: list[TSType] = []
        index_doc = Doc()
        patterns = node.get("patternProperties")
        if isinstance(patterns, Mapping) and patterns:
            index_types += [self.parse(s, depth + 1, guarded=True) for s in patterns.values()]
            index_doc = Doc("keys matching " + ", ".join(f"/{p}/" for p in patterns))
        extra = node.get("additionalProperties")
        branches = any(isinstance(node.get(k), list) and node[k] for k in ("anyOf", "oneOf", "allOf"))
        if branches and extra is None and not props and not index_types and not required:
            return UNKNOWN  # `{"type": "object", "oneOf": [...]}`: the branches say which objects
        if extra is None:
            closed = bool(props) or inherited is not None or bool(index_types)
            if not closed:
                index_types.append(UNKNOWN)
        elif extra is not False:
            index_types.append(self.parse(extra, depth + 1, guarded=True))
        index_type = union(index_types) if index_types else None
        properties: list[Property] = []
        for key, schema in props.items():
            prop_type = self.parse(schema, depth + 1, guarded=True)
            properties.append(Property(str(key), prop_type, key not in required, self.doc(schema)))
        inherited_props = inherited if isinstance(inherited, Mapping) else {}
        for key in required:
            if key in props:
                continue
            if key in inherited_props:
                prop_type = self.parse(inherited_props[key], depth + 1, guarded=True)
            else:
                prop_type = index_type if index_type is not None else UNKNOWN
            if prop_type == NEVER:
                return NEVER
            properties.append(Property(key, prop_type, False))
        index = None
        if index_type is not None and index_type != NEVER:
            if properties:
                optional = [_UNDEFINED] if any(p.optional for p in properties) else []
                index_type = union([index_type, *(p.type for p in properties), *optional])
            index = IndexSignature(index_type, index_doc)
        return ObjectType(tuple(properties), index)

    # -- references --------------------------------------------------------------------------

    def _ref(self, ref: Any, depth: int, *, guarded: bool) -> TSType:
        hit = resolve(self.document, ref)
        if hit is None:
            return UNKNOWN
        pointer, target = hit
        if pointer not in self.aliased:
            if pointer in self._inlining:
                return UNKNOWN
            self._inlining.add(pointer)
            try:
                return self.parse(target, depth + 1, guarded=guarded)
            finally:
                self._inlining.discard(pointer)
        name = self._alias(pointer, target)
        if not guarded and self._current is not None:
            if self._current in self._forbidden and name in self._forbidden:
                return UNKNOWN
            self._unguarded.setdefault(self._current, set()).add(name)
        return Reference(name)

    def _hint(self, pointer: str) -> str:
        return self.root_hint if pointer == "#" else pointer.rsplit("/", 1)[-1]

    def _alias(self, pointer: str, target: Any) -> str:
        if pointer in self.names:
            return self.names[pointer]
        if self.aliased[pointer]:
            name = self.table.allocate(self._hint(pointer))
            self.names[pointer] = name
            self._bodies[name] = target
            self.table.aliases[name] = Alias(name, self._body(name, target), self.doc(target))
        else:
            body = self._body(None, target)
            name = self.table.share(self._hint(pointer), body, self.doc(target))
            self.names[pointer] = name
        return name

    def _body(self, name: str | None, target: Any) -> TSType:
        saved = self._current, self._inlining
        self._current, self._inlining = name, set()
        try:
            return self.parse(target, 0, guarded=False)
        finally:
            self._current, self._inlining = saved

    def _break_unguarded_cycles(self) -> None:
        """Re-parse the aliases that refer to each other with nothing between: those refs become `unknown`."""
        cyclic = {name for name in self._unguarded if reaches(self._unguarded, name, name)}
        if not cyclic:
            return
        self._forbidden = cyclic
        for name in sorted(cyclic):
            alias = self.table.aliases[name]
            self.table.aliases[name] = Alias(name, self._body(name, self._bodies[name]), alias.doc)
        self._forbidden = set()
