"""One run's approval gate, with scripted people: answers, memory, parallel calls, timeout, fallback, log."""

from __future__ import annotations

import logging

import anyio
import anyio.lowlevel
import pytest

from codemode.approvals import Answer, ApprovalDecision, ApprovalGate, ApprovalPolicy, Question
from codemode.errors import ApprovalDeclined, ToolError
from codemode.sources.protocol import ToolInfo

pytestmark = pytest.mark.anyio

CLOSE = ToolInfo("tracker", "close_issue", "close_issue", "Close an issue.", {"type": "object"})
DELETE = ToolInfo("tracker", "delete_project", "delete_project", "Delete.", {"type": "object"})
READ = ToolInfo("tracker", "get_issue", "get_issue", "Read.", {"type": "object"})
POLICY = ApprovalPolicy(approve=("tracker.close_issue", "tracker.delete_*"))


class Person:
    """Answers from a script, counting questions and how many were open at once."""

    def __init__(self, *answers: Answer, open_together: int = 1) -> None:
        self.answers = list(answers)
        self.asked: list[Question] = []
        self.open = 0
        self.most_open = 0
        self._together = open_together
        self._all_open = anyio.Event()

    async def ask(self, question: Question) -> Answer:
        self.asked.append(question)
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        if self.open >= self._together:
            self._all_open.set()
        await self._all_open.wait()
        await anyio.lowlevel.checkpoint()
        self.open -= 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


class Silent:
    """Never answers."""

    async def ask(self, question: Question) -> Answer:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")


async def test_a_call_that_needs_no_approval_is_not_asked_about() -> None:
    person = Person(Answer.DECLINE)
    gate = ApprovalGate(POLICY, person, who="test")
    await gate.check(READ, {"issue_id": "1"})
    assert person.asked == []
    assert gate.decisions == []


async def test_allow_once_asks_again_next_time() -> None:
    person = Person(Answer.ONCE)
    gate = ApprovalGate(POLICY, person, who="test")
    await gate.check(CLOSE, {"issue_id": "1"})
    await gate.check(CLOSE, {"issue_id": "2"})
    assert [q.arguments for q in person.asked] == [{"issue_id": "1"}, {"issue_id": "2"}]
    assert "tracker.close_issue" in person.asked[0].text and '"1"' in person.asked[0].text
    assert [d.decision for d in gate.decisions] == ["allowed once", "allowed once"]


async def test_allow_for_the_run_is_remembered_for_that_tool_only() -> None:
    person = Person(Answer.RUN)
    gate = ApprovalGate(POLICY, person, who="test")
    await gate.check(CLOSE, {"issue_id": "1"})
    await gate.check(CLOSE, {"issue_id": "2"})
    await gate.check(DELETE, {"project": "p"})
    assert [q.tool for q in person.asked] == ["tracker.close_issue", "tracker.delete_project"]
    assert [d.decision for d in gate.decisions] == [
        "allowed for the rest of this run",
        "allowed earlier for this run",
        "allowed for the rest of this run",
    ]


async def test_a_new_gate_is_a_new_run_and_forgets() -> None:
    person = Person(Answer.RUN)
    await ApprovalGate(POLICY, person, who="test").check(CLOSE, {})
    await ApprovalGate(POLICY, person, who="test").check(CLOSE, {})
    assert len(person.asked) == 2


@pytest.mark.parametrize(("answer", "logged"), [(Answer.DECLINE, "declined"), (Answer.CANCEL, "cancelled")])
async def test_decline_and_cancel_raise_approval_declined(answer: Answer, logged: str) -> None:
    gate = ApprovalGate(POLICY, Person(answer), who="test")
    with pytest.raises(ApprovalDeclined) as caught:
        await gate.check(CLOSE, {"issue_id": "1"})
    assert str(caught.value) == "ApprovalDeclined: the user did not allow tracker.close_issue"
    assert isinstance(caught.value, ToolError)  # so the program sees it as a thrown error
    assert gate.decisions[0].decision == logged
    assert not gate.decisions[0].allowed


