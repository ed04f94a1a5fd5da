"""`codemode exec`: run one program against the configured tools and print its result.

The program is TypeScript, or Python with `--language python`, a `.py` file, or `"language":
"python"` in the config (in that order: the flag wins, then the file's suffix, then the config).

Exit status: 0 when the program succeeded, 1 when it failed (threw, broke a limit), 2 for bad
usage (no such file, a bad config).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING, Any

import anyio

from codemode.commands._common import (
    add_config_argument,
    add_language_argument,
    add_workspace_argument,
    config_from_args,
    fail,
)

if TYPE_CHECKING:
    from codemode.config import Config
    from codemode.dialect import Language


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "exec",
        help="run a program once against the configured tools",
        description="Run a program (TypeScript, or Python) once in the sandbox against the configured "
        "tools (the embedded defaults without --config) and print what it returns.",
    )
    add_config_argument(parser)
    add_workspace_argument(parser)
    add_language_argument(parser, "default: python for a .py file, else the config's, else typescript")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="wall-clock limit for the run")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"ok", "result", "logs", "error", "stats"}',
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="allow every call that needs approval without asking (default: ask on a terminal, "
        "refuse without one)",
    )
    parser.add_argument(
        "--no-typecheck",
        dest="typecheck",
        action="store_false",
        default=None,
        help='run the program without the type check first (config: "typecheck": false)',
    )
    parser.add_argument("file", metavar="FILE|-", help="the program, or - to read it from stdin")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.timeout is not None and args.timeout <= 0:
        fail(f"--timeout must be a positive number of seconds, got {args.timeout}")
    code = _read_code(args.file)
    config = config_from_args(args)
    language: Language | None = args.language or ("python" if args.file.endswith(".py") else None)
    return anyio.run(
        _exec, code, config, args.timeout, args.json, args.yes, args.typecheck, args.workspace, language
    )


def _read_code(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        with open(name, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        fail(f"cannot read {name}: {error.strerror or error}")


async def _exec(
    code: str,
    config: Config | None,
    wall_s: float | None,
    as_json: bool,
    yes: bool,
    typecheck: bool | None,
    workspace: str | None,
    language: Language | None,
) -> int:
    from codemode.app import engine_settings, open_engine, sandbox_limits
    from codemode.approvals.terminal import NO_TERMINAL, command_line_asker
    from codemode.typecheck import error_json
    from sandbox import SandboxSettings
    from sandbox.source import looks_typed

    # One run: one Deno process of the run's language, started at once so that it starts while the
    # program is checked (a pool of one; the refill after the run is cancelled when the engine closes).
    # The type stripper (a process) and the host's type blanker (tree-sitter, ~50 ms to load) start
    # with it only when the program looks typed: plain JavaScript needs neither.
    python = engine_settings(config, language=language).language == "python"  # flag, else config
    sandbox = SandboxSettings(
        limits=sandbox_limits(config),
        pool_size=0 if python else 1,
        python_pool_size=1 if python else 0,
        strip_types=not python and looks_typed(code),
    )
    # defer: the demo's tools are listed from the cache and built only if the program calls one.
    async with open_engine(
        config, sandbox=sandbox, typecheck=typecheck, workspace=workspace, language=language, defer=True
    ) as engine:
        limits = engine.settings.limits
        if wall_s is not None:
            limits = dataclasses.replace(limits, wall_s=wall_s)
        asker, who = command_line_asker(yes)
        gate = engine.approval_gate(asker, who=who, cannot_ask=NO_TERMINAL)
        outcome = await engine.run(code, limits=limits, approvals=gate)
    if as_json:
        payload = outcome.result.to_json()
        if outcome.diagnostics:  # stopped by the type check: the errors as data too
            payload = error_json(outcome.result, outcome.diagnostics)
        print(json.dumps(payload, ensure_ascii=False))
    else:
        value, notes = outcome.blocks
        print(value, file=sys.stderr if outcome.is_error else sys.stdout)
        print(notes, file=sys.stderr)
    return 1 if outcome.is_error else 0
