"""What the JSDoc says: descriptions, and the schema facts that help a model write a correct call."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from tool_schemas.ir import Doc

__all__ = ["schema_doc", "tool_doc"]

_VALUE_CAP = 80
"""Longest value (default, example, ...) quoted in a tag before it is cut."""

_BOUNDS = (
    ("minimum", "minimum"),
    ("exclusiveMinimum", "exclusiveMinimum"),
    ("maximum", "maximum"),
    ("exclusiveMaximum", "exclusiveMaximum"),
    ("minLength", "minLength"),
    ("maxLength", "maxLength"),
    ("minItems", "minItems"),
    ("maxItems", "maxItems"),
    ("pattern", "pattern"),
)
"""Schema keyword -> JSDoc tag, for bounds worth telling the model."""


def _value(value: Any) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    except (TypeError, ValueError):
        return None
    return text if len(text) <= _VALUE_CAP else f"{text[: _VALUE_CAP - 1]}…"


def _text(node: Mapping[str, Any]) -> str:
    """The description. Not `title`: generators such as pydantic set it to the field or class name,
    which the declaration already shows."""
    text = node.get("description")
    return text.strip() if isinstance(text, str) else ""


def _said(value: str, description: str) -> bool:
    """True when the description already states this value (e.g. "(default: 30, max: 100)")."""
    return re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.])", description) is not None


def schema_doc(node: Mapping[str, Any]) -> Doc:
    """The JSDoc for a (normalized) schema node: its description, then default, format, bounds, examples.

    A default or bound the description already states is not repeated as a tag."""
    description = _text(node)
    tags: list[tuple[str, str]] = []
    if node.get("deprecated") is True:
        tags.append(("deprecated", ""))
    default = _value(node["default"]) if "default" in node else None
    if default is not None and default != "null" and not _said(default, description):
        tags.append(("default", default))  # a `null` default says no more than `?` does
    if isinstance(node.get("format"), str):
        tags.append(("format", node["format"]))
    for keyword, tag in _BOUNDS:
        raw = node.get(keyword)
        if isinstance(raw, int | float | str) and not isinstance(raw, bool):
            text = raw if isinstance(raw, str) else _value(raw)
            if text is not None and (isinstance(raw, str) or not _said(text, description)):
                tags.append((tag, text))
    examples = node.get("examples")
    if isinstance(examples, list):
        for example in examples[:2]:
            if (text := _value(example)) is not None:
                tags.append(("example", text))
    return Doc(description, tuple(tags))


def tool_doc(description: str, annotations: Mapping[str, Any], output_schema: Any) -> Doc:
    """The tool's JSDoc: its description, `@readonly`/`@destructive` from its annotations, what it returns."""
    tags: list[tuple[str, str]] = []
    if annotations.get("readOnlyHint") is True:
        tags.append(("readonly", ""))
    elif annotations.get("destructiveHint") is True:
        tags.append(("destructive", ""))
    if isinstance(output_schema, Mapping) and (returns := _text(output_schema)):
        tags.append(("returns", returns))
    return Doc(description.strip(), tuple(tags))
