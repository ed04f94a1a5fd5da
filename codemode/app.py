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

import contextlib
import dataclasses
import errno
import importlib
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import anyio

from codemode.approvals import ApprovalPolicy
from codemode.dialect import Language
from codemode.engine import CodeMode, EngineSettings, ToolProvider
from codemode.errors import CodemodeError, ConfigError
from codemode.limit_keys import limits_from_config
from codemode.sources.deferred import deferred_sources
from codemode.sources.protocol import ToolSource
from codemode.sources.toolbox import Toolbox
from codemode.typecheck import CheckerError, TypeChecker
from sandbox import DenoExecutor, Limits, SandboxError, SandboxSettings

if TYPE_CHECKING:
    from codemode.config import Config
    from codemode.http import HttpOptions
    from codemode.mcp_server import CodeModeServer
    from codemode.sources.workspace import WorkspaceSource

# The MCP SDK (the server, upstream clients) is imported where it is used, not here: `codemode exec`
# over Python tools or the built-in demo needs none of it, and it is most of the start-up time. So
# are the config and the workspace (pydantic models): `exec` over the demo with cached listings
# (`defer=True`) needs neither.

__all__ = [
    "build_toolbox",
    "config_sources",
    "engine_settings",
    "load_python_target",
    "open_engine",
    "open_toolbox",
    "sandbox_limits",
    "sandbox_settings",
    "serve",
    "workspace_source",
]

# -- settings ----------------------------------------------------------------------------------------


def sandbox_limits(config: Config | None) -> Limits:
    """The per-run sandbox limits the config sets, over the sandbox's safe defaults."""
    if config is None:
        return Limits()
    return limits_from_config(config.settings.limits_dict())


def sandbox_settings(config: Config | None, language: Language = "typescript") -> SandboxSettings:
    """The sandbox a server needs: its pre-spawned processes all in the server's language, so a
    TypeScript server starts nothing for Python and a Python server has its Python processes
    loading from the start, never on the first call."""
    pool = SandboxSettings().pool_size
    if language == "python":
        return SandboxSettings(limits=sandbox_limits(config), pool_size=0, python_pool_size=pool)
    return SandboxSettings(limits=sandbox_limits(config))


