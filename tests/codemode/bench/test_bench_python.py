"""Every benchmark task's Python solution, run through the real sandbox (Pyodide), passes its oracle.

One engine, one executor and one warm Python sandbox serve every task (a Pyodide process costs about
a second to start); each task still gets a fresh world and emptied filesystem/memory servers, as in
`codemode bench --language python`. The whole suite's figures per language are checked through the
command line in test_bench_suite.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codemode.approvals.terminal import AllowAll
from codemode.bench.environment import BenchTools, open_upstreams
from codemode.bench.languages import LANGUAGES, code_description, discovery_program, solution
from codemode.bench.suite import ENGINE_SETTINGS, oracle_verdict
from codemode.bench.tasks import Env, all_tasks
from codemode.bench.trace import Recorder, ToolCall
from codemode.engine import CodeMode, EngineSettings
from codemode.world import World
from sandbox import DenoExecutor, SandboxSettings
from sandbox.pyodide_runtime import find_pyodide

SEED = 0

pytestmark = pytest.mark.anyio


def test_every_task_has_a_solution_in_every_language() -> None:
    missing = [(t.id, lang) for t in all_tasks() for lang in LANGUAGES if not solution(t, lang).strip()]
    assert not missing, f"tasks without a solution program: {missing}"


def test_the_python_solutions_are_python_not_typescript() -> None:
    for task in all_tasks():
        compile(
            "async def program():\n" + "".join(f"    {line}\n" for line in task.python.splitlines()),
            task.id,
            "exec",
        )
        assert "await " in task.python, task.id
        assert not any(word in task.python for word in ("const ", "=>", "Promise.all", "===")), task.id


async def test_every_python_solution_passes_its_oracle_in_the_sandbox(node_modules: Path) -> None:
    assert find_pyodide() is not None, "install the Python runtime first: uv run codemode pyodide install"
    initial = World.generate(SEED)
    failures: dict[str, str] = {}
    async with open_upstreams(node_modules) as upstreams, DenoExecutor(SandboxSettings()) as executor:
        assert upstreams.toolbox is not None, upstreams.unavailable
        tools = BenchTools(upstreams.toolbox, Recorder())
        engine = CodeMode(tools, executor, EngineSettings(max_result_chars=200_000, language="python"))
        gate = engine.approval_gate(AllowAll(), who="the test (unattended)")
        for task in all_tasks():
            world = World.generate(SEED)
            upstreams.reset(task.files, task.memory)
            async with tools.world(world) as workspace:
                answers: list[object] = []
                for number, (_, _, python) in enumerate(task.turns(), 1):
                    program = python.replace("{files}", str(upstreams.files))
                    outcome = await engine.run(program, approvals=gate, sandbox_id="python-solutions")
                    if outcome.is_error:
                        failures[task.id] = f"turn {number}: the program failed: {outcome.text}"
                        break
                    answers.append(outcome.result.value)
                else:
                    env = Env(
                        answers[-1],
                        world,
                        initial,
                        upstreams.files,
                        upstreams.memory,
                        workspace=workspace,
                        answers=tuple(answers),
                    )
                    verdict = oracle_verdict(task, env)  # while the workspace still exists
                    if verdict:
                        failures[task.id] = verdict
    assert not failures, "\n".join(f"{task}: {why}" for task, why in failures.items())


async def test_an_oracle_rejects_a_wrong_python_answer(node_modules: Path) -> None:
    """The oracles see the Python program's answer: a plausible wrong one is caught."""
    task = next(t for t in all_tasks() if t.id == "critical-issues-by-assignee")
    wrong = task.python.replace('i["status"] != "closed"', 'i["status"] == "open"')
    assert wrong != task.python
    initial = World.generate(SEED)
    async with open_upstreams(None) as upstreams, DenoExecutor(SandboxSettings()) as executor:
        tools = BenchTools(None, Recorder())
        engine = CodeMode(tools, executor, EngineSettings(language="python"))
        async with tools.world(World.generate(SEED)):
            outcome = await engine.run(wrong)
    assert not outcome.is_error, outcome.text
    env = Env(outcome.result.value, initial, initial, upstreams.files, upstreams.memory)
    verdict = oracle_verdict(task, env)
    assert verdict.startswith("answer should be {"), verdict


def _tool_names(description: str) -> list[str]:
    return [name for name in ("get_customer", "query_orders", "create_entities") if name in description]


async def test_the_python_code_tool_shows_python_stubs_or_the_index() -> None:
    async with DenoExecutor(SandboxSettings()) as executor:
        tools = BenchTools(None, Recorder())
        full = CodeMode(tools, executor, ENGINE_SETTINGS)
        python_full = CodeMode(tools, executor, EngineSettings(token_budget=10**9, language="python"))
        python_index = CodeMode(tools, executor, EngineSettings(token_budget=500, language="python"))
        typescript = code_description(full)
        python = code_description(python_full)
        index = code_description(python_index)
    assert typescript == full.description() and "```ts" in typescript
    assert "```python" in python and "```ts" not in python
    assert "async def get_customer(" in python and "class crm:" in python
    assert "asyncio.gather" in python and "Promise.all" not in python
    assert python_index.discovery and "asyncio.gather" in index and "get_customer" in index
    assert _tool_names(python) == _tool_names(typescript)


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Use crm.get_customer", 'await describe(names=["crm.get_customer"])'),
        (
            "Who is it?",
            'hits = await search(query="Who is it?")\n'
            'declarations = await describe(names=["crm.get_customer"])\n'
            '"\\n".join(f"{h[\'name\']}: {h[\'summary\']}" for h in hits) + "\\n\\n" + declarations',
        ),
    ],
)
def test_the_python_discovery_program(prompt: str, expected: str) -> None:
    calls = [ToolCall(0, "crm", "get_customer", {}, None, None, 0)]
    assert discovery_program(calls, prompt, "python") == expected


async def test_the_python_discovery_program_runs_in_the_sandbox() -> None:
    """Python's keyword form reaches `search` and `describe` (the default column's describe turn)."""
    calls = [ToolCall(0, "crm", "get_customer", {}, None, None, 0)]
    async with DenoExecutor(SandboxSettings()) as executor:
        tools = BenchTools(None, Recorder())
        engine = CodeMode(tools, executor, EngineSettings(token_budget=500, language="python"))
        assert engine.discovery
        outcome = await engine.run(discovery_program(calls, "Which city is customer C-0042 in?", "python"))
    assert not outcome.is_error, outcome.text
    text = outcome.result.value
    assert "crm.get_customer: " in text  # a search hit, above the declarations
    assert "get_customer(" in text.split("\n\n", 1)[1]
