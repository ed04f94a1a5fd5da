"""`codemode bench`: the token-savings benchmark; `codemode bench sandbox`: the sandbox's speed.

    codemode bench [--tasks single,analysis] [--json PATH] [--plot PATH.svg] [--seed N] [--node-modules DIR]
                   [--language typescript|python|both]
    codemode bench --live --provider anthropic|openai --model MODEL [--tasks ...] [--max-turns N]
    codemode bench sandbox [--json PATH] [--quick]  see sandbox/benchmark.py
    codemode bench http [--calls N] [--json PATH]   see codemode/bench/http_latency.py
    codemode bench workspace [--json] [--quick]     see codemode/bench/workspace.py

The token benchmark runs offline by default (`codemode.bench.suite`), live with `--live`
(`codemode.bench.live`). Only the handlers import a benchmark (the engine, the sandbox, the world), so
`codemode --help` stays fast. Exit status of the token benchmark: 0 when every task that ran passed
its oracles, 1 when one did not, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codemode.bench import NODE_MODULES_ENV

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codemode.bench.results import TaskResult
    from codemode.bench.suite import SuiteRun


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="benchmarks: token savings (default) or `bench sandbox` for the sandbox's speed",
        description="Token-savings benchmark; `codemode bench sandbox` measures the sandbox instead.",
    )
    add_token_arguments(parser)
    parser.set_defaults(handler=run_tokens)
    targets = parser.add_subparsers(dest="bench_target", metavar="TARGET")
    sandbox = targets.add_parser(
        "sandbox",
        help="start-up, pooled, warm, tool-call round trip, throughput and memory of the sandbox",
        description="Measure the sandbox against a bare `deno run` in the same run (about a minute).",
    )
    sandbox.add_argument(
        "--json",
        dest="sandbox_json",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the figures as JSON",
    )
    sandbox.add_argument(
        "--quick", action="store_true", help="few repetitions (a smoke test, not a measurement)"
    )
    sandbox.set_defaults(handler=run_sandbox)
    http = targets.add_parser(
        "http",
        help="end-to-end latency of `code` over HTTP beside a no-op tool on the same SDK",
        description="Latency of a trivial `code` call over streamable HTTP next to a no-op tool.",
    )
    http.add_argument("--calls", type=int, default=200, help="calls per measurement (default 200)")
    http.add_argument("--json", dest="http_json", metavar="PATH", help="write the figures as JSON")
    http.set_defaults(handler=run_http)
    workspace = targets.add_parser(
        "workspace",
        help="the workspace's speed from inside programs: writes, a 1 MiB read, glob, searchText",
        description="Time workspace calls from real programs in the sandbox, in a temporary workspace.",
    )
    workspace.add_argument(
        "--json", dest="workspace_json", action="store_true", help="print the figures as JSON"
    )
    workspace.add_argument(
        "--quick", action="store_true", help="small data (a smoke test, not a measurement)"
    )
    workspace.set_defaults(handler=run_workspace)


def run_sandbox(args: argparse.Namespace) -> int:
    import anyio

    from codemode.typecheck import CheckerError
    from codemode.typecheck.bench import format_typecheck, measure_typecheck
    from sandbox.benchmark import QUICK, BenchSettings, format_report, run_sandbox_bench
    from sandbox.benchmark_python import (
        PYTHON_QUICK,
        PythonBenchSettings,
        format_python_report,
        run_python_bench,
    )
    from sandbox.pyodide_runtime import find_pyodide

    settings = QUICK if args.quick else BenchSettings()
    report = anyio.run(run_sandbox_bench, settings)
    print(format_report(report))
    try:  # the type check a `code` call adds before its run (codemode's, so measured from this side)
        figures = anyio.run(lambda: measure_typecheck(rounds=10 if args.quick else 60))
    except CheckerError as error:
        print(f"typecheck: not measured: {error}", file=sys.stderr)
    else:
        report.update(figures)
        print(format_typecheck(figures))
    if find_pyodide() is not None:
        report.update(anyio.run(run_python_bench, PYTHON_QUICK if args.quick else PythonBenchSettings()))
        print(format_python_report(report))
    else:
        note = "python_*: skipped, the Pyodide runtime is not installed (codemode pyodide install)"
        print(note, file=sys.stderr)
    if args.sandbox_json is not None:
        args.sandbox_json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.sandbox_json}", file=sys.stderr)
    return 0


def run_http(args: argparse.Namespace) -> int:
    from codemode.bench.http_latency import main

    argv = ["--calls", str(args.calls)] + (["--json", args.http_json] if args.http_json else [])
    return main(argv)


def _patterns(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_token_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `codemode bench` (the token benchmark)."""
    parser.add_argument(
        "--tasks",
        type=_patterns,
        default=None,
        metavar="IDS",
        help="comma-separated task ids, parts of ids, or categories (single, chained, fanout, analysis, "
        "files, workflow); default: all",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="write every figure as JSON")
    parser.add_argument("--plot", type=Path, default=None, metavar="PATH", help="write the chart (SVG)")
    parser.add_argument("--seed", type=int, default=0, help="the built-in world's seed (default 0)")
    parser.add_argument(
        "--token-budget",
        type=int,
        default=None,
        metavar="N",
        help="the engine's token budget for the default code-mode column (default: the engine's own); "
        "a low value shows the index-plus-describe form",
    )
    parser.add_argument(
        "--language",
        choices=("typescript", "python", "both"),
        default="typescript",
        help="the code-mode programs' language: each task's TypeScript or Python solution, with the "
        "`code` tool described for it; `both` runs each and shows them side by side (default typescript; "
        "Python needs `codemode pyodide install`)",
    )
    parser.add_argument(
        "--live", action="store_true", help="run the tasks with a real model in both modes (needs an API key)"
    )
    parser.add_argument(
        "--provider",
        choices=("anthropic", "openai"),
        default="anthropic",
        help="live mode's API (default anthropic)",
    )
    parser.add_argument("--model", default=None, help="live mode's model, e.g. claude-sonnet-4-5 or gpt-5")
    parser.add_argument(
        "--max-turns", type=int, default=20, help="live mode: turns per task and mode (default 20)"
    )
    parser.add_argument(
        "--node-modules",
        type=Path,
        default=None,
        metavar="DIR",
        help="node_modules folder holding @modelcontextprotocol/server-filesystem and server-memory, for "
        f"the tasks that use real MCP servers (default: ${NODE_MODULES_ENV}); without it they are skipped",
    )


