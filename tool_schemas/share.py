"""Repetition stated once: type aliases for documented properties and object types that recur.

Large catalogs repeat themselves: GitHub's server documents `owner: string` as "Repository owner"
in 38 tools; the memory server spells out the same entity object in five results. In the compact
style, a documented property whose type and doc recur becomes `type Owner = string;` under that
doc, each use `owner:Owner` with no doc of its own; an object type that recurs becomes a named
alias too (`type Entity = {...}`, used as `entities:Entity[]`). Lossless: an alias states the same
type and the same words once, and a checker reads `Owner` as `string`.

An alias is made only when it saves text: the characters the repeats spend on the doc and the type
must outweigh the alias line and the name at each use. Names come from the first property that
uses the type (`Owner`, `Owner2` for a second doc of an `owner`; an array's element is named in the
singular), in rendering order, so output stays deterministic. A tool's own argument and result
objects stay written out where the tool is declared: that is where a model looks first, and a name
taken from one tool would mislead at another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from tool_schemas.identifiers import alias_name
from tool_schemas.ir import (
    Alias,
    ArrayType,
    Doc,
    IndexSignature,
    Intersection,
    ObjectType,
    Property,
    Reference,
    ToolDecl,
    TSType,
    TupleType,
    Union,
)
from tool_schemas.parse import AliasTable

__all__ = ["share_repeats"]

_ALIAS_LINE = len("type  = ;\n")
_COMMENT = len("// \n")

_Key = tuple[TSType, Doc]
"""A candidate: a property's type and its doc, or an object type with an empty doc."""


def singular(word: str) -> str:
    """`entities` -> `entity`, `relations` -> `relation`: the name of one element of an array."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _children(node: TSType) -> Iterator[TSType]:
    """The types directly inside a tuple, union or intersection."""
    if isinstance(node, TupleType):
        yield from node.elements
        if node.rest is not None:
            yield node.rest
    elif isinstance(node, Union | Intersection):
        yield from node.members


class _Counter:
    """Counts candidates as they would remain once repeats are aliased: the inside of a candidate
    already seen is not counted again, since its alias states it once."""

    def __init__(self) -> None:
        self.counts: Counter[_Key] = Counter()
        self.hints: dict[_Key, str] = {}

    def _seen(self, key: _Key, hint: str) -> bool:
        self.counts[key] += 1
        self.hints.setdefault(key, hint)
        return self.counts[key] > 1

    def count(self, node: TSType, hint: str, root: bool = False) -> None:
        if isinstance(node, ArrayType):
            self.count(node.items, singular(hint))
            return
        if not isinstance(node, ObjectType):
            for child in _children(node):
                self.count(child, hint)
            return
        if not root and node.properties and self._seen((node, Doc()), hint):
            return
        for prop in node.properties:
            if prop.doc and self._seen((prop.type, prop.doc), prop.name):
                continue
            self.count(prop.type, prop.name)
        if node.index is not None:
            self.count(node.index.type, hint)


class _Rewriter:
    def __init__(self, chosen: dict[_Key, str]) -> None:
        self.chosen = chosen

    def rewrite(self, node: TSType, root: bool = False) -> TSType:
        if isinstance(node, ObjectType):
            name = None if root else self.chosen.get((node, Doc()))
            if name is not None:
                return Reference(name)
            props = tuple(self._property(prop) for prop in node.properties)
            index = node.index
            if index is not None:
                index = IndexSignature(self.rewrite(index.type), index.doc)
            return ObjectType(props, index)
        if isinstance(node, ArrayType):
            return ArrayType(self.rewrite(node.items))
        if isinstance(node, TupleType):
            rest = None if node.rest is None else self.rewrite(node.rest)
            return TupleType(tuple(self.rewrite(e) for e in node.elements), node.required, rest)
        if isinstance(node, Union):
            return Union(tuple(self.rewrite(m) for m in node.members))
        if isinstance(node, Intersection):
            return Intersection(tuple(self.rewrite(m) for m in node.members))
        return node

    def _property(self, prop: Property) -> Property:
        name = self.chosen.get((prop.type, prop.doc)) if prop.doc else None
        if name is not None:
            return Property(prop.name, Reference(name), prop.optional)
        return Property(prop.name, self.rewrite(prop.type), prop.optional, prop.doc)


def _saves(key: _Key, uses: int, hint: str, size: Callable[[TSType], int]) -> bool:
    """Whether aliasing `uses` repeats of `key` shortens the text (in characters)."""
    node, doc = key
    doc_chars = len(doc.description) + sum(len(t) + len(v) + 2 for t, v in doc.tags)
    each = size(node) + (doc_chars + _COMMENT if doc else 0)
    name = len(alias_name(hint))
    return (uses - 1) * each > _ALIAS_LINE + (uses + 1) * name


def share_repeats(
    tools: list[list[ToolDecl]], table: AliasTable, size: Callable[[TSType], int]
) -> list[list[ToolDecl]]:
    """`tools` (grouped by namespace) with recurring documented properties and object types pointing
    at new aliases added to `table`, whose existing alias bodies are rewritten the same way. `size`
    is the length of a type as emitted, to tell whether an alias pays for itself."""
    counter = _Counter()
    for alias in table.aliases.values():
        counter.count(alias.type, alias.name, root=True)
    for group in tools:
        for tool in group:
            counter.count(tool.params, f"{tool.name} args", root=True)
            counter.count(tool.returns, f"{tool.name} result", root=True)
    chosen: dict[_Key, str] = {}
    for key, uses in counter.counts.items():
        hint = counter.hints[key]
        if uses > 1 and _saves(key, uses, hint, size):
            chosen[key] = table.allocate(hint)
    if not chosen:
        return tools
    rewriter = _Rewriter(chosen)
    for name, alias in list(table.aliases.items()):
        table.aliases[name] = Alias(name, rewriter.rewrite(alias.type, root=True), alias.doc)
    for (node, doc), name in chosen.items():
        table.aliases[name] = Alias(name, rewriter.rewrite(node, root=not doc), doc)
    return [
        [
            ToolDecl(
                t.name,
                rewriter.rewrite(t.params, root=True),
                t.params_optional,
                rewriter.rewrite(t.returns, root=True),
                t.doc,
            )
            for t in group
        ]
        for group in tools
    ]
