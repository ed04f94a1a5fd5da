"""Showing a run: the terminal table, the JSON file with every figure, and the SVG chart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from codemode.bench.plot import render_svg
from codemode.bench.results import CATEGORIES, TaskResult, by_category

__all__ = ["print_report", "write_json", "write_plot"]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _fewer(saving: float | None) -> str:
    if saving is None:
        return "—"
    return f"{saving * 100:.0f}% fewer tokens" if saving >= 0 else f"{-saving * 100:.0f}% more tokens"


def print_report(results: Sequence[TaskResult], summary: dict[str, Any], console: Console) -> None:
    """Per task, per category, then the headline figures against the targets."""
    table = Table(
        title="Tokens per task: the same plan, classic tool calling vs code mode", title_justify="left"
    )
    table.add_column("task")
    table.add_column("category")
    for name in (
        "calls",
        "classic in/out",
        "turns",
        "code in/out",
        "turns",
        "saving",
        "full decl.",
        "saving",
    ):
        table.add_column(name, justify="right")
    table.add_column("oracle code/classic")
    for r in results:
        if r.code is None or r.classic is None:
            table.add_row(
                r.id, r.category, "", "", "", "", "", "", "", "", f"[yellow]{r.status}[/]: {r.reason}"
            )
            continue
        oracle = ("✓" if r.passed_code else "[red]✗[/]") + " " + ("✓" if r.passed_classic else "[red]✗[/]")
        if r.reason:
            oracle += f" {r.reason}"
        table.add_row(
            r.id,
            r.category,
            str(r.tool_calls),
            f"{r.classic.input:,}/{r.classic.output:,}",
            str(r.classic.turns),
            f"{r.code.input:,}/{r.code.output:,}",
            str(r.code.turns),
            _pct(r.saving),
            f"{r.code_full.total:,}" if r.code_full else "—",
            _pct(r.saving_full),
            oracle,
        )
    console.print(table)

    categories = Table(title="Per category", title_justify="left")
    for name in (
        "category",
        "tasks",
        "classic total",
        "code total",
        "classic turns",
        "code turns",
        "median saving",
        "full decl. total",
        "median saving",
    ):
        categories.add_column(name, justify="left" if name == "category" else "right")
    for key, row in by_category(results).items():
        categories.add_row(
            CATEGORIES[key],
            str(row["tasks"]),
            f"{row['classic']['total']:,}",
            f"{row['code']['total']:,}",
            str(row["classic"]["turns"]),
            str(row["code"]["turns"]),
            _pct(row["median_saving"]),
            f"{row['code_full_total']:,}" if row["code_full_total"] else "—",
            _pct(row["median_saving_full"]),
        )
    console.print(categories)

    d = summary["definitions"]
    console.print(
        f"Definitions only: classic {d['classic_anthropic']:,} tokens for {d['tools']} tools "
        f"(Anthropic format; OpenAI {d['classic_openai']:,}) vs the default `code` tool "
        f"{d['code_index']:,} = {_pct(summary['definitions_ratio'])} (target ≤ 50%); every declaration "
        f"{d['code_anthropic']:,} = {_pct(summary['definitions_ratio_full_declarations'])}. GitHub's 117 "
        f"tools: the default `code` tool is {_pct(summary.get('github_description_ratio'))} of their JSON. "
        f"search() recall@10 over the tasks: {_pct(summary.get('search_recall_at_10'))}."
    )
    full = summary["full_declarations"]
    console.print(
        f"Median saving, multi-step tasks: {_pct(summary['median_saving_multistep'])} (target ≥ 85%); "
        f"single-call tasks: {_pct(summary['median_saving_single'])}, worst "
        f"{_pct(summary['worst_saving_single'])} (target ≥ −10%). With every declaration in the "
        f"description: {_pct(full['median_saving_multistep'])} and {_pct(full['median_saving_single'])} "
        f"(worst {_pct(full['worst_saving_single'])}). With warm prompt caching: multi-step "
        f"{_pct(summary['median_saving_multistep_cached'])}, single-call "
        f"{_pct(summary['median_saving_single_cached'])} (worst "
        f"{_pct(summary['worst_saving_single_cached'])}). Left out as infeasible (a request over a 200k "
        f"context): {summary['infeasible_classic_tasks']} classic plans, {summary['infeasible_code_tasks']} "
        f"code plans."
    )
    console.print(
        f"Oracles passed: code mode {summary['passed_code']}/{summary['tasks']}, classic replay "
        f"{summary['passed_classic']}/{summary['tasks']}; skipped {summary['skipped']}, "
        f"failed {summary['failed']}. Tokenizer: {summary['tokenizer']}."
    )
    console.print(
        "[dim]Measured: the context cost of the same plan in both modes. Not measured: whether a model "
        "finds that plan (see `codemode bench --live`).[/]"
    )


def write_json(
    path: Path,
    results: Sequence[TaskResult],
    summary: dict[str, Any],
    meta: dict[str, Any],
    languages: dict[str, Any] | None = None,
) -> None:
    """Every figure: the summary, per category, per task (per turn); `languages` when several ran."""
    data = {
        "summary": summary,
        "categories": by_category(results),
        "tasks": [r.to_json() for r in results],
        "meta": meta,
    }
    if languages is not None:
        data["languages"] = languages
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_plot(path: Path, results: Sequence[TaskResult], summary: dict[str, Any]) -> None:
    """The SVG chart (only SVG is written: the path must end in `.svg`)."""
    if path.suffix.lower() != ".svg":
        raise ValueError(
            f"--plot {path}: only SVG is written; name the file `{path.with_suffix('.svg').name}`"
        )
    subtitle = (
        f"{summary['measured']} tasks, the same plan in both modes. Code mode, median "
        f"{_fewer(summary['median_saving_multistep'])} on multi-step tasks, "
        f"{_fewer(summary['median_saving_single'])} on single calls."
    )
    svg = render_svg(
        results,
        title="codemode: tokens per task, classic tool calling vs code mode",
        subtitle=subtitle,
        tokenizer=str(summary["tokenizer"]),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg + "\n", encoding="utf-8")
