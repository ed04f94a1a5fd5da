"""What one benchmark run produced: per-task figures and the summary over them (pure data, no I/O)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from codemode.bench.accounting import ModeTokens

__all__ = ["CATEGORIES", "Category", "Definitions", "TaskResult", "by_category", "saving", "summarize"]

Category = Literal["single", "chained", "fanout", "analysis", "files", "workflow", "workspace"]

#: The categories in report order, with the words the table uses.
CATEGORIES: dict[str, str] = {
    "single": "single lookup",
    "chained": "chained calls",
    "fanout": "fan-out",
    "analysis": "filter / aggregate",
    "files": "file transformation",
    "workflow": "across servers",
    "workspace": "across two calls (workspace)",
}


@dataclass(frozen=True)
class Definitions:
    """The tool definitions alone: the classic JSON definitions vs the `code` tool with declarations."""

    classic_anthropic: int
    """Tokens of every tool in Anthropic's tools format (the primary figure)."""
    classic_openai: int
    """Tokens of every tool in OpenAI's Responses function format."""
    code_anthropic: int
    """Tokens of the one `code` tool (its description carries the declarations), Anthropic format."""
    code_openai: int
    """The same in OpenAI's format."""
    tools: int
    """How many tools the classic side defines."""
    classic_mcp: int = 0
    """Tokens of the tools as MCP `tools/list` JSON (with `outputSchema`, which the APIs do not take)."""
    code_index: int = 0
    """Tokens of the `code` tool as the engine describes it by default for a catalog this size: a listing
    plus `search`/`describe` when the declarations exceed its token budget (equal to `code_anthropic`
    when they fit)."""

    @property
    def ratio(self) -> float:
        """Code-mode definitions as a fraction of the classic ones (Anthropic format)."""
        return self.code_anthropic / self.classic_anthropic if self.classic_anthropic else 0.0


@dataclass(frozen=True)
class TaskResult:
    """One task, both modes."""

    id: str
    """The task's id."""
    category: Category
    """Which kind of work it is."""
    prompt: str
    """What the user asks (`{files}` stands for the filesystem server's scratch directory)."""
    note: str
    """Why the task is in the suite (e.g. where classic should win)."""
    status: Literal["ok", "failed", "skipped"]
    """`ok`: both oracles ran (see `passed_*`); `failed`: the run broke; `skipped`: could not run."""
    reason: str = ""
    """Why it failed or was skipped, or what an oracle said."""
    passed_code: bool = False
    """The oracle accepted code mode's answer and final state."""
    passed_classic: bool = False
    """The oracle accepted the classic replay's final state (same answer), and every replayed call
    returned what the code-mode run got."""
    tool_calls: int = 0
    """Tool calls in the plan."""
    code: ModeTokens | None = None
    """Code mode's tokens."""
    classic: ModeTokens | None = None
    """Classic tool calling's tokens."""
    code_full: ModeTokens | None = None
    """Code mode's tokens with every declaration in the description (offline only)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Anything else worth keeping (live mode: latency, cost, API usage)."""

    @property
    def saving(self) -> float | None:
        """1 - code total / classic total; negative when code mode costs more."""
        if self.code is None or self.classic is None:
            return None
        return saving(self.code.total, self.classic.total)

    @property
    def saving_cached(self) -> float | None:
        """The saving with warm prompt caching (`ModeTokens.cached_total` of both modes)."""
        if self.code is None or self.classic is None:
            return None
        classic = self.classic.cached_total
        return 1.0 - self.code.cached_total / classic if classic else 0.0

    @property
    def infeasible(self) -> list[str]:
        """The modes one of whose requests would not fit a 200k context (empty: both could run)."""
        return list(self.extra.get("infeasible", []))

    @property
    def saving_full(self) -> float | None:
        """The saving of code mode with every declaration in the description."""
        if self.code_full is None or self.classic is None:
            return None
        return saving(self.code_full.total, self.classic.total)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for mode in ("code", "classic", "code_full"):
            tokens = getattr(self, mode)
            if tokens is not None:
                data[mode]["total"] = tokens.total
                data[mode]["per_turn"] = [asdict(t) for t in tokens.per_turn]
        for mode in ("code", "classic", "code_full"):
            tokens = getattr(self, mode)
            if tokens is not None:
                data[mode]["cached_total"] = round(tokens.cached_total, 1)
                data[mode]["peak_input"] = tokens.peak_input
        data["saving"] = self.saving
        data["saving_cached"] = self.saving_cached
        data["saving_full"] = self.saving_full
        return data


