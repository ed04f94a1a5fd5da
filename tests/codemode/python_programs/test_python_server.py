"""A Python server through the real front door: `mcp.Client(server)` in memory, real Pyodide in Deno.

One toolbox (the demo world plus a real stdio upstream whose tool names are not Python identifiers)
and one Python executor for the whole module: each Python run starts one Pyodide process, so the
programs here each check several things at once.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from codemode.app import open_toolbox
from codemode.approvals import ApprovalPolicy
from codemode.config import parse_config
from codemode.engine import CodeMode, EngineSettings
from codemode.mcp_server import build_server
from codemode.sources.toolbox import Toolbox
from codemode.world import World, build_sources
from sandbox import DenoExecutor, Limits, SandboxSettings

pytestmark = pytest.mark.anyio

ODD_NAMES_SERVER = Path(__file__).parent / "odd_names_server.py"
README = Path(__file__).parents[3] / "README.md"


class Tripwire:
    """A type checker that fails the test if a Python program ever reaches it."""

    def set_declarations(self, declarations: str) -> None:
        raise AssertionError(
            f"a Python server handed the TypeScript checker declarations: {declarations[:80]}"
        )

    async def check(self, code: str) -> list[Any]:
        raise AssertionError(f"a Python program was type-checked: {code[:80]}")


@pytest.fixture(scope="module")
async def toolbox() -> AsyncIterator[Toolbox]:
    config = parse_config(
        {
            "mcpServers": {
                "odd": {"command": sys.executable, "args": [str(ODD_NAMES_SERVER)]},
                "gone": {"command": "no-such-mcp-server-command"},
            }
        }
    )
    sources = build_sources(World.generate(seed=0))
    async with open_toolbox(config, sources=sources, workspace=False) as toolbox:
        assert toolbox.status()["odd"].state == "ready", toolbox.status()
        yield toolbox


@pytest.fixture(scope="module")
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=0, python_pool_size=1)) as executor:
        yield executor


def python_engine(toolbox: Toolbox, executor: DenoExecutor, **settings: Any) -> CodeMode:
    defaults: dict[str, Any] = {"language": "python", "token_budget": 100_000}
    engine = CodeMode(toolbox, executor, EngineSettings(**(defaults | settings)))
    engine.checker = Tripwire()  # type: ignore[assignment]
    return engine


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def test_a_python_server_describes_python_to_its_model(
    toolbox: Toolbox, executor: DenoExecutor
) -> None:
    engine = python_engine(toolbox, executor, approvals=ApprovalPolicy(approve=("odd.from",)))
    async with Client(build_server(engine)) as client:
        tools = (await client.list_tools()).tools
        instructions = client.instructions
    [code] = tools
    description = code.description or ""
    assert description.startswith("Run Python in a sandbox")
    assert "await namespace.tool(key=value)" in description and "asyncio.gather" in description
    assert (
        "```python\n" in description and "declare const" not in description and "Promise" not in description
    )
    assert "class crm:" in description and "    async def get_customer(" in description
    for name in ("from_", "lambda_", "get_item", "price_usd", "listItems", "list"):
        assert f"    async def {name}(" in description, name
    assert "ToolError` with a message starting `ApprovalDeclined:`" in description  # odd.from needs approval
    assert "Not available right now" in description and "- gone: failed: command" in description
    assert "Python" in code.input_schema["properties"]["code"]["description"]
    assert instructions is not None and "Python program" in instructions


async def test_a_program_calls_tools_by_their_python_names_over_mcp(
    toolbox: Toolbox, executor: DenoExecutor
) -> None:
    """Each Python name reaches the tool it stands for; the approval rule, written with the tool's
    own name (`odd.from`), still catches the call made as `odd.from_`."""
    engine = python_engine(toolbox, executor, approvals=ApprovalPolicy(approve=("odd.from",)))
    program = """\
import asyncio
reached = await asyncio.gather(
    odd.lambda_(item_id="a"), odd.get_item(item_id="b", count=2), odd.price_usd(),
    odd.listItems(), odd.list(item_id="e"),
)
try:
    await odd.from_(item_id="f")
    refused = None
except ToolError as error:
    refused = str(error)
try:
    await gone.anything(x=1)
except ToolError as error:
    down = str(error)
found = await crm.find_customers(query="", limit=1)
customer = await crm.get_customer(customer_id=found[0]["id"])
print("customer", customer["id"])
{"reached": [r["tool"] for r in reached], "args": reached[1], "refused": refused,
 "down": down, "name": customer["name"]}
