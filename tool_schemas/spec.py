"""Reading tool definitions: an MCP `Tool` object or a plain dict becomes a `ToolSpec`.

Read-only: the caller's objects are never modified (schemas are shared, not copied, and nothing
downstream writes to them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tool_schemas.errors import DeclarationError
from tool_schemas.refs import lift_titled_root

__all__ = ["ToolLike", "ToolSpec", "read_tool"]

ToolLike = Any
"""An `mcp.types.Tool` (any pydantic model with those fields) or a dict with `name`, `description`,
`inputSchema`, optional `outputSchema` and `annotations`."""


@dataclass(frozen=True)
class ToolSpec:
    """One tool definition as the pipeline reads it."""

    name: str
    """The tool's original name, as the server lists it."""
    description: str
    """Its description ('' when it has none; falls back to its title)."""
    input_schema: Any
    """The JSON Schema of its arguments (normally an object schema)."""
    output_schema: Any | None
    """The JSON Schema of its structured result, or None when it declares none."""
    annotations: Mapping[str, Any]
    """MCP tool annotations (`readOnlyHint`, `destructiveHint`, ...); empty when absent."""


def _as_mapping(tool: ToolLike) -> Mapping[str, Any]:
    if isinstance(tool, Mapping):
        return tool
    dump = getattr(tool, "model_dump", None)
    if callable(dump):
        dumped = dump(by_alias=True, exclude_none=True, mode="json")
        if isinstance(dumped, Mapping):
            return dumped
    raise DeclarationError(
        f"cannot read a tool definition from {type(tool).__name__}: pass an mcp.types.Tool or a dict "
        "with `name`, `description` and `inputSchema`"
    )


def read_tool(tool: ToolLike) -> ToolSpec:
    """The `ToolSpec` of one tool definition; raises `DeclarationError` when it has no usable name."""
    data = _as_mapping(tool)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise DeclarationError(
            f"a tool definition has no name (got {name!r}); every tool needs a non-empty string `name`"
        )
    annotations = data.get("annotations")
    if not isinstance(annotations, Mapping):
        annotations = {}
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        title = data.get("title") or annotations.get("title")
        description = title if isinstance(title, str) else ""
    input_schema = data.get("inputSchema", data.get("input_schema"))
    if input_schema is None:
        input_schema = {"type": "object"}
    output_schema = lift_titled_root(data.get("outputSchema", data.get("output_schema")))
    return ToolSpec(name, description, input_schema, output_schema, annotations)
