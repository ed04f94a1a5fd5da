"""`codemode serve`: the MCP server publishing `code`, over stdio or streamable HTTP."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import warnings
from typing import Any

import anyio

from codemode.commands._common import add_config_argument, config_from_args, fail
from codemode.config import Config
from codemode.errors import CodemodeError
from codemode.http import TOKEN_ENV, HttpOptions

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the `code` MCP tool (stdio or HTTP)",
        description="Serve one MCP tool, `code`, over every configured tool (the embedded default "
        "tools without --config).",
    )
    add_config_argument(parser)
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio", help="default: stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="HTTP port; 0 picks a free one (default: 8000)"
    )
    parser.add_argument("--path", default="/mcp", help="HTTP endpoint path (default: /mcp)")
    parser.add_argument("--stateless", action="store_true", help="HTTP without sessions (each request alone)")
    parser.add_argument("--json-response", action="store_true", help="HTTP answers as JSON, not SSE")
    parser.add_argument("--token", help=f"bearer token HTTP clients must send (or set {TOKEN_ENV})")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="extra Host header accepted (DNS-rebinding protection); repeatable",
    )
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="extra Origin accepted, e.g. https://chat.example.com; repeatable",
    )
    parser.add_argument(
        "--publish-tools", action="store_true", help="also publish every tool directly beside `code`"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Guest console lines go to clients as MCP log messages, which the 2026-07-28 protocol
    # deprecates (SEP-2577) but today's clients still show: say it once here, not per run.
    from mcp import MCPDeprecationWarning

    warnings.filterwarnings("ignore", "The logging capability is deprecated", MCPDeprecationWarning)
    config = config_from_args(args)
    if not 0 <= args.port <= 65535:
        fail(f"--port must be between 0 and 65535, got {args.port}")
    options = HttpOptions(
        host=args.host,
        port=args.port,
        path=args.path if args.path.startswith("/") else "/" + args.path,
        stateless=args.stateless,
        json_response=args.json_response,
        token=args.token or os.environ.get(TOKEN_ENV) or None,
        allowed_hosts=tuple(args.allowed_host),
        allowed_origins=tuple(args.allowed_origin),
    )
    publish = args.publish_tools or (config is not None and config.settings.publish_tools)
    # SIGTERM (a service manager, `kill`) stops the server like Ctrl-C: the sandbox executor then
    # closes its processes and removes their scratch directories instead of leaving them behind.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(_serve, config, args.transport, options, publish)
    return 0


async def _serve(config: Config | None, transport: str, options: HttpOptions, publish: bool) -> None:
    from codemode.app import serve

    try:
        await serve(
            config=config,
            transport="http" if transport == "http" else "stdio",
            http=options,
            publish_tools=publish,
        )
    except CodemodeError as error:
        fail(str(error))
