"""What a benchmark task is: a prompt, a code-mode solution program (TypeScript and Python), and an oracle.

The oracle gets the program's answer and the world after the run (and the untouched world of the
same seed, to compute what the answer should be); it raises `OracleFailure` naming what is wrong.
It runs twice: after the code-mode run, and after the classic replay (the same calls re-issued
against a fresh world, with the same final answer).

A task may go on over several turns of one conversation (`Task.followups`): the user sends the next
message after the first answer, and the next program runs against the same world and the same
workspace, which is how programs keep data between `code` calls. The oracle runs once, after the
last turn, and sees every turn's answer. Every run gets a fresh, empty workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemode.bench.results import Category
from codemode.world import World

__all__ = ["Env", "FollowUp", "OracleFailure", "Task", "expect", "expect_answer"]


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
    live: bool = False
    """True when `answer` is a live model's final text rather than the program's return value."""
    workspace: Path | None = None
    """The run's workspace directory (fresh for every run), while the run's tools are still open."""
    answers: tuple[Any, ...] = ()
    """Every turn's answer, in order, for a task with follow-ups (the last one is `answer`)."""

    def workspace_text(self, path: str) -> str | None:
        """The text of the workspace file at `path` after the run, or None when there is none."""
        from codemode.sources.workspace import SqliteStore, WorkspaceError, check_path

        if self.workspace is None:
            return None
        store = SqliteStore(self.workspace)
        try:
            return store.read(check_path(path)).decode("utf-8")
        except WorkspaceError:
            return None
        finally:
            store.close()

    def memory_graph(self) -> list[dict[str, Any]]:
        """The memory server's records: `{"type": "entity"|"relation", ...}` per line."""
        import json

        if not self.memory.exists():
            return []
        return [
            json.loads(line) for line in self.memory.read_text(encoding="utf-8").splitlines() if line.strip()
        ]


@dataclass(frozen=True)
class FollowUp:
    """A later turn of the same conversation: the user's next message and its solution programs."""

    prompt: str
    """What the user asks next, after the previous answer."""
    code: str
    """The code-mode solution of this turn (TypeScript, the body of an async function)."""
    python: str = ""
    """The same solution in Python."""


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
    python: str = ""
    """The same plan as a Python program, as a model writes it against the Python stubs (`await
    crm.get_customer(customer_id=...)`, plain dicts and lists, `asyncio.gather` to fan out, the last
    expression is the answer); the same oracle checks it. `{files}` is replaced likewise."""
    followups: tuple[FollowUp, ...] = ()
    """Later turns of the same conversation, each its own `code` call (see the module docstring)."""

    def turns(self) -> list[tuple[str, str, str]]:
        """Each turn's (prompt, TypeScript solution, Python solution), the first one first."""
        later = [(f.prompt, f.code, f.python) for f in self.followups]
        return [(self.prompt, self.code, self.python), *later]


def expect(condition: bool, message: str) -> None:
    """Fail the oracle with `message` unless `condition` holds."""
    if not condition:
        raise OracleFailure(message)


def expect_answer(env: Env, want: Any, *, tolerance: float = 0.0, keys: bool = False) -> None:
    """The answer is `want` (numbers within `tolerance`); for a live model's text, it mentions every
    string and number of `want`, and its dict keys too when they are data (`keys`: region names, ids),
    not field names."""
    if env.live:
        missing = [leaf for leaf in _leaves(want, keys) if not _mentions(str(env.answer), leaf)]
        expect(not missing, f"the final answer should mention {missing[:5]}")
    else:
        expect(
            _equal(env.answer, want, tolerance), f"answer should be {_short(want)}, got {_short(env.answer)}"
        )


def _equal(got: Any, want: Any, tolerance: float) -> bool:
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and got.keys() == want.keys()
            and all(_equal(got[k], want[k], tolerance) for k in want)
        )
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(_equal(g, w, tolerance) for g, w in zip(got, want, strict=True))
        )
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        return abs(got - want) <= tolerance
    return bool(got == want)


def _leaves(value: Any, keys: bool) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in ([k] if keys else []) + _leaves(v, keys)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item, keys)]
    return [] if value is None or isinstance(value, bool) else [value]


def _mentions(text: str, leaf: Any) -> bool:
    if isinstance(leaf, str):
        return leaf.lower() in text.lower()
    plain = text.replace(",", "").replace("$", "")
    number = float(leaf)
    forms = {f"{number:.2f}", f"{number:.1f}", f"{number:.0f}", f"{number * 100:.1f}", f"{number * 100:.0f}"}
    return any(form in plain for form in forms)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "..."
