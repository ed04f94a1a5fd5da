"""How long `codemode exec` takes for `return 1` on the built-in demo: wall time and CPU time.

    uv run python tests/codemode/bench_exec_startup.py [--runs 10] [--source DIR] [--no-bytecode]

Runs the command the way a user does (a fresh process each time, program on stdin) and prints the
median and best of each. CPU time (user + system, the child and its Deno and type checker) is the
steadier figure on a shared machine; wall time is what the user waits; the target is 0.5 s of wall
on two idle cores.

Measured with bytecode, as users run it: an installed wheel has its `.pyc` files (pip compiles them)
and Python writes them on a checkout's first import. So the benchmark compiles the source trees and
the environment first and runs the child without `PYTHONDONTWRITEBYTECODE` (which some shells and
CI images set, making every import compile from source where no `.pyc` exists yet). `--no-bytecode`
measures that case too: no `.pyc` is read or written.

`--source DIR` runs another checkout of the code with this environment's packages (to compare
before and after a change). Not a test: speed belongs in benchmarks.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

_PACKAGES = ("codemode", "sandbox", "tool_schemas")
_NO_BYTECODE = tempfile.mkdtemp(prefix="codemode-no-bytecode-")


def compile_bytecode(source: str | None) -> None:
    """Write the `.pyc` files an installed copy would have: this environment's packages and the code."""
    root = Path(source) if source else Path(__file__).resolve().parents[2]
    trees = [Path(sysconfig.get_paths()["purelib"]), *(root / package for package in _PACKAGES)]
    for tree in trees:
        if tree.is_dir():
            compileall.compile_dir(tree, quiet=2, workers=0)


def one_run(source: str | None, bytecode: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `codemode exec -` of `return 1`."""
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:  # .pyc files are looked for in an empty folder, and none is written: all from source
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = _NO_BYTECODE
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


def measure(source: str | None, runs: int, bytecode: bool) -> None:
    one_run(source, bytecode)  # warm the file cache and the caches codemode keeps in the user's folder
    results = [one_run(source, bytecode) for _ in range(runs)]
    walls, cpus = [wall for wall, _ in results], [cpu for _, cpu in results]
    how = "with bytecode (.pyc present)" if bytecode else "without bytecode (every import compiled)"
    print(f"codemode exec 'return 1', {how}, {runs} runs (load average {os.getloadavg()[0]:.1f}):")
    print(f"  wall: median {statistics.median(walls):.3f} s, best {min(walls):.3f} s")
    print(f"  cpu:  median {statistics.median(cpus):.3f} s, best {min(cpus):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--source", help="a checkout whose packages to run instead of the installed ones")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="also measure with PYTHONDONTWRITEBYTECODE=1 (every import compiled from source)",
    )
    args = parser.parse_args()
    compile_bytecode(args.source)
    measure(args.source, args.runs, bytecode=True)
    if args.no_bytecode:
        measure(args.source, args.runs, bytecode=False)


if __name__ == "__main__":
    main()
