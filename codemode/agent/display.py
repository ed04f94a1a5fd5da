"""The terminal view of a run, with rich: the work as it happens, then the usage table.

`LiveDisplay` is an event handler for `run_agent(on_event=...)`: a rule per turn, the code the model
wrote (syntax-highlighted TypeScript), classic tool calls, a short view of each result (red when it
is an error), the final answer. `usage_table` and `print_summary` show what the run cost.
The display only reads events and results; the loop knows nothing of it.
"""

from __future__ import annotations

import json

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from codemode.agent.events import (
    AgentEvent,
    AssistantText,
    CodeWritten,
    FinalAnswer,
    ToolCalled,
    ToolReturned,
    TurnFinished,
    TurnStarted,
)
from codemode.agent.loop import AgentResult

__all__ = ["LiveDisplay", "print_summary", "shorten", "usage_table"]


def shorten(text: str, *, max_lines: int = 12, max_chars: int = 1200) -> str:
    """The start of `text`, cut at `max_lines` lines or `max_chars` characters with a note."""
    lines = text.splitlines()
    cut = "\n".join(lines[:max_lines])
    if len(cut) > max_chars:
        cut = cut[:max_chars]
    if len(cut) < len(text.rstrip("\n")):
        cut += f"\n… ({len(text) - len(cut)} more characters)"
    return cut


class LiveDisplay:
    """Renders agent events on a rich console as they arrive."""

    def __init__(self, console: Console, *, result_lines: int = 12, result_chars: int = 1200) -> None:
        self.console = console
        self.result_lines = result_lines
        self.result_chars = result_chars

    def __call__(self, event: AgentEvent) -> None:
        console = self.console
        if isinstance(event, TurnStarted):
            console.rule(f"[bold]turn {event.turn}", align="left")
        elif isinstance(event, TurnFinished):
            u = event.usage
            console.print(
                f"[dim]model: {u.total_input_tokens:,} input ({u.cache_read_tokens:,} cached), "
                f"{u.output_tokens:,} output tokens[/dim]"
            )
        elif isinstance(event, AssistantText):
            console.print(Text(event.text, style="italic"))
        elif isinstance(event, CodeWritten):
            code = Syntax(event.code, "typescript", theme="ansi_dark", word_wrap=True)
            console.print(Panel(code, title="code", title_align="left", border_style="cyan"))
        elif isinstance(event, ToolCalled):
            arguments = json.dumps(event.arguments, ensure_ascii=False)
            call = Text.assemble(("→ ", "cyan"), (event.name, "bold cyan"), f"({arguments})")
            console.print(shorten_text(call, self.result_chars))
        elif isinstance(event, ToolReturned):
            body = Text(shorten(event.text, max_lines=self.result_lines, max_chars=self.result_chars))
            title = f"{event.name} error" if event.is_error else f"{event.name} result"
            style = "red" if event.is_error else "green"
            console.print(Panel(body, title=title, title_align="left", border_style=style))
        elif isinstance(event, FinalAnswer):
            answer = Markdown(event.text or "(empty answer)")
            console.print(Panel(answer, title="answer", border_style="bold"))


def shorten_text(text: Text, max_chars: int) -> Text:
    """`text` cut at `max_chars` characters."""
    if len(text) <= max_chars:
        return text
    text = text.copy()
    text.truncate(max_chars, overflow="ellipsis")
    return text


def usage_table(result: AgentResult) -> Table:
    """Tokens per turn and in total, from the API's usage fields."""
    table = Table(title=f"{result.provider} {result.model}, {result.mode} mode", title_justify="left")
    table.add_column("turn", justify="right")
    table.add_column("input", justify="right")
    table.add_column("cache write", justify="right")
    table.add_column("cache read", justify="right")
    table.add_column("output", justify="right")
    table.add_column("tool calls", justify="right")
    table.add_column("seconds", justify="right")
    for record in result.turns:
        u = record.usage
        table.add_row(
            str(record.turn),
            f"{u.input_tokens:,}",
            f"{u.cache_write_tokens:,}",
            f"{u.cache_read_tokens:,}",
            f"{u.output_tokens:,}",
            str(len(record.tool_calls)),
            f"{record.wall_s:.1f}",
        )
    total = result.total
    table.add_section()
    table.add_row(
        "total",
        f"{total.input_tokens:,}",
        f"{total.cache_write_tokens:,}",
        f"{total.cache_read_tokens:,}",
        f"{total.output_tokens:,}",
        str(result.tool_calls),
        f"{result.wall_s:.1f}",
        style="bold",
    )
    return table


def format_cost(cost: float | None) -> str:
    """`$0.0123`, or `n/a` for a model without a price."""
    return "n/a" if cost is None else f"${cost:.4f}"


def print_summary(console: Console, result: AgentResult) -> None:
    """The usage table and one line: turns, wall time, estimated cost, how the run stopped."""
    stopped = "final answer" if result.stopped == "answer" else "stopped at --max-turns"
    line = Text.assemble(
        (f"{len(result.turns)} turns", "bold"),
        f", {result.wall_s:.1f} s wall time, estimated cost ",
        (format_cost(result.cost_usd), "bold"),
        f" ({stopped})",
    )
    console.print(Group(usage_table(result), line))
