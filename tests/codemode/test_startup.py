"""`codemode serve` with upstreams that hang, are missing or take their time, as a user ran it.

The client gets `initialize` and `tools/list` at once; the description says, per server, "starting",
"failed: <one line>" or "timed out after N s, retrying"; each change arrives as `tools/list_changed`;
a namespace whose server is down still exists in the program, and calling it says why.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio

FOREVER_S = 3600
"""A startup timeout no test waits out: a server with it stays "starting" for the whole test."""


def _config(tmp_path: Path, node_modules: Path) -> Path:
    memory = node_modules / "@modelcontextprotocol" / "server-memory" / "dist" / "index.js"
    path = tmp_path / "codemode.json"
    servers = {
        "hung": {"command": "sleep", "args": ["3600"], "startup_timeout": FOREVER_S},
        "slow": {"command": "sleep", "args": ["3600"], "startup_timeout": 1},
        "weather": {"command": "no-such-weather-server"},
        "memory": {
            "command": "node",
            "args": [str(memory)],
            "env": {"MEMORY_FILE_PATH": str(tmp_path / "m.jsonl")},
        },
    }
    path.write_text(json.dumps({"mcpServers": servers}))
    return path


def _down_lines(description: str) -> dict[str, str]:
    """`- name: why` lines of the description's "Not available right now" list."""
    part = description.partition("Not available right now")[2]
    lines = [line[2:] for line in part.splitlines() if line.startswith("- ")]
    return dict(line.split(": ", 1) for line in lines)


def _offers_memory(description: str) -> bool:
    """memory's tools are in the description: declared, indexed per tool or listed per namespace."""
    return re.search(r"^(declare const memory\b|memory: |memory\.)", description, re.M) is not None


async def test_serve_answers_at_once_and_tells_the_truth_as_servers_settle(
    tmp_path: Path, node_modules: Path
) -> None:
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        if "ToolListChanged" in type(getattr(message, "root", message)).__name__:
            changed.set()

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "codemode", "serve", "--config", str(_config(tmp_path, node_modules))],
    )
    # Bounded far below `hung`'s startup timeout: had serve waited for it, this would fail.
    with anyio.fail_after(120):
        async with Client(params, message_handler=on_message, mode="legacy") as client:
            first = (await client.list_tools()).tools[0].description or ""
            assert _down_lines(first)["hung"] == "starting"
            assert client.server_capabilities.tools is not None
            assert client.server_capabilities.tools.list_changed is True

            expected = {
                "hung": "starting",
                "slow": "timed out after 1 s, retrying",
                "weather": "failed: command `no-such-weather-server` not found; "
                "install it or give its full path in `command`",
            }
            description = first
            while _down_lines(description) != expected or not _offers_memory(description):
                await changed.wait()
                changed = anyio.Event()
                description = (await client.list_tools()).tools[0].description or ""

            program = """
            const seen = {weather: typeof weather, memory: typeof memory};
            try { await weather.forecast({city: "Oslo"}); } catch (e) { seen.error = e.message; }
            seen.graph = await memory.read_graph();
            return seen;
            """
            result = await client.call_tool("code", {"code": program})
    value = json.loads(result.content[0].text)
    assert value["weather"] == "object" and value["memory"] == "object"
    # One line: the reason (with the retry countdown), then what it means for the program.
    assert value["error"].startswith(
        "server weather is not connected: failed: command `no-such-weather-server` not found; "
        "install it or give its full path in `command`"
    )
    assert value["error"].endswith("; its tools are unavailable until it reconnects")
    assert value["graph"] == {"entities": [], "relations": []}
