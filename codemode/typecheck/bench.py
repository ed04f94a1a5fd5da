"""The checker's benchmark: warm check latency against two catalogs, and the compiler's memory.

    typecheck_world_ms   {p50, p95} of one check against the built-in world's declarations
    typecheck_github_ms  {p50, p95} of one check against GitHub's 117 tools (over the token
                         budget, so with `search`/`describe`, as the model would see it)
    checker_rss_mib      the compiler process's peak resident memory over both runs

A check is what a `code` call adds before its run: `TypeChecker.check` end to end (the program
changes every round, as it would). Both programs are correct, so this is the path every good
program takes; an erroneous one costs more but runs nothing.

    uv run python -m codemode.typecheck.bench [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread

from .checker import TypeChecker
from .declarations import shown_declarations

__all__ = [
    "GITHUB_PROGRAM",
    "TARGETS",
    "WORLD_PROGRAM",
    "doctor_report",
    "format_typecheck",
    "measure_typecheck",
]

TARGETS = {"typecheck_world_ms": 20.0, "typecheck_github_ms": 50.0, "checker_rss_mib": 150.0}
"""The goals (p50 for latencies): issue 13."""

WORLD_PROGRAM = """\
const { issues } = await tracker.list_issues({ status: "open", priority: "critical", limit: 200 });
const affected = [...new Set(issues.flatMap((i) => i.customer_ids))];
const customers = await Promise.all(affected.map((id) => crm.get_customer({ customer_id: id })));
return customers.map((c) => ({ name: c.name, manager: c.account_manager, round: ROUND }));
"""

GITHUB_PROGRAM = """\
const me: any = await github.get_me({});
const issues: any = await github.list_issues({
  owner: me.login, repo: "codemode", state: "OPEN", perPage: 50,
});
const stale = issues.issues.filter((i: any) => Date.parse(i.updated_at) < Date.now() - 30 * 86400e3);
await Promise.all(stale.map((i: any) => github.add_issue_comment({
  owner: me.login, repo: "codemode", issue_number: i.number, body: "Still relevant?",
})));
return { stale: stale.length, round: ROUND };
"""


async def doctor_report(rounds: int = 20) -> tuple[bool, str]:
    """(ok, one line) for `codemode doctor`: the compiler, and its warm latency on the built-in world."""
    from .errors import CheckerError
    from .provision import TYPESCRIPT_VERSION, checker_binary

    try:
        binary = await anyio.to_thread.run_sync(checker_binary)
        async with TypeChecker(binary) as checker:
            checker.set_declarations(_world_declarations())
            world_ms = await _rounds(checker, WORLD_PROGRAM, rounds)
            rss = _peak_rss_mib(checker.pid)
    except CheckerError as error:
        return False, f'{error} (the check stays off until this works; "typecheck": false silences it)'
    memory = f", {rss:g} MiB" if rss is not None else ""
    return True, (
        f"TypeScript {TYPESCRIPT_VERSION} at {binary}; warm check p50 {world_ms['p50']:g} ms, "
        f"p95 {world_ms['p95']:g} ms on the built-in world ({rounds} checks{memory})"
    )


async def measure_typecheck(*, rounds: int = 60, binary: Path | None = None) -> dict[str, Any]:
    """Warm latency of `rounds` checks per catalog, and the checker's peak RSS."""
    github = _github_declarations()
    async with TypeChecker(binary) as checker:
        checker.set_declarations(_world_declarations())
        world_ms = await _rounds(checker, WORLD_PROGRAM, rounds)
        checker.set_declarations(shown_declarations(github, discovery=True))
        github_ms = await _rounds(checker, GITHUB_PROGRAM, rounds)
        rss = _peak_rss_mib(checker.pid)
    return {"typecheck_world_ms": world_ms, "typecheck_github_ms": github_ms, "checker_rss_mib": rss}


async def _rounds(checker: TypeChecker, program: str, rounds: int) -> dict[str, float]:
    for warm in range(3):  # the first checks after a declarations change load them
        found = await checker.check(program.replace("ROUND", str(-warm)))
        if found:
            raise AssertionError(f"the benchmark program does not pass the check: {found}")
    times: list[float] = []
    for i in range(rounds):
        start = time.perf_counter()
        await checker.check(program.replace("ROUND", str(i)))
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": round(statistics.median(times), 2), "p95": round(p95, 2)}


def format_typecheck(figures: dict[str, Any]) -> str:
    """The rows `codemode bench sandbox` prints for the checker, in its table's columns."""
    lines = []
    for key in ("typecheck_world_ms", "typecheck_github_ms"):
        p50, p95 = figures[key]["p50"], figures[key]["p95"]
        verdict = "ok" if p50 <= TARGETS[key] else "MISSED"
        lines.append(f"{key:<26} {p50:>10.3f} {p95:>10.3f} {'':>11}  <= {TARGETS[key]:g} {verdict}")
    rss = figures["checker_rss_mib"]
    if rss is not None:
        verdict = "ok" if rss <= TARGETS["checker_rss_mib"] else "MISSED"
        lines.append(f"{'checker_rss_mib':<26} {rss:>10.1f} {'':>10} {'':>11}  <= 150 {verdict}")
    return "\n".join(lines)


def _world_declarations() -> str:
    from codemode.description import describe
    from codemode.world import default_sources

    tools = [tool for source in default_sources() for tool in source.tools()]
    world = describe(tools, 8000)
    return shown_declarations(world.declarations, discovery=world.discovery)


def _github_declarations() -> str:
    from codemode.bench.github import github_tools
    from tool_schemas import render_declarations

    return render_declarations({"github": [tool.to_mcp_dict() for tool in github_tools()]})


def _peak_rss_mib(pid: int | None) -> float | None:
    """VmHWM of the process (Linux); None where /proc is not there."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codemode.typecheck.bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args(argv)
    figures = anyio.run(lambda: measure_typecheck(rounds=args.rounds))
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
