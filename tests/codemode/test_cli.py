"""`codemode exec` and `codemode types` as a user runs them: subprocesses, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _codemode(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codemode", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_exec_json_success_against_the_embedded_tools() -> None:
    code = "const t = await records.get_table_schema({table: 'orders'}); console.log('ok'); return t.name"
    done = _codemode("exec", "--json", "-", stdin=code)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) == {"ok", "result", "logs", "error", "stats"}
    assert payload["ok"] is True and payload["result"] == "orders" and payload["error"] is None
    assert payload["stats"]["tool_calls"] == 1


def test_exec_failure_exits_1_and_names_the_error(tmp_path: Path) -> None:
    program = tmp_path / "bad.ts"
    program.write_text("const n: number = 1;\nthrow new RangeError('too far');\n")
    done = _codemode("exec", str(program))
    assert done.returncode == 1
    assert "RangeError: too far" in done.stderr


def test_exec_timeout_names_the_limit() -> None:
    done = _codemode("exec", "--json", "--timeout", "1", "-", stdin="while (true) {}")
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert "wall" in error["message"].lower() or "time" in error["message"].lower()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["exec", "/no/such/file.ts"], "cannot read /no/such/file.ts", id="missing-file"),
        pytest.param(["exec", "--timeout", "-3", "-"], "--timeout must be a positive", id="bad-timeout"),
        pytest.param(["exec", "--config", "/no/such.json", "-"], "does not exist", id="missing-config"),
        pytest.param(["serve", "--port", "70000"], "--port must be between", id="bad-port"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(args: list[str], needle: str) -> None:
    done = _codemode(*args, stdin="return 1")
    assert done.returncode == 2
    assert needle in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_config_entry_is_named(tmp_path: Path) -> None:
    config = tmp_path / "codemode.json"
    config.write_text(json.dumps({"mcpServers": {"broken": {"args": ["x"]}}}))
    done = _codemode("types", "--config", str(config))
    assert done.returncode == 2
    assert "broken" in done.stderr and "Traceback" not in done.stderr


def test_types_prints_declarations_that_name_every_namespace() -> None:
    done = _codemode("types")
    assert done.returncode == 0, done.stderr
    for namespace in ("crm", "docs", "tracker", "records"):
        assert f"declare const {namespace}:" in done.stdout
    assert "tokens" in done.stderr


@pytest.mark.parametrize(("environ", "expected"), [({}, 0), ({"CODEMODE_PORT": "9001"}, 0)])
def test_port_zero_on_the_command_line_means_any_free_port(environ: dict[str, str], expected: int) -> None:
    """`--port 0` is given (0 is falsy, but not absent): neither the default 8000 nor the variable wins."""
    from codemode.cli import build_parser
    from codemode.commands.serve import apply_environment

    args = build_parser().parse_args(["serve", "--transport", "http", "--port", "0"])
    apply_environment(args, environ)
    assert args.port == expected
    unset = build_parser().parse_args(["serve"])
    apply_environment(unset, environ)
    assert unset.port == int(environ.get("CODEMODE_PORT", 8000))
