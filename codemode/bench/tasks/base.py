"""What a benchmark task is: a prompt, a code-mode solution program, and an oracle.

The oracle gets the program's answer and the world after the run (and the untouched world of the
same seed, to compute what the answer should be); it raises `OracleFailure` naming what is wrong.
It runs twice: after the code-mode run, and after the classic replay (the same calls re-issued
against a fresh world, with the same final answer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemode.bench.results import Category
from codemode.world import World

__all__ = ["Env", "OracleFailure", "Task", "expect"]


class OracleFailure(Exception):
    """The answer or the final state is wrong; the message says how."""


@dataclass(frozen=True)
class Env:
    """What an oracle may look at."""

    answer: Any
    """The value the program returned (the final answer, in both modes)."""
    world: World
    """The world after the run."""
    initial: World
    """A world of the same seed that nothing has touched (read it, never write it)."""
    files: Path
    """The filesystem server's directory after the run."""
    memory: Path
    """The memory server's knowledge-graph file after the run (JSON lines; may not exist)."""

    def memory_graph(self) -> list[dict[str, Any]]:
        """The memory server's records: `{"type": "entity"|"relation", ...}` per line."""
        import json

        if not self.memory.exists():
            return []
        return [
            json.loads(line) for line in self.memory.read_text(encoding="utf-8").splitlines() if line.strip()
        ]


@dataclass(frozen=True)
class Task:
    """One benchmark task."""

    id: str
    """Short, unique, kebab-case."""
    category: Category
    """The kind of work."""
    prompt: str
    """What the user asks (`{files}` is replaced with the scratch directory's path)."""
    code: str
    """The code-mode solution: the body of an async function (`{files}` replaced likewise)."""
    check: Callable[[Env], None]
    """The oracle: raises OracleFailure when the answer or the final state is wrong."""
    note: str = ""
    """Why it is in the suite, e.g. where classic tool calling should win."""
    servers: tuple[str, ...] = ()
    """The real MCP servers it needs (`filesystem`, `memory`)."""
    files: dict[str, str] = field(default_factory=dict)
    """Files to create in the scratch directory before the run (relative path -> text)."""
    memory: list[dict[str, Any]] = field(default_factory=list)
    """Knowledge-graph lines to start the memory server with."""


def expect(condition: bool, message: str) -> None:
    """Fail the oracle with `message` unless `condition` holds."""
    if not condition:
        raise OracleFailure(message)
