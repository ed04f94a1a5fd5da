"""The benchmark's tasks: at least 20, over seven categories, each with a code-mode solution and an oracle."""

from __future__ import annotations

from collections.abc import Sequence

from codemode.bench.tasks.analysis import ANALYSIS
from codemode.bench.tasks.base import Env, FollowUp, OracleFailure, Task, expect
from codemode.bench.tasks.fanout import FANOUT
from codemode.bench.tasks.files import FILES
from codemode.bench.tasks.lookups import CHAINED, SINGLE
from codemode.bench.tasks.two_calls import TWO_CALLS
from codemode.bench.tasks.workflows import WORKFLOWS

__all__ = ["Env", "FollowUp", "OracleFailure", "Task", "all_tasks", "expect", "select_tasks"]


def all_tasks() -> list[Task]:
    """Every task, in report order (by category)."""
    return [*SINGLE, *CHAINED, *FANOUT, *ANALYSIS, *FILES, *WORKFLOWS, *TWO_CALLS]


def select_tasks(patterns: Sequence[str] | None) -> list[Task]:
    """The tasks whose id or category contains one of `patterns` (all tasks when none are given)."""
    tasks = all_tasks()
    if not patterns:
        return tasks
    chosen = [t for t in tasks if any(p in t.id or p == t.category for p in patterns)]
    if not chosen:
        ids = ", ".join(t.id for t in tasks)
        raise ValueError(f"no task matches {', '.join(patterns)}; tasks are: {ids}")
    return chosen
