"""Turn an upstream `CallToolResult` into the value the guest program receives.

The rules, in order:
1. `isError: true` -> `ToolError` with the result's text (the guest sees it as a thrown `Error`).
2. `structuredContent` present -> that value, as is.
3. Otherwise each content block becomes a value: text that parses as JSON -> the parsed value, other
   text -> the string; images and audio -> a short description `{"type", "mimeType", "bytes"}` (no
   base64 blobs in the guest); resource links -> their metadata; embedded resources -> their text, or a
   description when binary. One block -> that value; several -> a list; none -> null.
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types

from codemode.errors import ToolError

__all__ = ["unwrap_result"]

_MAX_ERROR_CHARS = 2000


def unwrap_result(tool: str, result: types.CallToolResult) -> Any:
    """The guest value of `result`, a call of `tool` (`namespace.name`); raise `ToolError` on `isError`."""
    if result.is_error:
        text = "\n".join(block.text for block in result.content if isinstance(block, types.TextContent))
        text = text.strip() or "the tool reported an error without a message"
        if len(text) > _MAX_ERROR_CHARS:
            text = text[:_MAX_ERROR_CHARS] + "…"
        raise ToolError(f"tool `{tool}` failed: {text}")
    if result.structured_content is not None:
        return result.structured_content
    values = [_block(block) for block in result.content]
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def _block(block: types.ContentBlock) -> Any:
    """One content block as a guest value."""
    if isinstance(block, types.TextContent):
        return _text(block.text)
    if isinstance(block, types.ImageContent | types.AudioContent):
        return {"type": block.type, "mimeType": block.mime_type, "bytes": _decoded_size(block.data)}
    if isinstance(block, types.ResourceLink):
        link = {"type": "resource_link", "uri": block.uri, "name": block.name}
        optional = {"mimeType": block.mime_type, "description": block.description}
        return link | {key: value for key, value in optional.items() if value is not None}
    resource = block.resource
    described: dict[str, Any] = {"type": "resource", "uri": resource.uri}
    if resource.mime_type is not None:
        described["mimeType"] = resource.mime_type
    if isinstance(resource, types.TextResourceContents):
        return described | {"text": resource.text}
    return described | {"bytes": _decoded_size(resource.blob)}


def _text(text: str) -> Any:
    """Parsed JSON when the text is JSON, else the text."""
    stripped = text.strip()
    if stripped[:1] in {"{", "[", '"'} or stripped in {"true", "false", "null"} or _looks_numeric(stripped):
        try:
            return json.loads(stripped)
        except ValueError:
            return text
    return text


def _looks_numeric(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or (text[0] == "-" and text[1:2].isdigit()))


def _decoded_size(data: str) -> int:
    """Bytes of base64 `data` once decoded, without decoding it."""
    stripped = data.rstrip("=")
    return len(stripped) * 3 // 4
