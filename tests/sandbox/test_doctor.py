"""`codemode doctor` runs the self-test and reports every check."""

from __future__ import annotations

import pytest
from python_helpers import pyodide_runtime

from codemode.cli import main


def test_doctor_passes_on_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    pyodide_runtime()
    status = main(["doctor"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "ok   Deno binary" in out
    assert "blocks read /etc/passwd" in out and "NotCapable" in out
    assert "enforces memory limit" in out
    assert "ok   Pyodide runtime (Python programs)" in out  # installed by the Python tests' helper
    assert "Python blocks read the Pyodide runtime" in out
    assert "ok   type check (TypeScript only)" in out and "Python programs are not type-checked" in out
    assert "FAIL" not in out
    assert "checks passed" in out


def test_doctor_fails_without_deno(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["doctor", "--deno", "/nonexistent/deno"])
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL Deno binary" in out
    assert "SandboxSettings.deno_path" in out
