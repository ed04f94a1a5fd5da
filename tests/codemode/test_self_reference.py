"""An `mcpServers` entry that would start codemode itself is recognised, however it is wrapped."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from codemode.config import parse_config
from codemode.self_reference import DEPTH_ENV, starts_codemode

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("codemode serve", id="direct"),
        pytest.param("/Users/me/.local/bin/codemode serve --config /x.json", id="absolute-path"),
        pytest.param(r"C:\Tools\codemode.exe serve", id="windows-exe"),
        pytest.param("uv run --directory /src/codemode codemode serve --config /x.json", id="uv-run"),
        pytest.param("uv --directory /src/codemode run codemode serve", id="uv-global-option-first"),
        pytest.param("uv run --with rich -- codemode serve", id="uv-run-double-dash"),
        pytest.param("uvx codemode serve", id="uvx"),
        pytest.param("uvx --from /src/codemode codemode serve", id="uvx-from"),
        pytest.param("uv tool run codemode serve", id="uv-tool-run"),
        pytest.param("python -m codemode serve", id="python-m"),
        pytest.param("python3.11 -mcodemode serve", id="python-m-joined"),
        pytest.param("/src/codemode/.venv/bin/python -m codemode.cli serve", id="venv-python-m-cli"),
        pytest.param("uv run python -m codemode serve", id="uv-run-python-m"),
        pytest.param("uv run -m codemode serve", id="uv-run-m"),
        pytest.param("env DEBUG=1 uv run codemode serve", id="env"),
        pytest.param("uv run uvx codemode", id="nested-wrappers"),
        pytest.param("sh -c 'cd /src/codemode && exec uv run codemode serve'", id="shell"),
        pytest.param("bash -c 'uv run --directory /src python -m codemode serve'", id="shell-python-m"),
    ],
)
def test_ways_of_starting_codemode_are_recognised(line: str) -> None:
    command, *args = shlex.split(line, posix=not line.startswith("C:"))
    assert starts_codemode(command, args)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("npx -y @modelcontextprotocol/server-memory", id="npx"),
        pytest.param("uvx mcp-server-fetch", id="uvx-other"),
        pytest.param("uv run --directory /src/codemode python server.py", id="uv-run-script"),
        pytest.param("python -m my_codemode_tools", id="python-other-module"),
        pytest.param("node /x/codemode-notes/index.js", id="path-mentions-codemode"),
        pytest.param("sh -c 'echo codemode'", id="shell-echo"),
        pytest.param("docker run -i mcp/codemode-lookalike", id="docker"),
    ],
)
def test_other_servers_are_not_mistaken_for_codemode(line: str) -> None:
    command, *args = shlex.split(line)
    assert not starts_codemode(command, args)


def test_the_entry_is_skipped_with_one_warning_naming_it(caplog: pytest.LogCaptureFixture) -> None:
    data = {
        "mcpServers": {
            "codemode": {"command": "uv", "args": ["run", "--directory", "/src", "codemode", "serve"]},
            "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
        }
    }
    with caplog.at_level("WARNING"):
        config = parse_config(data, environ={})
    assert list(config.servers) == ["memory"]
    assert list(config.skipped) == ["codemode"]
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "mcpServers.codemode" in warnings[0] and "starts codemode itself" in warnings[0]


def test_nested_too_deep_starts_no_stdio_server_at_all() -> None:
    """The backstop for a wrapper nobody can see through: a script of the user's own."""
    data = {
        "mcpServers": {
            "wrapped": {"command": "/home/me/bin/start-my-tools.sh"},
            "remote": {"url": "http://127.0.0.1:9/mcp"},
        }
    }
    assert list(parse_config(data, environ={DEPTH_ENV: "1"}).servers) == ["wrapped", "remote"]
    deep = parse_config(data, environ={DEPTH_ENV: "2"})
    assert list(deep.servers) == ["remote"]
    assert "nested 2 deep" in deep.skipped["wrapped"]


# -- as the user ran it: a Claude Desktop file that lists codemode beside a real server ------------


def _processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains `text` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.anyio
async def test_serving_a_file_that_lists_codemode_starts_no_copy_of_it(
    node_modules: Path, tmp_path: Path
) -> None:
    config_path = tmp_path / "claude_desktop_config.json"
    memory = node_modules / "@modelcontextprotocol" / "server-memory" / "dist" / "index.js"
    config_path.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "codemode": {
                        "command": "uv",
                        "args": [
                            "run",
                            "--directory",
                            str(ROOT),
                            "codemode",
                            "serve",
                            "--config",
                            str(config_path),
                        ],
                    },
                    "memory": {"command": "node", "args": [str(memory)]},
                }
            }
        )
    )
    stderr_path = tmp_path / "stderr.txt"
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "codemode", "serve", "--config", str(config_path)]
    )
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        nonlocal changed
        if "ToolListChanged" in type(getattr(message, "root", message)).__name__:
            changed.set()

    with stderr_path.open("w") as stderr:
        async with Client(
            stdio_client(params, errlog=stderr), message_handler=on_message, mode="legacy"
        ) as client:
            tools = (await client.list_tools()).tools
            with anyio.fail_after(120):  # memory connects in the background; its tools arrive as a change
                while not _lists_namespace(tools[0].description or "", "memory"):
                    await changed.wait()
                    changed = anyio.Event()
                    tools = (await client.list_tools()).tools
            result = await client.call_tool("code", {"code": "return Object.keys(await memory.read_graph())"})
            copies = _processes_mentioning(str(config_path))
    warnings = [line for line in stderr_path.read_text().splitlines() if "skipping" in line]
    assert copies and len(copies) == 1, f"codemode started copies of itself: {copies}"
    assert result.is_error is False, result.content
    assert not _lists_namespace(tools[0].description or "", "codemode")
    assert len(warnings) == 1 and "mcpServers.codemode" in warnings[0], warnings


def _lists_namespace(description: str, namespace: str) -> bool:
    """The `code` description offers `namespace`'s tools, declared in full, indexed
    per tool or listed per namespace."""
    return (
        re.search(rf"^(declare const {namespace}\b|{namespace}: |{namespace}\.)", description, re.M)
        is not None
    )
