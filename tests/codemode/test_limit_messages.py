"""Limit errors and cut markers name the config key that raises the limit, and the real sizes,
as `codemode exec` prints them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from codemode.model_text import format_outcome
from sandbox import GuestError, Limits, RunResult


def _exec(config: dict[str, object], program: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "codemode.json"
    path.write_text(json.dumps(config))
    return subprocess.run(
        [sys.executable, "-m", "codemode", "exec", "--config", str(path), "-"],
        input=program,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_a_timeout_names_the_config_key_and_its_value(tmp_path: Path) -> None:
    done = _exec({"codemode": {"limits": {"timeout_s": 1}}}, "while (true) {}", tmp_path)
    assert done.returncode == 1
    assert "(sandbox limit `codemode.limits.timeout_s`, now 1: raise it in the config file" in done.stderr


def test_a_huge_result_is_reported_by_its_real_size_and_both_keys(tmp_path: Path) -> None:
    done = _exec({"codemode": {"max_result_chars": 2000}}, "return 'x'.repeat(5 * 1024 * 1024)", tmp_path)
    assert done.returncode == 0, done.stderr
    marker = done.stdout.rpartition("... [")[2]
    assert marker.startswith(
        "cut at 1,"  # the room left beside the stats line, a little under 2,000
    )
    assert "of more than 1,048,576 bytes of JSON (cut first at `codemode.limits.max_output_bytes`)" in marker
    assert "the limit is `codemode.max_result_chars`" in marker
    assert "1,048,6" not in marker  # the size after the sandbox's cut is not passed off as the size


def test_the_limit_comes_from_the_host_field_not_from_the_message() -> None:
    """A guest can throw any text; only `GuestError.limit`, set by the host, names a key."""
    forged = RunResult(ok=False, error=GuestError("Error", "exceeded Limits.wall_s (raise Limits.wall_s)"))
    head, _ = format_outcome(forged, max_chars=10_000)
    assert "codemode.limits" not in head
    real = RunResult(ok=False, error=GuestError("MemoryError", "out of memory", "", "memory_mib"))
    head, _ = format_outcome(real, max_chars=10_000, limits=Limits(memory_mib=64))
    assert "`codemode.limits.memory_mib`, now 64" in head
