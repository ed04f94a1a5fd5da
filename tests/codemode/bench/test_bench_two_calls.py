"""Tasks over two `code` calls through the workspace: both modes, both languages, honest accounting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codemode.bench.accounting import count_transcript
from codemode.bench.environment import BenchTools
from codemode.bench.results import TaskResult
from codemode.bench.suite import oracle_verdict, run_suite
from codemode.bench.tasks import Env, select_tasks
from codemode.bench.trace import Recorder
from codemode.bench.transcript import Block, Transcript, Turn, chain
from codemode.tokenizer import default_tokenizer
from codemode.world import World
from sandbox import DenoExecutor, Limits, SandboxSettings
from sandbox.deno import find_deno
from sandbox.pyodide_runtime import install_pyodide

pytestmark = pytest.mark.anyio

TASKS = select_tasks(["workspace"])


@pytest.fixture(scope="module")
async def results() -> dict[str, TaskResult]:
    # The npm servers are left out: these tasks need only the world and the workspace.
    run = await run_suite(TASKS, upstream=False, token_budget=2000)
    return {result.id: result for result in run.results}


def test_there_are_two_call_tasks_with_both_solutions() -> None:
    assert len(TASKS) >= 3
    for task in TASKS:
        assert len(task.turns()) == 2, task.id
        assert all(code and python for _, code, python in task.turns()), task.id


async def test_both_modes_pass_every_oracle(results: dict[str, TaskResult]) -> None:
    for task in TASKS:
        result = results[task.id]
        assert result.status == "ok", result.reason
        assert result.passed_code, result.reason
        assert result.passed_classic, result.reason
        assert result.extra["turns"] == 2


async def test_each_turn_is_its_own_conversation_step_in_both_modes(results: dict[str, TaskResult]) -> None:
    """Code mode (default: describe, program, answer per turn) and classic (waves, then an answer)
    both go on after the first answer; code mode stores the data instead of carrying it."""
    result = results["orders-cache-then-report"]
    assert result.code is not None and result.classic is not None
    assert result.code.turns == 6
    assert result.classic.turns >= 4
    assert result.code.total * 10 < result.classic.total
    assert result.extra["infeasible"] == ["classic"]  # 2,026 orders written back out do not fit


def test_a_chained_conversation_resends_the_first_task_on_the_second() -> None:
    tokenizer = default_tokenizer()
    tools = ({"name": "t", "description": "", "input_schema": {}},)

    def one(prompt: str, answer: str) -> Transcript:
        return Transcript("classic", "system", tools, prompt, (Turn((Block("text", answer),)),))

    first, second = one("first task " * 50, "first answer"), one("second task", "second answer")
    joined = chain([first, second])
    counted = count_transcript(joined, tokenizer)
    alone = [count_transcript(t, tokenizer) for t in (first, second)]
    assert counted.turns == 2
    assert counted.per_turn[0] == alone[0].per_turn[0]
    # The second request carries the first task and answer, then the second task.
    extra = tokenizer.count("first task " * 50) + tokenizer.count("first answer")
    assert counted.per_turn[1].input == alone[1].per_turn[0].input + extra
    assert joined.messages()[2] == {"role": "user", "content": "second task"}
    with pytest.raises(ValueError, match="share their mode"):
        chain([first, Transcript("code", "system", tools, "x", first.turns)])


async def test_the_python_solutions_pass_the_same_oracles() -> None:
    """Each turn's Python program, run in the Pyodide sandbox against the same world and workspace."""
    install_pyodide(find_deno(None))  # the user's cache; installed on first use, like the sandbox tests
    tools = BenchTools(None, Recorder())
    settings = SandboxSettings(pool_size=0, python_pool_size=1, limits=Limits(wall_s=60))
    async with DenoExecutor(settings) as executor:
        for task in TASKS:
            world = World.generate(0)
            async with tools.world(world) as workspace:
                guest: dict[str, list[str]] = {}
                for info in tools.tools():
                    guest.setdefault(info.namespace, []).append(info.name)

                async def call(namespace: str, name: str, arguments: Any) -> Any:
                    return await tools.call(namespace, name, arguments)

                answers = []
                for _, _, python in task.turns():
                    result = await executor.run(python, tools=guest, callback=call, language="python")
                    assert result.ok, f"{task.id}: {result}"
                    answers.append(result.value)
                env = Env(answers[-1], world, World.generate(0), Path("/nonexistent"), Path("/nonexistent"),
                          workspace=workspace, answers=tuple(answers))  # fmt: skip
                assert oracle_verdict(task, env) == "", task.id


async def test_an_oracle_sees_a_missing_or_wrong_stored_file(tmp_path: Path) -> None:
    task = next(t for t in TASKS if t.id == "customers-export-then-split")
    tools = BenchTools(None, Recorder())
    world = World.generate(0)
    async with tools.world(world) as workspace:
        env = Env({}, world, world, tmp_path, tmp_path, workspace=workspace, answers=(120, {}))
        assert "/crm/customers.csv" in oracle_verdict(task, env)
        await tools.call("workspace", "writeFile", {"path": "/crm/customers.csv", "content": "id\n"})
        assert "should hold the header" in oracle_verdict(task, env)
