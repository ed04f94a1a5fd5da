"""`codemode bench`: the token-savings benchmark; `codemode bench sandbox`: the sandbox's speed.

    codemode bench [token-benchmark flags]          see codemode/bench/tokens.py
    codemode bench sandbox [--json PATH] [--quick]  see sandbox/benchmark.py
    codemode bench http [--calls N] [--json PATH]   see codemode/bench/http_latency.py

Only the handler imports a benchmark, so `codemode --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from codemode.bench import tokens


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="benchmarks: token savings (default) or `bench sandbox` for the sandbox's speed",
        description="Token-savings benchmark; `codemode bench sandbox` measures the sandbox instead.",
    )
    tokens.add_arguments(parser)
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


def run_tokens(args: argparse.Namespace) -> int:
    status: int = tokens.main(args)
    return status


def run_sandbox(args: argparse.Namespace) -> int:
    import anyio

    from sandbox.benchmark import QUICK, BenchSettings, format_report, run_sandbox_bench

    settings = QUICK if args.quick else BenchSettings()
    report = anyio.run(run_sandbox_bench, settings)
    print(format_report(report))
    if args.sandbox_json is not None:
        args.sandbox_json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.sandbox_json}", file=sys.stderr)
    return 0


def run_http(args: argparse.Namespace) -> int:
    from codemode.bench.http_latency import main

    argv = ["--calls", str(args.calls)] + (["--json", args.http_json] if args.http_json else [])
    return main(argv)
