"""The world a benchmark task runs in, reset before every run, and the recording tool provider.

- The built-in world (`codemode.world`): a fresh `World.generate(seed)` per run, in its own `Toolbox`.
- The real filesystem and memory MCP servers from npm, started once per benchmark in a second
  `Toolbox`; their state (a scratch directory, a memory file) is emptied before every run. They are
  run from a `node_modules` folder the caller names (`codemode bench --node-modules DIR`, or the
  environment variable `CODEMODE_NODE_MODULES`); in a checkout, `npm ci` in tests/upstream installs
  them. Without Node.js or the packages they are unavailable and the tasks that need them are skipped
  with the reason.
- The workspace (`codemode.sources.workspace`), on in the product by default: a fresh, empty one in a
  temporary directory for every run, beside the world's tools, so runs are reproducible; classic
  mode gets its methods as ordinary tools like every other.
- `BenchTools` is what the engine calls: both toolboxes behind one `ToolProvider`, every call going
  through a `Recorder` while recording is on.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from codemode.app import open_toolbox
from codemode.bench import NODE_MODULES_ENV
from codemode.bench.trace import Recorder
from codemode.config import parse_config
from codemode.errors import ToolError
from codemode.sources.protocol import SourceStatus, ToolInfo, ToolSource
from codemode.sources.toolbox import Toolbox
from codemode.sources.workspace import NAMESPACE as WORKSPACE
from codemode.sources.workspace import WorkspaceSource
from codemode.sources.workspace.methods import tool_infos
from codemode.world import World
from codemode.world.sources import build_sources

__all__ = ["UPSTREAM_NAMESPACES", "BenchTools", "Upstreams", "node_modules_from_env", "open_upstreams"]

logger = logging.getLogger(__name__)

#: The namespaces of the real MCP servers.
UPSTREAM_NAMESPACES = ("filesystem", "memory")

_SERVER_ENTRIES = {
    "filesystem": "@modelcontextprotocol/server-filesystem/dist/index.js",
    "memory": "@modelcontextprotocol/server-memory/dist/index.js",
}
_PACKAGES = " and ".join(entry.split("/dist/")[0] for entry in _SERVER_ENTRIES.values())
_HOW_TO = (
    f"install {_PACKAGES} with npm (in a checkout: `npm ci` in tests/upstream) and pass their "
    f"node_modules folder with --node-modules or {NODE_MODULES_ENV}"
)


def node_modules_from_env(environ: Mapping[str, str] | None = None) -> Path | None:
    """The folder `CODEMODE_NODE_MODULES` names, if set."""
    value = (os.environ if environ is None else environ).get(NODE_MODULES_ENV, "")
    return Path(value) if value else None


def _installed(modules: Path) -> bool:
    return all((modules / entry).is_file() for entry in _SERVER_ENTRIES.values())


@dataclass
class Upstreams:
    """The real MCP servers and their state, or why they are unavailable."""

    toolbox: Toolbox | None
    """Both servers, started; None when unavailable."""
    files: Path
    """The filesystem server's only allowed directory (emptied before each run)."""
    memory: Path
    """The memory server's knowledge-graph file (deleted before each run)."""
    unavailable: str = ""
    """Why the servers cannot be used, empty when they can."""

    def reset(self, files: dict[str, str] | None = None, memory: list[dict[str, Any]] | None = None) -> None:
        """Empty the scratch directory and the memory file, then write a task's starting files and graph."""
        for child in self.files.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        for relative, text in (files or {}).items():
            target = self.files / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.memory.unlink(missing_ok=True)
        if memory:
            self.memory.write_text("\n".join(json.dumps(line) for line in memory) + "\n", encoding="utf-8")


