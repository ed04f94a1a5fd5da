"""The default `code` description for GitHub's MCP server (117 tools) against its JSON definitions.

A large real catalog nobody here wrote, shipped as package data (`data/`, MIT, from
github/github-mcp-server) so an installed `codemode bench` can report it. Both sides are counted the
way the token benchmark counts definitions (`accounting.count_definitions`, Anthropic's format): the
classic side as 117 tool definitions, the code side as the one `code` tool the engine would describe
under the given token budget.
"""

from __future__ import annotations

import json
from importlib import resources

from codemode.bench.accounting import count_definitions
from codemode.bench.definitions import classic_definitions, code_definition
from codemode.code_tool import CODE_TOOL_INPUT_SCHEMA
from codemode.description import describe
from codemode.sources.protocol import ToolInfo
from codemode.tokenizer import Tokenizer, default_tokenizer
from tool_schemas import sanitize_identifier

__all__ = ["github_description_ratio", "github_tools"]

_NAMESPACE = "github"


def github_tools() -> list[ToolInfo]:
    """GitHub's 117 tools in namespace `github`, from the shipped `tools/list` snapshot."""
    text = resources.files("codemode.bench").joinpath("data/github-mcp-server.tools.json").read_text("utf-8")
    return [
        ToolInfo(
            namespace=_NAMESPACE,
            name=sanitize_identifier(str(raw["name"])),
            original_name=str(raw["name"]),
            description=str(raw.get("description") or ""),
            input_schema=dict(raw.get("inputSchema") or {"type": "object"}),
            output_schema=raw.get("outputSchema"),
            annotations=raw.get("annotations"),
        )
        for raw in json.loads(text)
    ]


def github_description_ratio(token_budget: int, tokenizer: Tokenizer | None = None) -> float:
    """Tokens of the default `code` tool over GitHub's 117 JSON tool definitions (Anthropic format)."""
    tokenizer = tokenizer or default_tokenizer()
    tools = github_tools()
    classic = count_definitions(classic_definitions(tools), tokenizer)
    code_tool = code_definition(describe(tools, token_budget).description, CODE_TOOL_INPUT_SCHEMA)
    return count_definitions([code_tool], tokenizer) / classic
