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

In Python (`language="python"`) the same runs use each task's Python solution and a Python
discovery program, through an engine speaking Python; the classic side replays the same calls, so its
figures do not depend on the language (`codemode.bench.languages`).

A plan one of whose requests exceeds a 200k-token context (`accounting.CONTEXT_WINDOW`) could not
run in that mode: the task is marked infeasible for it (`extra["infeasible"]`) and left out of the
savings medians instead of being counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import anyio

from codemode.approvals.terminal import AllowAll
from codemode.bench.accounting import CONTEXT_WINDOW, ModeTokens, count_definitions, count_transcript
from codemode.bench.definitions import Provider, classic_definitions, code_definition
from codemode.bench.environment import UPSTREAM_NAMESPACES, BenchTools, Upstreams, open_upstreams
from codemode.bench.github import github_description_ratio
from codemode.bench.languages import Language, code_description, discovery_program, turn_programs
from codemode.bench.recall import search_recall_at_10
from codemode.bench.results import Definitions, TaskResult
from codemode.bench.tasks import Env, OracleFailure, Task
from codemode.bench.trace import Recorder, ToolCall, group_waves
from codemode.bench.transcript import chain, classic_transcript, code_transcript
from codemode.code_tool import code_tool_input_schema
from codemode.engine import CodeMode, CodeOutcome, EngineSettings
from codemode.errors import ToolError
from codemode.model_text import format_value
from codemode.tokenizer import Tokenizer, default_tokenizer
from codemode.world import World
from sandbox import DenoExecutor, SandboxSettings

__all__ = ["ENGINE_SETTINGS", "SuiteRun", "discovery_program", "oracle_verdict", "run_suite", "run_suites"]

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
    language: Language = "typescript"
    """The language of the code-mode programs."""


async def run_suite(
    tasks: Sequence[Task],
    *,
    seed: int = 0,
    tokenizer: Tokenizer | None = None,
    node_modules: Path | None = None,
    upstream: bool = True,
    token_budget: int | None = None,
    on_result: Callable[[TaskResult], None] | None = None,
    language: Language = "typescript",
) -> SuiteRun:
    """Run `tasks` offline; a task that breaks is reported as failed, never silently dropped.

    The real MCP servers are started whenever they are installed (`upstream=False` leaves them out),
    so the tool catalog, and with it every figure, is the same whichever tasks are chosen.
    `token_budget` is the default column's engine budget (None: the engine's own default).
    `language` is the programs' language (Python needs the Pyodide runtime: `codemode pyodide install`).
    """
    tokenizer = tokenizer or default_tokenizer()
    initial = World.generate(seed)
    modules = node_modules if upstream else None
    default_settings = EngineSettings() if token_budget is None else EngineSettings(token_budget)
    # One Python process kept ready: the next run's cold start overlaps this one's.
    sandbox = SandboxSettings(python_pool_size=1 if language == "python" else 0)
    async with (
        open_upstreams(modules) as upstreams,
        DenoExecutor(sandbox) as executor,
    ):
        if not upstream:
            upstreams.unavailable = "left out on purpose (upstream=False)"
        # Calls gathered in Python reach the host more slowly than V8's (Pyodide starts each awaited
        # call on its own event-loop step): a longer hold keeps them in one wave on a loaded machine.
        tools = BenchTools(upstreams.toolbox, Recorder(hold_s=0.2 if language == "python" else 0.02))
        bench = _Bench(
            seed=seed,
            initial=initial,
            full=CodeMode(tools, executor, replace(ENGINE_SETTINGS, language=language)),
            default=CodeMode(tools, executor, replace(default_settings, language=language)),
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
    return SuiteRun(results, definitions, tokenizer.name, upstreams.unavailable, recall, github, language)


async def run_suites(
    tasks: Sequence[Task], languages: Sequence[Language], **options: Any
) -> dict[Language, SuiteRun]:
    """`run_suite` once per language, one after the other (same seed and options), by language."""
    return {language: await run_suite(tasks, language=language, **options) for language in languages}


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
        schema = code_tool_input_schema(engine.settings.language)
        return count([code_definition(code_description(engine), schema, provider)])

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
    """The five stages of the module docstring, for one task (every turn of it)."""
    files = str(bench.upstreams.files)
    language = bench.full.settings.language
    turns = [
        (prompt.replace("{files}", files), code.replace("{files}", files))
        for prompt, code in turn_programs(task, language)
    ]
    if not all(program for _, program in turns):
        return _failed(task, f"the task has no {language} solution program")
    run = await _run_code_mode(task, turns, bench)
    broken = run.turns[-1]
    if broken.outcome.is_error:
        which = f" (turn {len(run.turns)})" if len(turns) > 1 else ""
        return _failed(task, f"the solution program{which} failed: {broken.outcome.text}")
    classic_verdict = await _replay_classic(task, run, bench)
    full_tool, default_tool = _code_tool(bench.full), _code_tool(bench.default)
    classic_tools = classic_definitions(bench.tools.tools())
    described: set[str] = set()
    full_parts, code_parts, classic_parts = [], [], []
    for number, turn in enumerate(run.turns):
        final = format_value(turn.answer)
        steps = [(turn.code, turn.outcome.text)]
        describe_step: list[tuple[str, str]] = []
        new_calls = [call for call in turn.calls if f"{call.namespace}.{call.name}" not in described]
        if bench.default.discovery and (number == 0 or new_calls):
            # A later turn describes only the tools the conversation has not described yet.
            described.update(f"{call.namespace}.{call.name}" for call in new_calls)
            describe = discovery_program(new_calls, turn.prompt, language)
            outcome = await bench.default.run(describe)
            if outcome.is_error:
                return _failed(task, f"describing the plan's tools failed: {outcome.text}")
            describe_step = [(describe, outcome.text)]
        full_parts.append(code_transcript(steps=steps, answer=final, prompt=turn.prompt, code_tool=full_tool))
        code_parts.append(
            code_transcript(
                steps=describe_step + steps, answer=final, prompt=turn.prompt, code_tool=default_tool
            )
        )
        classic_parts.append(
            classic_transcript(
                calls=turn.calls,
                answer=final,
                prompt=turn.prompt,
                tools=classic_tools,
                typescript_namespaces=UPSTREAM_NAMESPACES,
            )
        )
    full_tokens, code_tokens, classic_tokens = (
        count_transcript(chain(parts), bench.tokenizer) for parts in (full_parts, code_parts, classic_parts)
    )
    reasons = [
        f"code: {run.verdict}" if run.verdict else "",
        f"classic: {classic_verdict}" if classic_verdict else "",
    ]
    extra: dict[str, Any] = {
        "waves": sum(len(group_waves(turn.calls)) for turn in run.turns),
        "answer": run.answer,
        "discovery": bench.default.discovery,
        "infeasible": _infeasible(code=code_tokens, classic=classic_tokens),
    }
    if len(run.turns) > 1:
        extra["turns"] = len(run.turns)
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
        extra=extra,
    )


