"""Benchmark: tokens of the declarations vs the JSON tool definitions they replace, and generation time.

Run: `uv run python tests/tool_schemas/bench_declarations.py [--runs N]`. Tokens are counted offline
with the o200k_base vocabulary of the `bpe-openai` package. The JSON side is what a classic client
sends per tool: compact JSON of `name`, `description` and `inputSchema` (and `outputSchema` when the
tool has one, since the declarations carry it too; `python -m codemode.bench.forms` also counts the
JSON without it, as a provider's API receives a tool). Forms: the compact declarations (default), the
jsdoc style, the index and the overview. Not a test: speed is measured here, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import bpe_openai

from tool_schemas import render_declarations, render_index, render_overview

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
FILES = {
    "github": "github-mcp-server.tools.json",
    "filesystem": "server-filesystem.tools.json",
    "memory": "server-memory.tools.json",
}


def json_definitions(tools: list[dict[str, Any]]) -> str:
    """The tools as a classic client sends them."""
    keys = ("name", "description", "inputSchema", "outputSchema")
    return json.dumps(
        [{k: t[k] for k in keys if k in t} for t in tools], separators=(",", ":"), ensure_ascii=False
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=200, help="timed renders of the GitHub corpus (default 200)"
    )
    args = parser.parse_args()
    encoding = bpe_openai.get_encoding("o200k_base")

    def tokens(text: str) -> int:
        return len(encoding.encode(text))

    report: dict[str, Any] = {"tokenizer": "o200k_base (bpe-openai)", "corpora": {}}
    for namespace, name in FILES.items():
        tools = json.loads((CORPUS_DIR / name).read_text(encoding="utf-8"))
        as_json = tokens(json_definitions(tools))
        forms = {
            "declaration": render_declarations({namespace: tools}),
            "jsdoc": render_declarations({namespace: tools}, style="jsdoc"),
            "index": render_index({namespace: tools}),
            "overview": render_overview({namespace: tools}),
        }
        figures: dict[str, Any] = {"tools": len(tools), "json_tokens": as_json}
        for form, text in forms.items():
            figures[f"{form}_tokens"] = tokens(text)
            figures[f"{form}_ratio"] = round(figures[f"{form}_tokens"] / as_json, 3)
        report["corpora"][namespace] = figures

    github = json.loads((CORPUS_DIR / FILES["github"]).read_text(encoding="utf-8"))
    render_declarations({"github": github})  # warm up
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        render_declarations({"github": github})
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    report["github_render_ms"] = {
        "runs": args.runs,
        "p50": round(statistics.median(samples), 2),
        "p95": round(samples[int(len(samples) * 0.95) - 1], 2),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
