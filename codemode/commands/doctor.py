"""`codemode doctor`: is this machine able to run guest code safely?

Checks the Deno binary and its version, which limits the machine can enforce, and runs a short
hardening self-test (a few attacks that must fail, a few limits that must hold), then the type
checker: the pinned compiler (fetched on first use) and its warm latency. The type check applies to
TypeScript programs only, and the line says so: Python programs run unchecked. Exit status 0 when
everything passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import anyio


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check Deno, the enforceable limits, a hardening self-test, and the type checker",
        description="Check the Deno binary and version, which limits this machine can enforce, "
        "run a short hardening self-test, and check the type checker and its latency.",
    )
    parser.add_argument("--deno", metavar="PATH", help="check this Deno binary instead of the bundled one")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sandbox import SandboxSettings
    from sandbox.selftest import self_test

    deno = Path(args.deno) if getattr(args, "deno", None) else None
    from codemode.typecheck.bench import doctor_report
    from sandbox.selftest import Check

    checks = anyio.run(self_test, SandboxSettings(deno_path=deno, pool_size=0))
    ok, detail = anyio.run(doctor_report)
    detail += "; Python programs are not type-checked"
    checks.append(Check("type check (TypeScript only)", ok, detail))
    width = max(len(check.name) for check in checks)
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        print(f"{mark} {check.name.ljust(width)}  {check.detail}")
    failed = [check for check in checks if not check.ok]
    if failed:
        print(f"\n{len(failed)} check(s) failed", file=sys.stderr)
        return 1
    print(f"\nall {len(checks)} checks passed")
    return 0