def saving(code_total: int, classic_total: int) -> float:
    """The fraction of the classic total that code mode saves."""
    return 1.0 - code_total / classic_total if classic_total else 0.0


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def by_category(results: Sequence[TaskResult]) -> dict[str, dict[str, Any]]:
    """Per category: tasks, token sums per mode, turns, and the median and pooled savings."""
    table: dict[str, dict[str, Any]] = {}
    for category in CATEGORIES:
        rows = [r for r in results if r.category == category and r.code and r.classic]
        if not rows:
            continue
        code = [r.code for r in rows if r.code]
        classic = [r.classic for r in rows if r.classic]
        code_total = sum(t.total for t in code)
        classic_total = sum(t.total for t in classic)
        table[category] = {
            "tasks": len(rows),
            "code": {
                "input": sum(t.input for t in code),
                "output": sum(t.output for t in code),
                "total": code_total,
                "turns": sum(t.turns for t in code),
            },
            "classic": {
                "input": sum(t.input for t in classic),
                "output": sum(t.output for t in classic),
                "total": classic_total,
                "turns": sum(t.turns for t in classic),
            },
            "median_saving": _median([r.saving for r in rows if r.saving is not None]),
            "pooled_saving": saving(code_total, classic_total),
            "code_full_total": sum(r.code_full.total for r in rows if r.code_full),
            "median_saving_full": _median([r.saving_full for r in rows if r.saving_full is not None]),
        }
    return table


def summarize(results: Sequence[TaskResult], definitions: Definitions, tokenizer: str) -> dict[str, Any]:
    """The headline figures; a task one mode could not run (over a 200k context) is counted as
    infeasible and left out of every saving."""
    measured = [r for r in results if r.saving is not None and not r.infeasible]
    multistep = [r.saving for r in measured if r.category != "single" and r.saving is not None]
    single = [r.saving for r in measured if r.category == "single" and r.saving is not None]
    multistep_cached = [
        r.saving_cached for r in measured if r.category != "single" and r.saving_cached is not None
    ]
    single_cached = [
        r.saving_cached for r in measured if r.category == "single" and r.saving_cached is not None
    ]
    code_total = sum(r.code.total for r in measured if r.code)
    classic_total = sum(r.classic.total for r in measured if r.classic)
    full_multistep = [r.saving_full for r in measured if r.category != "single" and r.saving_full is not None]
    full_single = [r.saving_full for r in measured if r.category == "single" and r.saving_full is not None]
    return {
        "tasks": len(results),
        "measured": len(measured),
        "skipped": sum(r.status == "skipped" for r in results),
        "failed": sum(r.status == "failed" for r in results),
        "passed_code": sum(r.passed_code for r in results),
        "passed_classic": sum(r.passed_classic for r in results),
        "median_saving_multistep": _median(multistep),
        "median_saving_single": _median(single),
        "worst_saving_single": min(single) if single else None,
        "median_saving_multistep_cached": _median(multistep_cached),
        "median_saving_single_cached": _median(single_cached),
        "worst_saving_single_cached": min(single_cached) if single_cached else None,
        "infeasible_classic_tasks": sum("classic" in r.infeasible for r in results),
        "infeasible_code_tasks": sum("code" in r.infeasible for r in results),
        "infeasible": {r.id: r.infeasible for r in results if r.infeasible},
        "pooled_saving": saving(code_total, classic_total) if measured else None,
        "code_total": code_total,
        "classic_total": classic_total,
        "full_declarations": {
            "median_saving_multistep": _median(full_multistep),
            "median_saving_single": _median(full_single),
            "worst_saving_single": min(full_single) if full_single else None,
            "code_total": sum(r.code_full.total for r in measured if r.code_full),
        },
        # The default configuration's `code` tool (index or declarations, as the engine chose).
        "definitions_ratio": definitions.code_index / definitions.classic_anthropic
        if definitions.classic_anthropic
        else None,
        "definitions_ratio_full_declarations": definitions.ratio,
        "definitions_ratio_vs_mcp_json": definitions.code_anthropic / definitions.classic_mcp
        if definitions.classic_mcp
        else None,
        "definitions": asdict(definitions),
        "tokenizer": tokenizer,
        "primary_format": "anthropic",
    }