def run_tokens(args: argparse.Namespace) -> int:
    """Run the token benchmark as `args` say; print the table; write the JSON and the chart if asked."""
    import anyio
    from rich.console import Console

    from codemode.bench.environment import node_modules_from_env
    from codemode.bench.languages import LANGUAGES
    from codemode.bench.report import print_report, write_json, write_plot
    from codemode.bench.side_by_side import languages_json, print_side_by_side
    from codemode.bench.suite import run_suites
    from codemode.bench.tasks import select_tasks

    if args.node_modules is None:
        args.node_modules = node_modules_from_env()
    console = Console()
    if not console.is_terminal:
        console = Console(width=150)
    plot: Path | None = getattr(args, "plot", None)
    if plot is not None and plot.suffix.lower() != ".svg":
        console.print(f"[red]--plot {plot}: only SVG is written; use a path ending in .svg[/]")
        return 2
    try:
        tasks = select_tasks(getattr(args, "tasks", None))
    except ValueError as error:
        console.print(f"[red]--tasks: {error}[/]")
        return 2
    choice = getattr(args, "language", "typescript")
    if getattr(args, "live", False):
        from codemode.bench.live import run_live_command

        if choice != "typescript":
            console.print(f"[red]--language {choice}: live mode runs TypeScript only; drop one of the two[/]")
            return 2
        status: int = run_live_command(args, tasks, console)
        return status

    def progress(result: TaskResult) -> None:
        console.print(f"[dim]{result.id}: {result.status}[/]", highlight=False)

    budget = getattr(args, "token_budget", None)
    if budget is not None and budget < 1:
        console.print(f"[red]--token-budget must be a positive number of tokens, got {budget}[/]")
        return 2
    languages = LANGUAGES if choice == "both" else tuple(k for k in LANGUAGES if k == choice)
    if "python" in languages and not _pyodide_installed():
        console.print(
            "[red]--language python: the Python programs run in Pyodide, which is not installed; "
            "run `codemode pyodide install` once, then the benchmark again[/]"
        )
        return 2
    runs = anyio.run(
        lambda: run_suites(
            tasks,
            languages,
            seed=getattr(args, "seed", 0),
            node_modules=getattr(args, "node_modules", None),
            token_budget=budget,
            on_result=progress,
        )
    )
    summaries = {language: _summary(run) for language, run in runs.items()}
    run, summary = runs[languages[0]], summaries[languages[0]]
    print_report(run.results, summary, console)
    if len(runs) > 1:
        print_side_by_side({k: r.results for k, r in runs.items()}, summaries, console)
    if run.upstreams and any(r.status == "skipped" for r in run.results):
        console.print(f"[yellow]Skipped the tasks that need the MCP servers: {run.upstreams}[/]")
    if getattr(args, "json", None) is not None:
        several = len(runs) > 1
        section = languages_json({k: r.results for k, r in runs.items()}, summaries) if several else None
        write_json(args.json, run.results, summary, _meta(args, languages), languages=section)
        console.print(f"Wrote {args.json}")
    if plot is not None:
        write_plot(plot, run.results, summary)
        console.print(f"Wrote {plot}")
    broken = [
        r
        for each in runs.values()
        for r in each.results
        if r.status == "failed" or (r.status == "ok" and not (r.passed_code and r.passed_classic))
    ]
    return 1 if broken else 0


def _pyodide_installed() -> bool:
    from sandbox.pyodide_runtime import find_pyodide

    return find_pyodide() is not None


def _summary(run: SuiteRun) -> dict[str, Any]:
    """The summary of one language's run, with the run-wide figures."""
    from codemode.bench.results import summarize

    summary = summarize(run.results, run.definitions, run.tokenizer)
    summary["search_recall_at_10"] = run.search_recall_at_10
    summary["github_description_ratio"] = run.github_description_ratio
    summary["upstream_servers"] = run.upstreams or "ran"
    return summary


def _meta(args: argparse.Namespace, languages: Sequence[str] = ("typescript",)) -> dict[str, Any]:
    from codemode.engine import EngineSettings

    return {
        "command": "codemode bench " + " ".join(sys.argv[2:])
        if sys.argv[1:2] == ["bench"]
        else "codemode bench",
        "seed": getattr(args, "seed", 0),
        "languages": list(languages),
        "token_budget": getattr(args, "token_budget", None) or EngineSettings().token_budget,
        "codemode": importlib.metadata.version("codemode"),
        "python": platform.python_version(),
        "measured": "the context cost of the same plan in both modes (not whether a model finds the plan)",
        "classic_format": "Anthropic Messages API: tools, tool_use and tool_result blocks",
    }


def run_workspace(args: argparse.Namespace) -> int:
    import anyio

    from codemode.bench.workspace import FULL, QUICK, format_report, run_workspace_bench

    figures = anyio.run(run_workspace_bench, QUICK if args.quick else FULL)
    print(json.dumps(figures) if args.workspace_json else format_report(figures))
    return 0
