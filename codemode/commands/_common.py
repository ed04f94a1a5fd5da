"""What several subcommands share: the `--config` flag (and where a config is found without it), and
turning bad input into one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from codemode.errors import ConfigError

if TYPE_CHECKING:  # the config module pulls in pydantic: loaded only when there is a config to read
    from codemode.config import Config

__all__ = [
    "CONFIG_ENV",
    "CONFIG_NAME",
    "LANGUAGE_ENV",
    "WORKSPACE_ENV",
    "add_config_argument",
    "add_language_argument",
    "add_workspace_argument",
    "config_from_args",
    "fail",
    "find_config",
    "user_config_dir",
]

WORKSPACE_ENV = "CODEMODE_WORKSPACE"
"""The environment variable that stands for `--workspace`."""

LANGUAGE_ENV = "CODEMODE_LANGUAGE"
"""The environment variable that stands for `--language` (`serve`)."""

CONFIG_ENV = "CODEMODE_CONFIG"
"""The environment variable that stands for `--config`."""

CONFIG_NAME = "codemode.json"
"""The file looked for, without `--config`: in the current folder, then in the user's config folder."""


def user_config_dir() -> Path:
    """Where a user's own config lives: `$XDG_CONFIG_HOME/codemode` (`~/.config/codemode`), the
    Application Support folder on macOS, `%APPDATA%` on Windows."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "codemode"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "codemode"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "codemode"


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=os.environ.get(CONFIG_ENV) or None,
        help=f"JSON config with `mcpServers` (Claude Desktop / Cursor / VS Code format) and `codemode` "
        f"settings (env {CONFIG_ENV}); without it, ./{CONFIG_NAME}, then "
        f"{_shown(user_config_dir() / CONFIG_NAME)}, else the built-in demo tools",
    )


def add_workspace_argument(parser: argparse.ArgumentParser) -> None:
    """`--workspace DIR` (env CODEMODE_WORKSPACE): where the workspace lives, over the config's
    `workspace.dir`."""
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        default=os.environ.get(WORKSPACE_ENV) or None,
        help=f"the workspace directory (env {WORKSPACE_ENV}; default: the config's workspace.dir, else "
        "codemode/workspace in the user's data directory)",
    )


def add_language_argument(parser: argparse.ArgumentParser, default_help: str) -> None:
    """`--language {typescript,python}`: the language the model's programs are in, over the config's
    `"language"`."""
    parser.add_argument(
        "--language",
        choices=("typescript", "python"),
        help=f'the language of the programs (config: "language"; {default_help})',
    )


def find_config(explicit: str | None) -> tuple[Path | None, str]:
    """The config file to use and how it was chosen; (None, why) for the built-in demo."""
    if explicit:
        return Path(explicit), "given"
    for candidate, where in (
        (Path.cwd() / CONFIG_NAME, "found in the current folder"),
        (user_config_dir() / CONFIG_NAME, "found in your config folder"),
    ):
        if candidate.is_file():
            return candidate, where
    return None, "none given, none found"


def config_from_args(args: argparse.Namespace) -> Config | None:
    """The config named by `--config` (or found), or None for the built-in demo. Raises SystemExit(2)."""
    path, how = find_config(args.config)
    if path is None:
        return None
    from codemode.config import load_config

    if how != "given":
        print(f"codemode: using {_shown(path)} ({how}; --config names another)", file=sys.stderr)
    try:
        return load_config(path)
    except ConfigError as error:
        fail(str(error))


def fail(message: str, status: int = 2) -> NoReturn:
    """Print `codemode: message` on stderr and exit."""
    print(f"codemode: {message}", file=sys.stderr)
    raise SystemExit(status)


def _shown(path: Path) -> str:
    """A path as a person reads it: `~/...` under the home folder."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)