"""
    async with Client(build_server(engine)) as client:
        result = await client.call_tool("code", {"code": program})
    assert result.is_error is False, _text(result)
    value = json.loads(result.content[0].text)
    assert value["reached"] == ["lambda", "get-item", "price$usd", "listItems", "list"]
    assert value["args"] == {"tool": "get-item", "item_id": "b", "count": 2}
    assert value["refused"].startswith("ApprovalDeclined:") and "odd.from" in value["refused"]
    assert isinstance(value["name"], str) and value["name"]
    assert value["down"].startswith("server gone is not connected: failed: command `no-such-mcp-server")
    assert re.search(r"\[log\] customer C-\d+", result.content[1].text)
    assert "9 tool calls" in result.content[1].text


async def test_a_call_to_a_server_still_starting_reaches_the_tool_it_names(executor: DenoExecutor) -> None:
    """A program may call a server's tools before the server has listed them (its namespace exists,
    open). Once the server is up, the Python name still maps to the tool's own (`from_` -> `from`),
    and the approval rule still applies: a call made before the listing neither misses its tool
    nor skips the person who must approve it."""
    server = {
        "command": sys.executable,
        "args": [str(ODD_NAMES_SERVER)],
        "env": {"ODD_NAMES_START_DELAY_S": "1.5"},
    }
    config = parse_config({"mcpServers": {"odd": server}})
    async with open_toolbox(config, wait=False, workspace=False) as toolbox:
        assert toolbox.status()["odd"].state == "starting"
        engine = python_engine(toolbox, executor, approvals=ApprovalPolicy(approve=("odd.lambda",)))
        # Both calls are made at once, before the server has listed anything.
        program = """\
import asyncio
reached, gated = await asyncio.gather(
    odd.from_(item_id="a"), odd.lambda_(item_id="b"), return_exceptions=True
)
[reached if isinstance(reached, BaseException) else [reached["tool"], reached["item_id"]], str(gated)]
"""
        outcome = await engine.run(program)
    assert not outcome.is_error, outcome.blocks
    assert outcome.result is not None
    reached, gated = outcome.result.value
    assert reached == ["from", "a"]
    assert gated.startswith("ApprovalDeclined:") and "odd.lambda" in gated


async def test_search_and_describe_answer_in_python_at_every_budget(
    toolbox: Toolbox, executor: DenoExecutor
) -> None:
    index = python_engine(toolbox, executor, token_budget=1000)
    summary = python_engine(toolbox, executor, token_budget=60)
    # Over the budget the tools are listed by name, as a Python program calls them (`from_`).
    assert index.discovery and "Tools:\ncrm: find_customers " in index.description()
    assert "\nodd: from_ lambda_ " in index.description()
    assert "- odd (6 tools)" in summary.description()
    for engine in (index, summary):
        text = engine.description()
        assert '`await search("what you need")` returns' in text and "their Python stubs" in text
        assert "declare const" not in text and "TypeScript" not in text
    program = """\
hits = await search("answers as from")
stub = await describe([hits[0]["name"], "crm.get_customer"])
by_keyword = await describe(names="odd.price_usd")
try:
    await describe("odd.nope")
except ToolError as error:
    missing = str(error)
{"first": hits[0]["name"], "stub": stub, "price": by_keyword, "missing": missing}
"""
    outcome = await index.run(program)
    assert outcome.result.ok, outcome.text
    value = outcome.result.value
    assert value["first"] == "odd.from_"
    assert "class odd:" in value["stub"] and "    async def from_(" in value["stub"]
    assert "class crm:" in value["stub"] and "customer_id: str" in value["stub"]
    assert "declare const" not in value["stub"]
    assert "    async def price_usd(" in value["price"]
    assert value["missing"].startswith("no tool named `odd.nope`")


async def test_an_uncaught_exception_shows_the_programs_own_lines(
    toolbox: Toolbox, executor: DenoExecutor
) -> None:
    program = 'def ratio(a, b):\n    return a / b\n\nprint("before")\nratio(1, 0)\n'
    outcome = await python_engine(toolbox, executor).run(program)
    assert outcome.is_error
    value, notes = outcome.blocks
    assert value.startswith("ZeroDivisionError: division by zero\nTraceback (most recent call last):")
    assert '  File "<program>", line 5, in <module>\n    ratio(1, 0)' in value
    assert '  File "<program>", line 2, in ratio\n    return a / b' in value
    assert "glue" not in value and "pyodide" not in value.lower() and '.py"' not in value
    assert "[log] before" in notes


async def test_a_broken_limit_names_its_config_key(toolbox: Toolbox, executor: DenoExecutor) -> None:
    engine = python_engine(toolbox, executor, limits=Limits(wall_s=1.0))
    outcome = await engine.run("while True:\n    pass\n")
    assert outcome.is_error
    assert outcome.result.error is not None and outcome.result.error.limit == "wall_s"
    assert "(sandbox limit `codemode.limits.timeout_s`, now 1: raise it in the config file" in outcome.text


def readme_python_programs() -> list[str]:
    """The README's Python programs: its ```python blocks that call tools with `await`."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    return [block for block in blocks if "await " in block and "import codemode" not in block]


async def test_the_readme_python_program_answers_what_its_typescript_twin_does(
    toolbox: Toolbox, executor: DenoExecutor
) -> None:
    """The README's one example in each language: the same question, the same answer."""
    [python] = readme_python_programs()
    typescript = [
        block
        for block in re.findall(r"```ts\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
        if "Promise.all" in block
    ]
    assert len(typescript) == 1
    in_python = await python_engine(toolbox, executor).run(python)
    in_typescript = await CodeMode(toolbox, executor, EngineSettings(token_budget=100_000)).run(typescript[0])
    assert in_python.result.ok, in_python.text
    assert in_typescript.result.ok, in_typescript.text
    assert in_python.result.value == in_typescript.result.value
    assert in_python.result.stats.tool_calls == in_typescript.result.stats.tool_calls >= 2
