"""The offline benchmark: every task's code-mode run, its classic replay, the oracles, the token counts.

For each task, against a fresh world (and emptied filesystem/memory servers):

    run       the solution program through the real sandbox and tools, recording every call
    check     the oracle on the program's answer and the world after it
    replay    the same calls, wave by wave, against another fresh world (what classic tool calling
              with the same plan does); every result must equal the recorded one
    check     the oracle again, on the replayed world, with the same final answer
    count     the transcripts (`transcript.py`) with the tokenizer (`accounting.py`)

Code mode is counted twice. `code`: the `code` tool as the engine describes it by default, which
for a catalog over its token budget (this one) is its tool names plus `search`/`describe`; the
plan then takes one more turn, a discovery program run through the real engine with its output
charged in full (`discovery_program`): it `describe`s every tool the plan uses, as one plain text,
and where the task's prompt does not name all of them it first `search`es the prompt and returns the
hits too. `code_full`: every declaration in the description (the engine with an unlimited budget),
no describe turn.

A plan one of whose requests exceeds a 200k-token context (`accounting.CONTEXT_WINDOW`) could not
run in that mode: the task is marked infeasible for it (`extra["infeasible"]`) and left out of the
savings medians instead of being counted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from codemode.approvals.terminal import AllowAll
from codemode.bench.accounting import CONTEXT_WINDOW, ModeTokens, count_definitions, count_transcript
from codemode.bench.definitions import Provider, classic_definitions, code_definition
from codemode.bench.environment import UPSTREAM_NAMESPACES, BenchTools, Upstreams, open_upstreams
from codemode.bench.github import github_description_ratio
from codemode.bench.recall import search_recall_at_10
from codemode.bench.results import Definitions, TaskResult
from codemode.bench.tasks import Env, OracleFailure, Task
from codemode.bench.trace import Recorder, ToolCall, group_waves
from codemode.bench.transcript import classic_transcript, code_transcript
from codemode.code_tool import CODE_TOOL_INPUT_SCHEMA
from codemode.engine import CodeMode, CodeOutcome, EngineSettings
from codemode.errors import ToolError
from codemode.model_text import format_value
from codemode.tokenizer import Tokenizer, default_tokenizer
from codemode.world import World
from sandbox import DenoExecutor, SandboxSettings

__all__ = ["ENGINE_SETTINGS", "SuiteRun", "discovery_program", "oracle_verdict", "run_suite"]

logger = logging.getLogger(__name__)

#: Every declaration in full, whatever its size: the benchmark never lets discovery mode hide tools.
ENGINE_SETTINGS = EngineSettings(token_budget=10**9, max_result_chars=200_000)


@dataclass(frozen=True)
class SuiteRun:
    """Everything one offline run measured."""

    results: list[TaskResult]
    """Per task, in suite order."""
    definitions: Definitions
    """The definitions-only figures."""
    tokenizer: str
    """The tokenizer's name."""
    upstreams: str
    """Empty when the real MCP servers ran; otherwise why the tasks needing them were skipped."""
    search_recall_at_10: float = 0.0
    """Of the tools the tasks' solutions use, the share `search(prompt)` ranks in its top 10."""
    github_description_ratio: float = 0.0
    """The default `code` tool for GitHub's 117 tools over their JSON definitions."""


async def run_suite(
    tasks: Sequence[Task],
    *,
    seed: int = 0,
    tokenizer: Tokenizer | None = None,
    node_modules: Path | None = None,
    upstream: bool = True,
    token_budget: int | None = None,
    on_result: Callable[[TaskResult], None] | None = None,
) -> SuiteRun:
    """Run `tasks` offline; a task that breaks is reported as failed, never silently dropped.

    The real MCP servers are started whenever they are installed (`upstream=False` leaves them out),
    so the tool catalog, and with it every figure, is the same whichever tasks are chosen.
    `token_budget` is the default column's engine budget (None: the engine's own default).
    """
    tokenizer = tokenizer or default_tokenizer()
    initial = World.generate(seed)
    modules = node_modules if upstream else None
    async with (
        open_upstreams(modules) as upstreams,
        DenoExecutor(SandboxSettings()) as executor,
    ):
        if not upstream:
            upstreams.unavailable = "left out on purpose (upstream=False)"
        tools = BenchTools(upstreams.toolbox, Recorder())
        bench = _Bench(
            seed=seed,
            initial=initial,
            full=CodeMode(tools, executor, ENGINE_SETTINGS),
            default=CodeMode(
                tools, executor, EngineSettings() if token_budget is None else EngineSettings(token_budget)
            ),
            tools=tools,
            upstreams=upstreams,
            tokenizer=tokenizer,
        )
        definitions = _definitions(bench)
        results = []
        for task in tasks:
            if task.servers and upstreams.toolbox is None:
                result = _skipped(task, f"needs {', '.join(task.servers)}: {upstreams.unavailable}")
            else:
                try:
                    result = await _run_task(task, bench)
                except Exception as error:  # one broken task must not hide the others' figures
                    logger.exception("task %s broke", task.id)
                    result = _failed(task, f"{type(error).__name__}: {error}")
            results.append(result)
            if on_result is not None:
                on_result(result)
        recall = search_recall_at_10(tools.tools(), tasks)
    budget = bench.default.settings.token_budget
    github = github_description_ratio(budget, tokenizer)
    return SuiteRun(results, definitions, tokenizer.name, upstreams.unavailable, recall, github)


