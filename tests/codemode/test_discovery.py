"""Progressive discovery on real catalogs: the GitHub MCP server's 117 tools, and 2,500 synthetic ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codemode.description import describe
from codemode.discovery import Catalog
from codemode.sources.protocol import ToolInfo
from codemode.tokenizer import count_tokens
from tool_schemas import sanitize_identifier


def _tools(raw: list[dict[str, Any]], namespace: str) -> list[ToolInfo]:
    return [
        ToolInfo(
            namespace=namespace,
            name=sanitize_identifier(tool["name"]),
            original_name=tool["name"],
            description=tool.get("description") or "",
            input_schema=tool.get("inputSchema") or {"type": "object"},
            output_schema=tool.get("outputSchema"),
            annotations=tool.get("annotations"),
        )
        for tool in raw
    ]


@pytest.fixture(scope="module")
def github(corpus_dir: Path) -> list[ToolInfo]:
    return _tools(json.loads((corpus_dir / "github-mcp-server.tools.json").read_text()), "github")


@pytest.fixture(scope="module")
def synthetic(github: list[ToolInfo]) -> list[ToolInfo]:
    """2,574 tools: the GitHub catalog served as 22 separate namespaces (as a gateway would)."""
    return [
        ToolInfo(
            t.namespace + f"_{i}", t.name, t.original_name, t.description, t.input_schema, t.output_schema
        )
        for i in range(1, 23)
        for t in github
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("create a pull request", "github.create_pull_request", id="pull-request"),
        pytest.param("search code in repositories", "github.search_code", id="search-code"),
        pytest.param("fork repository", "github.fork_repository", id="fork"),
        pytest.param("list issues of a repo", "github.list_issues", id="issues-plural"),
    ],
)
def test_search_ranks_the_right_tool_first(github: list[ToolInfo], query: str, expected: str) -> None:
    hits = Catalog(github).search(query)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].name == expected, [hit.name for hit in hits[:5]]


def test_search_of_nonsense_finds_nothing(github: list[ToolInfo]) -> None:
    assert Catalog(github).search("zzzqqq xyzzy") == []


def test_describe_gives_a_declaration_and_close_names_when_wrong(github: list[ToolInfo]) -> None:
    catalog = Catalog(github)
    text = catalog.describe("github.create_issue")
    assert "create_issue(" in text and "title" in text
    assert catalog.describe("create_issue") == text  # bare names work when unique
    with pytest.raises(KeyError, match=r"github\.create_issue"):
        catalog.describe("github.create_isue")


def test_github_fits_as_declarations_or_index_depending_on_budget(github: list[ToolInfo]) -> None:
    full = describe(github, token_budget=1_000_000)
    indexed = describe(github, token_budget=6_000)
    assert not full.discovery and "declare const github" in full.description
    assert indexed.discovery and "github.create_issue(" in indexed.description
    assert "declare const" not in indexed.description
    assert count_tokens(indexed.description) < count_tokens(full.description)


def test_a_2500_tool_catalog_gets_a_namespace_overview_under_budget(synthetic: list[ToolInfo]) -> None:
    assert len(synthetic) >= 2500
    described = describe(synthetic, token_budget=2_000)
    assert described.discovery
    assert "github_7 (117 tools)" in described.description
    assert count_tokens(described.description) <= 2_000
    assert Catalog(synthetic).search("merge pull request")[0].name.endswith(".merge_pull_request")
