"""Stage 1, normalize: one schema node in the many dialects servers write, out in one canonical shape.

Each rule is a named, pure function from a node (a dict) to a node; `normalize` applies them in order
to a single node (not its children: the parser normalizes each child as it reaches it, so cyclic
`$ref` graphs are never walked here). The input is never modified; a rule that changes something
returns a new dict.

The canonical shape the parser relies on:
- a node is a dict (boolean schemas are gone: `true` is `{}`, `false` is `{"not": {}}`);
- `type`, when present, is a non-empty list of known JSON type names;
- `const` is a one-value `enum`; OpenAPI `nullable` is a `null` in `type` or `enum` (or `NULLABLE`);
- draft-07 array-form `items`/`additionalItems` are 2020-12 `prefixItems`/`items`;
- draft-04 boolean `exclusiveMinimum`/`exclusiveMaximum` are numbers;
- a node with no `type` has one inferred from its keywords, when they say.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["JSON_TYPES", "NULLABLE", "RULES", "normalize"]

Node = dict[str, Any]
Rule = Callable[[Node], Node]

JSON_TYPES = ("string", "number", "integer", "boolean", "null", "array", "object")
"""The type names JSON Schema defines; anything else in `type` is dropped."""

NULLABLE = "x-tool-schemas-nullable"
"""Marker key: the node also admits `null` but has no `type` to add it to."""

_OBJECT_WORDS = ("properties", "additionalProperties", "patternProperties", "required", "propertyNames")
_ARRAY_WORDS = ("items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains")
_STRING_WORDS = ("minLength", "maxLength", "pattern", "format")
_NUMBER_WORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_SHAPE_WORDS = ("enum", "$ref", "$recursiveRef", "$dynamicRef", "anyOf", "oneOf", "allOf", "not")


def type_list(node: Node) -> Node:
    """`type` as a list of known names, deduplicated in order; an unusable `type` is dropped."""
    if "type" not in node:
        return node
    raw = node["type"]
    names = raw if isinstance(raw, list) else [raw]
    kept: list[str] = []
    for name in names:
        if isinstance(name, str) and name in JSON_TYPES and name not in kept:
            kept.append(name)
    out = dict(node)
    if kept:
        out["type"] = kept
    else:
        del out["type"]
    return out


def const_as_enum(node: Node) -> Node:
    """`const: x` is `enum: [x]` (and wins over an `enum` beside it, being the stricter)."""
    if "const" not in node:
        return node
    out = dict(node)
    out["enum"] = [out.pop("const")]
    return out


def openapi_nullable(node: Node) -> Node:
    """OpenAPI `nullable: true` adds `null` to `type` (or to `enum`), else marks the node `NULLABLE`."""
    if node.get("nullable") is not True:
        return node
    out = dict(node)
    del out["nullable"]
    if isinstance(out.get("enum"), list):
        if None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    elif "type" in out:
        if "null" not in out["type"]:
            out["type"] = [*out["type"], "null"]
    else:
        out[NULLABLE] = True
    return out


def array_form_items(node: Node) -> Node:
    """Draft-07 tuples: `items: [A, B]` + `additionalItems: C` are `prefixItems: [A, B]` + `items: C`."""
    items = node.get("items")
    if not isinstance(items, list):
        return node
    out = dict(node)
    out["prefixItems"] = items
    del out["items"]
    if "additionalItems" in out:
        out["items"] = out.pop("additionalItems")
    return out


def draft4_exclusive_bounds(node: Node) -> Node:
    """Draft-04 `exclusiveMinimum: true` beside `minimum: n` is `exclusiveMinimum: n` (same for maximum)."""
    if not any(isinstance(node.get(k), bool) for k in ("exclusiveMinimum", "exclusiveMaximum")):
        return node
    out = dict(node)
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = out.get(exclusive)
        if isinstance(flag, bool):
            del out[exclusive]
            if flag and inclusive in out:
                out[exclusive] = out.pop(inclusive)
    return out


def infer_type(node: Node) -> Node:
    """No `type`: keywords that only apply to one type say which (`properties` -> object, ...)."""
    if "type" in node or any(word in node for word in _SHAPE_WORDS):
        return node
    for words, name in (
        (_OBJECT_WORDS, "object"),
        (_ARRAY_WORDS, "array"),
        (_STRING_WORDS, "string"),
        (_NUMBER_WORDS, "number"),
    ):
        if any(word in node for word in words):
            out = dict(node)
            out["type"] = [name, "null"] if out.pop(NULLABLE, False) else [name]
            return out
    return node


RULES: tuple[Rule, ...] = (
    type_list,
    const_as_enum,
    openapi_nullable,
    array_form_items,
    draft4_exclusive_bounds,
    infer_type,
)
"""The rules, in the order they apply."""


def normalize(schema: Any) -> Node:
    """The canonical form of one schema node (children untouched)."""
    if schema is True or (isinstance(schema, Mapping) and not schema):
        return {}
    if schema is False:
        return {"not": {}}
    if not isinstance(schema, Mapping):
        return {}
    node: Node = dict(schema)
    for rule in RULES:
        node = rule(node)
    return node