async def test_nobody_answering_declines_after_the_timeout() -> None:
    gate = ApprovalGate(ApprovalPolicy(approve=("tracker.*",), timeout_s=0.2), Silent(), who="test")
    with pytest.raises(
        ApprovalDeclined, match=r"nobody answered whether to allow tracker.close_issue within 0.2 s"
    ):
        await gate.check(CLOSE, {})
    assert gate.decisions[0].decision == "timed out"


async def test_without_a_way_to_ask_the_default_fallback_denies_and_says_how_to_allow() -> None:
    gate = ApprovalGate(POLICY, None, who="test")
    with pytest.raises(ApprovalDeclined) as caught:
        await gate.check(CLOSE, {})
    message = str(caught.value)
    assert message.startswith("ApprovalDeclined: tracker.close_issue needs a person's approval")
    assert "declared no MCP elicitation support" in message
    assert 'remove "tracker.close_issue" from "approve"' in message
    assert '"approval_fallback": "allow"' in message
    assert gate.decisions[0].decision == "denied: the client cannot ask"


async def test_the_allow_fallback_lets_the_call_run() -> None:
    gate = ApprovalGate(ApprovalPolicy(approve=("tracker.*",), fallback="allow"), None, who="test")
    await gate.check(CLOSE, {})
    assert gate.decisions[0].decision == "allowed: the client cannot ask"
    assert gate.decisions[0].allowed


async def test_parallel_calls_of_one_tool_ask_once_when_allowed_for_the_run() -> None:
    person = Person(Answer.RUN)
    gate = ApprovalGate(POLICY, person, who="test")
    async with anyio.create_task_group() as group:
        for issue in range(5):
            group.start_soon(gate.check, CLOSE, {"issue_id": str(issue)})
    assert len(person.asked) == 1
    assert sorted(d.decision for d in gate.decisions) == ["allowed earlier for this run"] * 4 + [
        "allowed for the rest of this run"
    ]


async def test_parallel_calls_of_one_tool_are_asked_one_at_a_time_when_allowed_once() -> None:
    person = Person(Answer.ONCE)
    gate = ApprovalGate(POLICY, person, who="test")
    async with anyio.create_task_group() as group:
        for issue in range(3):
            group.start_soon(gate.check, CLOSE, {"issue_id": str(issue)})
    assert len(person.asked) == 3
    assert person.most_open == 1


async def test_parallel_calls_of_different_tools_are_asked_together() -> None:
    person = Person(Answer.ONCE, open_together=2)  # answers only once both questions are open
    gate = ApprovalGate(POLICY, person, who="test")
    with anyio.fail_after(10):
        async with anyio.create_task_group() as group:
            group.start_soon(gate.check, CLOSE, {})
            group.start_soon(gate.check, DELETE, {})
    assert person.most_open == 2


async def test_every_decision_goes_to_the_log_and_the_sink(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[ApprovalDecision] = []

    async def sink(decision: ApprovalDecision) -> None:
        sent.append(decision)

    gate = ApprovalGate(POLICY, Person(Answer.ONCE), who="client test, session s1", on_decision=sink)
    with caplog.at_level(logging.INFO, logger="codemode.approvals"):
        await gate.check(CLOSE, {"issue_id": "secret-value"})
    assert len(sent) == 1
    entry = sent[0].to_json()
    assert entry["tool"] == "tracker.close_issue"
    assert entry["decision"] == "allowed once"
    assert entry["who"] == "client test, session s1"
    assert len(entry["arguments_digest"]) == 16 and entry["at"]
    assert "approval: tracker.close_issue" in caplog.text and "allowed once" in caplog.text
    assert "secret-value" not in caplog.text  # the digest, not the values


async def test_a_failing_sink_does_not_stop_the_call() -> None:
    async def sink(decision: ApprovalDecision) -> None:
        raise RuntimeError("client gone")

    gate = ApprovalGate(POLICY, Person(Answer.ONCE), who="test", on_decision=sink)
    await gate.check(CLOSE, {})
    assert gate.decisions[0].allowed
