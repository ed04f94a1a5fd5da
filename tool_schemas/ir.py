"""Stage 2's output: a small IR of TypeScript types, with the docs that go beside them.

Frozen dataclasses, so equal types compare equal (unions deduplicate by value). The constructors
`union` and `intersection` simplify as they build, so the emitter never sees `unknown | string`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tool_schemas.identifiers import string_literal

__all__ = [
    "NEVER",
    "UNKNOWN",
    "Alias",
    "ArrayType",
    "Doc",
    "IndexSignature",
    "Intersection",
    "Keyword",
    "Literal",
    "ObjectType",
    "Property",
    "Reference",
    "TSType",
    "ToolDecl",
    "TupleType",
    "Union",
    "intersection",
    "literal",
    "rename",
    "union",
]


@dataclass(frozen=True)
class Doc:
    """What goes in a JSDoc comment."""

    description: str = ""
    """Free text, newlines kept."""
    tags: tuple[tuple[str, str], ...] = ()
    """`(tag, value)` pairs such as `("default", "30")`; value may be empty."""

    def __bool__(self) -> bool:
        return bool(self.description or self.tags)


@dataclass(frozen=True)
class Keyword:
    """A built-in type: `string`, `number`, `boolean`, `null`, `unknown`, `never`."""

    name: str
    """The keyword as written."""


UNKNOWN = Keyword("unknown")
NEVER = Keyword("never")


@dataclass(frozen=True)
class Literal:
    """A literal type: a string, number, boolean or null value (build with `literal`)."""

    text: str
    """The literal as TypeScript writes it, e.g. `"open"`, `3`, `true` (so `1` and `true` differ)."""


@dataclass(frozen=True)
class Reference:
    """A use of a named type alias."""

    name: str
    """The alias name."""


@dataclass(frozen=True)
class ArrayType:
    """`T[]`."""

    items: TSType
    """The element type."""


@dataclass(frozen=True)
class TupleType:
    """`[A, B?, ...C[]]`."""

    elements: tuple[TSType, ...]
    """The positional element types."""
    required: int
    """How many leading elements must be present; the rest are optional."""
    rest: TSType | None
    """The type of further elements, or None for a closed tuple."""


@dataclass(frozen=True)
class Property:
    """One property of an object type."""

    name: str
    """The property name as in the schema (quoted by the emitter when needed)."""
    type: TSType
    """Its type."""
    optional: bool
    """True when it is not required."""
    doc: Doc = field(default_factory=Doc)
    """Its JSDoc."""


@dataclass(frozen=True)
class IndexSignature:
    """`[key: string]: T`: the properties not named (additional or pattern properties)."""

    type: TSType
    """The value type."""
    doc: Doc = field(default_factory=Doc)
    """Its JSDoc (e.g. the key patterns)."""


@dataclass(frozen=True)
class ObjectType:
    """An object type literal."""

    properties: tuple[Property, ...] = ()
    """The named properties, in schema order."""
    index: IndexSignature | None = None
    """The type of other keys, or None when no other key is allowed."""


@dataclass(frozen=True)
class Union:
    """`A | B`; build with `union`."""

    members: tuple[TSType, ...]
    """Two or more members, none of them a union."""


@dataclass(frozen=True)
class Intersection:
    """`A & B`; build with `intersection`."""

    members: tuple[TSType, ...]
    """Two or more members, none of them an intersection."""


TSType = Keyword | Literal | Reference | ArrayType | TupleType | ObjectType | Union | Intersection


@dataclass(frozen=True)
class Alias:
    """`type Name = T;`: a named type, for recursive or shared definitions."""

    name: str
    """The alias name."""
    type: TSType
    """Its body."""
    doc: Doc = field(default_factory=Doc)
    """Its JSDoc."""


@dataclass(frozen=True)
class ToolDecl:
    """One tool as a member function: `name(args: P): Promise<R>;`."""

    name: str
    """The guest identifier."""
    params: TSType
    """The argument type."""
    params_optional: bool
    """True when the argument may be left out (no required property)."""
    returns: TSType
    """The resolved value's type."""
    doc: Doc
    """The tool's JSDoc."""


def literal(value: str | int | float | bool | None) -> Literal:
    """The literal type of a JSON scalar (finite numbers only)."""
    if value is None:
        return Literal("null")
    if isinstance(value, bool):
        return Literal("true" if value else "false")
    if isinstance(value, str):
        return Literal(string_literal(value))
    return Literal(repr(value))


def union(members: list[TSType] | tuple[TSType, ...]) -> TSType:
    """A union, flattened and deduplicated: `unknown` absorbs everything, `never` disappears."""
    flat: list[TSType] = []
    for member in members:
        for part in member.members if isinstance(member, Union) else (member,):
            if part == UNKNOWN:
                return UNKNOWN
            if part != NEVER and part not in flat:
                flat.append(part)
    if not flat:
        return NEVER
    if len(flat) == 1:
        return flat[0]
    return Union(tuple(flat))


def _merge_objects(left: ObjectType, right: ObjectType) -> ObjectType | None:
    if left.index is not None or right.index is not None:
        return None
    names = {p.name for p in left.properties}
    if any(p.name in names for p in right.properties):
        return None
    return ObjectType(left.properties + right.properties)


def intersection(members: list[TSType] | tuple[TSType, ...]) -> TSType:
    """An intersection, flattened: `never` absorbs, `unknown` disappears, closed objects merge."""
    flat: list[TSType] = []
    for member in members:
        for part in member.members if isinstance(member, Intersection) else (member,):
            if part == NEVER:
                return NEVER
            if part == UNKNOWN or part in flat:
                continue
            if flat and isinstance(part, ObjectType) and isinstance(flat[-1], ObjectType):
                merged = _merge_objects(flat[-1], part)
                if merged is not None:
                    flat[-1] = merged
                    continue
            flat.append(part)
    if not flat:
        return UNKNOWN
    if len(flat) == 1:
        return flat[0]
    return Intersection(tuple(flat))


def rename(node: TSType, names: dict[str, str]) -> TSType:
    """`node` with every `Reference` to a key of `names` pointing at its value instead."""
    if isinstance(node, Reference):
        return Reference(names.get(node.name, node.name))
    if isinstance(node, ArrayType):
        return ArrayType(rename(node.items, names))
    if isinstance(node, TupleType):
        rest = None if node.rest is None else rename(node.rest, names)
        return TupleType(tuple(rename(e, names) for e in node.elements), node.required, rest)
    if isinstance(node, ObjectType):
        props = tuple(Property(p.name, rename(p.type, names), p.optional, p.doc) for p in node.properties)
        index = None if node.index is None else IndexSignature(rename(node.index.type, names), node.index.doc)
        return ObjectType(props, index)
    if isinstance(node, Union):
        return Union(tuple(rename(m, names) for m in node.members))
    if isinstance(node, Intersection):
        return Intersection(tuple(rename(m, names) for m in node.members))
    return node
