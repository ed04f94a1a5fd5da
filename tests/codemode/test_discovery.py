"""Progressive discovery on real catalogs: the GitHub MCP server's 117 tools, and 2,500 synthetic ones."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from codemode.approvals import APPROVAL_TAG, ApprovalPolicy
from codemode.bench.recall import RECALL_DEPTH
from codemode.description import Listing, describe
from codemode.discovery import SEARCH_LIMIT, Catalog
from codemode.engine import CodeMode, EngineSettings
from codemode.ranking import stem, terms, words
from codemode.sources.protocol import ToolInfo
from codemode.sources.toolbox import Toolbox
from codemode.tokenizer import count_tokens
from codemode.world import World, build_sources
from sandbox import DenoExecutor, SandboxSettings
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
        pytest.param("listIssues", "github.list_issues", id="camel-case-query"),
        pytest.param("star a repository", "github.star_repository", id="name-over-description"),
    ],
)
def test_search_ranks_the_right_tool_first(github: list[ToolInfo], query: str, expected: str) -> None:
    hits = Catalog(github).search(query)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].name == expected, [hit.name for hit in hits[:5]]


def test_search_of_nonsense_finds_nothing(github: list[ToolInfo]) -> None:
    assert Catalog(github).search("zzzqqq xyzzy") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("list_issues", ["list", "issues"], id="snake"),
        pytest.param("listIssues", ["list", "issues"], id="camel"),
        pytest.param("HTTPServer getURL", ["http", "server", "url"], id="acronyms"),
        pytest.param("Runbook DOC-0007, e.g. the one", ["runbook", "doc", "0007", "one"], id="ids-and-stops"),
    ],
)
def test_words_split_names_like_text(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_plurals_fold_to_one_stem() -> None:
    assert {stem("issues"), stem("issue")} == {"issue"}
    assert {stem("entities"), stem("entity")} == {"entity"}
    assert {stem("repositories"), stem("repository")} == {"repository"}
    assert stem("status") == "status" and stem("address") == "address"
    assert terms("list_issues") == terms("listIssues") == terms("list issues") == ["list", "issue"]


def test_search_reads_argument_docs_and_enum_values() -> None:
    """A word only an argument's description or enum values hold still finds the tool."""
    plain = ToolInfo("docs", "list_documents", "list_documents", "List documents.", {"type": "object"})
    folders = {"type": "string", "enum": ["runbooks", "postmortems"], "description": "Folder to list"}
    rich = ToolInfo(
        "docs",
        "list_folder",
        "list_folder",
        "List documents.",
        {"type": "object", "properties": {"folder": folders}},
    )
    hits = Catalog([plain, rich]).search("postmortem")
    assert [hit.name for hit in hits] == ["docs.list_folder"]


def test_describe_gives_a_declaration_and_close_names_when_wrong(github: list[ToolInfo]) -> None:
    catalog = Catalog(github)
    text = catalog.describe("github.create_issue")
    assert "create_issue(" in text and "title" in text
    assert catalog.describe("create_issue") == text  # bare names work when unique
    with pytest.raises(KeyError, match=r"github\.create_issue"):
        catalog.describe("github.create_isue")


def test_describe_takes_several_names_and_gives_one_plain_text(github: list[ToolInfo]) -> None:
    catalog = Catalog(github)
    listed = catalog.describe(["github.get_me", "github.list_issues", "github.get_me"])
    joined = catalog.describe("github.get_me, github.list_issues")
    assert listed == joined
    assert listed.count("declare const github") == 1  # one namespace block, aliases shared
    assert listed.index("get_me(") < listed.index("list_issues(")  # in the order named
    assert listed.count("get_me(") == 1
    assert not listed.startswith("[") and "\\n" not in listed  # TypeScript, not a JSON array of strings
    with pytest.raises(KeyError) as unknown:
        catalog.describe(["github.get_me", "github.nope", "github.list_isues"])
    message = str(unknown.value)
    assert "`github.nope`" in message and "`github.list_isues`" in message and "github.list_issues" in message


@pytest.mark.parametrize("bad", [42, [1, 2], "", [], {"name": "github.get_me"}])
def test_describe_refuses_what_is_not_names(github: list[ToolInfo], bad: Any) -> None:
    with pytest.raises(TypeError, match=r'describe\("github.get_issue"\)'):
        Catalog(github).describe(bad)


