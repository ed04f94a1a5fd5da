"""The gate where a program's tool calls enter the toolbox: real Deno and Python tools, a scripted person."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from codemode.app import open_toolbox
from codemode.approvals import APPROVAL_TAG, Answer, ApprovalPolicy, Question
from codemode.config import parse_config
from codemode.engine import CodeMode, EngineSettings
from codemode.sources.python import PythonTools
from codemode.sources.toolbox import Toolbox
from sandbox import DenoExecutor, Limits, SandboxSettings

pytestmark = pytest.mark.anyio

ODD_NAMES_SERVER = Path(__file__).parents[1] / "python_programs" / "odd_names_server.py"


class Person:
    def __init__(self, answer: Answer, delay_s: float = 0.0) -> None:
        self.answer = answer
        self.delay_s = delay_s
        self.asked: list[Question] = []

    async def ask(self, question: Question) -> Answer:
        self.asked.append(question)
        await anyio.sleep(self.delay_s)
        return self.answer


def tracker_tools(closed: list[str]) -> PythonTools:
    tools = PythonTools("desk")

    @tools.tool
    def close_issue(issue_id: str) -> str:
        """Close an issue."""
        closed.append(issue_id)
        return f"closed {issue_id}"

    @tools.tool
    def get_issue(issue_id: str) -> dict[str, str]:
        """Read an issue."""
        return {"id": issue_id}

    @tools.tool(approve=True)
    def delete_project(name: str) -> str:
        """Delete a project."""
        closed.append(f"project {name}")
        return "deleted"

    return tools


@pytest.fixture(scope="module")
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=1)) as executor:
        yield executor


@pytest.fixture
async def engine_and_log(executor: DenoExecutor) -> AsyncIterator[tuple[CodeMode, list[str]]]:
    closed: list[str] = []
    settings = EngineSettings(token_budget=100_000, approvals=ApprovalPolicy(approve=("desk.close_*",)))
    async with Toolbox([tracker_tools(closed)]) as toolbox:
        yield CodeMode(toolbox, executor, settings), closed


async def test_the_description_marks_the_gated_tools_and_explains_the_mark(engine_and_log) -> None:
    engine, _ = engine_and_log
    description = engine.description()
    assert "ApprovalDeclined" in description
    assert f"{APPROVAL_TAG} Close an issue." in description
    assert f"{APPROVAL_TAG} Delete a project." in description
    assert f"{APPROVAL_TAG} Read an issue." not in description


async def test_allowed_calls_run(engine_and_log) -> None:
    engine, closed = engine_and_log
    person = Person(Answer.ONCE)
    gate = engine.approval_gate(person, who="test")
    outcome = await engine.run("return await desk.close_issue({issue_id: 'ISS-1'})", approvals=gate)
    assert outcome.result.value == "closed ISS-1", outcome.text
    assert closed == ["ISS-1"]
    assert person.asked[0].tool == "desk.close_issue"
    assert person.asked[0].arguments == {"issue_id": "ISS-1"}


async def test_a_declined_call_throws_in_the_program_and_nothing_runs(engine_and_log) -> None:
    engine, closed = engine_and_log
    gate = engine.approval_gate(Person(Answer.DECLINE), who="test")
    code = """
    let message = "";
    try { await desk.close_issue({issue_id: "ISS-1"}); } catch (e) { message = e.message; }
    const still = await desk.get_issue({issue_id: "ISS-1"});
    return {message, still};
    """
    outcome = await engine.run(code, approvals=gate)
    assert outcome.result.value == {
        "message": "ApprovalDeclined: the user did not allow desk.close_issue",
        "still": {"id": "ISS-1"},
    }
    assert closed == []


async def test_an_uncaught_decline_fails_the_program_with_the_message(engine_and_log) -> None:
    engine, closed = engine_and_log
    gate = engine.approval_gate(Person(Answer.CANCEL), who="test")
    outcome = await engine.run("await desk.delete_project({name: 'p'}); return 1", approvals=gate)
    assert outcome.is_error
    assert "ApprovalDeclined: the user did not allow desk.delete_project" in outcome.text
    assert closed == []


async def test_without_a_gate_nobody_can_be_asked_so_the_fallback_denies(engine_and_log) -> None:
    engine, closed = engine_and_log
    outcome = await engine.run("return await desk.close_issue({issue_id: 'ISS-1'})")
    assert outcome.is_error
    assert "needs a person's approval and nobody can be asked here" in outcome.text
    assert closed == []


async def test_waiting_for_the_person_does_not_spend_the_wall_clock(engine_and_log) -> None:
    engine, closed = engine_and_log
    gate = engine.approval_gate(Person(Answer.ONCE, delay_s=2.0), who="test")
    outcome = await engine.run(
        "return await desk.close_issue({issue_id: 'ISS-9'})", approvals=gate, limits=Limits(wall_s=1.0)
    )
    assert outcome.result.ok, outcome.text
    assert closed == ["ISS-9"]


async def test_parallel_calls_allowed_for_the_run_ask_once(engine_and_log) -> None:
    engine, closed = engine_and_log
    person = Person(Answer.RUN)
    gate = engine.approval_gate(person, who="test")
    code = "return await Promise.all(['a', 'b', 'c'].map((id) => desk.close_issue({issue_id: id})))"
    outcome = await engine.run(code, approvals=gate)
    assert outcome.result.value == ["closed a", "closed b", "closed c"], outcome.text
    assert len(person.asked) == 1
    assert sorted(closed) == ["a", "b", "c"]


async def test_the_memory_lasts_one_run(engine_and_log) -> None:
    engine, _ = engine_and_log
    person = Person(Answer.RUN)
    for _ in range(2):
        await engine.run(
            "return await desk.close_issue({issue_id: 'x'})",
            approvals=engine.approval_gate(person, who="t"),
        )
    assert len(person.asked) == 2


async def test_a_call_made_while_its_server_is_still_starting_is_still_gated(executor: DenoExecutor) -> None:
    # The program calls before the server has listed its tools (its namespace is open meanwhile).
    # The call must wait for the listing and then meet the approval rule, not slip past it.
    server = {
        "command": sys.executable,
        "args": [str(ODD_NAMES_SERVER)],
        "env": {"ODD_NAMES_START_DELAY_S": "1.5"},
    }
    config = parse_config({"mcpServers": {"odd": server}})
    settings = EngineSettings(token_budget=100_000, approvals=ApprovalPolicy(approve=("odd.lambda",)))
    async with open_toolbox(config, wait=False, workspace=False) as toolbox:
        assert toolbox.status()["odd"].state == "starting"
        engine = CodeMode(toolbox, executor, settings)
        outcome = await engine.run(
            "const [g, r] = await Promise.all([\n"
            "  odd.lambda({item_id: 'b'}).catch((e) => e.message), odd.get_item({item_id: 'a'}),\n"
            "]);\n"
            "return [r, g];"
        )
    assert not outcome.is_error, outcome.text
    assert outcome.result is not None
    reached, gated = outcome.result.value
    assert reached == {"tool": "get-item", "item_id": "a", "count": 1}
    assert isinstance(gated, str) and gated.startswith("ApprovalDeclined:"), gated
