"""`--port 0` (any free port) is a port given on the command line, not a missing one."""

from __future__ import annotations

from codemode.cli import build_parser
from codemode.commands.serve import apply_environment


def test_port_zero_is_kept_and_not_replaced_by_the_default() -> None:
    args = build_parser().parse_args(["serve", "--transport", "http", "--port", "0"])
    apply_environment(args, {})
    assert args.port == 0
    args = build_parser().parse_args(["serve", "--transport", "http"])
    apply_environment(args, {})
    assert args.port == 8000