@pytest.fixture(scope="module")
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=1)) as executor:
        yield executor


@pytest.mark.anyio
async def test_describe_in_a_program_returns_plain_text_for_several_tools(executor: DenoExecutor) -> None:
    async with Toolbox(build_sources(World.generate(seed=0))) as toolbox:
        engine = CodeMode(toolbox, executor, EngineSettings(token_budget=1500))
        assert engine.discovery
        assert 'describe(["ns.tool", "ns.other"])' in engine.description()
        outcome = await engine.run('return await describe(["tracker.get_issue", "crm.get_customer"]);')
        wrong = await engine.run('return await describe(["tracker.get_isue"]);')
    assert not outcome.is_error, outcome.text
    head = outcome.blocks[0]
    assert "declare const tracker" in head and "declare const crm" in head
    assert head.count("\n") > 10 and not head.startswith('"')  # real lines, not one escaped string
    assert wrong.is_error and "tracker.get_issue" in wrong.text


def test_github_is_declared_or_listed_by_name_depending_on_budget(github: list[ToolInfo]) -> None:
    full = describe(github, token_budget=1_000_000)
    named = describe(github, token_budget=1_000)
    assert not full.discovery and "declare const github" in full.description
    assert named.discovery and "declare const" not in named.description
    line = next(line for line in named.description.splitlines() if line.startswith("github: "))
    assert len(line.split()) == len(github) + 1  # every tool, by name, space-separated
    assert " create_issue " in line and "(" not in line
    assert count_tokens(named.description) < count_tokens(full.description) / 10
    summarized = describe(github, token_budget=300)  # the names do not fit: the namespace's words
    assert "github (117 tools)" in summarized.description and " create_issue " not in summarized.description


@pytest.mark.parametrize(
    ("listing", "shows"),
    [
        pytest.param("names", " create_issue ", id="names"),
        pytest.param("arguments", "create_issue(owner, repo, title, ", id="arguments"),
        pytest.param("index", "github.create_issue(owner, repo, title, ", id="index"),
        pytest.param("namespaces", "github (117 tools)", id="namespaces"),
    ],
)
def test_every_listing_can_be_forced_for_measuring(
    github: list[ToolInfo], listing: Listing, shows: str
) -> None:
    described = describe(github, token_budget=1_000, listing=listing)
    assert described.discovery and shows in described.description


def test_the_approval_tag_is_explained_where_the_model_reads_it(github: list[ToolInfo]) -> None:
    """Names show no tag, so the description does not explain it; `describe` does, for gated tools."""
    policy = ApprovalPolicy(approve=("github.delete_*",))
    named = describe(github, token_budget=1_000, approvals=policy)
    assert "ApprovalDeclined" not in named.description
    gated = named.catalog.describe(["github.get_me", "github.delete_file"])
    assert gated.startswith(f"// Tools marked {APPROVAL_TAG}") and "ApprovalDeclined" in gated
    assert f"{APPROVAL_TAG} Delete a file" in gated
    assert "ApprovalDeclined" not in named.catalog.describe("github.get_me")
    indexed = describe(github, token_budget=1_000, approvals=policy, listing="index")
    assert f"{APPROVAL_TAG} Delete a file" in indexed.description
    assert "ApprovalDeclined" in indexed.description
    full = describe(github, token_budget=1_000_000, approvals=policy)
    assert "ApprovalDeclined" in full.description


def test_search_returns_as_many_tools_as_recall_is_measured_at(github: list[ToolInfo]) -> None:
    assert len(Catalog(github).search("pull request")) == SEARCH_LIMIT == RECALL_DEPTH


def test_a_2500_tool_catalog_gets_a_namespace_overview_under_budget(synthetic: list[ToolInfo]) -> None:
    assert len(synthetic) >= 2500
    described = describe(synthetic, token_budget=2_000)
    assert described.discovery
    assert "github_7 (117 tools)" in described.description
    assert count_tokens(described.description) <= 2_000
    assert Catalog(synthetic).search("merge pull request")[0].name.endswith(".merge_pull_request")
