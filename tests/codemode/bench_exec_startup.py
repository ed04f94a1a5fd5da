"""How long `codemode exec` takes for `return 1` on the built-in demo: wall time and CPU time.

    uv run python tests/codemode/bench_exec_startup.py [--runs 10] [--source DIR]

Runs the command the way a user does (a fresh process each time, program on stdin) and prints the
median and best of each. CPU time (user + system, the child and its Deno) is the steadier figure on
a shared machine; wall time is what the user waits. `--source DIR` runs another checkout of the
code with this environment's packages (to compare before and after a change). Not a test: speed
belongs in benchmarks.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def one_run(source: str | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `codemode exec -` of `return 1`."""
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = source
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "codemode", "exec", "-"],
        input="return 1",
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or done.stdout.strip() != "1":
        raise SystemExit(f"codemode exec failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--source", help="a checkout whose packages to run instead of the installed ones")
    args = parser.parse_args()
    one_run(args.source)  # warm the file cache and the token-count memo
    runs = [one_run(args.source) for _ in range(args.runs)]
    walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
    print(f"codemode exec 'return 1', {args.runs} runs (load average {os.getloadavg()[0]:.1f}):")
    print(f"  wall: median {statistics.median(walls):.3f} s, best {min(walls):.3f} s")
    print(f"  cpu:  median {statistics.median(cpus):.3f} s, best {min(cpus):.3f} s")


if __name__ == "__main__":
    main()
