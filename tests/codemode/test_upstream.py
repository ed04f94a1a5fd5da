"""UpstreamServer against real MCP servers: the npm memory and filesystem servers over stdio, a Python
server whose tool list grows, one over streamable HTTP, one that cannot start and one killed mid-session."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import anyio
import pytest
import uvicorn

from codemode.config import HttpServerConfig, StdioServerConfig
from codemode.errors import ToolError
from codemode.sources.toolbox import Toolbox
from codemode.sources.upstream.server import UpstreamServer

FIXTURES = Path(__file__).parent / "fixtures"
CHANGING_SERVER = FIXTURES / "changing_server.py"


def memory_server(node_modules: Path, memory_file: Path) -> StdioServerConfig:
    return StdioServerConfig(
        command="node",
        args=(str(node_modules / "@modelcontextprotocol/server-memory/dist/index.js"),),
        env={"MEMORY_FILE_PATH": str(memory_file)},
    )


def changing_server(timeout: float | None = None) -> StdioServerConfig:
    return StdioServerConfig(command=sys.executable, args=(str(CHANGING_SERVER),), timeout=timeout)


async def wait_until_ready(server: UpstreamServer) -> None:
    with anyio.fail_after(20):
        while server.status().state != "ready":  # noqa: ASYNC110 - polling the state is the public view
            await anyio.sleep(0.02)


def children_running(marker: str) -> list[int]:
    """PIDs of our child processes whose environment contains `marker` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            environment = (entry / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and marker in environment:
            found.append(int(entry.name))
    return found


@pytest.mark.anyio
async def test_memory_server_tools_are_listed_and_called(node_modules: Path, tmp_path: Path) -> None:
    async with UpstreamServer("server-memory", memory_server(node_modules, tmp_path / "m.jsonl")) as memory:
        assert memory.namespace == "server_memory"
        assert memory.status().state == "ready"
        names = {tool.name for tool in memory.tools()}
        assert {"create_entities", "read_graph", "search_nodes"} <= names
        create = next(tool for tool in memory.tools() if tool.name == "create_entities")
        assert create.input_schema["required"] == ["entities"]
        assert create.annotations is not None and create.annotations["readOnlyHint"] is False

        entity = {"name": "Ada", "entityType": "person", "observations": ["wrote the first program"]}
        assert await memory.call("create_entities", {"entities": [entity]}) == {"entities": [entity]}
        graph = await memory.call("read_graph", {})
        assert graph["entities"] == [entity]

        with pytest.raises(
            ToolError, match=r"^tool `server_memory.create_entities` failed: .*expected array"
        ):
            await memory.call("create_entities", {"entities": "Ada"})


@pytest.mark.anyio
async def test_filesystem_server_reads_and_writes_in_its_root(node_modules: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "notes.txt").write_text("hello from the host\n")
    config = StdioServerConfig(
        command="node",
        args=(str(node_modules / "@modelcontextprotocol/server-filesystem/dist/index.js"), str(root)),
    )
    async with UpstreamServer("filesystem", config) as filesystem:
        read = await filesystem.call("read_text_file", {"path": str(root / "notes.txt")})
        assert read == {"content": "hello from the host\n"}
        await filesystem.call("write_file", {"path": str(root / "new.txt"), "content": "written by a guest"})
        assert (root / "new.txt").read_text() == "written by a guest"
        with pytest.raises(ToolError, match=r"^tool `filesystem.read_text_file` failed: .*(denied|outside)"):
            await filesystem.call("read_text_file", {"path": "/etc/hostname"})


@pytest.mark.anyio
async def test_a_server_that_cannot_start_fails_alone(node_modules: Path, tmp_path: Path) -> None:
    broken = UpstreamServer(
        "broken",
        StdioServerConfig(
            command="node", args=("-e", "console.error('no API key in GITHUB_TOKEN'); process.exit(3)")
        ),
        initial_backoff=30,
    )
    memory = UpstreamServer("memory", memory_server(node_modules, tmp_path / "m.jsonl"))
    async with Toolbox([broken, memory]) as toolbox:
        await toolbox.settled()
        status = toolbox.status()
        assert status["broken"].state == "failed"
        assert "no API key in GITHUB_TOKEN" in status["broken"].detail
        assert status["memory"].state == "ready"
        assert list(toolbox.namespaces()) == ["memory"]

        with pytest.raises(ToolError) as caught:
            await toolbox.call("broken", "create_issue", {})
        message = str(caught.value)
        assert message.startswith("server broken is not connected: failed: ")
        assert message.endswith("; its tools are unavailable until it reconnects")
        assert "no API key in GITHUB_TOKEN" in message

        assert await toolbox.call("memory", "read_graph", {}) == {"entities": [], "relations": []}


@pytest.mark.anyio
async def test_a_missing_command_is_named() -> None:
    config = StdioServerConfig(command="no-such-mcp-server-command")
    async with Toolbox([UpstreamServer("ghost", config, initial_backoff=30)]) as toolbox:
        await toolbox.settled()
        status = toolbox.status()["ghost"]
        assert (status.state, status.tool_count) == ("failed", 0)
        assert status.detail == (
            "failed: command `no-such-mcp-server-command` not found; "
            "install it or give its full path in `command`"
        )
        with pytest.raises(
            ToolError, match=r"^server ghost is not connected: failed: command `no-such-mcp-server-command`"
        ):
            await toolbox.call("ghost", "anything", {})


@pytest.mark.anyio
async def test_a_server_killed_mid_session_reconnects(node_modules: Path, tmp_path: Path) -> None:
    marker = str(tmp_path / "killed.jsonl")
    async with UpstreamServer(
        "memory", memory_server(node_modules, Path(marker)), initial_backoff=0.05
    ) as memory:
        entity = {"name": "Bob", "entityType": "person", "observations": []}
        await memory.call("create_entities", {"entities": [entity]})
        (pid,) = children_running(marker)
        os.kill(pid, signal.SIGKILL)
        with anyio.fail_after(10):
            while memory.status().state == "ready":  # noqa: ASYNC110 - polling the state is the public view
                await anyio.sleep(0.01)
        assert len(memory.tools()) > 0, "the last tool list is kept while reconnecting"
        await wait_until_ready(memory)
        assert children_running(marker) != [pid]
        graph = await memory.call("read_graph", {})
        assert graph["entities"] == [entity], "the new process reads the same memory file"


@pytest.mark.anyio
async def test_list_changed_refreshes_the_tools_and_errors_are_thrown() -> None:
    async with Toolbox([UpstreamServer("changing", changing_server())]) as toolbox:
        await toolbox.settled()
        changed = anyio.Event()
        toolbox.on_change(changed.set)
        assert "extra_1" not in {tool.name for tool in toolbox.tools()}
        assert await toolbox.call("changing", "grow", {}) == {"result": "extra_1"}
        with anyio.fail_after(10):
            await changed.wait()
        assert "extra_1" in {tool.name for tool in toolbox.tools()}
        assert await toolbox.call("changing", "extra_1", {}) == {"result": "extra_1"}

        with pytest.raises(ToolError, match=r"^tool `changing.fail` failed: .*the disk is full"):
            await toolbox.call("changing", "fail", {"message": "the disk is full"})
        assert await toolbox.call("changing", "echo", {"text": "still alive"}) == {"echo": "still alive"}


@pytest.mark.anyio
async def test_a_slow_call_times_out_with_the_fix_in_the_message() -> None:
    async with UpstreamServer("changing", changing_server(timeout=0.5)) as server:
        with pytest.raises(
            ToolError, match=r"^tool `changing.slow` timed out after 0.5 s waiting for upstream"
        ):
            await server.call("slow", {"seconds": 5})
        assert server.status().state == "ready"


def load_fixture_server() -> ModuleType:
    spec = importlib.util.spec_from_file_location("changing_server_fixture", CHANGING_SERVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def http_url() -> AsyncIterator[str]:
    """The fixture server over streamable HTTP, in process, on a free loopback port."""
    app = load_fixture_server().server.streamable_http_app()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    async with anyio.create_task_group() as task_group:
        task_group.start_soon(server.serve, [listener])
        with anyio.fail_after(10):
            while not server.started:  # noqa: ASYNC110 - uvicorn offers no event
                await anyio.sleep(0.01)
        yield f"http://127.0.0.1:{port}/mcp"
        server.should_exit = True
    listener.close()


@pytest.mark.anyio
async def test_streamable_http_upstream_with_headers(http_url: str) -> None:
    config = HttpServerConfig(url=http_url, headers={"X-Team": "blue"})
    async with UpstreamServer("remote", config) as remote:
        assert remote.status().state == "ready"
        assert await remote.call("echo", {"text": "over http"}) == {"echo": "over http"}
        assert await remote.call("header", {"name": "X-Team"}) == {"result": "blue"}
