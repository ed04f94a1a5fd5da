"""The wiring, in one place: config -> tool sources -> toolbox -> sandbox executor -> engine -> server.

Every entry point builds the product here: `codemode serve` (`serve`), `codemode exec`, `codemode agent`
and the Python API (`open_engine`), `codemode types` (`open_toolbox`, no sandbox needed). Nothing
below this module reads the config: the engine gets `EngineSettings`, the sandbox `SandboxSettings`,
each upstream server its own entry.

```python
async with open_engine(load_config("codemode.json"), sources=[my_tools]) as engine:
    outcome = await engine.run("return await crm.find_customers({query: 'acme'})")
```
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Literal

from codemode.approvals import ApprovalPolicy
from codemode.config import Config
from codemode.engine import CodeMode, EngineSettings
from codemode.errors import CodemodeError, ConfigError
from codemode.http import HttpOptions, bind_socket, build_app
from codemode.mcp_server import CodeModeServer, build_server
from codemode.sources.protocol import ToolSource
from codemode.sources.toolbox import Toolbox
from codemode.sources.upstream import UpstreamServer
from sandbox import DenoExecutor, Limits, SandboxSettings

__all__ = [
    "build_toolbox",
    "config_sources",
    "engine_settings",
    "load_python_target",
    "open_engine",
    "open_toolbox",
    "sandbox_limits",
    "serve",
]

#: Config key (`codemode.limits`) -> `sandbox.Limits` field, where the config's friendlier name differs.
_LIMIT_FIELDS = {"timeout_s": "wall_s", "max_tool_calls": "tool_calls", "max_output_bytes": "result_bytes"}


# -- settings ----------------------------------------------------------------------------------------


def sandbox_limits(config: Config | None) -> Limits:
    """The per-run sandbox limits the config sets, over the sandbox's safe defaults."""
    if config is None:
        return Limits()
    values: dict[str, Any] = {
        _LIMIT_FIELDS.get(key, key): value for key, value in config.settings.limits_dict().items()
    }
    return dataclasses.replace(Limits(), **values)


def engine_settings(config: Config | None) -> EngineSettings:
    """How the config wants the `code` tool described and its results shaped."""
    if config is None:
        return EngineSettings()
    settings = config.settings
    return EngineSettings(
        token_budget=settings.token_budget,
        max_result_chars=settings.max_result_chars,
        limits=sandbox_limits(config),
        approvals=ApprovalPolicy(
            approve=settings.approve,
            approve_destructive=settings.approve_destructive,
            fallback=settings.approval_fallback,
            timeout_s=settings.approval_timeout_s,
        ),
    )


# -- sources -----------------------------------------------------------------------------------------


def config_sources(config: Config, **upstream: Any) -> list[ToolSource]:
    """The config's tool sources: its `python` entries, then one `UpstreamServer` per `mcpServers` entry.

    `upstream` keyword arguments go to every `UpstreamServer` (call_timeout, initial_backoff, ...).
    """
    sources: list[ToolSource] = []
    for target in config.settings.python:
        sources.extend(load_python_target(target, config.source))
    sources.extend(UpstreamServer(name, server, **upstream) for name, server in config.servers.items())
    return sources


def load_python_target(target: str, source: str = "<config>") -> list[ToolSource]:
    """Import `module:attribute`: a tool source, a list of them, or a function returning either."""
    module_name, _, attribute = target.partition(":")
    where = f"{source}: codemode.python entry {target!r}"
    try:
        value: Any = importlib.import_module(module_name)
    except Exception as error:
        raise ConfigError(
            f"{where}: cannot import module `{module_name}`: {type(error).__name__}: {error}; "
            "check that it is installed or on PYTHONPATH"
        ) from error
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise ConfigError(f"{where}: module `{module_name}` has no attribute `{attribute}`") from None
    if callable(value) and not isinstance(value, ToolSource):
        try:
            value = value()
        except Exception as error:
            raise ConfigError(
                f"{where}: calling `{attribute}()` raised {type(error).__name__}: {error}"
            ) from error
    found = list(value) if isinstance(value, list | tuple) else [value]
    for item in found:
        if not isinstance(item, ToolSource):
            raise ConfigError(
                f"{where}: expected a PythonTools object (or a function returning one), "
                f"got {type(item).__name__}"
            )
    return found


