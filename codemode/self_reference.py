"""Would this `mcpServers` entry start codemode itself? Then serving it would start copies without end.

Claude Desktop and Cursor files usually list codemode beside the servers it should serve, so pointing
codemode at such a file makes it one of its own upstreams: each copy reads the same file and starts the
next. `starts_codemode` sees through the usual ways of starting it, nested to any depth:

    codemode serve                           /Users/me/.local/bin/codemode serve
    uv run --directory /src/codemode codemode serve    uvx --from codemode codemode serve
    python -m codemode serve                 uv run python -m codemode    uv run -m codemode
    env FOO=1 codemode serve                 sh -c "cd /src && uv run codemode serve"

A wrapper it cannot see through (a shell script of your own) is caught one level later: every stdio
child gets `CODEMODE_DEPTH` one above ours, and a codemode that finds itself nested `MAX_DEPTH` deep
starts no stdio servers at all.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import PurePath

__all__ = ["DEPTH_ENV", "MAX_DEPTH", "starts_codemode"]

DEPTH_ENV = "CODEMODE_DEPTH"
"""How many codemode processes started this one through their stdio servers (0 or unset: none)."""

MAX_DEPTH = 2
"""At this depth codemode starts no stdio servers: something it could not recognise is recursing."""

_PYTHON = re.compile(r"^python(\d+(\.\d+)?)?w?$")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish"})
_SHELL_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
_UV_VALUE_OPTIONS = frozenset(
    {
        "--directory", "--project", "--python", "-p", "--with", "--with-editable", "--with-requirements",
        "--env-file", "--package", "--extra", "--group", "--only-group", "--no-group", "--index",
        "--default-index", "--index-url", "-i", "--extra-index-url", "--find-links", "-f", "--cache-dir",
        "--config-file", "--from", "--color", "--index-strategy", "--keyring-provider", "--resolution",
        "--prerelease", "--exclude-newer", "--link-mode", "--refresh-package", "--reinstall-package",
        "--upgrade-package", "-P", "--config-setting", "-C", "--no-binary-package",
        "--only-binary-package", "--python-preference", "--allow-insecure-host", "--no-sources-package",
        "--exclude-newer-package", "--max-recursion-depth",
    }
)  # fmt: skip
"""`uv run` / `uvx` options that take the next word as their value."""


def starts_codemode(command: str, args: Sequence[str] = ()) -> bool:
    """True when running `command args` starts codemode, directly or through the usual wrappers."""
    return _starts(command, list(args), depth=0)


def _starts(command: str, args: list[str], depth: int) -> bool:
    if depth > 8:
        return False
    program = _program(command)
    if program == "codemode":
        return True
    if program == "env":
        rest = [arg for arg in args if not arg.startswith("-") and "=" not in arg]
        return bool(rest) and _starts(rest[0], rest[1:], depth + 1)
    if _PYTHON.match(program):
        return _python_starts(args, depth)
    if program == "uvx":
        return _after_options(args, depth, module_flag=False)
    if program == "uv":
        rest = _skip_options(args)  # global options may come before the subcommand
        if rest[:2] == ["tool", "run"]:
            return _after_options(rest[2:], depth, module_flag=False)
        return rest[:1] == ["run"] and _after_options(rest[1:], depth, module_flag=True)
    if program in _SHELLS and "-c" in args[:-1]:
        script = args[args.index("-c") + 1]
        return _script_starts(script, depth)
    return False


def _program(command: str) -> str:
    name = PurePath(command.replace("\\", "/")).name.lower()
    return name.removesuffix(".exe").removesuffix(".cmd")


def _python_starts(args: list[str], depth: int) -> bool:
    for index, arg in enumerate(args):
        if arg == "-m":
            return index + 1 < len(args) and _is_codemode_module(args[index + 1])
        if arg.startswith("-m") and len(arg) > 2:
            return _is_codemode_module(arg[2:])
        if arg == "-c":
            return False
        if not arg.startswith("-"):  # a script: codemode's own console script run by a python
            return _program(arg) == "codemode"
    return False


def _is_codemode_module(name: str) -> bool:
    return name == "codemode" or name.startswith("codemode.")


def _after_options(args: list[str], depth: int, *, module_flag: bool) -> bool:
    """The command after `uv run` / `uvx` options (and an optional `--`)."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            index += 1
            break
        if module_flag and arg in ("-m", "--module"):
            return index + 1 < len(args) and _is_codemode_module(args[index + 1])
        if arg in _UV_VALUE_OPTIONS:
            index += 2
            continue
        if not arg.startswith("-"):
            break
        index += 1
    if index >= len(args):
        return False
    return _starts(args[index], args[index + 1 :], depth + 1)


def _skip_options(args: list[str]) -> list[str]:
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in _UV_VALUE_OPTIONS else 1
    return args[index:]


def _script_starts(script: str, depth: int) -> bool:
    try:
        words = shlex.split(script)
    except ValueError:
        return "codemode" in script
    command: list[str] = []
    for word in [*words, ";"]:
        if word in _SHELL_SEPARATORS:
            if command and command[0] == "exec":
                command = command[1:]
            if command and _starts(command[0], command[1:], depth + 1):
                return True
            command = []
        else:
            command.append(word)
    return False
