"""`codemode bench workspace`: the workspace's speed, measured from inside real programs in the sandbox.

Each figure is timed by the program itself (`performance.now()` around the awaited calls), so it
includes the bridge round trip, argument validation, the worker thread and SQLite, as a program sees
them. The data is set up directly in the store first (not timed). Targets (issue 14):

| key               | what                                                        | target   |
| ----------------- | ----------------------------------------------------------- | -------- |
| `writes_per_s`    | 1,000 sequential `writeFile`s of 1 KiB from one program     | >= 1,000 |
| `read_1mib_ms`    | one `readFile` of a 1 MiB file (median of 10)               | <= 20    |
| `glob_10k_ms`     | one `glob` over 10,000 files, all matching (median of 5)    | <= 50    |
| `search_10mib_ms` | one `searchText` over 1,000 files of 10 KiB (median of 5)   | <= 300   |
"""

from __future__ import annotations

import random
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codemode.sources.workspace.paths import WorkspacePath
from codemode.sources.workspace.source import WorkspaceSource
from codemode.sources.workspace.store import MIB, Store

__all__ = ["FULL", "QUICK", "TARGETS", "BenchSizes", "format_report", "run_workspace_bench"]

TARGETS: dict[str, tuple[str, float]] = {
    "writes_per_s": (">=", 1000.0),
    "read_1mib_ms": ("<=", 20.0),
    "glob_10k_ms": ("<=", 50.0),
    "search_10mib_ms": ("<=", 300.0),
}


@dataclass(frozen=True)
class BenchSizes:
    """How much data each measurement uses."""

    writes: int = 1000
    glob_files: int = 10_000
    search_files: int = 1000
    search_file_bytes: int = 10 * 1024
    read_bytes: int = MIB
    repeats: int = 5


FULL = BenchSizes()
QUICK = BenchSizes(writes=50, glob_files=200, search_files=20, read_bytes=64 * 1024, repeats=2)
"""A smoke test of the benchmark itself, not a measurement."""

_WRITES = """
const body = "x".repeat(1024);
const start = performance.now();
for (let i = 0; i < %(count)d; i++) {
  await workspace.writeFile({ path: `/bench/writes/${i}.txt`, content: body });
}
return performance.now() - start;
"""

_TIMED = """
const times = [];
for (let i = 0; i < %(repeats)d; i++) {
  const start = performance.now();
  const result = await %(call)s;
  times.push(performance.now() - start);
  if (%(check)s) throw new Error("unexpected result: " + JSON.stringify(result).slice(0, 200));
}
return times;
"""

_WORDS = [
    "order",
    "invoice",
    "customer",
    "revenue",
    "quarter",
    "region",
    "shipment",
    "refund",
    "account",
    "contract",
    "renewal",
    "support",
    "ticket",
    "priority",
    "owner",
    "pipeline",
    "forecast",
    "margin",
    "discount",
    "product",
    "churn",
]


async def run_workspace_bench(sizes: BenchSizes = FULL) -> dict[str, float]:
    """Measure in a temporary workspace; the four figures, keyed as `TARGETS`."""
    from codemode.app import open_engine
    from codemode.engine import EngineSettings
    from sandbox import Limits

    with tempfile.TemporaryDirectory(prefix="codemode-bench-workspace-") as directory:
        source = WorkspaceSource.open(Path(directory))
        limits = Limits(wall_s=300, cpu_s=300, tool_calls=sizes.writes + 100, memory_mib=512)
        async with open_engine(sources=[source], settings=EngineSettings(limits=limits)) as engine:

            async def program(code: str) -> Any:
                outcome = await engine.run(code)
                if outcome.is_error:
                    raise RuntimeError(f"benchmark program failed: {outcome.text}")
                return outcome.result.value

            _fill(source.store, sizes)
            writes = [await program(_WRITES % {"count": sizes.writes}) for _ in range(3)]
            read = await program(
                _timed(
                    sizes.repeats * 2,
                    'workspace.readFile({ path: "/bench/read.txt" })',
                    "result.length === 0",
                )
            )
            globbed = await program(
                _timed(
                    sizes.repeats,
                    'workspace.glob({ pattern: "/bench/glob/**/*.txt" })',
                    f"result.length !== {sizes.glob_files}",
                )
            )
            searched = await program(
                _timed(
                    sizes.repeats,
                    'workspace.searchText({ query: "needle", path: "/bench/search", maxResults: 10000 })',
                    "result.length === 0",
                )
            )
    return {
        "writes_per_s": round(sizes.writes / (statistics.median(writes) / 1000), 1),
        "read_1mib_ms": round(statistics.median(read), 2),
        "glob_10k_ms": round(statistics.median(globbed), 2),
        "search_10mib_ms": round(statistics.median(searched), 2),
    }


def format_report(figures: dict[str, float]) -> str:
    """The figures against their targets, one line each."""
    lines = []
    for key, value in figures.items():
        relation, target = TARGETS[key]
        met = value >= target if relation == ">=" else value <= target
        lines.append(
            f"{key:<16} {value:>10,.2f}   target {relation} {target:,.0f}   {'ok' if met else 'MISSED'}"
        )
    return "\n".join(lines)


def _timed(repeats: int, call: str, check: str) -> str:
    return _TIMED % {"repeats": repeats, "call": call, "check": check}


def _fill(store: Store, sizes: BenchSizes) -> None:
    """The data the reads run over, written straight to the store."""
    rng = random.Random(14)
    store.write(WorkspacePath("/bench/read.txt"), _text(rng, sizes.read_bytes).encode())
    batch: list[tuple[WorkspacePath, bytes]] = []
    for i in range(sizes.glob_files):
        batch.append((WorkspacePath(f"/bench/glob/d{i % 100:02d}/f{i:05d}.txt"), b"g"))
        if len(batch) == 1000:
            store.write_many(batch)
            batch = []
    for i in range(sizes.search_files):
        text = _text(rng, sizes.search_file_bytes)
        if i % 10 == 0:
            text = "needle in this line\n" + text[20:]
        batch.append((WorkspacePath(f"/bench/search/f{i:04d}.txt"), text.encode()))
    store.write_many(batch)


def _text(rng: random.Random, size: int) -> str:
    """`size` characters of word lines."""
    parts: list[str] = []
    length = 0
    while length < size:
        line = " ".join(rng.choice(_WORDS) for _ in range(10)) + "\n"
        parts.append(line)
        length += len(line)
    return "".join(parts)[:size]
