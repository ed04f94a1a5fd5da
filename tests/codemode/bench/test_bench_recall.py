"""Discovery you can trust: `search()` over each task's prompt finds the tools its solution calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codemode.bench.recall import (
    RECALL_DEPTH,
    SCRATCH,
    search_recall_at_10,
    task_recalls,
    tools_called,
)
from codemode.bench.tasks import Task, all_tasks
from codemode.sources.protocol import ToolInfo
from codemode.world import World, build_sources
from tool_schemas import sanitize_identifier

UPSTREAM_LISTS = {"filesystem": "server-filesystem.tools.json", "memory": "server-memory.tools.json"}


@pytest.fixture(scope="module")
def bench_catalog(corpus_dir: Path) -> list[ToolInfo]:
    """The bench's tools: the built-in world, and the filesystem and memory servers' own tools/list."""
    tools = [tool for source in build_sources(World.generate(0)) for tool in source.tools()]
    for namespace, file in UPSTREAM_LISTS.items():
        for raw in json.loads((corpus_dir / file).read_text(encoding="utf-8")):
            tools.append(
                ToolInfo(
                    namespace,
                    sanitize_identifier(raw["name"]),
                    raw["name"],
                    raw.get("description") or "",
                    raw.get("inputSchema") or {"type": "object"},
                    raw.get("outputSchema"),
                    raw.get("annotations"),
                )
            )
    return tools


def test_tools_called_reads_the_solution_program() -> None:
    code = (
        "const c = await crm.get_customer({ customer_id: id });\n"
        "const [a, b] = await Promise.all([records.query_orders({}), crm.get_customer({})]);\n"
        "return c.address.city.trim();"
    )
    catalog = {"crm.get_customer", "records.query_orders", "tracker.get_issue"}
    assert tools_called(code, catalog) == ("crm.get_customer", "records.query_orders")


def test_search_finds_the_tools_of_the_bench_tasks(bench_catalog: list[ToolInfo]) -> None:
    recalls = task_recalls(bench_catalog)
    assert len(recalls) == len(all_tasks())  # every task's tools are in this catalog
    recall = search_recall_at_10(bench_catalog)
    misses = {r.task_id: (r.missed, {name: r.ranks[name] for name in r.missed}) for r in recalls if r.missed}
    assert recall >= 0.9, misses


def test_a_miss_is_reported_with_its_rank(bench_catalog: list[ToolInfo]) -> None:
    """The measurement can fail: a prompt that says nothing of what the solution calls misses it."""
    vague = Task(
        id="vague",
        category="single",
        prompt=f"Tidy up {SCRATCH} please.",
        code='return await crm.add_note({ customer_id: "C-0001", body: "x" });',
        check=lambda env: None,
    )
    (only,) = task_recalls(bench_catalog, [vague])
    assert (only.task_id, only.needed, only.missed) == ("vague", ("crm.add_note",), ("crm.add_note",))
    rank = only.ranks["crm.add_note"]
    assert rank is None or rank > RECALL_DEPTH
    assert search_recall_at_10(bench_catalog, [vague]) == 0.0