def build_toolbox(config: Config | None, sources: Sequence[ToolSource] = (), **upstream: Any) -> Toolbox:
    """`sources` plus the config's; with neither, the embedded default world (a real toolset for
    `codemode serve` with no arguments). Not started: enter it with `async with`."""
    if config is not None:
        return Toolbox([*sources, *config_sources(config, **upstream)])
    if sources:
        return Toolbox(sources)
    from codemode.world import default_sources  # the world is data-heavy: built only when used

    return Toolbox(default_sources())


@asynccontextmanager
async def open_toolbox(
    config: Config | None = None, *, sources: Sequence[ToolSource] = (), **upstream: Any
) -> AsyncIterator[Toolbox]:
    """The started toolbox of `build_toolbox`, closed when the block ends."""
    async with build_toolbox(config, sources, **upstream) as toolbox:
        yield toolbox


# -- the engine and the server -----------------------------------------------------------------------


@asynccontextmanager
async def open_engine(
    config: Config | None = None,
    *,
    sources: Sequence[ToolSource] = (),
    sandbox: SandboxSettings | None = None,
    settings: EngineSettings | None = None,
) -> AsyncIterator[CodeMode]:
    """Tools, sandbox and engine, ready to run code.

    The tools are `sources` plus the config's (`python` entries and `mcpServers`); with neither,
    the embedded default world, so that `codemode serve` with no arguments has a real toolset.
    """
    async with AsyncExitStack() as stack:
        toolbox = await stack.enter_async_context(open_toolbox(config, sources=sources))
        executor = DenoExecutor(sandbox or SandboxSettings(limits=sandbox_limits(config)))
        await stack.enter_async_context(executor)
        yield CodeMode(toolbox, executor, settings or engine_settings(config))


async def serve(
    sources: Sequence[ToolSource] = (),
    *,
    config: Config | None = None,
    transport: Literal["stdio", "http"] = "stdio",
    http: HttpOptions | None = None,
    publish_tools: bool = False,
) -> None:
    """Serve `code` over `sources` plus the config's tools (neither: the embedded default world).

    Runs until the client disconnects (stdio) or the process is stopped (HTTP). Raises
    `CodemodeError` when the HTTP address cannot be bound.

        tools = PythonTools("weather")

        @tools.tool
        def forecast(city: str) -> str: ...

        anyio.run(serve, [tools])           # stdio; or serve([tools], transport="http")
    """
    async with open_engine(config, sources=sources) as engine:
        toolbox = engine.tools
        server = build_server(engine, publish_tools=toolbox if publish_tools else None)
        count = len(toolbox.tools())
        if transport == "stdio":
            # stderr: stdout belongs to the protocol. A person who ran this in a terminal learns
            # why nothing happens; an MCP client shows it in its server log.
            print(
                f"codemode: serving `code` ({count} tools behind it) over stdio; "
                "an MCP client talks to it on stdin/stdout (--transport http to serve HTTP)",
                file=sys.stderr,
                flush=True,
            )
            await server.run_stdio_async()
        else:
            await _serve_http(server, http or HttpOptions(), count)


async def _serve_http(server: CodeModeServer, options: HttpOptions, count: int) -> None:
    import uvicorn

    try:
        sock = bind_socket(options.host, options.port)
    except OSError as error:
        raise CodemodeError(
            f"cannot listen on {options.host}:{options.port}: {error.strerror or error}"
        ) from error
    app = build_app(server, options)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"codemode: serving `code` ({count} tools behind it) at http://{shown}:{port}{options.path}"
        + (" (bearer token required)" if options.token else ""),
        file=sys.stderr,
        flush=True,
    )
    await uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on")).serve(sockets=[sock])
