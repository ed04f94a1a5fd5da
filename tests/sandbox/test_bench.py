"""`codemode bench sandbox` (sandbox/benchmark.py) runs end to end: a smoke test, not a measurement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_helpers import pyodide_runtime

from codemode.cli import main

LATENCIES = (
    "baseline_deno_run_ms",
    "cold_ms",
    "pooled_ms",
    "pooled_ts_ms",
    "pooled_untyped_ms",
    "warm_by_id_ms",
    "tool_call_roundtrip_us",
)
NUMBERS = ("calls_per_s", "executions_per_s", "idle_rss_mib", "stripper_rss_mib")
PYTHON_LATENCIES = ("python_cold_ms", "python_pooled_ms", "python_call_roundtrip_us")
PYTHON_NUMBERS = ("python_executions_per_s", "python_idle_rss_mib")


def test_bench_sandbox_quick_writes_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pyodide_runtime()  # installed: the Python figures are part of the report
    out = tmp_path / "bench.json"
    status = main(["bench", "sandbox", "--quick", "--json", str(out)])
    assert status == 0
    report = json.loads(out.read_text())
    for key in (*LATENCIES, *PYTHON_LATENCIES):
        assert set(report[key]) >= {"p50", "p95"}, key
        assert 0 < report[key]["p50"] <= report[key]["p95"], key
    for key in (*NUMBERS, *PYTHON_NUMBERS):
        assert isinstance(report[key], int | float) and report[key] > 0, key
    assert set(report["ratios"]) == {"cold_ms", "pooled_ms", "warm_by_id_ms"}
    overhead = report["pooled_ts_ms"]["p50"] - report["pooled_untyped_ms"]["p50"]
    assert report["typed_overhead_ms"] == pytest.approx(overhead, abs=0.002)
    # Host memory while a forged-frame flood is served, beside an idle run (issue 18).
    assert set(report["host_rss_mib"]) == {"idle", "log_flood", "deep_args"}
    assert all(mib >= 0 for mib in report["host_rss_mib"].values())
    table = capsys.readouterr().out
    for key in LATENCIES + NUMBERS + PYTHON_LATENCIES + PYTHON_NUMBERS + ("typed_overhead_ms",):
        assert key in table


def test_bench_without_a_target_is_the_token_benchmark() -> None:
    from codemode.cli import build_parser

    args = build_parser().parse_args(["bench"])
    assert args.handler.__name__ == "run_tokens"
    args = build_parser().parse_args(["bench", "sandbox"])
    assert args.handler.__name__ == "run_sandbox"