@dataclass(frozen=True)
class _Bench:
    """What every task run shares."""

    seed: int
    initial: World
    full: CodeMode
    """Every declaration in the description."""
    default: CodeMode
    """The engine's default settings: what `codemode serve` describes."""
    tools: BenchTools
    upstreams: Upstreams
    tokenizer: Tokenizer


def _definitions(bench: _Bench) -> Definitions:
    infos = bench.tools.tools()

    def count(tools: list[dict[str, Any]]) -> int:
        return count_definitions(tools, bench.tokenizer)

    def code(engine: CodeMode, provider: Provider = "anthropic") -> int:
        return count([code_definition(engine.description(), CODE_TOOL_INPUT_SCHEMA, provider)])

    return Definitions(
        classic_anthropic=count(classic_definitions(infos, "anthropic")),
        classic_openai=count(classic_definitions(infos, "openai")),
        code_anthropic=code(bench.full),
        code_openai=code(bench.full, "openai"),
        tools=len(infos),
        classic_mcp=count([info.to_mcp_dict() for info in infos]),
        code_index=code(bench.default),
    )


def _skipped(task: Task, reason: str) -> TaskResult:
    return TaskResult(task.id, task.category, task.prompt, task.note, "skipped", reason)


def _failed(task: Task, reason: str) -> TaskResult:
    return TaskResult(task.id, task.category, task.prompt, task.note, "failed", reason)


def oracle_verdict(task: Task, env: Env) -> str:
    """Empty when the oracle accepts, else what it said."""
    try:
        task.check(env)
    except OracleFailure as failure:
        return str(failure)
    return ""


async def _run_task(task: Task, bench: _Bench) -> TaskResult:
    """The five stages of the module docstring, for one task."""
    files = str(bench.upstreams.files)
    prompt = task.prompt.replace("{files}", files)
    code = task.code.replace("{files}", files)
    run = await _run_code_mode(task, code, bench)
    if run.outcome.is_error:
        return _failed(task, f"the solution program failed: {run.outcome.text}")
    classic_verdict = await _replay_classic(task, run, bench)
    steps = [(code, run.outcome.text)]
    describe_step: list[tuple[str, str]] = []
    if bench.default.discovery:
        describe = discovery_program(run.calls, prompt)
        described = await bench.default.run(describe)
        if described.is_error:
            return _failed(task, f"describing the plan's tools failed: {described.text}")
        describe_step = [(describe, described.text)]
    final = format_value(run.answer)
    full_tokens, code_tokens, classic_tokens = (
        count_transcript(transcript, bench.tokenizer)
        for transcript in (
            code_transcript(steps=steps, answer=final, prompt=prompt, code_tool=_code_tool(bench.full)),
            code_transcript(
                steps=describe_step + steps, answer=final, prompt=prompt, code_tool=_code_tool(bench.default)
            ),
            classic_transcript(
                calls=run.calls,
                answer=final,
                prompt=prompt,
                tools=classic_definitions(bench.tools.tools()),
                typescript_namespaces=UPSTREAM_NAMESPACES,
            ),
        )
    )
    reasons = [
        f"code: {run.verdict}" if run.verdict else "",
        f"classic: {classic_verdict}" if classic_verdict else "",
    ]
    return TaskResult(
        task.id,
        task.category,
        task.prompt,  # the template: `{files}` stands for the scratch directory
        task.note,
        "ok",
        "; ".join(r for r in reasons if r),
        passed_code=not run.verdict,
        passed_classic=not classic_verdict,
        tool_calls=len(run.calls),
        code=code_tokens,
        classic=classic_tokens,
        code_full=full_tokens,
        extra={
            "waves": len(group_waves(run.calls)),
            "answer": run.answer,
            "discovery": bench.default.discovery,
            "infeasible": _infeasible(code=code_tokens, classic=classic_tokens),
        },
    )


