"""The tool-call round trip of two checkouts side by side: p50 per round, rounds alternating.

    uv run python tests/sandbox/bench_roundtrip.py DIR [DIR ...] [--language python] [--calls 1000]
        [--rounds 14] [--answer-items 0] [--flags FLAGS ...]

Each round runs, for each checkout in turn, one program of `--calls` sequential `await b.echo(...)`
calls in a fresh sandbox process (no pool, as `codemode bench sandbox` measures it), and takes the
median of the gaps between the host callback's entries. The checkouts' `sandbox` packages are
imported one after the other into this process, with this environment's other packages; rounds
alternate so that a machine that speeds up or slows down shifts every checkout alike. On a shared
2-core VM single rounds move by 20 % or more: compare medians over many rounds, never single ones.

`--answer-items N` answers each call with N small records (600 make 57 KB of JSON) instead of the
arguments. `--flags` (once per checkout, comma-separated, `-` for none) replaces the V8 flags of
Python processes (`sandbox.pyodide_runtime.WASM_V8_FLAGS`) for that checkout. Not a test: speed
belongs in benchmarks.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import statistics
import sys
import time
from types import ModuleType
from typing import Any

import anyio


def _load(tree: str) -> ModuleType:
    """The `sandbox` package of checkout `tree`, freshly imported."""
    for name in [name for name in sys.modules if name == "sandbox" or name.startswith("sandbox.")]:
        del sys.modules[name]
    sys.path.insert(0, tree)
    try:
        return importlib.import_module("sandbox")
    finally:
        sys.path.pop(0)


async def _round(sandbox: ModuleType, language: str, calls: int, answer: Any) -> float:
    stamps: list[float] = []

    async def callback(ns: str, tool: str, args: Any) -> Any:
        stamps.append(time.perf_counter())
        return args if answer is None else answer

    code = (
        f"for i in range({calls}):\n    await b.echo(i=i)\n"
        if language == "python"
        else f"for (let i = 0; i < {calls}; i++) await b.echo({{i}});"
    )
    settings = sandbox.SandboxSettings(pool_size=0, python_pool_size=0)
    async with sandbox.DenoExecutor(settings) as executor:
        result = await executor.run(
            code,
            tools={"b": ["echo"]},
            callback=callback,
            language=language,
            limits=sandbox.Limits(tool_calls=calls + 1, wall_s=300),
        )
    if not result.ok:
        raise SystemExit(f"the benchmark program failed: {result.error}")
    return statistics.median((b - a) * 1e6 for a, b in itertools.pairwise(stamps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", metavar="DIR", help="checkouts to compare")
    parser.add_argument("--language", choices=["typescript", "python"], default="python")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=14)
    parser.add_argument("--answer-items", type=int, default=0)
    parser.add_argument("--flags", action="append", help="V8 flags of Python processes, per checkout")
    args = parser.parse_args()
    if args.flags is not None and len(args.flags) != len(args.trees):
        parser.error("give --flags once per checkout")
    answer = None
    if args.answer_items:
        answer = [
            {"id": i, "title": f"issue number {i} with some text", "labels": ["bug", "p1"], "open": True}
            for i in range(args.answer_items)
        ]
    rounds: list[list[float]] = [[] for _ in args.trees]
    for _ in range(args.rounds):
        for k, tree in enumerate(args.trees):
            sandbox = _load(tree)
            if args.flags is not None:
                flags = tuple(flag for flag in args.flags[k].split(",") if flag and flag != "-")
                sandbox.pyodide_runtime.WASM_V8_FLAGS = flags
            rounds[k].append(anyio.run(_round, sandbox, args.language, args.calls, answer))
    for k, tree in enumerate(args.trees):
        label = f"{tree} [{args.flags[k]}]" if args.flags is not None else tree
        shown = ", ".join(f"{p50:.0f}" for p50 in rounds[k])
        print(f"{label}: p50 per round {shown}; median {statistics.median(rounds[k]):.0f} us")


if __name__ == "__main__":
    main()
