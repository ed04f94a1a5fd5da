"""What several subcommands share: the `--config` flag and turning bad input into exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from codemode.config import Config, load_config
from codemode.errors import ConfigError

__all__ = ["add_config_argument", "config_from_args", "fail"]


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="JSON config with `mcpServers` (Claude Desktop / Cursor format) and `codemode` settings; "
        "without it, the embedded default tools",
    )


def config_from_args(args: argparse.Namespace) -> Config | None:
    """The config named by `--config`, or None for the embedded default. Raises SystemExit(2)."""
    if args.config is None:
        return None
    try:
        return load_config(args.config)
    except ConfigError as error:
        fail(str(error))


def fail(message: str, status: int = 2) -> NoReturn:
    """Print `codemode: message` on stderr and exit."""
    print(f"codemode: {message}", file=sys.stderr)
    raise SystemExit(status)
