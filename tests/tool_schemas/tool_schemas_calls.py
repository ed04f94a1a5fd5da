"""Test helper: valid and deliberately invalid calls for a tool, from its JSON Schema.

`valid_args` builds a value the schema accepts (raising `Unsupported` where it cannot be sure);
`invalid_args` gives argument objects that break exactly one rule the declaration must enforce:
a missing required property, a property of the wrong type, a value outside an enum.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_SAMPLES: dict[str, Any] = {"string": "s", "number": 1.5, "integer": 1, "boolean": True, "null": None}
_WRONG: dict[str, Any] = {
    "string": 12345,
    "number": "12345",
    "integer": "12345",
    "boolean": "yes",
    "array": 7,
}


class Unsupported(Exception):
    """The helper cannot build a value it is sure the schema accepts."""


def _resolve(document: Any, ref: Any) -> Any:
    if not isinstance(ref, str) or not ref.startswith("#"):
        raise Unsupported(ref)
    node = document
    for token in ref[1:].split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or token not in node:
            raise Unsupported(ref)
        node = node[token]
    return node


def _types(node: Mapping[str, Any]) -> list[str]:
    raw = node.get("type")
    names = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    return [n for n in names if n in (*_SAMPLES, "array", "object")]


def _fits(value: Any, types: list[str]) -> bool:
    kinds = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "null": value is None,
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, Mapping),
    }
    return any(kinds[name] for name in types)


def valid_args(schema: Any, document: Any = None, depth: int = 0) -> Any:
    """A value `schema` accepts."""
    document = schema if document is None else document
    if depth > 8 or schema is False:
        raise Unsupported("depth or false")
    if schema is True or not isinstance(schema, Mapping) or not schema:
        return 1
    if "$ref" in schema:
        return valid_args(_resolve(document, schema["$ref"]), document, depth + 1)
    if any(k in schema for k in ("allOf", "not", "$recursiveRef", "$dynamicRef", "patternProperties")):
        raise Unsupported("combinator")
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list):
        types = _types(schema)
        fitting = [v for v in schema["enum"] if not types or _fits(v, types)]
        if not fitting:
            raise Unsupported("empty enum")
        return fitting[0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            if "type" in schema or "properties" in schema or key == "oneOf" or not schema[key]:
                raise Unsupported("mixed combinator")
            return valid_args(schema[key][0], document, depth + 1)
    types = _types(schema)
    if not types:
        if set(schema) - {"description", "title", "default", "examples", "deprecated", "$schema", "$defs"}:
            raise Unsupported("untyped")
        return 1
    kind = types[0]
    if kind in _SAMPLES:
        return _SAMPLES[kind]
    if kind == "array":
        if "prefixItems" in schema or isinstance(schema.get("items"), list):
            raise Unsupported("tuple")
        count = schema.get("minItems", 0)
        if not isinstance(count, int) or count > 3:
            raise Unsupported("minItems")
        return [valid_args(schema.get("items", True), document, depth + 1) for _ in range(count)]
    props = schema.get("properties", {})
    required = schema.get("required", [])
    if not isinstance(props, Mapping) or not isinstance(required, list):
        raise Unsupported("object")
    if any(name not in props for name in required):
        raise Unsupported("required outside properties")
    return {name: valid_args(props[name], document, depth + 1) for name in required}


def invalid_args(schema: Mapping[str, Any], valid: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """`(why, arguments)` pairs, each breaking one rule of a top-level object schema."""
    props = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if name in props]
    out: list[tuple[str, dict[str, Any]]] = []
    if required:
        missing = dict(valid)
        del missing[required[0]]
        out.append((f"missing required {required[0]}", missing))
    for name, prop in props.items():
        if not isinstance(prop, Mapping) or set(prop) & {
            "anyOf",
            "oneOf",
            "allOf",
            "$ref",
            "nullable",
            "not",
        }:
            continue
        types = prop.get("type")
        if isinstance(types, str) and types in _WRONG and "const" not in prop:
            out.append((f"{name} of the wrong type", {**valid, name: _WRONG[types]}))
            break
    for name, prop in props.items():
        if isinstance(prop, Mapping) and prop.get("type") == "string" and isinstance(prop.get("enum"), list):
            out.append((f"{name} outside its enum", {**valid, name: "__not_in_the_enum__"}))
            break
    return out


def call_lines(target: str, schema: Any) -> list[str]:
    """TypeScript lines: one valid call of `target` and every invalid one under `@ts-expect-error`."""
    valid = valid_args(schema)
    # ASCII-only JSON keeps each call on one line (U+2028 would start a new one).
    lines = [f"  await {target}({json.dumps(valid)});"]
    if isinstance(valid, dict):
        for why, args in invalid_args(schema, valid):
            lines.append(f"  // @ts-expect-error {json.dumps(why)}")
            lines.append(f"  await {target}({json.dumps(args)});")
    return lines
