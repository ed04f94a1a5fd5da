"""The sandbox benchmark's Python figures: the same measurements, for programs run by Pyodide.

| key                      | what                                                             | target |
| ------------------------ | ---------------------------------------------------------------- | ------ |
| python_cold_ms           | one-shot Python run without the pool: spawn, load Pyodide, run 1 | <= 1500 |
| python_pooled_ms         | one-shot Python run on a pre-spawned process                     | <= 50  |
| python_call_roundtrip_us | program -> host callback -> program, sequential calls in one run | <= 300 |
| python_executions_per_s  | isolated Python runs per second, a fresh process each, started   | >= 2   |
|                          | by the run (no pool: none is ready before the clock starts)      |        |
| python_idle_rss_mib      | resident memory of an idle pooled Python process                 | <= 250 |

Needs the Pyodide runtime (`codemode pyodide install`); `run_python_bench` raises
`PyodideMissingError` without it, and never installs it itself.
"""

from __future__ import annotations

import itertools
import statistics
import time
from dataclasses import dataclass
from typing import Any

import anyio

from .benchmark import _rss_mib, _stats
from .executor import DenoExecutor
from .limits import Limits
from .pyodide_runtime import require_pyodide
from .settings import SandboxSettings

__all__ = [
    "PYTHON_QUICK",
    "PYTHON_TARGETS",
    "PythonBenchSettings",
    "format_python_report",
    "run_python_bench",
]

PYTHON_TARGETS: dict[str, tuple[str, float]] = {
    "python_cold_ms": ("<=", 1500.0),
    "python_pooled_ms": ("<=", 50.0),
    "python_call_roundtrip_us": ("<=", 300.0),
    "python_executions_per_s": (">=", 2.0),
    "python_idle_rss_mib": ("<=", 250.0),
}
"""The issue's targets (latencies compare their p50)."""

_LIMITS = Limits(wall_s=120)


@dataclass(frozen=True)
class PythonBenchSettings:
    """Repetitions of each Python measurement (a Python process costs about half a second of CPU)."""

    cold_runs: int = 10
    pooled_runs: int = 20
    tool_calls: int = 2000
    executions: int = 12
    concurrency: int = 2
    pool_size: int = 2


PYTHON_QUICK = PythonBenchSettings(cold_runs=1, pooled_runs=2, tool_calls=20, executions=2, pool_size=1)
"""A smoke test of every figure (numbers not meaningful)."""


async def _run(executor: DenoExecutor, code: str, **kwargs: Any) -> Any:
    result = await executor.run(code, language="python", limits=_LIMITS, **kwargs)
    if not result.ok:
        raise RuntimeError(f"Python benchmark run failed: {result.error}")
    return result.value


async def _timed(executor: DenoExecutor, runs: int, *, refill: bool) -> list[float]:
    samples = []
    for _ in range(runs):
        if refill:
            with anyio.fail_after(120):
                assert executor.python_pool is not None
                await executor.python_pool.wait_full()
        started = time.perf_counter()
        await _run(executor, "1")
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def _round_trip(executor: DenoExecutor, calls: int) -> list[float]:
    stamps: list[float] = []

    async def callback(ns: str, tool: str, args: Any) -> Any:
        stamps.append(time.perf_counter())
        return args

    code = f"for i in range({calls}):\n    await b.echo(i=i)\n"
    result = await executor.run(
        code,
        tools={"b": ["echo"]},
        callback=callback,
        language="python",
        limits=Limits(tool_calls=calls + 1, wall_s=120),
    )
    if not result.ok:
        raise RuntimeError(f"Python round-trip run failed: {result.error}")
    return [(b - a) * 1e6 for a, b in itertools.pairwise(stamps)]


async def _throughput(executor: DenoExecutor, executions: int, concurrency: int) -> float:
    remaining = executions

    async def caller() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await _run(executor, "1")

    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(concurrency):
            tg.start_soon(caller)
    return executions / (time.perf_counter() - started)


async def run_python_bench(settings: PythonBenchSettings | None = None) -> dict[str, Any]:
    """The Python figures, as keys of the `codemode bench sandbox --json` object."""
    s = settings or PythonBenchSettings()
    require_pyodide()
    async with DenoExecutor(SandboxSettings(pool_size=0, python_pool_size=0)) as cold_executor:
        cold = await _timed(cold_executor, s.cold_runs, refill=False)
        gaps = await _round_trip(cold_executor, s.tool_calls)
        # Without a pool, so every run pays for its own process and none was started before the clock.
        executions_per_s = await _throughput(cold_executor, s.executions, s.concurrency)
    async with DenoExecutor(SandboxSettings(pool_size=0, python_pool_size=s.pool_size)) as pooled_executor:
        pooled = await _timed(pooled_executor, s.pooled_runs, refill=True)
        pool = pooled_executor.python_pool
        assert pool is not None
        with anyio.fail_after(120):
            await pool.wait_full()
        idle_rss = statistics.median(_rss_mib(pid) for pid in pool.pids())
    return {
        "python_cold_ms": _stats(cold),
        "python_pooled_ms": _stats(pooled),
        "python_call_roundtrip_us": _stats(gaps),
        "python_executions_per_s": round(executions_per_s, 2),
        "python_idle_rss_mib": round(idle_rss, 1),
    }


def format_python_report(report: dict[str, Any]) -> str:
    """The Python rows of the human-readable table."""
    lines = []
    for key, (op, limit) in PYTHON_TARGETS.items():
        value = report[key]
        shown = value["p50"] if isinstance(value, dict) else value
        p95 = f"{value['p95']:>10.3f}" if isinstance(value, dict) else f"{'':>10}"
        ok = shown <= limit if op == "<=" else shown >= limit
        lines.append(f"{key:<26} {shown:>10.3f} {p95} {'':>11}  {op} {limit:g} {'ok' if ok else 'MISSED'}")
    return "\n".join(lines)
