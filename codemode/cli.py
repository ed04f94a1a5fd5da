"""The `codemode` command line: a thin dispatcher over one module per subcommand.

Each module in `codemode.commands` exposes `register(subparsers)`, which adds its parser and sets
`handler` (a function taking the parsed namespace and returning an exit status). Every module is
imported to build the parser, so each keeps its heavy imports (the engine, the sandbox, the model
SDKs) inside its handler: `codemode --help` stays fast. When the command line names a subcommand,
only that one's module is imported (`codemode exec` does not load the HTTP server's or the agent's).

Global flags (`-v`) are accepted before or after the subcommand. A `CodemodeError` from any command
(a bad config, a taken port, a bad Python entry), however deep in task groups it was raised, ends
as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from collections.abc import Sequence

from codemode.errors import CodemodeError

__all__ = ["main"]

#: Subcommand modules, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = ("serve", "exec", "types", "agent", "bench", "doctor", "workspace", "pyodide")


def version() -> str:
    """The installed package's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("codemode")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: every subcommand's (`argv` None: all of them), or only the one `argv`
    names (the others are placeholders: their help is never shown once a subcommand is named)."""
    named = None if argv is None else _named_command(argv)
    parser = argparse.ArgumentParser(
        prog="codemode",
        description="Code Mode for LLM agents: one `code` tool over all your tools, run in a Deno sandbox.",
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    _add_global_flags(parser, argparse.SUPPRESS)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if named is None or name == named:
            importlib.import_module(f"codemode.commands.{name}").register(subparsers)
        else:
            subparsers.add_parser(name)
    for subparser in _subparsers(parser):
        _add_global_flags(subparser, argparse.SUPPRESS)
    return parser


class _Version(argparse.Action):
    """`--version`, reading the installed version only when asked (importlib.metadata is slow to load)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS)

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"codemode {version()}")
        parser.exit()


def _named_command(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names: its first word that is not a flag (global flags take no value)."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMANDS else None


def _add_global_flags(parser: argparse.ArgumentParser, default: object) -> None:
    # SUPPRESS: a subcommand's parser leaves `verbose` alone unless the flag is given after it.
    parser.add_argument("-v", "--verbose", action="count", default=default, help="more logging on stderr")


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every subcommand's parser, nested ones (`bench sandbox`) too."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found.append(child)
                found.extend(_subparsers(child))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (None: this program's own, which then exits; see below)."""
    status = _run(sys.argv[1:] if argv is None else argv)
    if argv is None:
        # The process exits next, and its exit would collect every object once more: measured,
        # most of 0.2-0.3 s of a one-shot `exec` under load (docs/architecture.md, "Start-up").
        gc.freeze()
    return status


def _run(argv: Sequence[str]) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    verbose = getattr(args, "verbose", 0)
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = handler(args)
    except BaseException as error:
        problems = _codemode_errors(error)
        if not problems:
            raise
        for problem in problems:
            for line in problem.splitlines():
                print(f"codemode: {line}", file=sys.stderr)
        return 2
    return status


def _codemode_errors(error: BaseException) -> list[str]:
    """The messages of `error`, when it is a `CodemodeError` or a group of nothing else; else []."""
    if isinstance(error, CodemodeError):
        return [str(error)]
    if isinstance(error, BaseExceptionGroup):
        found = [_codemode_errors(inner) for inner in error.exceptions]
        if all(found):
            return list(dict.fromkeys(message for messages in found for message in messages))
    return []
