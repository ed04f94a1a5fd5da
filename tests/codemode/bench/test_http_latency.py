"""`codemode bench http`: runs end to end on real HTTP and writes the figures it prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_bench_http_measures_code_beside_a_noop_tool(tmp_path: Path) -> None:
    out = tmp_path / "http.json"
    done = subprocess.run(
        [sys.executable, "-m", "codemode", "bench", "http", "--calls", "5", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert [f["protocol"] for f in figures] == ["2025-11-25", "2025-11-25", "2026-07-28"]
    for f in figures:
        assert f["calls"] == 5
        assert 0 < f["code_ms"]["p50"] <= f["code_ms"]["p95"]
        assert 0 < f["noop_tool_ms"]["p50"] <= f["noop_tool_ms"]["p95"]
        assert f["overhead_ms_p50"] == round(f["code_ms"]["p50"] - f["noop_tool_ms"]["p50"], 3)
    assert "codemode overhead at p50" in done.stdout
