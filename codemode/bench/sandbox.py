"""The sandbox benchmark: start-up, pooled, warm, bridge round trip, throughput and memory.

`run_sandbox_bench()` measures, in one process and against the same Deno:

| key                       | what                                                                  |
| ------------------------- | --------------------------------------------------------------------- |
| baseline_deno_run_ms      | a bare `deno run` of a one-line file (the yardstick)                   |
| cold_ms                   | one-shot run without the pool: spawn, handshake, run `return 1`       |
| pooled_ms                 | one-shot run on a pre-spawned process (the pool refilled in between)  |
| warm_by_id_ms             | a run on the warm sandbox of one id                                   |
| tool_call_roundtrip_us    | guest -> host callback -> guest, sequential calls in one run          |
| calls_per_s               | sequential tool calls per second in one run                           |
| executions_per_s          | isolated one-shot runs per second with `concurrency` callers          |
| idle_rss_mib              | resident memory of an idle pooled process                              |

Latencies are `{"p50", "p95"}`; `ratios` gives each latency's p50 over the baseline's p50.
"""

from __future__ import annotations

import itertools
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from sandbox import DenoExecutor, Limits, SandboxSettings
from sandbox.deno import find_deno

__all__ = ["QUICK", "BenchSettings", "format_report", "run_sandbox_bench"]

TARGETS: dict[str, tuple[str, float]] = {
    "pooled_ms": ("<=", 3.0),
    "warm_by_id_ms": ("<=", 1.0),
    "tool_call_roundtrip_us": ("<=", 100.0),
    "calls_per_s": (">=", 5000.0),
    "executions_per_s": (">=", 60.0),
    "idle_rss_mib": ("<=", 40.0),
}
"""The issue's targets (cold_ms has its own: at most 1.3x the baseline)."""


@dataclass(frozen=True)
class BenchSettings:
    """How many repetitions of each measurement (the defaults finish well within two minutes)."""

    baseline_runs: int = 50
    """Bare `deno run` invocations."""
    cold_runs: int = 50
    """One-shot runs without a pool."""
    pooled_runs: int = 100
    """One-shot runs on pre-spawned processes."""
    warm_runs: int = 1000
    """Runs on one warm id."""
    tool_calls: int = 20000
    """Sequential tool calls in the round-trip run."""
    executions: int = 300
    """One-shot runs for the throughput figure."""
    concurrency: int = 4
    """Concurrent callers for the throughput figure."""
    pool_size: int = 4
    """Pool size for the pooled and throughput figures."""


QUICK = BenchSettings(
    baseline_runs=3,
    cold_runs=3,
    pooled_runs=3,
    warm_runs=5,
    tool_calls=50,
    executions=6,
    concurrency=2,
    pool_size=2,
)
"""A smoke test of the whole benchmark in a few seconds (numbers not meaningful)."""


def _stats(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 3), "p95": round(p95, 3)}


