"""Every example in examples/ runs as a user would run it, against real servers."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from http_serving import serving_http
from mcp import Client, StdioServerParameters

from codemode.agent.fakeapi import FakeAPI, Reply, ToolCall, iter_tool_results

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PLACEHOLDER = "/path/to/codemode"


def _npx_to_node(entry: dict[str, Any], node_modules: Path, folder: Path) -> dict[str, Any]:
    """`npx -y PKG ARGS` as installed here: `node <PKG's bin> ARGS` (what npx runs, minus the download)."""
    args = list(entry["args"])
    assert entry["command"] == "npx" and args[0] == "-y"
    package = node_modules / args[1]
    bin_path = next(iter(json.loads((package / "package.json").read_text())["bin"].values()))
    rest = [str(folder) if arg == "/path/to/a/folder" else arg for arg in args[2:]]
    return {"command": "node", "args": [str(package / bin_path), *rest]}


async def test_claude_desktop_entry_starts_codemode_over_the_example_config(
    node_modules: Path, tmp_path: Path
) -> None:
    desktop = json.loads((EXAMPLES / "claude_desktop_config.json").read_text())["mcpServers"]["codemode"]
    config = json.loads((EXAMPLES / "codemode.json").read_text())
    config["mcpServers"] = {
        name: _npx_to_node(entry, node_modules, tmp_path) for name, entry in config["mcpServers"].items()
    }
    (tmp_path / "hello.txt").write_text("hello from the filesystem server")
    config_path = tmp_path / "codemode.json"
    config_path.write_text(json.dumps(config))
    args = [arg.replace(PLACEHOLDER + "/examples/codemode.json", str(config_path)) for arg in desktop["args"]]
    args = [arg.replace(PLACEHOLDER, str(ROOT)) for arg in args]
    ada = '{name: "Ada", entityType: "person", observations: ["wrote code"]}'
    code = f"""
    await memory.create_entities({{entities: [{ada}]}});
    const graph = await memory.read_graph();
    const text = await filesystem.read_text_file({{path: {json.dumps(str(tmp_path / "hello.txt"))}}});
    return {{people: graph.entities.map((e) => e.name), text}};
    """
    async with Client(StdioServerParameters(command=desktop["command"], args=args)) as client:
        # Servers still starting make the first call wait for them; then they are declared.
        result = await client.call_tool("code", {"code": code})
        description = (await client.list_tools()).tools[0].description or ""
    # Over the default token budget both servers are listed by tool name (declared by `describe`).
    listed = {line.split(": ")[0]: line.split() for line in description.splitlines() if ": " in line}
    assert "create_entities" in listed["memory"] and "read_text_file" in listed["filesystem"]
    assert result.is_error is False, result.content
    value = json.loads(result.content[0].text)
    assert value["people"] == ["Ada"]
    assert "hello from the filesystem server" in json.dumps(value["text"])


async def test_claude_code_line_starts_a_working_stdio_server() -> None:
    line = next(
        line for line in (EXAMPLES / "claude_code.sh").read_text().splitlines() if line.startswith("claude ")
    )
    words = shlex.split(line)
    assert words[:4] == ["claude", "mcp", "add", "codemode"]
    command = [word.replace(PLACEHOLDER, str(ROOT)) for word in words[words.index("--") + 1 :]]
    async with Client(StdioServerParameters(command=command[0], args=command[1:])) as client:
        result = await client.call_tool("code", {"code": "return (await tracker.list_projects()).length"})
    assert result.is_error is False
    assert int(result.content[0].text) > 0


async def test_custom_tools_example_serves_its_own_functions() -> None:
    params = StdioServerParameters(command=sys.executable, args=[str(EXAMPLES / "custom_tools.py")])
    code = """
    await inventory.restock({item: "pear", quantity: 5});
    const levels = await Promise.all((await inventory.items()).map((item) => inventory.stock({item})));
    let error = "";
    try { await inventory.restock({item: "pear", quantity: -1}); } catch (e) { error = e.message; }
    return {levels, error};
    """
    async with Client(params) as client:
        tools = (await client.list_tools()).tools
        result = await client.call_tool("code", {"code": code})
    assert "declare const inventory" in (tools[0].description or "")
    assert "declare const crm" not in (tools[0].description or "")  # only the example's own tools
    value = json.loads(result.content[0].text)
    assert {"item": "pear", "quantity": 5} in value["levels"]
    assert "quantity" in value["error"]


@pytest.fixture
def http_url() -> Iterator[str]:
    with serving_http() as (url, _):
        yield url


def test_openai_agents_sdk_example_uses_the_code_tool(http_url: str) -> None:
    """Run as its docstring says, with no tracing variable set: no "Tracing request failed" offline."""
    program = "const s = await records.get_table_schema({table: 'orders'}); return s.columns.length"
    script = [
        Reply(tool_calls=[ToolCall("code", {"code": program})]),
        lambda body: Reply(text="The orders table has " + _tool_output(body) + " columns."),
    ]
    environment = {k: v for k, v in os.environ.items() if k != "OPENAI_AGENTS_DISABLE_TRACING"}
    with FakeAPI(script) as api:
        done = subprocess.run(
            [sys.executable, str(EXAMPLES / "openai_agents_sdk.py"), http_url, "How many columns?"],
            env=environment | api.environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    sent_tools = [tool["name"] for tool in api.requests[0].body["tools"]]
    assert sent_tools == ["code"]
    assert re.fullmatch(r"The orders table has \d+ columns\.\n", done.stdout), done.stdout
    assert "Tracing" not in done.stderr, done.stderr


def _tool_output(body: dict[str, Any]) -> str:
    """The first number in the last tool result the agent sent back (the program's return value)."""
    outputs = list(iter_tool_results(body))
    assert outputs, "the agent sent no tool result back"
    content = outputs[-1]["content"]
    match = re.search(r"\d+", content if isinstance(content, str) else json.dumps(content))
    assert match is not None, content
    return match.group(0)


def test_examples_are_all_exercised() -> None:
    tested = {
        "claude_desktop_config.json",
        "codemode.json",
        "claude_code.sh",
        "custom_tools.py",
        "openai_agents_sdk.py",
    }
    assert {path.name for path in EXAMPLES.iterdir() if path.is_file()} == tested
