"""Serve the `code` tool from Python: what `codemode serve` runs, for programs that add their own tools.

from codemode import PythonTools, serve

tools = PythonTools("weather")

@tools.tool
def forecast(city: str) -> str: ...

anyio.run(serve, [tools])           # stdio; or serve([tools], transport="http")
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from codemode.engine import open_engine
from codemode.errors import CodemodeError
from codemode.http import HttpOptions, bind_socket, build_app
from codemode.server import CodeModeServer, build_server
from codemode.tools import ToolSource

if TYPE_CHECKING:
    from codemode.config import Config

__all__ = ["serve"]


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
