"""`codemode serve`: the MCP server publishing `code`, over stdio or streamable HTTP.

Every flag has an environment variable (listed in `codemode serve --help`); a flag on the command
line wins over its variable. A bad value in either is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio

from codemode.commands._common import (
    CONFIG_ENV,
    LANGUAGE_ENV,
    WORKSPACE_ENV,
    add_config_argument,
    add_language_argument,
    add_workspace_argument,
    config_from_args,
    fail,
)
from codemode.http import TOKEN_ENV, HttpOptions

if TYPE_CHECKING:
    from codemode.config import Config
    from codemode.dialect import Language

logger = logging.getLogger(__name__)

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})

ENVIRONMENT: dict[str, str] = {
    "config": CONFIG_ENV,
    "workspace": WORKSPACE_ENV,
    "language": LANGUAGE_ENV,
    "transport": "CODEMODE_TRANSPORT",
    "host": "CODEMODE_HOST",
    "port": "CODEMODE_PORT",
    "path": "CODEMODE_PATH",
    "stateless": "CODEMODE_STATELESS",
    "json_response": "CODEMODE_JSON_RESPONSE",
    "token": TOKEN_ENV,
    "allowed_host": "CODEMODE_ALLOWED_HOSTS",
    "allowed_origin": "CODEMODE_ALLOWED_ORIGINS",
    "publish_tools": "CODEMODE_PUBLISH_TOOLS",
    "no_typecheck": "CODEMODE_NO_TYPECHECK",
}
"""`serve` flag (its argparse dest) -> the environment variable that sets it when the flag is absent."""


def register(subparsers: Any) -> None:
    listed = "\n".join(
        f"  {variable:<26} --{dest.replace('_', '-')}" for dest, variable in ENVIRONMENT.items()
    )
    parser = subparsers.add_parser(
        "serve",
        help="serve the `code` MCP tool (stdio or HTTP)",
        description="Serve one MCP tool, `code`, over every configured tool (without a config: the "
        "built-in demo tools over made-up data).",
        epilog="environment variables (a flag given on the command line wins):\n"
        + listed
        + "\n  (booleans: 1/true/yes/on or 0/false/no/off; host and origin lists: comma-separated)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_argument(parser)
    add_workspace_argument(parser)
    add_language_argument(parser, f"env {LANGUAGE_ENV}; default: typescript")
    parser.add_argument("--transport", choices=("stdio", "http"), help="default: stdio")
    parser.add_argument("--host", help="HTTP bind address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="HTTP port; 0 picks a free one (default: 8000)")
    parser.add_argument("--path", help="HTTP endpoint path (default: /mcp)")
    parser.add_argument("--stateless", action="store_true", help="HTTP without sessions (each request alone)")
    parser.add_argument("--json-response", action="store_true", help="HTTP answers as JSON, not SSE")
    parser.add_argument("--token", help="bearer token HTTP clients must send")
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
        "--no-typecheck",
        dest="typecheck",
        action="store_false",
        default=None,
        help='run programs without the type check before each run (config: "typecheck": false)',
    )
    parser.add_argument(
        "--publish-tools", action="store_true", help="also publish every tool directly beside `code`"
    )
    parser.set_defaults(handler=run)


def apply_environment(args: argparse.Namespace, environ: dict[str, str] | None = None) -> None:
    """Fill each flag not given on the command line from its environment variable (or its default)."""
    env = dict(os.environ) if environ is None else environ

    def value(dest: str, parse: Callable[[str, str], Any], default: Any) -> Any:
        variable = ENVIRONMENT[dest]
        given = getattr(args, dest)
        # Not given: None, or a switch's False, or an empty list. `is False`, not `== False`: a given
        # `--port 0` (any free port) equals False in Python and must not fall back to 8000.
        if not (given is None or given is False or given == []):
            return given
        raw = env.get(variable)
        return default if raw is None or raw == "" else parse(variable, raw)

    args.transport = value("transport", _choice("stdio", "http"), "stdio")
    args.language = value("language", _choice("typescript", "python"), None)  # None: the config's
    args.host = value("host", _text, "127.0.0.1")
    args.port = value("port", _port, 8000)
    args.path = value("path", _text, "/mcp")
    args.stateless = value("stateless", _boolean, False)
    args.json_response = value("json_response", _boolean, False)
    args.token = value("token", _text, None)
    args.allowed_host = value("allowed_host", _list, [])
    args.allowed_origin = value("allowed_origin", _list, [])
    args.publish_tools = value("publish_tools", _boolean, False)
    raw = env.get(ENVIRONMENT["no_typecheck"], "")
    if args.typecheck is None and raw != "" and _boolean(ENVIRONMENT["no_typecheck"], raw):
        args.typecheck = False


def _text(variable: str, raw: str) -> str:
    return raw


def _port(variable: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        fail(f"{variable} must be a port number (0 picks a free one), got {raw!r}")


def _boolean(variable: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    fail(f"{variable} must be 1/true/yes/on or 0/false/no/off, got {raw!r}")


def _list(variable: str, raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _choice(*choices: str) -> Callable[[str, str], str]:
    def parse(variable: str, raw: str) -> str:
        if raw not in choices:
            fail(f"{variable} must be one of {', '.join(choices)}, got {raw!r}")
        return raw

    return parse


def run(args: argparse.Namespace) -> int:
    # Guest console lines go to clients as MCP log messages, which the 2026-07-28 protocol
    # deprecates (SEP-2577) but today's clients still show: say it once here, not per run.
    from mcp import MCPDeprecationWarning

    warnings.filterwarnings("ignore", "The logging capability is deprecated", MCPDeprecationWarning)
    apply_environment(args)
    if not 0 <= args.port <= 65535:
        fail(f"--port must be between 0 and 65535, got {args.port}")
    config = config_from_args(args)
    options = HttpOptions(
        host=args.host,
        port=args.port,
        path=args.path if args.path.startswith("/") else "/" + args.path,
        stateless=args.stateless,
        json_response=args.json_response,
        token=args.token or None,
        allowed_hosts=tuple(args.allowed_host),
        allowed_origins=tuple(args.allowed_origin),
    )
    publish = args.publish_tools or (config is not None and config.settings.publish_tools)
    # SIGTERM (a service manager, `kill`) stops the server like Ctrl-C: the sandbox executor then
    # closes its processes and removes their scratch directories instead of leaving them behind.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        anyio.run(
            _serve, config, args.transport, options, publish, args.typecheck, args.workspace, args.language
        )
    except* KeyboardInterrupt:  # bare, or wrapped by the task groups it passed through on its way out
        pass
    return 0


async def _serve(
    config: Config | None,
    transport: str,
    options: HttpOptions,
    publish: bool,
    typecheck: bool | None,
    workspace: str | None,
    language: Language | None,
) -> None:
    from codemode.app import serve

    # A CodemodeError (the port is taken, a bad Python entry) reaches `codemode.cli`, which prints it
    # as one line with exit status 2, however deep in task groups it was raised.
    await serve(
        config=config,
        transport="http" if transport == "http" else "stdio",
        http=options,
        publish_tools=publish,
        typecheck=typecheck,
        workspace=workspace,
        language=language,
    )
