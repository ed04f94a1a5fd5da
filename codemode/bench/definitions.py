"""Tool definitions as each provider's API receives them: the classic tools, and the one `code` tool.

Anthropic's Messages API format (`name`, `description`, `input_schema`) is the primary one every total
is counted in; OpenAI's Responses API function format is counted too for the definitions-only figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from codemode.sources.protocol import ToolInfo, classic_tool_name

__all__ = ["Provider", "classic_definitions", "code_definition"]

Provider = Literal["anthropic", "openai"]


def _definition(provider: Provider, name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    if provider == "anthropic":
        return {"name": name, "description": description, "input_schema": schema}
    return {
        "type": "function",
        "name": name,
        "description": description,
        "parameters": schema,
        "strict": False,
    }


def classic_definitions(tools: Sequence[ToolInfo], provider: Provider = "anthropic") -> list[dict[str, Any]]:
    """Every tool as a provider tool definition named `namespace__tool`."""
    return [
        _definition(provider, classic_tool_name(t.namespace, t.name), t.description or "", t.input_schema)
        for t in tools
    ]


def code_definition(
    description: str, input_schema: dict[str, Any], provider: Provider = "anthropic"
) -> dict[str, Any]:
    """The one `code` tool, whose description carries the TypeScript declarations."""
    return _definition(provider, "code", description, input_schema)
