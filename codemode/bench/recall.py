"""Can `search()` find what a task needs? Recall@10 of the discovery search over the bench's tasks.

For every task, each tool its solution program calls must be among the first 10 results of
`search()` over the task's own prompt, as a model in discovery mode would search when the task does
not name the tool. Recall is counted over (task, tool) pairs: the share of the tools the solutions
use that the search puts in the top 10. The catalog is whatever tools are passed in (the bench's:
the built-in world, plus the filesystem and memory servers when they run).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from codemode.bench.tasks import Task, all_tasks
from codemode.discovery import Catalog
from codemode.sources.protocol import ToolInfo

__all__ = ["RECALL_DEPTH", "SCRATCH", "TaskRecall", "search_recall_at_10", "task_recalls", "tools_called"]

RECALL_DEPTH = 10
"""How many search results count as found."""

SCRATCH = "/tmp/codemode-bench/files"
"""What `{files}` in a prompt stands for: the bench's scratch directory is always a `files` folder."""

_CALL = re.compile(r"\b([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\s*\(")


@dataclass(frozen=True)
class TaskRecall:
    """What the search found for one task."""

    task_id: str
    """The task's id."""
    needed: tuple[str, ...]
    """The tools its solution calls, `namespace.tool`, in order of first call."""
    missed: tuple[str, ...]
    """Those not in the top results for its prompt."""
    ranks: dict[str, int | None]
    """Each needed tool's 1-based rank in the search results (None past the depth searched)."""


def tools_called(code: str, catalog: set[str]) -> tuple[str, ...]:
    """The catalog tools a program calls (`ns.tool(`), each once, in order of first call."""
    seen: dict[str, None] = {}
    for namespace, name in _CALL.findall(code):
        qualified = f"{namespace}.{name}"
        if qualified in catalog:
            seen.setdefault(qualified)
    return tuple(seen)


def task_recalls(
    tools: Sequence[ToolInfo], tasks: Sequence[Task] | None = None, depth: int = RECALL_DEPTH
) -> list[TaskRecall]:
    """Per task: the tools its solution calls and those `search(prompt)` leaves out of the top `depth`.

    Tasks whose solution calls no tool of `tools` (their server is not in the catalog) are left out."""
    catalog = Catalog(tools)
    names = {tool.qualified_name for tool in tools}
    out = []
    for task in all_tasks() if tasks is None else tasks:
        needed = tools_called(task.code, names)
        if not needed:
            continue
        prompt = task.prompt.replace("{files}", SCRATCH)
        ranked = [hit.name for hit in catalog.search(prompt, limit=len(names))]
        ranks = {name: (ranked.index(name) + 1 if name in ranked else None) for name in needed}
        missed = tuple(name for name in needed if (ranks[name] or depth + 1) > depth)
        out.append(TaskRecall(task.id, needed, missed, ranks))
    return out


def search_recall_at_10(tools: Sequence[ToolInfo], tasks: Sequence[Task] | None = None) -> float:
    """The share of (task, tool used by its solution) pairs whose tool `search(prompt)` ranks in the
    top 10, over `tasks` (default: every bench task) and the catalog `tools`; 1.0 when none apply."""
    recalls = task_recalls(tools, tasks)
    needed = sum(len(r.needed) for r in recalls)
    found = needed - sum(len(r.missed) for r in recalls)
    return found / needed if needed else 1.0
