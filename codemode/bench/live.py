"""`codemode bench --live`: the same tasks through the agent loop with a real model, in both modes.

Each task runs twice against a fresh world: classic (`--mode tools`: every tool directly) and code
mode (the one `code` tool, described as the engine does by default: declarations, or the index with
`search`/`describe` when they exceed its token budget). Tokens come from the API's usage
fields (cache reads and writes included in input), success from the task's oracle on the world's
final state and the model's final text (which must mention every part of the expected answer).
Latency is the wall time of the whole run; cost is the agent's price-table estimate.
"""

from __future__ import annotations

import argparse
import logging
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from rich.console import Console
from rich.table import Table

from codemode.agent.errors import AgentError
from codemode.agent.loop import AgentResult, run_agent
from codemode.agent.providers import ProviderName, check_api_key
from codemode.agent.toolset import Mode
from codemode.approvals.terminal import AllowAll
from codemode.bench.accounting import ModeTokens, TurnTokens
from codemode.bench.environment import BenchTools, Upstreams, open_upstreams
from codemode.bench.report import write_json, write_plot
from codemode.bench.results import TaskResult
from codemode.bench.suite import oracle_verdict
from codemode.bench.tasks import Env, Task
from codemode.bench.trace import Recorder
from codemode.engine import CodeMode
from codemode.world import World
from sandbox import DenoExecutor, SandboxSettings

__all__ = ["live_summary", "run_live", "run_live_command"]

logger = logging.getLogger(__name__)

#: Our mode names -> the agent loop's.
_MODES: dict[str, Mode] = {"classic": "tools", "code": "code"}


async def run_live(
    tasks: Sequence[Task],
    *,
    provider: ProviderName,
    model: str,
    max_turns: int = 20,
    seed: int = 0,
    node_modules: Path | None = None,
    upstream: bool = True,
    on_result: Callable[[TaskResult], None] | None = None,
) -> list[TaskResult]:
    """Every task in both modes with the model; one broken run is reported, never dropped."""
    modules = node_modules if upstream else None
    results: list[TaskResult] = []
    async with open_upstreams(modules) as upstreams, DenoExecutor(SandboxSettings()) as executor:
        tools = BenchTools(upstreams.toolbox, Recorder())
        bench = _Live(
            provider=provider,
            model=model,
            max_turns=max_turns,
            seed=seed,
            initial=World.generate(seed),
            tools=tools,
            engine=CodeMode(tools, executor),  # as `codemode serve` describes it
            upstreams=upstreams,
        )
        for task in tasks:
            if task.servers and upstreams.toolbox is None:
                reason = f"needs {', '.join(task.servers)}: {upstreams.unavailable}"
                result = TaskResult(task.id, task.category, task.prompt, task.note, "skipped", reason)
            elif task.followups:
                reason = "a conversation of several turns; the live runner sends one prompt per task"
                result = TaskResult(task.id, task.category, task.prompt, task.note, "skipped", reason)
            else:
                result = await _run_task(task, bench)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


@dataclass(frozen=True)
class _Live:
    """What every live run shares."""

    provider: ProviderName
    model: str
    max_turns: int
    seed: int
    initial: World
    tools: BenchTools
    engine: CodeMode
    upstreams: Upstreams


async def _run_task(task: Task, bench: _Live) -> TaskResult:
    runs: dict[str, dict[str, Any]] = {}
    tokens: dict[str, ModeTokens] = {}
    for mode, agent_mode in _MODES.items():
        runs[mode], counted = await _run_mode(task, agent_mode, bench)
        if counted is not None:
            tokens[mode] = counted
    verdicts = [f"{m}: {r['verdict']}" for m, r in runs.items() if r["verdict"]]
    return TaskResult(
        task.id,
        task.category,
        task.prompt,
        task.note,
        "ok" if tokens.keys() == _MODES.keys() else "failed",
        "; ".join(verdicts),
        passed_code=bool(runs["code"]["passed"]),
        passed_classic=bool(runs["classic"]["passed"]),
        tool_calls=int(runs["classic"].get("tool_calls", 0)),
        code=tokens.get("code"),
        classic=tokens.get("classic"),
        extra={"live": runs},
    )


async def _run_mode(task: Task, mode: Mode, bench: _Live) -> tuple[dict[str, Any], ModeTokens | None]:
    """One agent run against a fresh world: its figures, and its tokens (None if it never answered)."""
    upstreams = bench.upstreams
    world = World.generate(bench.seed)
    upstreams.reset(task.files, task.memory)
    error = ""
    result: AgentResult | None = None
    async with bench.tools.world(world):
        try:
            result = await run_agent(
                task.prompt.replace("{files}", str(upstreams.files)),
                provider=bench.provider,
                model=bench.model,
                mode=mode,
                toolbox=bench.tools,
                engine=bench.engine,
                max_turns=bench.max_turns,
                asker=AllowAll(),  # unattended: the model's calls are allowed, and logged
                who="the live benchmark (unattended)",
            )
        except AgentError as failure:
            error = str(failure)
            result = failure.partial if isinstance(failure.partial, AgentResult) else None
    if result is None:
        return {"passed": False, "verdict": error}, None
    env = Env(result.final_text, world, bench.initial, upstreams.files, upstreams.memory, live=True)
    verdict = error or oracle_verdict(task, env)
    if not verdict and result.stopped != "answer":
        verdict = f"stopped: {result.stopped}"
    figures = {
        "passed": not verdict,
        "verdict": verdict,
        "stopped": result.stopped,
        "wall_s": round(result.wall_s, 3),
        "cost_usd": result.cost_usd,
        "cache_read_tokens": result.total.cache_read_tokens,
        "cache_write_tokens": result.total.cache_write_tokens,
        "tool_calls": result.tool_calls,
        "final_text": result.final_text,
    }
    return figures, _tokens(result)


