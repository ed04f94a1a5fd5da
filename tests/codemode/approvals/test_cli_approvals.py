"""`codemode exec` asks on a terminal, refuses without one, and allows all with `--yes`."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from codemode.approvals import Answer, Question
from codemode.approvals.terminal import TerminalAsker

HERE = Path(__file__).parent


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "codemode.json"
    config.write_text(json.dumps({"codemode": {"python": ["approval_tools:vault"]}}), encoding="utf-8")
    return config


def _program(marker: Path) -> str:
    wipe = f"vault.wipe({{marker: {json.dumps(str(marker))}}})"
    return f"const gold = await vault.peek(); return [gold, await {wipe}]"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}


def _exec(tmp_path: Path, *extra: str, program: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codemode", "exec", "--config", str(_config(tmp_path)), *extra, "-"],
        input=program,
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
    )


def test_exec_without_a_terminal_refuses_and_says_how_to_allow(tmp_path: Path) -> None:
    marker = tmp_path / "wiped"
    done = _exec(tmp_path, program=_program(marker))
    assert done.returncode == 1
    assert "ApprovalDeclined: vault.wipe needs a person's approval and there is no terminal" in done.stderr
    assert "pass --yes" in done.stderr
    assert not marker.exists()


def test_exec_yes_allows_the_call(tmp_path: Path) -> None:
    marker = tmp_path / "wiped"
    done = _exec(tmp_path, "--yes", program=_program(marker))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["gold", "wiped"]
    assert marker.read_text() == "wiped"


@pytest.mark.parametrize(("typed", "runs"), [("o\n", True), ("n\n", False), ("\n", False)])
def test_exec_asks_on_a_terminal_showing_the_arguments(tmp_path: Path, typed: str, runs: bool) -> None:
    marker = tmp_path / "wiped"
    program_file = tmp_path / "program.ts"
    program_file.write_text(_program(marker), encoding="utf-8")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "codemode", "exec", "--config", str(_config(tmp_path)), str(program_file)],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    os.close(terminal)
    try:
        assert process.stderr is not None and process.stdout is not None
        seen = ""
        while "Allow it?" not in seen:
            chunk = process.stderr.read(1)
            assert chunk, f"exited before asking: {seen}"
            seen += chunk
        os.write(controller, typed.encode())
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
        os.close(controller)
    assert "the program wants to call vault.wipe with:" in seen
    assert f"marker: {json.dumps(str(marker))}" in seen
    assert marker.exists() is runs
    if runs:
        assert process.returncode == 0 and json.loads(out) == ["gold", "wiped"]
    else:
        assert process.returncode == 1
        assert "ApprovalDeclined: the user did not allow vault.wipe" in err


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("o\n", Answer.ONCE),
        ("yes\n", Answer.ONCE),
        ("r\n", Answer.RUN),
        ("n\n", Answer.DECLINE),
        ("\n", Answer.DECLINE),
        ("", Answer.CANCEL),
    ],
)
async def test_the_terminal_answers(typed: str, answer: Answer) -> None:
    shown = io.StringIO()
    asker = TerminalAsker(read=io.StringIO(typed), write=shown)
    with anyio.fail_after(10):
        got = await asker.ask(Question("vault.wipe", {"marker": "/tmp/x"}, "reason"))
    assert got is answer
    assert 'marker: "/tmp/x"' in shown.getvalue()
    assert "[o]nce, for the [r]est of this run, [N]o" in shown.getvalue()
