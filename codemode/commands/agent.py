"""`codemode agent`: run one task with a real model, in code mode or with classic tools, and show it.

    codemode agent --provider anthropic --model claude-sonnet-4-6 "Which open issues mention Acme?"
    codemode agent --provider openai --model gpt-5-mini --mode tools --transcript run.json "..."

The work is shown as it happens (each turn, the code, tool results, the answer), then a usage table
with tokens, wall time and an estimated cost. Keys come from ANTHROPIC_API_KEY / OPENAI_API_KEY and
base URLs from ANTHROPIC_BASE_URL / OPENAI_BASE_URL, as the SDKs read them.

Exit status: 0 with a final answer, 1 when the API failed or --max-turns was reached, 2 for bad
usage (a missing key, a bad config).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from codemode.commands._common import add_config_argument, config_from_args, fail

if TYPE_CHECKING:
    from codemode.config import Config


def register(subparsers: Any) -> None:
    from codemode.agent.providers import PROVIDERS

    parser = subparsers.add_parser(
        "agent",
        help="run a task with a real model, in code mode or with classic tools",
        description="Run TASK with an Anthropic or OpenAI model over the configured tools (the embedded "
        "defaults without --config): with the one `code` tool (--mode code) or every tool directly "
        "(--mode tools, the classic baseline). Shows the work, then tokens and estimated cost.",
    )
    add_config_argument(parser)
    parser.add_argument("--provider", required=True, choices=PROVIDERS, help="which API to call")
    parser.add_argument("--model", required=True, metavar="MODEL", help="model id, e.g. claude-sonnet-4-6")
    parser.add_argument(
        "--mode",
        choices=("code", "tools"),
        default="code",
        help="code: the one `code` tool (default); tools: every tool directly",
    )
    parser.add_argument("--max-turns", type=int, default=20, metavar="N", help="stop after N requests (20)")
    parser.add_argument(
        "--max-tokens", type=int, default=8192, metavar="N", help="output token cap per request (8192)"
    )
    parser.add_argument("--transcript", metavar="PATH", help="write the whole exchange as JSON to PATH")
    parser.add_argument(
        "--yes",
        action="store_true",
        help="allow every tool call that needs approval without asking (default: ask in the terminal)",
    )
    parser.add_argument("task", metavar="TASK", help="what to do, or - to read it from stdin")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from codemode.agent.errors import MissingAPIKeyError
    from codemode.agent.providers import check_api_key

    if args.max_turns < 1:
        fail(f"--max-turns must be at least 1, got {args.max_turns}")
    if args.max_tokens < 1:
        fail(f"--max-tokens must be at least 1, got {args.max_tokens}")
    try:
        check_api_key(args.provider)
    except MissingAPIKeyError as error:
        fail(str(error))
    task = sys.stdin.read() if args.task == "-" else args.task
    if not task.strip():
        fail("the task is empty: pass it as TASK, or - to read it from stdin")
    config = config_from_args(args)
    try:
        status: int = anyio.run(_agent, args, config, task)
    except KeyboardInterrupt:
        print("codemode agent: interrupted", file=sys.stderr)
        return 130
    return status


async def _agent(args: argparse.Namespace, config: Config | None, task: str) -> int:
    from rich.console import Console

    from codemode.agent.display import LiveDisplay, print_summary
    from codemode.agent.errors import AgentError
    from codemode.agent.loop import run_agent
    from codemode.agent.transcript import write_transcript
    from codemode.app import open_engine
    from codemode.approvals.terminal import command_line_asker

    console = Console()
    asker, who = command_line_asker(args.yes)
    async with open_engine(config) as engine:
        # Caught inside: the engine's task groups would wrap it in an ExceptionGroup on the way out.
        try:
            result = await run_agent(
                task,
                provider=args.provider,
                model=args.model,
                mode=args.mode,
                engine=engine,
                toolbox=engine.tools,
                max_turns=args.max_turns,
                max_tokens=args.max_tokens,
                on_event=LiveDisplay(console),
                asker=asker,
                who=who,
            )
        except AgentError as error:
            print(f"codemode agent: {error}", file=sys.stderr)
            if args.transcript and error.partial is not None:
                write_transcript(error.partial, Path(args.transcript))
            return 1
    print_summary(console, result)
    if args.transcript:
        write_transcript(result, Path(args.transcript))
        console.print(f"[dim]transcript: {args.transcript}[/dim]")
    if result.stopped != "answer":
        print(
            f"codemode agent: no final answer after {args.max_turns} turns; raise --max-turns to go on",
            file=sys.stderr,
        )
        return 1
    return 0