async def _baseline(deno: Path, runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "one.js"
        script.write_text("1\n")
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            await anyio.run_process([str(deno), "run", str(script)], check=True)
            samples.append((time.perf_counter() - started) * 1000)
        return samples


async def _timed_runs(
    executor: DenoExecutor, runs: int, before: Callable[[], Any] | None = None, **kwargs: Any
) -> list[float]:
    samples = []
    for _ in range(runs):
        if before is not None:
            await before()
        started = time.perf_counter()
        result = await executor.run("return 1", **kwargs)
        samples.append((time.perf_counter() - started) * 1000)
        if not result.ok:
            raise RuntimeError(f"benchmark run failed: {result.error}")
    return samples


async def _round_trip(executor: DenoExecutor, calls: int) -> tuple[list[float], float]:
    stamps: list[float] = []

    async def callback(ns: str, tool: str, args: Any) -> Any:
        stamps.append(time.perf_counter())
        return args

    code = (
        f"const t0 = performance.now(); for (let i = 0; i < {calls}; i++) await b.echo(i);"
        "return performance.now() - t0"
    )
    result = await executor.run(
        code, tools={"b": ["echo"]}, callback=callback, limits=Limits(tool_calls=calls + 1, wall_s=120)
    )
    if not result.ok:
        raise RuntimeError(f"round-trip run failed: {result.error}")
    gaps = [(b - a) * 1e6 for a, b in itertools.pairwise(stamps)]
    return gaps, calls / (float(result.value) / 1000)


async def _throughput(executor: DenoExecutor, executions: int, concurrency: int) -> float:
    remaining = executions

    async def caller() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            result = await executor.run("return 1")
            if not result.ok:
                raise RuntimeError(f"throughput run failed: {result.error}")

    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(concurrency):
            tg.start_soon(caller)
    return executions / (time.perf_counter() - started)


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run_sandbox_bench(settings: BenchSettings | None = None) -> dict[str, Any]:
    """Every figure, as the JSON object `codemode bench sandbox --json` writes."""
    s = settings or BenchSettings()
    deno = find_deno(None)
    baseline = await _baseline(deno, s.baseline_runs)
    async with DenoExecutor(SandboxSettings(pool_size=0)) as cold_executor:
        cold = await _timed_runs(cold_executor, s.cold_runs)
        await cold_executor.run("return 0", sandbox_id="bench")  # start-up is not part of warm runs
        warm = await _timed_runs(cold_executor, s.warm_runs, sandbox_id="bench")
        gaps, calls_per_s = await _round_trip(cold_executor, s.tool_calls)
    async with DenoExecutor(SandboxSettings(pool_size=s.pool_size)) as pooled_executor:
        pool = pooled_executor.pool
        assert pool is not None

        async def refill() -> None:
            with anyio.fail_after(30):
                await pool.wait_full()

        pooled = await _timed_runs(pooled_executor, s.pooled_runs, before=refill)
        await refill()
        idle_rss = statistics.median(_rss_mib(pid) for pid in pool.pids())
        executions_per_s = await _throughput(pooled_executor, s.executions, s.concurrency)
    report: dict[str, Any] = {
        "baseline_deno_run_ms": _stats(baseline),
        "cold_ms": _stats(cold),
        "pooled_ms": _stats(pooled),
        "warm_by_id_ms": _stats(warm),
        "tool_call_roundtrip_us": _stats(gaps),
        "calls_per_s": round(calls_per_s, 1),
        "executions_per_s": round(executions_per_s, 1),
        "idle_rss_mib": round(idle_rss, 1),
    }
    base = report["baseline_deno_run_ms"]["p50"]
    report["ratios"] = {
        key: round(report[key]["p50"] / base, 3) for key in ("cold_ms", "pooled_ms", "warm_by_id_ms")
    }
    report["machine"] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "deno": str(deno),
    }
    report["settings"] = {k: getattr(s, k) for k in s.__dataclass_fields__}
    return report


def format_report(report: dict[str, Any]) -> str:
    """The human-readable table `codemode bench sandbox` prints."""
    base = report["baseline_deno_run_ms"]["p50"]
    lines = [f"{'measure':<26} {'p50':>10} {'p95':>10} {'x baseline':>11}  target"]
    for key in ("baseline_deno_run_ms", "cold_ms", "pooled_ms", "warm_by_id_ms", "tool_call_roundtrip_us"):
        p50, p95 = report[key]["p50"], report[key]["p95"]
        ratio = f"{p50 / base:.3f}" if key.endswith("_ms") else ""
        lines.append(f"{key:<26} {p50:>10.3f} {p95:>10.3f} {ratio:>11}  {_target(key, p50, base)}")
    for key in ("calls_per_s", "executions_per_s", "idle_rss_mib"):
        lines.append(f"{key:<26} {report[key]:>10.1f} {'':>10} {'':>11}  {_target(key, report[key], base)}")
    return "\n".join(lines)


def _target(key: str, value: float, base: float) -> str:
    if key == "cold_ms":
        limit = 1.3 * base
        return f"<= {limit:.1f} (1.3x) {'ok' if value <= limit else 'MISSED'}"
    if key not in TARGETS:
        return ""
    op, limit = TARGETS[key]
    ok = value <= limit if op == "<=" else value >= limit
    return f"{op} {limit:g} {'ok' if ok else 'MISSED'}"
