"""Tokens of every form a catalog can be shown in, against the JSON definitions it replaces.

`python -m codemode.bench.forms [--corpus DIR] [--json]` measures the built-in world (its tools as
`codemode types` builds them) and every `*.tools.json` of the corpus directory (default
`tests/corpus`: GitHub's MCP server, filesystem, memory). Forms: the compact declarations (the
default when they fit the budget), the jsdoc declarations, the one-line-per-tool index, the
one-line-per-namespace overview with argument names, the tool names by namespace (the default
listing over the budget), and the `code` tool's whole description as the engine builds it under the
default token budget.
The JSON side is counted twice: as a provider's API receives a tool (`name`, `description`,
`inputSchema`, compact), and with `outputSchema` too (what an MCP `tools/list` carries, and what the
declarations also state). Counts are o200k_base, as `codemode.tokenizer` counts them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from codemode.sources.protocol import ToolInfo
from codemode.tokenizer import count_tokens, default_tokenizer
from tool_schemas import render_declarations, render_index, render_overview, sanitize_identifier

__all__ = ["FormTokens", "corpus_catalogs", "measure", "world_catalog"]

Catalog = dict[str, list[ToolInfo]]
"""Tools by namespace."""


@dataclass(frozen=True)
class FormTokens:
    """One catalog's token counts."""

    catalog: str
    """Its name."""
    tools: int
    """How many tools it has."""
    json_api: int
    """The JSON definitions as an API receives them: name, description, inputSchema."""
    json_mcp: int
    """The same with outputSchema, as `tools/list` lists them."""
    forms: dict[str, int]
    """Tokens of each form, by name."""

    def ratios(self) -> dict[str, float]:
        """Each form's tokens over `json_api`."""
        return {name: round(tokens / self.json_api, 3) for name, tokens in self.forms.items()}


def _json(tools: Sequence[ToolInfo], keys: tuple[str, ...]) -> str:
    dicts = [tool.to_mcp_dict() for tool in tools]
    return json.dumps(
        [{k: d[k] for k in keys if k in d} for d in dicts], separators=(",", ":"), ensure_ascii=False
    )


def measure(name: str, catalog: Catalog, token_budget: int | None = None) -> FormTokens:
    """Every form of `catalog`, counted; the engine's description under `token_budget` (its default
    when None)."""
    from codemode.description import describe
    from codemode.engine import EngineSettings

    grouped = {ns: [tool.to_mcp_dict() for tool in tools] for ns, tools in catalog.items()}
    flat = [tool for tools in catalog.values() for tool in tools]
    budget = EngineSettings().token_budget if token_budget is None else token_budget
    forms = {
        "declarations": render_declarations(grouped),
        "jsdoc": render_declarations(grouped, style="jsdoc"),
        "index": render_index(grouped),
        "overview": render_overview(grouped),
        "names": render_overview(grouped, arguments=False),
        f"code_description@{budget}": describe(flat, budget).description,
    }
    return FormTokens(
        catalog=name,
        tools=len(flat),
        json_api=count_tokens(_json(flat, ("name", "description", "inputSchema"))),
        json_mcp=count_tokens(_json(flat, ("name", "description", "inputSchema", "outputSchema"))),
        forms={form: count_tokens(text) for form, text in forms.items()},
    )


def world_catalog() -> Catalog:
    """The built-in world's tools by namespace, as `codemode types` lists them."""
    from codemode.world import World, build_sources

    catalog: Catalog = {}
    for source in build_sources(World.generate(0)):
        for tool in source.tools():
            catalog.setdefault(tool.namespace, []).append(tool)
    return catalog


def _tool(namespace: str, raw: Mapping[str, Any]) -> ToolInfo:
    return ToolInfo(
        namespace=namespace,
        name=sanitize_identifier(str(raw["name"])),
        original_name=str(raw["name"]),
        description=str(raw.get("description") or ""),
        input_schema=dict(raw.get("inputSchema") or {"type": "object"}),
        output_schema=raw.get("outputSchema"),
        annotations=raw.get("annotations"),
    )


def corpus_catalogs(directory: Path) -> dict[str, Catalog]:
    """Each `<name>.tools.json` of `directory` as a one-namespace catalog named after the server
    (`github-mcp-server` -> `github`, `server-memory` -> `memory`)."""
    out: dict[str, Catalog] = {}
    for path in sorted(directory.glob("*.tools.json")):
        stem = path.name.removesuffix(".tools.json")
        namespace = stem.removeprefix("server-").removesuffix("-mcp-server")
        tools = json.loads(path.read_text(encoding="utf-8"))
        out[namespace] = {namespace: [_tool(namespace, raw) for raw in tools]}
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m codemode.bench.forms", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--corpus", type=Path, default=Path("tests/corpus"), help="folder of *.tools.json")
    parser.add_argument("--token-budget", type=int, default=None, help="for the engine's description")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    catalogs = {**corpus_catalogs(args.corpus), "world": world_catalog()}
    results = [measure(name, catalog, args.token_budget) for name, catalog in catalogs.items()]
    if args.json:
        report = {
            "tokenizer": default_tokenizer().name,
            "catalogs": [asdict(r) | {"ratios": r.ratios()} for r in results],
        }
        print(json.dumps(report, indent=2))
        return
    forms = list(results[0].forms)
    print(f"tokens ({default_tokenizer().name}); ratio = form / JSON as an API receives it")
    print(" | ".join(["catalog", "tools", "json_api", "json_mcp", *forms]))
    for r in results:
        ratios = r.ratios()
        cells = [f"{r.forms[form]:,} ({ratios[form]:.2f}x)" for form in forms]
        print(" | ".join([r.catalog, str(r.tools), f"{r.json_api:,}", f"{r.json_mcp:,}", *cells]))


if __name__ == "__main__":
    main()
