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

from .checker import TypeChecker
from .declarations import shown_declarations

__all__ = ["GITHUB_PROGRAM", "WORLD_PROGRAM", "measure_typecheck"]

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


async def measure_typecheck(*, rounds: int = 60, binary: Path | None = None) -> dict[str, Any]:
    """Warm latency of `rounds` checks per catalog, and the checker's peak RSS."""
    from codemode.engine import describe
    from codemode.world import default_sources

    tools = [tool for source in default_sources() for tool in source.tools()]
    world = describe(tools, 8000)
    github = _github_declarations()
    async with TypeChecker(binary) as checker:
        checker.set_declarations(shown_declarations(world.declarations, discovery=world.discovery))
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


def _github_declarations() -> str:
    from tool_schemas import render_declarations

    corpus = Path(__file__).parents[2] / "tests" / "corpus" / "github-mcp-server.tools.json"
    tools = json.loads(corpus.read_text(encoding="utf-8"))
    return render_declarations({"github": tools})


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
