"""Both program languages side by side: the terminal tables and the JSON `languages` section.

`codemode bench --language both` runs the suite once per language (`suite.run_suites`); the classic
side is the same plan replayed, so each language's saving is against its own replay of the same calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from codemode.bench.languages import Language
from codemode.bench.results import TaskResult, by_category

__all__ = ["languages_json", "print_side_by_side"]

_NAMES: dict[str, str] = {"typescript": "TypeScript", "python": "Python"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _total(result: TaskResult, mode: str) -> str:
    tokens = getattr(result, mode)
    return "—" if tokens is None else f"{tokens.total:,}"


def _oracle(result: TaskResult) -> str:
    if result.status != "ok":
        return f"[yellow]{result.status}[/]"
    return ("✓" if result.passed_code else "[red]✗[/]") + ("✓" if result.passed_classic else "[red]✗[/]")


Results = Mapping[Language, list[TaskResult]]
"""Each language's task results, in the same task order."""
Summaries = Mapping[Language, dict[str, Any]]
"""Each language's summary (`results.summarize`, with the run-wide figures)."""


def print_side_by_side(results: Results, summaries: Summaries, console: Console) -> None:
    """Per task: classic, then each language's code-mode tokens and saving (default description and
    every declaration); then per language, the headline figures."""
    languages = list(results)
    title = "Tokens per task: classic tool calling vs code mode, per language"
    table = Table(title=title, title_justify="left")
    table.add_column("task")
    table.add_column("classic", justify="right")
    for language in languages:
        name = _NAMES[language]
        for column in (f"{name}", "saving", "full decl.", "saving", "oracles"):
            table.add_column(column, justify="right")
    by_id = {language: {r.id: r for r in rows} for language, rows in results.items()}
    for first in results[languages[0]]:
        row = [first.id, _total(first, "classic")]
        for language in languages:
            r = by_id[language].get(first.id)
            if r is None:
                row += ["—"] * 5
                continue
            row += [_total(r, "code"), _pct(r.saving), _total(r, "code_full"), _pct(r.saving_full)]
            row.append(_oracle(r))
        table.add_row(*row)
    console.print(table)

    headline = Table(title="Per language (median savings; the default `code` tool)", title_justify="left")
    for column in ("language", "oracles code/classic", "multi-step", "single", "worst single",
                   "full decl. multi-step", "full decl. single", "definitions", "code total"):  # fmt: skip
        headline.add_column(column, justify="left" if column == "language" else "right")
    for language, s in summaries.items():
        full = s["full_declarations"]
        headline.add_row(
            _NAMES[language],
            f"{s['passed_code']}/{s['tasks']} {s['passed_classic']}/{s['tasks']}",
            _pct(s["median_saving_multistep"]),
            _pct(s["median_saving_single"]),
            _pct(s["worst_saving_single"]),
            _pct(full["median_saving_multistep"]),
            _pct(full["median_saving_single"]),
            f"{s['definitions']['code_index']:,} ({_pct(s['definitions_ratio'])})",
            f"{s['code_total']:,}",
        )
    console.print(headline)


def languages_json(results: Results, summaries: Summaries) -> dict[str, Any]:
    """The JSON `languages` section: per language, its summary, per category, and per task the
    code-mode figures (the classic ones are the top level's)."""
    return {
        language: {
            "summary": summaries[language],
            "categories": by_category(rows),
            "tasks": [
                {
                    "id": r.id,
                    "status": r.status,
                    "reason": r.reason,
                    "passed_code": r.passed_code,
                    "passed_classic": r.passed_classic,
                    "tool_calls": r.tool_calls,
                    "waves": r.extra.get("waves"),
                    "code_total": r.code.total if r.code else None,
                    "code_full_total": r.code_full.total if r.code_full else None,
                    "classic_total": r.classic.total if r.classic else None,
                    "saving": r.saving,
                    "saving_full": r.saving_full,
                }
                for r in rows
            ],
        }
        for language, rows in results.items()
    }