@dataclass(frozen=True)
class _CodeRun:
    """The solution program's run: its outcome, the calls it made, and the oracle's verdict."""

    outcome: CodeOutcome
    calls: list[ToolCall]
    answer: Any
    verdict: str


async def _run_code_mode(task: Task, code: str, bench: _Bench) -> _CodeRun:
    """Stages 1 and 2: run the program against a fresh world, recording every call; check it."""
    tools, upstreams = bench.tools, bench.upstreams
    world = World.generate(bench.seed)
    upstreams.reset(task.files, task.memory)
    tools.recorder.reset()
    tools.recording = True
    try:
        async with tools.world(world):
            # Unattended: the plan's calls are allowed (the description still marks gated tools).
            gate = bench.full.approval_gate(AllowAll(), who="the benchmark (unattended)")
            outcome = await bench.full.run(code, approvals=gate)
    finally:
        tools.recording = False
    answer = outcome.result.value
    verdict = "" if outcome.is_error else oracle_verdict(task, _env(answer, world, bench))
    return _CodeRun(outcome, tools.recorder.calls, answer, verdict)


async def _replay_classic(task: Task, run: _CodeRun, bench: _Bench) -> str:
    """Stages 3 and 4: the same calls, wave by wave, against another fresh world; the oracle again."""
    replayed = World.generate(bench.seed)
    bench.upstreams.reset(task.files, task.memory)
    async with bench.tools.world(replayed):
        mismatches = await _replay(run.calls, bench.tools)
    verdict = oracle_verdict(task, _env(run.answer, replayed, bench))
    return "; ".join(part for part in (verdict, mismatches) if part)


def _env(answer: Any, world: World, bench: _Bench) -> Env:
    return Env(answer, world, bench.initial, bench.upstreams.files, bench.upstreams.memory)


def _code_tool(engine: CodeMode) -> dict[str, Any]:
    return code_definition(engine.description(), CODE_TOOL_INPUT_SCHEMA)


def _infeasible(**modes: ModeTokens) -> list[str]:
    """The modes one of whose requests would not fit a 200k context."""
    return [mode for mode, tokens in modes.items() if tokens.peak_input > CONTEXT_WINDOW]


def discovery_program(calls: Sequence[ToolCall], prompt: str) -> str:
    """The program a model writes first under the discovery index, returning plain text.

    It describes every tool the plan uses (their names are in the index it read). When the prompt
    does not name all of them, the model cannot be sure from the index alone, so the program first
    searches the prompt and returns the hits above the declarations.
    """
    names = list(dict.fromkeys(f"{call.namespace}.{call.name}" for call in calls))
    listed = ", ".join(json.dumps(name) for name in names)
    named = all(name in prompt or name.split(".", 1)[1] in prompt for name in names)
    if named:
        return f"return await describe([{listed}]);"
    return (
        f"const hits = await search({json.dumps(prompt)});\n"
        f"const declarations = await describe([{listed}]);\n"
        'return hits.map((h) => `${h.name}: ${h.summary}`).join("\\n") + "\\n\\n" + declarations;'
    )


async def _replay(calls: list[ToolCall], tools: BenchTools) -> str:
    """Re-issue the calls one wave (one classic turn) at a time; say which results differ."""
    differ: list[str] = []
    got: dict[int, tuple[Any, str | None]] = {}

    async def one(call: ToolCall) -> None:
        try:
            got[call.index] = (await tools.call(call.namespace, call.name, call.arguments), None)
        except ToolError as error:
            got[call.index] = (None, str(error))

    for wave in group_waves(calls):
        async with anyio.create_task_group() as group:
            for call in wave:
                group.start_soon(one, call)
        differ.extend(
            f"{call.namespace}.{call.name}" for call in wave if got[call.index] != (call.result, call.error)
        )
    return f"replayed results differ from the recorded ones: {', '.join(differ)}" if differ else ""
