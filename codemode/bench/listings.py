"""Why the default listing: the whole token bench once per way of listing a large catalog.

`python -m codemode.bench.listings [--node-modules DIR]` runs every task of `codemode bench` with the
`code` tool's description forced to each listing of `description.LISTINGS` (tool names, names with
argument names, a one-line index, namespace summaries), then with every declaration (the engine at
a budget the declarations fit), and prints one row each: the `code` tool's tokens and its ratio to
the classic JSON definitions, the median savings on multi-step and single-call tasks, uncached and
with warm prompt caching, and GitHub's ratio. The rows are the table in docs/benchmarks.md ("The
default"). The listing is forced by giving the engine `describe` with that `listing` (a measuring
harness: the engine itself has no such setting); the rest is `codemode bench` unchanged.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio

from codemode import description, engine
from codemode.bench.environment import node_modules_from_env
from codemode.bench.github import github_tools
from codemode.bench.results import summarize
from codemode.bench.suite import run_suite
from codemode.bench.tasks import all_tasks
from codemode.tokenizer import count_tokens

__all__ = ["forced_listing", "main", "measure_listing"]

FULL = "declarations"
"""The row with every declaration in the description."""


@contextmanager
def forced_listing(listing: description.Listing) -> Iterator[None]:
    """While open, every engine describes a catalog over its budget with `listing`."""
    names = vars(engine)  # the engine's module namespace, where `CodeMode` looks `describe` up
    default = names["describe"]
    names["describe"] = functools.partial(description.describe, listing=listing)
    try:
        yield
    finally:
        names["describe"] = default


def measure_listing(row: str, node_modules: Path | None) -> dict[str, Any]:
    """One row: the bench's summary with `row` as the listing (or `FULL`: every declaration)."""
    budget = 10**6 if row == FULL else None
    if row == FULL:
        run = anyio.run(
            functools.partial(run_suite, all_tasks(), node_modules=node_modules, token_budget=budget)
        )
        github = description.describe(github_tools(), 10**6).description
    else:
        listing: description.Listing = row  # type: ignore[assignment]
        with forced_listing(listing):
            run = anyio.run(functools.partial(run_suite, all_tasks(), node_modules=node_modules))
        github = description.describe(github_tools(), 1_000, listing=listing).description
    summary = summarize(run.results, run.definitions, run.tokenizer)
    return {
        "listing": row,
        "code_tool": run.definitions.code_index,
        "definitions_ratio": summary["definitions_ratio"],
        "multistep": summary["median_saving_multistep"],
        "single": summary["median_saving_single"],
        "multistep_cached": summary["median_saving_multistep_cached"],
        "single_cached": summary["median_saving_single_cached"],
        "github_description_tokens": count_tokens(github),
        "passed": f"{summary['passed_code']}/{summary['tasks']}",
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m codemode.bench.listings", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--node-modules", type=Path, default=node_modules_from_env())
    parser.add_argument("--rows", default=",".join([*description.LISTINGS, FULL]), help="comma-separated")
    args = parser.parse_args(argv)
    print("| listing | `code` tool (ratio) | multi-step | single-call | cached multi / single | GitHub |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in args.rows.split(","):
        r = measure_listing(row, args.node_modules)
        print(
            f"| {r['listing']} | {r['code_tool']:,} ({r['definitions_ratio']:.2f}x) | "
            f"{_pct(r['multistep'])} | {_pct(r['single'])} | "
            f"{_pct(r['multistep_cached'])} / {_pct(r['single_cached'])} | "
            f"{r['github_description_tokens']:,} | ",
            flush=True,
        )


if __name__ == "__main__":
    main()