@dataclass(frozen=True)
class _Turn:
    """One turn's program run: the prompt it answers, its outcome and the calls it made."""

    prompt: str
    code: str
    outcome: CodeOutcome
    calls: list[ToolCall]
    answer: Any


@dataclass(frozen=True)
class _CodeRun:
    """The solution programs' runs, turn by turn (up to the first that failed), and the oracle's verdict."""

    turns: list[_Turn]
    verdict: str

    @property
    def calls(self) -> list[ToolCall]:
        """Every turn's calls, in order."""
        return [call for turn in self.turns for call in turn.calls]

    @property
    def answer(self) -> Any:
        """The last turn's answer (the final one)."""
        return self.turns[-1].answer

    @property
    def answers(self) -> tuple[Any, ...]:
        """Every turn's answer."""
        return tuple(turn.answer for turn in self.turns)


async def _run_code_mode(task: Task, turns: Sequence[tuple[str, str]], bench: _Bench) -> _CodeRun:
    """Stages 1 and 2: run each turn's program against one fresh world and workspace, recording
    every call; check the last answer and the state."""
    tools, upstreams = bench.tools, bench.upstreams
    world = World.generate(bench.seed)
    upstreams.reset(task.files, task.memory)
    done: list[_Turn] = []
    async with tools.world(world) as workspace:
        for prompt, code in turns:
            tools.recorder.reset()
            tools.recording = True
            try:
                # Unattended: the plan's calls are allowed (the description still marks gated tools).
                gate = bench.full.approval_gate(AllowAll(), who="the benchmark (unattended)")
                outcome = await bench.full.run(code, approvals=gate)
            finally:
                tools.recording = False
            done.append(_Turn(prompt, code, outcome, tools.recorder.calls, outcome.result.value))
            if outcome.is_error:
                return _CodeRun(done, "")
        answers = tuple(turn.answer for turn in done)
        verdict = oracle_verdict(task, _env(answers, world, bench, workspace))
    return _CodeRun(done, verdict)


async def _replay_classic(task: Task, run: _CodeRun, bench: _Bench) -> str:
    """Stages 3 and 4: the same calls, turn by turn and wave by wave, against another fresh world
    and workspace; the oracle again."""
    replayed = World.generate(bench.seed)
    bench.upstreams.reset(task.files, task.memory)
    async with bench.tools.world(replayed) as workspace:
        mismatches = [await _replay(turn.calls, bench.tools) for turn in run.turns]
        verdict = oracle_verdict(task, _env(run.answers, replayed, bench, workspace))
    return "; ".join(part for part in (verdict, *mismatches) if part)


def _env(answers: tuple[Any, ...], world: World, bench: _Bench, workspace: Path) -> Env:
    files, memory = bench.upstreams.files, bench.upstreams.memory
    return Env(answers[-1], world, bench.initial, files, memory, workspace=workspace, answers=answers)


def _code_tool(engine: CodeMode) -> dict[str, Any]:
    return code_definition(code_description(engine), code_tool_input_schema(engine.settings.language))


def _infeasible(**modes: ModeTokens) -> list[str]:
    """The modes one of whose requests would not fit a 200k context."""
    return [mode for mode, tokens in modes.items() if tokens.peak_input > CONTEXT_WINDOW]


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