def _tokens(result: AgentResult) -> ModeTokens:
    per_turn = tuple(TurnTokens(t.usage.total_input_tokens, t.usage.output_tokens) for t in result.turns)
    return ModeTokens(
        input=sum(t.input for t in per_turn),
        output=sum(t.output for t in per_turn),
        turns=len(per_turn),
        definitions=0,
        per_turn=per_turn,
    )


def live_summary(results: Sequence[TaskResult], provider: str, model: str) -> dict[str, Any]:
    """Per mode: success rate, tokens, turns, latency and cost; plus the required summary keys."""
    ran = [r for r in results if r.status != "skipped"]
    modes: dict[str, Any] = {}
    for mode in _MODES:
        runs = [r.extra.get("live", {}).get(mode, {}) for r in ran]
        counted = [getattr(r, mode) for r in ran if getattr(r, mode) is not None]
        costs = [run["cost_usd"] for run in runs if run.get("cost_usd") is not None]
        modes[mode] = {
            "passed": sum(bool(run.get("passed")) for run in runs),
            "success_rate": sum(bool(run.get("passed")) for run in runs) / len(ran) if ran else None,
            "input_tokens": sum(t.input for t in counted),
            "output_tokens": sum(t.output for t in counted),
            "total_tokens": sum(t.total for t in counted),
            "turns": sum(t.turns for t in counted),
            "median_latency_s": statistics.median(
                [run["wall_s"] for run in runs if "wall_s" in run] or [0.0]
            ),
            "cost_usd": sum(costs) if costs else None,
        }
    savings = [r.saving for r in ran if r.saving is not None]
    multistep = [r.saving for r in ran if r.category != "single" and r.saving is not None]
    single = [r.saving for r in ran if r.category == "single" and r.saving is not None]
    return {
        "live": True,
        "provider": provider,
        "model": model,
        "tasks": len(results),
        "skipped": sum(r.status == "skipped" for r in results),
        "passed_code": modes["code"]["passed"],
        "passed_classic": modes["classic"]["passed"],
        "median_saving": statistics.median(savings) if savings else None,
        "median_saving_multistep": statistics.median(multistep) if multistep else None,
        "median_saving_single": statistics.median(single) if single else None,
        "definitions_ratio": None,
        "tokenizer": f"{provider} API usage fields",
        "modes": modes,
    }


def run_live_command(args: argparse.Namespace, tasks: Sequence[Task], console: Console) -> int:
    """The `--live` half of `codemode bench`."""
    from codemode.agent.errors import MissingAPIKeyError

    provider: ProviderName = args.provider
    if not args.model:
        console.print(
            "[red]--live needs --model, e.g. --model claude-sonnet-4-5 (or gpt-5 with --provider openai)[/]"
        )
        return 2
    try:
        check_api_key(provider)
    except MissingAPIKeyError as error:
        console.print(f"[red]{error}[/]")
        return 2

    def progress(result: TaskResult) -> None:
        console.print(
            f"[dim]{result.id}: code {_tick(result.passed_code)} classic {_tick(result.passed_classic)}[/]"
        )

    results = anyio.run(
        lambda: run_live(
            tasks,
            provider=provider,
            model=args.model,
            max_turns=getattr(args, "max_turns", 20),
            seed=getattr(args, "seed", 0),
            node_modules=getattr(args, "node_modules", None),
            on_result=progress,
        )
    )
    summary = live_summary(results, provider, args.model)
    _print(results, summary, console)
    if getattr(args, "json", None) is not None:
        write_json(args.json, results, summary, {"live": True, "provider": provider, "model": args.model})
        console.print(f"Wrote {args.json}")
    if getattr(args, "plot", None) is not None:
        write_plot(args.plot, results, {**summary, "measured": len(results)})
        console.print(f"Wrote {args.plot}")
    return 0


def _tick(ok: bool) -> str:
    return "✓" if ok else "✗"


def _print(results: Sequence[TaskResult], summary: dict[str, Any], console: Console) -> None:
    table = Table(title=f"Live: {summary['provider']} {summary['model']}, both modes", title_justify="left")
    for column in (
        "task",
        "classic ok",
        "classic tokens",
        "turns",
        "code ok",
        "code tokens",
        "turns",
        "saving",
    ):
        table.add_column(column, justify="left" if column == "task" else "right")
    for r in results:
        if r.code is None or r.classic is None:
            table.add_row(r.id, "", "", "", "", "", "", f"{r.status}: {r.reason}")
            continue
        table.add_row(
            r.id,
            _tick(r.passed_classic),
            f"{r.classic.total:,}",
            str(r.classic.turns),
            _tick(r.passed_code),
            f"{r.code.total:,}",
            str(r.code.turns),
            f"{(r.saving or 0) * 100:.0f}%",
        )
    console.print(table)
    for mode, figures in summary["modes"].items():
        cost = figures["cost_usd"]
        console.print(
            f"{mode}: {figures['passed']}/{summary['tasks'] - summary['skipped']} passed, "
            f"{figures['total_tokens']:,} tokens in {figures['turns']} turns, median latency "
            f"{figures['median_latency_s']:.1f} s, cost {'n/a' if cost is None else f'${cost:.4f}'}"
        )
