"""The Python harness's tool calls and ready queue, under CPython with a scripted JavaScript side.

The same file runs inside Pyodide; test_python_runs.py drives it there end to end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from sandbox.harness.python_loop import MICROTASK_TURNS, ReadyQueue, ToolCalls


class Js:
    """Records what the loop asks of JavaScript: drains to schedule (microtask or timer)."""

    def __init__(self) -> None:
        self.requests: list[bool] = []

    def schedule(self, as_timer: bool) -> None:
        self.requests.append(as_timer)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    asyncio._set_running_loop(None)
    loop.close()


def test_replies_settle_their_own_calls_in_any_order(loop: asyncio.AbstractEventLoop) -> None:
    sent: list[tuple[int, str, str, str]] = []
    calls = ToolCalls(lambda *call: sent.append(call))

    async def program() -> list[tuple[bool, str]]:
        first, second = calls("crm", "a", '{"x": 1}'), calls("crm", "b", "{}")
        assert [s[1:] for s in sent] == [("crm", "a", '{"x": 1}'), ("crm", "b", "{}")]
        loop.call_soon(calls.settle, sent[1][0], False, "no b")
        loop.call_soon(calls.settle, sent[0][0], True, '"A"')
        loop.call_soon(calls.settle, 999, True, '"nobody asked"')  # unknown ids are ignored
        return [await first, await second]

    assert loop.run_until_complete(program()) == [(True, '"A"'), (False, "no b")]
    assert calls.pending() == 0


def test_a_reply_after_the_caller_gave_up_is_dropped(loop: asyncio.AbstractEventLoop) -> None:
    sent: list[int] = []
    calls = ToolCalls(lambda call_id, *rest: sent.append(call_id))

    async def program() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(calls("t", "slow", "{}"), 0)
        calls.settle(sent[0], True, '"late"')

    loop.run_until_complete(program())
    assert calls.pending() == 0


def test_a_send_that_fails_leaves_no_pending_call(loop: asyncio.AbstractEventLoop) -> None:
    def send(*call: object) -> None:
        raise RuntimeError("bridge gone")

    calls = ToolCalls(send)

    async def program() -> None:
        with pytest.raises(RuntimeError, match="bridge gone"):
            calls("t", "f", "{}")

    loop.run_until_complete(program())
    assert calls.pending() == 0


def _queue(loop: asyncio.AbstractEventLoop) -> tuple[ReadyQueue, Js]:
    js = Js()
    queue = ReadyQueue(loop, js.schedule)
    queue.install()
    return queue, js


def test_ready_callbacks_run_in_order_in_one_drain_scheduled_once(loop: asyncio.AbstractEventLoop) -> None:
    queue, js = _queue(loop)
    ran: list[int] = []
    for i in range(3):
        loop.call_soon(ran.append, i)
    assert js.requests == [False] and ran == []
    queue.drain()
    assert ran == [0, 1, 2]


def test_what_a_drain_makes_ready_runs_in_the_next_drain(loop: asyncio.AbstractEventLoop) -> None:
    queue, js = _queue(loop)
    ran: list[str] = []

    def first() -> None:
        ran.append("first")
        loop.call_soon(ran.append, "second")

    loop.call_soon(first)
    queue.drain()
    assert ran == ["first"] and js.requests == [False, False]
    queue.drain()
    assert ran == ["first", "second"]


def test_cancelled_callbacks_do_not_run(loop: asyncio.AbstractEventLoop) -> None:
    queue, _ = _queue(loop)
    ran: list[int] = []
    loop.call_soon(ran.append, 1).cancel()
    loop.call_soon(ran.append, 2)
    queue.drain()
    assert ran == [2]


def test_a_yield_only_loop_gets_a_timer_turn_every_so_often(loop: asyncio.AbstractEventLoop) -> None:
    queue, js = _queue(loop)

    def again() -> None:
        loop.call_soon(again)

    loop.call_soon(again)
    for _ in range(3 * MICROTASK_TURNS):
        queue.drain()
    assert js.requests.count(True) == 3
    assert js.requests[MICROTASK_TURNS - 1] is True and not any(js.requests[: MICROTASK_TURNS - 1])


def test_input_runs_the_program_on_in_the_same_call(loop: asyncio.AbstractEventLoop) -> None:
    queue, js = _queue(loop)
    sent: list[int] = []
    calls = ToolCalls(lambda call_id, *rest: sent.append(call_id), queue.on_input)
    seen: list[str] = []

    async def program() -> None:
        seen.append((await calls("t", "f", "{}"))[1])
        seen.append((await calls("t", "f", "{}"))[1])

    task = loop.create_task(program())
    queue.drain()  # the task's first step: sends call 1
    assert sent == [1] and seen == []
    requests = len(js.requests)
    calls.settle(1, True, '"one"')  # resumes the program, which sends call 2: no drain scheduled for it
    assert seen == ['"one"'] and sent == [1, 2] and len(js.requests) == requests
    calls.settle(2, True, '"two"')
    assert seen == ['"one"', '"two"'] and task.done()


def test_a_failing_callback_does_not_strand_the_rest(loop: asyncio.AbstractEventLoop) -> None:
    queue, _ = _queue(loop)
    ran: list[str] = []
    errors: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))

    def boom() -> None:
        raise ValueError("boom")

    loop.call_soon(boom)
    loop.call_soon(ran.append, "after")
    queue.drain()
    assert ran == ["after"]
    assert isinstance(errors[0]["exception"], ValueError)


def test_an_answer_runs_its_futures_callbacks_at_once_and_reports_a_failing_one(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """`settle` queues the future's callbacks without a `Handle` each and runs them in the same call
    (no drain is scheduled); one that raises goes to the loop's exception handler, as a `Handle`'s
    would, and the others still run."""
    queue, js = _queue(loop)
    sent: list[int] = []
    calls = ToolCalls(lambda call_id, *rest: sent.append(call_id), queue.on_input)
    errors: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    seen: list[object] = []

    asyncio._set_running_loop(loop)  # as inside a drain (the fixture clears it)
    future = calls("t", "f", "{}")
    future.add_done_callback(lambda f: 1 / 0)
    future.add_done_callback(lambda f: seen.append(f.result()))
    requests = len(js.requests)
    calls.settle(sent[0], True, '"x"')
    assert seen == [(True, '"x"')] and len(js.requests) == requests
    assert isinstance(errors[0]["exception"], ZeroDivisionError)
