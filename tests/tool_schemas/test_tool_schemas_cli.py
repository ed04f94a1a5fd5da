"""`python -m tool_schemas TOOLS.json [--namespace NAME]`, driven as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tool_schemas", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_prints_declarations(corpus_dir: Path, tmp_path: Path) -> None:
    done = _run(str(corpus_dir / "server-memory.tools.json"), "--namespace", "memory", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("type Entity = {\n")
    assert "declare const memory: {\n// Create multiple new entities" in done.stdout
    assert done.stdout.count("):Promise<") == 9
    readable = _run(str(corpus_dir / "server-memory.tools.json"), "--jsdoc", cwd=tmp_path)
    assert readable.stdout.startswith("declare const codemode: {\n  /** Create multiple new entities")
    assert readable.stdout.count("): Promise<") == 9


def test_cli_default_namespace_and_index(tmp_path: Path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(
        json.dumps([{"name": "ping", "description": "Ping. Twice.", "inputSchema": {"type": "object"}}])
    )
    done = _run(str(tools), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "declare const codemode: {\n"
        "// Ping. Twice.\n"
        "ping(args?:Record<string, unknown>):Promise<unknown>;\n"
        "};\n"
    )
    index = _run(str(tools), "--index", cwd=tmp_path)
    assert index.stdout == "codemode.ping() — Ping.\n"
    overview = _run(str(tools), "--overview", cwd=tmp_path)
    assert overview.stdout == "codemode: ping()\n"
    names = _run(str(tools), "--names", cwd=tmp_path)
    assert names.stdout == "codemode: ping\n"
    both = _run(str(tools), "--index", "--overview", cwd=tmp_path)
    assert both.returncode == 2 and "not allowed with" in both.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "is not valid JSON", id="bad-json"),
        pytest.param('{"name": "x"}', "expected an array of MCP tool objects", id="not-an-array"),
        pytest.param(None, "cannot read", id="missing-file"),
    ],
)
def test_cli_unreadable_input_exits_2(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "tools.json"
    if content is not None:
        path.write_text(content)
    done = _run(str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_cli_collision_exits_1_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "tools.json"
    path.write_text(json.dumps([{"name": "get-issue"}, {"name": "get.issue"}]))
    done = _run(str(path), cwd=tmp_path)
    assert done.returncode == 1
    assert "`get-issue`" in done.stderr
    assert "`get.issue`" in done.stderr
    assert "get_issue" in done.stderr