def engine_settings(
    config: Config | None, *, demo: bool = False, language: Language | None = None
) -> EngineSettings:
    """How the config wants the `code` tool described and its results shaped; `demo`: the tools are
    the built-in demo world, and the description says so; `language` (`--language`) over the
    config's."""
    if config is None:
        notice = ""
        if demo:
            from codemode.world.demo import DEMO_NOTICE

            notice = DEMO_NOTICE
        return EngineSettings(notice=notice, language=language or "typescript")
    settings = config.settings
    return EngineSettings(
        language=language or settings.language,
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
    problems: list[str] = []
    if config.settings.python:
        _importable_from(config.folder, Path.cwd())
    for target in config.settings.python:
        try:
            sources.extend(load_python_target(target, config.source))
        except ConfigError as error:
            problems.append(str(error))
    if problems:  # every bad entry at once, one line each
        raise ConfigError("\n".join(problems))
    if config.servers:
        from codemode.sources.upstream import UpstreamServer

        sources.extend(UpstreamServer(name, server, **upstream) for name, server in config.servers.items())
    return sources


def _importable_from(*folders: Path | None) -> None:
    """Python entries import from the config file's folder first, then the current folder (kept on
    `sys.path`: a tool module may import its siblings later, when a tool runs)."""
    added = [str(folder) for folder in folders if folder is not None and str(folder) not in sys.path]
    sys.path[0:0] = added


def load_python_target(target: str, source: str = "<config>") -> list[ToolSource]:
    """Import `module:attribute`: a tool source, a list of them, or a function returning either."""
    module_name, _, attribute = target.partition(":")
    where = f"{source}: codemode.python entry {target!r}"
    try:
        value: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name.partition(".")[0] and error.name != module_name:
            raise ConfigError(
                f"{where}: importing `{module_name}` failed: {error}; install `{error.name}`"
            ) from None
        raise ConfigError(
            f"{where}: no module `{module_name}` beside the config file, in the current folder or "
            "installed; put its .py file next to the config file or install it"
        ) from None
    except Exception as error:
        line = " ".join(f"{type(error).__name__}: {error}".split())
        raise ConfigError(f"{where}: importing `{module_name}` raised {line}; fix the module") from None
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


def workspace_source(config: Config | None, directory: str | Path | None = None) -> WorkspaceSource | None:
    """The `workspace` namespace the config asks for (on by default), in `directory` when given
    (`--workspace DIR`), else the config's `dir`, else the user's data directory; None when disabled."""
    from codemode.sources.workspace import WorkspaceSettings, WorkspaceSource

    settings = config.settings.workspace if config is not None else WorkspaceSettings()
    if not settings.enabled:
        return None
    where = settings.directory(directory)
    if settings.scope == "session":
        return WorkspaceSource.per_session(where, settings.limits())
    return WorkspaceSource.open(where, settings.limits())


def build_toolbox(
    config: Config | None,
    sources: Sequence[ToolSource] = (),
    *,
    workspace: str | Path | bool | None = None,
    defer: bool = False,
    **upstream: Any,
) -> Toolbox:
    """`sources` plus the config's, plus the workspace; with no sources and no config, the embedded
    default world (a real toolset for `codemode serve` with no arguments). Not started: enter it with
    `async with`.

    `workspace`: None (default) or True for the workspace the config describes, a directory to put it
    there (`--workspace DIR`), False for none. Left out when `sources` already has a `workspace`.
    `defer`: without a config, list the demo world and the workspace from their cached listings and
    build each on its first call (`codemode.sources.deferred`): what a one-shot `exec` wants.
    """
    deferring = defer and config is None and not sources
    if config is not None:
        chosen = [*sources, *config_sources(config, **upstream)]
    elif sources:
        chosen = list(sources)
    elif deferring:
        from codemode.world.demo import demo_sources

        chosen = demo_sources()
    else:
        from codemode.world import default_sources  # the world is data-heavy: built only when used

        chosen = list(default_sources())
    if workspace is not False and not any(source.namespace == "workspace" for source in chosen):
        directory = None if workspace is None or workspace is True else workspace
        if deferring:  # the default workspace: on, shared (tests/codemode/test_deferred.py pins it)
            chosen.extend(deferred_sources("workspace", lambda: _required(workspace_source(None, directory))))
        else:
            found = workspace_source(config, directory)
            if found is not None:
                chosen.append(found)
    return Toolbox(chosen)


def _required(source: ToolSource | None) -> list[ToolSource]:
    if source is None:
        raise ConfigError("the workspace is disabled")
    return [source]


@asynccontextmanager
async def open_toolbox(
    config: Config | None = None,
    *,
    sources: Sequence[ToolSource] = (),
    wait: bool = True,
    workspace: str | Path | bool | None = None,
    defer: bool = False,
    **upstream: Any,
) -> AsyncIterator[Toolbox]:
    """The started toolbox of `build_toolbox`, closed when the block ends.

    `wait`: first let every upstream server connect, fail or time out (each bounded by its
    `startup_timeout`); without it they connect in the background.
    """
    async with build_toolbox(config, sources, workspace=workspace, defer=defer, **upstream) as toolbox:
        if wait:
            await toolbox.settled()
        yield toolbox


# -- the engine and the server -----------------------------------------------------------------------


@asynccontextmanager
async def open_engine(
    config: Config | None = None,
    *,
    sources: Sequence[ToolSource] = (),
    sandbox: SandboxSettings | None = None,
    settings: EngineSettings | None = None,
    wait: bool = True,
    typecheck: bool | None = None,
    workspace: str | Path | bool | None = None,
    language: Language | None = None,
    defer: bool = False,
) -> AsyncIterator[CodeMode]:
    """Tools, sandbox and engine, ready to run code.

    The tools are `sources` plus the config's (`python` entries and `mcpServers`); with neither,
    the embedded default world, so that `codemode serve` with no arguments has a real toolset.
    `wait=False` does not wait for upstream servers to connect (what `serve` does).
    `typecheck` (default: the config's `typecheck`, on) starts the type checker now, with the
    current declarations loaded, so that no program waits for it (TypeScript only: Python programs
    are not type-checked). The workspace is added as `build_toolbox` says (`workspace=False` for
    none), and so are `defer`'s cached listings. `language` (`--language`) wins over the settings'
    and the config's; a Python engine raises `CodemodeError` at once when the Pyodide runtime is
    not installed.
    """
    demo = config is None and not sources
    settings = settings or engine_settings(config, demo=demo)
    if language is not None:
        settings = dataclasses.replace(settings, language=language)
    sandbox = sandbox or sandbox_settings(config, settings.language)
    if settings.language == "python":
        _require_python(sandbox)
    enabled = typecheck if typecheck is not None else config is None or config.settings.typecheck
    checker = TypeChecker() if enabled and settings.language == "typescript" else None
    started = anyio.Event()
    toolbox = build_toolbox(config, sources, workspace=workspace, defer=defer)  # a bad config raises here
    async with AsyncExitStack() as stack:
        if checker is not None:
            # The checker is another process: it starts while the sandbox and the tools start.
            stack.push_async_callback(checker.aclose)
            starting = await stack.enter_async_context(anyio.create_task_group())
            starting.start_soon(_start_checker, checker, started)
        executor = DenoExecutor(sandbox)
        await stack.enter_async_context(executor)  # first: a pooled Deno starts while the tools start
        await stack.enter_async_context(toolbox)
        if wait:
            await toolbox.settled()
        engine = CodeMode(toolbox, executor, settings, checker=checker)
        engine.declarations()  # hands the checker what the model is shown, before its first check
        if checker is not None:
            await started.wait()
            if checker.running:
                if not checker.loaded:  # it started before the declarations were set: load them
                    with contextlib.suppress(CheckerError):  # now, not on the first program
                        await checker.warm_up()
                await _follow_catalog(engine, checker, stack)
            else:
                engine.checker = None  # it could not start (logged): programs run unchecked
        yield engine


def _require_python(sandbox: SandboxSettings) -> None:
    """The Pyodide runtime is installed, or a `CodemodeError` saying how to install it."""
    from sandbox.pyodide_runtime import require_pyodide

    try:
        require_pyodide(sandbox.pyodide_cache)
    except SandboxError as error:
        raise CodemodeError(f"Python programs need the Pyodide runtime: {error}") from None


async def _start_checker(checker: TypeChecker, started: anyio.Event) -> None:
    """Start `checker`, then set `started`; when it cannot start, say so."""
    try:
        await checker.start()
    except CheckerError as error:
        logging.getLogger(__name__).warning("the type check is off: %s", error)
    finally:
        started.set()


async def _follow_catalog(engine: CodeMode, checker: TypeChecker, stack: AsyncExitStack) -> None:
    """When the catalog changes later (an upstream's tools arrive), load the new declarations into
    the checker in the background (`warm_up`), so the next program does not pay for them."""
    tg = await stack.enter_async_context(anyio.create_task_group())
    stack.callback(tg.cancel_scope.cancel)  # runs first on exit: no warm-up outlives the engine
    warming = False

    async def warm_up() -> None:
        nonlocal warming
        warming = False
        engine.declarations()  # the checker takes the new declarations from the new description
        with contextlib.suppress(CheckerError):
            await checker.warm_up()

    def changed() -> None:
        nonlocal warming
        if engine.checker is checker and not warming:
            warming = True
            tg.start_soon(warm_up)

    engine.on_change(changed)


async def serve(
    sources: Sequence[ToolSource] = (),
    *,
    config: Config | None = None,
    transport: Literal["stdio", "http"] = "stdio",
    http: HttpOptions | None = None,
    publish_tools: bool = False,
    typecheck: bool | None = None,
    workspace: str | Path | bool | None = None,
    language: Language | None = None,
) -> None:
    """Serve `code` over `sources` plus the config's tools (neither: the embedded default world),
    to a model writing programs in `language` (default: the config's, else TypeScript).

    Runs until the client disconnects (stdio) or the process is stopped (HTTP). Raises
    `CodemodeError` when the HTTP address cannot be bound.

        tools = PythonTools("weather")

        @tools.tool
        def forecast(city: str) -> str: ...

        anyio.run(serve, [tools])           # stdio; or serve([tools], transport="http")
    """
    # Upstream servers connect in the background: the client gets `initialize` and `tools/list` at
    # once, and `tools/list_changed` as each server's tools arrive.
    from codemode.sources.workspace import WorkspaceSettings

    files = config.settings.workspace if config is not None else WorkspaceSettings()
    if files.enabled and files.scope == "session" and http is not None and http.stateless:
        raise CodemodeError(
            'the workspace scope "session" needs MCP sessions, which --stateless turns off; '
            'drop --stateless or set "workspace": {"scope": "shared"}'
        )
    async with open_engine(
        config, sources=sources, wait=False, workspace=workspace, typecheck=typecheck, language=language
    ) as engine:
        toolbox = engine.tools
        from codemode.http import HttpOptions
        from codemode.mcp_server import build_server

        server = build_server(
            engine, publish_tools=toolbox if publish_tools else None, workspace=_workspace_of(toolbox)
        )
        count = _tool_count(toolbox)
        if config is None and not sources:
            print(
                "codemode: no config given or found, so serving the built-in DEMO tools (a made-up "
                "company's CRM, documents, tracker and sales); to serve your own, pass --config FILE "
                "or create ./codemode.json",
                file=sys.stderr,
                flush=True,
            )
        if transport == "stdio":
            # stderr: stdout belongs to the protocol. A person who ran this in a terminal learns
            # why nothing happens; an MCP client shows it in its server log.
            print(
                f"codemode: serving `code` ({count} behind it) over stdio; "
                "an MCP client talks to it on stdin/stdout (--transport http to serve HTTP)",
                file=sys.stderr,
                flush=True,
            )
            await server.run_stdio_async()
        else:
            await _serve_http(server, http or HttpOptions(), count)


def _workspace_of(tools: ToolProvider) -> WorkspaceSource | None:
    """The workspace source among a toolbox's sources, if there is one."""
    from codemode.sources.workspace import WorkspaceSource

    sources = tools.sources.values() if isinstance(tools, Toolbox) else ()
    return next((source for source in sources if isinstance(source, WorkspaceSource)), None)


def _tool_count(toolbox: ToolProvider) -> str:
    """`23 tools`, or `4 tools so far, 2 server(s) starting` while upstreams connect."""
    status = toolbox.status() if isinstance(toolbox, Toolbox) else {}
    starting = sum(1 for report in status.values() if report.state == "starting")
    tools = len(toolbox.tools())
    return f"{tools} tools" + (f" so far, {starting} server(s) starting" if starting else "")


async def _serve_http(server: CodeModeServer, options: HttpOptions, count: str) -> None:
    import uvicorn

    from codemode.http import bind_socket, build_app

    try:
        sock = bind_socket(options.host, options.port)
    except OSError as error:
        fix = (
            "another program (another codemode?) is using it: pass --port N (or CODEMODE_PORT), "
            "or --port 0 for any free port"
            if error.errno == errno.EADDRINUSE
            else "pass another --host or --port"
        )
        raise CodemodeError(
            f"cannot listen on {options.host}:{options.port}: {error.strerror or error}; {fix}"
        ) from error
    app = build_app(server, options)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"codemode: serving `code` ({count} behind it) at http://{shown}:{port}{options.path}"
        + (" (bearer token required)" if options.token else ""),
        file=sys.stderr,
        flush=True,
    )
    await uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on")).serve(sockets=[sock])
