"""The check in the product: through the MCP server, `codemode exec`, the config switch and the catalog.

Real front doors: `mcp.Client(server)` in memory over `app.open_engine` (which starts the checker
before the first call), `codemode exec` as a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client

from codemode.app import open_engine
from codemode.config import parse_config
from codemode.description import TYPECHECK_CLAUSE
from codemode.mcp_server import build_server
from codemode.sources.python import PythonTools

pytestmark = pytest.mark.anyio

TYPO = "const o = await records.query_orders({});\nreturn o.rowz.length;"


def _inventory(calls: list[str]) -> PythonTools:
    tools = PythonTools("inventory")

    @tools.tool
    def stock(item: str) -> int:
        """Units of `item` on hand."""
        calls.append(item)
        return 7

    return tools


async def test_a_buggy_program_is_stopped_before_any_tool_is_called(typescript_binary: Path) -> None:
    calls: list[str] = []
    program = 'const n = await inventory.stock({ item: "bolt" });\nreturn n.toFixed(0) + inventory.stok;'
    async with open_engine(sources=[_inventory(calls)]) as engine:
        assert engine.checker is not None and engine.checker.running  # started with the server
        assert TYPECHECK_CLAUSE in engine.description()  # the model is told
        async with Client(build_server(engine)) as client:
            result = await client.call_tool("code", {"code": program})
            fine = await client.call_tool("code", {"code": program.replace(" + inventory.stok", "")})
    text = result.content[0].text
    assert result.is_error is True
    assert calls == ["bolt"]  # only the second, correct program ran
    assert text.startswith("TypeCheckError: the program was not run (1 type error; no tool was called)")
    assert "line 2: return n.toFixed(0) + inventory.stok;" in text
    assert "inventory has no tool 'stok'. Did you mean 'stock'?" in text
    assert fine.is_error is False and fine.content[0].text == "7"


async def test_a_tool_added_later_is_known_to_the_checker_without_a_restart(typescript_binary: Path) -> None:
    calls: list[str] = []
    tools = _inventory(calls)
    program = 'return await inventory.restock({ item: "bolt", units: 3 });'
    async with open_engine(sources=[tools]) as engine:
        assert engine.checker is not None
        pid = engine.checker.pid
        before = await engine.run(program)

        @tools.tool
        def restock(item: str, units: int) -> str:
            """Add units of `item`."""
            return f"{item}+{units}"

        after = await engine.run(program)
        assert engine.checker.pid == pid
    assert before.diagnostics and before.diagnostics[0].code == 2551
    assert after.is_error is False and after.result.value == "bolt+3"


async def test_a_catalog_change_is_loaded_in_the_background(typescript_binary: Path) -> None:
    # No program has to wait for new declarations: they are loaded as soon as the tools change.
    tools = _inventory([])
    async with open_engine(sources=[tools]) as engine:
        checker = engine.checker
        assert checker is not None and checker.loaded  # started, declarations loaded, before any call

        @tools.tool
        def restock(item: str, units: int) -> str:
            """Add units of `item`."""
            return f"{item}+{units}"

        with anyio.fail_after(60):
            while not (checker.loaded and "restock" in checker.declarations):  # noqa: ASYNC110 - polling the public view
                await anyio.sleep(0.01)  # the background warm-up; no check was asked for
        outcome = await engine.run('return await inventory.restock({ item: "bolt", units: 3 });')
    assert outcome.is_error is False and outcome.result.value == "bolt+3"


async def test_the_config_switch_turns_it_off(typescript_binary: Path) -> None:
    calls: list[str] = []
    config = parse_config({"codemode": {"typecheck": False}})
    async with open_engine(config, sources=[_inventory(calls)]) as engine:
        assert engine.checker is None
        assert TYPECHECK_CLAUSE not in engine.description()
        outcome = await engine.run('return (await inventory.stock({ item: "x" })).nope.length;')
    assert outcome.diagnostics == ()
    assert outcome.result.error is not None and outcome.result.error.name == "TypeError"
    assert outcome.result.stats.tool_calls == 1  # it ran, and failed at run time instead


def _exec(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codemode", "exec", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exec_json_reports_the_type_errors_and_exits_1(typescript_binary: Path) -> None:
    done = _exec("--json", "-", stdin=TYPO)
    assert done.returncode == 1, done.stderr
    payload = json.loads(done.stdout)
    assert payload["ok"] is False
    assert payload["stats"]["tool_calls"] == 0
    error = payload["error"]
    assert error["name"] == "TypeCheckError"
    assert "Did you mean 'rows'?" in error["message"]
    assert error["diagnostics"] == [
        {
            "line": 2,
            "column": 10,
            "code": 2339,
            "message": "Property 'rowz' does not exist on type "
            "'{ rows: Order[]; total: number; next_offset: number; }'. Did you mean 'rows'?",
        }
    ]


def test_exec_no_typecheck_runs_it_anyway(typescript_binary: Path) -> None:
    done = _exec("--json", "--no-typecheck", "-", stdin=TYPO)
    assert done.returncode == 1, done.stderr
    payload = json.loads(done.stdout)
    assert payload["error"]["name"] == "TypeError"
    assert "diagnostics" not in payload["error"]
    assert payload["stats"]["tool_calls"] == 1


async def test_declarations_set_while_the_checker_opens_its_documents_are_the_ones_checked(
    typescript_binary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`open_engine` describes its tools while the checker starts: declarations that arrive between
    the checker's opening of its documents and the end of its start must still reach the compiler."""
    from codemode.typecheck import TypeChecker
    from codemode.typecheck.lsp import LspConnection

    checker = TypeChecker(typescript_binary)
    sent = LspConnection.notify

    async def notify(self: LspConnection, method: str, params: dict[str, object]) -> None:
        await sent(self, method, params)
        if method == "textDocument/didOpen" and "declarations.d.ts" in json.dumps(params):
            checker.set_declarations(
                "declare const inventory: { stock(args: { item: string }): Promise<number> };\n"
            )

    monkeypatch.setattr(LspConnection, "notify", notify)
    async with checker:
        assert await checker.check('return await inventory.stock({ item: "bolt" });') == []
        [wrong] = await checker.check("return await inventory.stok({});")
    assert "stok" in wrong.message
