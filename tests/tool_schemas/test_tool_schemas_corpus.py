"""The real corpus (GitHub's MCP server, filesystem, memory): declarations that type-check and are exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tool_schemas_calls import Unsupported, call_lines

from tool_schemas import render_declarations, render_index, render_tool, sanitize_identifier

CORPUS = {
    "github": "github-mcp-server.tools.json",
    "filesystem": "server-filesystem.tools.json",
    "memory": "server-memory.tools.json",
}


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> dict[str, list[dict[str, Any]]]:
    return {ns: json.loads((corpus_dir / name).read_text(encoding="utf-8")) for ns, name in CORPUS.items()}


def _closed_output(tool: dict[str, Any]) -> bool:
    schema = tool.get("outputSchema")
    return (
        isinstance(schema, dict)
        and bool(schema.get("properties"))
        and schema.get("additionalProperties") in (None, False)
        and "patternProperties" not in schema
    )


def test_corpus_sizes(corpus: dict[str, list[dict[str, Any]]]) -> None:
    assert {ns: len(tools) for ns, tools in corpus.items()} == {"github": 117, "filesystem": 14, "memory": 9}


def test_corpus_declarations_type_check_and_are_exact(
    corpus: dict[str, list[dict[str, Any]]], deno_check
) -> None:
    """One deno check over: all declarations together, each tool standalone, and for every tool a valid
    call plus invalid ones (missing property, wrong type, outside an enum) that must fail to check."""
    files = {"all.ts": render_declarations(corpus) + "export {};\n"}
    expected_failures = 0
    covered = 0
    for ns, tools in corpus.items():
        for tool in tools:
            ident = sanitize_identifier(tool["name"])
            lines = [render_tool(ns, tool), "export async function calls() {"]
            try:
                calls = call_lines(f"{ns}.{ident}", tool["inputSchema"])
            except Unsupported:
                calls = []
            covered += bool(calls)
            expected_failures += sum("@ts-expect-error" in line for line in calls)
            lines += calls
            if _closed_output(tool) and calls:
                lines.append("  // @ts-expect-error the result type is exact, not any")
                lines.append(
                    f"  (await {ns}.{ident}({calls[0].split('(', 1)[1].rsplit(');', 1)[0]})).__nope__;"
                )
            lines.append("}")
            files[f"{ns}_{ident}.ts"] = "\n".join(lines) + "\n"
    result = deno_check(files)
    assert result.ok, result.output
    # The proof is only as strong as its coverage: nearly every tool got a valid call and invalid ones.
    assert covered >= 130, covered
    assert expected_failures >= 250, expected_failures


def test_corpus_index_has_one_line_per_tool(corpus: dict[str, list[dict[str, Any]]]) -> None:
    lines = render_index(corpus).splitlines()
    assert len(lines) == 140
    assert "memory.create_entities(entities) — Create multiple new entities in the knowledge graph" in lines
    assert all(len(line) < 300 for line in lines)


def test_corpus_is_compact(corpus: dict[str, list[dict[str, Any]]]) -> None:
    """Declarations cost fewer characters than the JSON definitions they replace (tokens: see the bench)."""
    tools = corpus["github"]
    as_json = json.dumps(
        [{k: t[k] for k in ("name", "description", "inputSchema") if k in t} for t in tools],
        separators=(",", ":"),
    )
    assert len(render_declarations({"github": tools})) < len(as_json)