@asynccontextmanager
async def open_upstreams(
    node_modules: Path | None, *, start_timeout_s: float = 30
) -> AsyncIterator[Upstreams]:
    """Start both servers over a fresh scratch directory; yield them (or why they are unavailable)."""
    node = shutil.which("node")
    with tempfile.TemporaryDirectory(prefix="codemode-bench-") as scratch:
        files, memory = _scratch(scratch)
        if node is None or node_modules is None or not _installed(node_modules):
            if node is None:
                missing = "Node.js is not on PATH"
            elif node_modules is None:
                missing = "no node_modules folder was given for the npm MCP servers"
            else:
                missing = f"the npm MCP servers are not installed in {node_modules}"
            yield Upstreams(None, files, memory, unavailable=f"{missing}; {_HOW_TO}")
            return
        config = parse_config(
            {
                "mcpServers": {
                    "filesystem": {
                        "command": node,
                        "args": [str(node_modules / _SERVER_ENTRIES["filesystem"]), str(files)],
                    },
                    "memory": {
                        "command": node,
                        "args": [str(node_modules / _SERVER_ENTRIES["memory"])],
                        "env": {"MEMORY_FILE_PATH": str(memory)},
                    },
                }
            },
            source="<codemode bench>",
        )
        async with open_toolbox(config, workspace=False) as toolbox:  # the upstreams alone
            reason = await _wait_ready(toolbox, start_timeout_s)
            yield Upstreams(None if reason else toolbox, files, memory, unavailable=reason)


def _scratch(directory: str) -> tuple[Path, Path]:
    root = Path(directory).resolve()
    (root / "files").mkdir()
    return root / "files", root / "memory.jsonl"


async def _wait_ready(toolbox: Toolbox, timeout_s: float) -> str:
    with anyio.move_on_after(timeout_s):
        while True:
            states = toolbox.status()
            if all(states.get(ns) is not None and states[ns].state == "ready" for ns in UPSTREAM_NAMESPACES):
                return ""
            await anyio.sleep(0.05)
    details = "; ".join(f"{s.namespace}: {s.state} {s.detail}".strip() for s in toolbox.status().values())
    return f"the MCP servers did not start within {timeout_s:.0f} s ({details}); {_HOW_TO}"


class BenchTools:
    """The engine's `ToolProvider`: the current world's toolbox plus the upstream one, recorded."""

    def __init__(self, upstream: Toolbox | None, recorder: Recorder) -> None:
        self._upstream = upstream
        self._world: Toolbox | None = None
        self.recorder = recorder
        self.recording = False
        """While True, every call goes through the recorder."""

    @asynccontextmanager
    async def world(self, world: World) -> AsyncIterator[Path]:
        """Serve `world`'s tools and a fresh, empty workspace until the block ends; yield the
        workspace's directory (removed afterwards)."""
        with tempfile.TemporaryDirectory(prefix="codemode-bench-workspace-") as directory:
            async with AsyncExitStack() as stack:
                sources: list[ToolSource] = [*build_sources(world), WorkspaceSource.open(directory)]
                self._world = await stack.enter_async_context(Toolbox(sources))
                try:
                    yield Path(directory)
                finally:
                    self._world = None

    def tools(self) -> list[ToolInfo]:
        world = self._world.tools() if self._world is not None else _world_tools()
        return world + (self._upstream.tools() if self._upstream is not None else [])

    def status(self) -> dict[str, SourceStatus]:
        world = self._world.status() if self._world is not None else {}
        return world | (self._upstream.status() if self._upstream is not None else {})

    def on_change(self, listener: Callable[[], None]) -> None:
        if self._upstream is not None:
            self._upstream.on_change(listener)

    async def wait_listed(self, namespace: str) -> bool:
        if namespace in UPSTREAM_NAMESPACES and self._upstream is not None:
            return await self._upstream.wait_listed(namespace)
        return False  # the world's tools are listed from the start

    async def call(self, namespace: str, name: str, arguments: dict[str, Any]) -> Any:
        if namespace in UPSTREAM_NAMESPACES and self._upstream is not None:
            toolbox = self._upstream
        elif self._world is not None:
            toolbox = self._world
        else:
            raise ToolError(f"tool `{namespace}.{name}`: no world is open (the benchmark's bug)")
        if not self.recording:
            return await toolbox.call(namespace, name, arguments)
        return await self.recorder.record(
            namespace, name, arguments, lambda: toolbox.call(namespace, name, arguments)
        )


def _world_tools() -> list[ToolInfo]:
    """The world's tool list (and the workspace's) without a world open (the same for every seed)."""
    tools: list[ToolInfo] = []
    for source in build_sources(World.generate(0)):
        tools.extend(source.tools())
    return tools + tool_infos(WORKSPACE)
