"""The `codemode` command line: a thin dispatcher over one module per subcommand.

Each module in `codemode.commands` exposes `register(subparsers)`, which adds its parser and sets
`handler` (a function taking the parsed namespace and returning an exit status). Every module is
imported to build the parser, so each keeps its heavy imports (the engine, the sandbox, the model
SDKs) inside its handler: `codemode --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

__all__ = ["main"]

#: Subcommand modules, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = ("serve", "exec", "types", "agent", "bench", "doctor")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codemode",
        description="Code Mode for LLM agents: one `code` tool over all your tools, run in a Deno sandbox.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"codemode.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    status: int = handler(args)
    return status
