"""Python programs from the command line and the config: `exec prog.py`, `types --language python`,
`serve` over stdio with `CODEMODE_LANGUAGE=python`, and every bad value named with its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from codemode.app import engine_settings, open_engine, sandbox_settings
from codemode.cli import build_parser, main
from codemode.commands.serve import apply_environment
from codemode.config import parse_config
from codemode.errors import CodemodeError, ConfigError
from sandbox import SandboxSettings

PROGRAM = """\
import asyncio, statistics
orders = (await records.query_orders(status="paid", limit=1000))["rows"]
schema, products = await asyncio.gather(
    records.get_table_schema(table="orders"), records.query_products()
)
print("orders", len(orders))
{"table": schema["name"], "median": statistics.median(o["total_usd"] for o in orders) > 0}
"""


def _codemode(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codemode", *args], input=stdin, capture_output=True, text=True, timeout=180
    )


def test_exec_runs_a_py_file_as_python(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text(PROGRAM)
    done = _codemode("exec", "--json", str(program))
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["ok"] is True and payload["result"] == {"table": "orders", "median": True}
    assert payload["stats"]["tool_calls"] == 3
    assert payload["logs"][0]["message"].startswith("orders ")


def test_an_explicit_language_wins_over_the_suffix(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("const t = await records.get_table_schema({table: 'orders'});\nreturn t.name;\n")
    done = _codemode("exec", "--json", "--no-typecheck", "--language", "typescript", str(program))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == "orders"


def test_types_prints_python_stubs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["types", "--language", "python"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("from typing import ")
    assert "class crm:" in out and "    async def get_customer(" in out and "customer_id: str" in out
    assert "declare const" not in out
    assert err.strip().endswith("tokens (o200k_base)") and err.lstrip().startswith("#")
    assert main(["types", "--language", "python", "--description"]) == 0
    assert capsys.readouterr().out.count("Run Python in a sandbox") == 1


def test_bad_languages_are_named_with_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(
        ConfigError, match=r"setting `language` must be 'typescript' or 'python', got \"ruby\""
    ):
        parse_config({"codemode": {"language": "ruby"}})
    with pytest.raises(SystemExit) as exited:
        main(["exec", "--language", "ruby", "-"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --language: invalid choice: 'ruby'" in err and "typescript" in err and "python" in err
    args = build_parser().parse_args(["serve"])
    with pytest.raises(SystemExit):
        apply_environment(args, {"CODEMODE_LANGUAGE": "ruby"})
    assert "CODEMODE_LANGUAGE must be one of typescript, python, got 'ruby'" in capsys.readouterr().err


def test_serve_help_lists_the_language_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "CODEMODE_LANGUAGE          --language" in capsys.readouterr().out


def test_the_flag_wins_over_the_config_and_each_server_pools_its_own_language() -> None:
    config = parse_config({"codemode": {"language": "python"}})
    assert engine_settings(config).language == "python"
    assert engine_settings(config, language="typescript").language == "typescript"
    assert engine_settings(None).language == "typescript"
    typescript, python = sandbox_settings(None, "typescript"), sandbox_settings(None, "python")
    assert typescript.python_pool_size == 0 and typescript.pool_size > 0
    assert python.pool_size == 0 and python.python_pool_size > 0


@pytest.mark.anyio
async def test_a_python_engine_without_the_runtime_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(CodemodeError, match="run `codemode pyodide install`"):
        async with open_engine(language="python", sandbox=SandboxSettings(pyodide_cache=tmp_path)):
            pass


def _python_sandboxes_of(marker: str) -> list[int]:
    """Pids of Python sandbox processes (`python.js`) whose parent's command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            parent = (entry / "stat").read_text().rpartition(")")[2].split()[1]
            parent_command = Path(f"/proc/{parent}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if "python.js" in command and marker in parent_command:
            found.append(int(entry.name))
    return found


@pytest.mark.anyio
async def test_a_python_server_over_stdio_starts_its_pool_with_the_server(tmp_path: Path) -> None:
    marker = str(tmp_path / "workspace")
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "codemode", "serve", "--workspace", marker],
        env={**os.environ, "CODEMODE_LANGUAGE": "python"},
    )
    with anyio.fail_after(120):
        async with Client(params, mode="legacy") as client:
            description = (await client.list_tools()).tools[0].description or ""
            assert "Run Python in a sandbox" in description
            # Before any program: the pool fills at start. The process table sends no event.
            while not _python_sandboxes_of(marker):  # noqa: ASYNC110
                await anyio.sleep(0.05)
            result = await client.call_tool("code", {"code": PROGRAM})
    assert result.is_error is False, result.content
    assert json.loads(result.content[0].text) == {"table": "orders", "median": True}
