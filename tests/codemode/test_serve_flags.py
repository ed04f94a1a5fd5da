"""`serve` flags over environment variables: what was given on the command line wins, exactly
(`--port 0` itself: tests/codemode/test_cli.py)."""

from __future__ import annotations

from codemode.cli import build_parser
from codemode.commands.serve import apply_environment


def test_an_absent_port_takes_the_environment_then_the_default() -> None:
    args = build_parser().parse_args(["serve"])
    apply_environment(args, {"CODEMODE_PORT": "0"})
    assert args.port == 0
    args = build_parser().parse_args(["serve"])
    apply_environment(args, {})
    assert args.port == 8000


def test_a_flag_beats_its_environment_variable() -> None:
    args = build_parser().parse_args(["serve", "--port", "9001"])
    apply_environment(args, {"CODEMODE_PORT": "9002"})
    assert args.port == 9001
