"""What the guest receives for each shape of upstream `CallToolResult`."""

from __future__ import annotations

import base64
from typing import Any

import mcp_types as types
import pytest

from codemode.errors import ToolError
from codemode.sources.upstream.unwrap import unwrap_result

PNG = base64.b64encode(b"\x89PNG" + bytes(96)).decode()


def text(value: str) -> types.TextContent:
    return types.TextContent(type="text", text=value)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        pytest.param(
            types.CallToolResult(content=[text('{"a": 1}')], structured_content={"a": 2}),
            {"a": 2},
            id="structured-preferred",
        ),
        pytest.param(types.CallToolResult(content=[text('{"a": [1, 2]}')]), {"a": [1, 2]}, id="json-text"),
        pytest.param(types.CallToolResult(content=[text("42")]), 42, id="json-number"),
        pytest.param(types.CallToolResult(content=[text("Allowed: /tmp")]), "Allowed: /tmp", id="plain-text"),
        pytest.param(types.CallToolResult(content=[text("{not json")]), "{not json", id="broken-json-kept"),
        pytest.param(types.CallToolResult(content=[text("a"), text("[1]")]), ["a", [1]], id="several-list"),
        pytest.param(types.CallToolResult(content=[]), None, id="empty"),
        pytest.param(
            types.CallToolResult(content=[types.ImageContent(type="image", data=PNG, mime_type="image/png")]),
            {"type": "image", "mimeType": "image/png", "bytes": 100},
            id="image-described",
        ),
        pytest.param(
            types.CallToolResult(
                content=[
                    types.EmbeddedResource(
                        type="resource",
                        resource=types.TextResourceContents(
                            uri="file:///a.txt", mime_type="text/plain", text="hi"
                        ),
                    )
                ]
            ),
            {"type": "resource", "uri": "file:///a.txt", "mimeType": "text/plain", "text": "hi"},
            id="text-resource",
        ),
        pytest.param(
            types.CallToolResult(
                content=[
                    types.EmbeddedResource(
                        type="resource", resource=types.BlobResourceContents(uri="file:///a.png", blob=PNG)
                    )
                ]
            ),
            {"type": "resource", "uri": "file:///a.png", "bytes": 100},
            id="blob-resource",
        ),
        pytest.param(
            types.CallToolResult(
                content=[
                    types.ResourceLink(type="resource_link", uri="file:///b", name="b", mime_type="text/csv")
                ]
            ),
            {"type": "resource_link", "uri": "file:///b", "name": "b", "mimeType": "text/csv"},
            id="resource-link",
        ),
    ],
)
def test_results_are_unwrapped(result: types.CallToolResult, expected: Any) -> None:
    assert unwrap_result("ns.tool", result) == expected


def test_is_error_is_thrown_with_its_text() -> None:
    result = types.CallToolResult(content=[text("file not found: /x")], is_error=True)
    with pytest.raises(ToolError, match=r"^tool `fs.read` failed: file not found: /x$"):
        unwrap_result("fs.read", result)
