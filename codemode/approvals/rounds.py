"""Approvals for clients of the 2026-07-28 protocol: the run waits on the server between rounds.

That protocol has no server-to-client requests during a call. A `tools/call` may instead end with an
`input_required` result carrying the questions and an opaque `requestState`; the client asks its
user and calls again with the answers and the state. A program cannot be replayed (its earlier tool
calls already ran), so the run is kept going here between the rounds:

```
round 1: tools/call code                      -> the run starts, reaches a gated call
         <- input_required {approval-1}, state T
round 2: tools/call code + answers, state T   -> the run goes on from that call
         <- the result (or input_required with the next questions)
```

The state is a random token naming the waiting run (the SDK seals it, binds it to the request and
expires it). A client that never comes back is a person who never answers: the open question times
out (the approval timeout) and the program goes on; after that, questions of that run are refused at
once, so an abandoned run ends promptly. Finished runs nobody collected are dropped later.
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import anyio
from mcp_types import ElicitRequest, ElicitResult, InputResponse

from codemode.approvals.elicit import answer_of, approval_request
from codemode.approvals.gate import Answer, Question

__all__ = ["WaitingRun", "WaitingRuns"]

logger = logging.getLogger("codemode.approvals")

T = TypeVar("T")

SETTLE_S = 0.05
"""After a question, how long to wait for more (parallel calls) before sending the round."""
SETTLE_MAX = 10
"""At most this many settle periods per round, however many questions keep coming."""


@dataclass
class _Slot:
    """One open question of a run."""

    question: Question
    answered: anyio.Event = field(default_factory=anyio.Event)
    answer: Answer | None = None


class WaitingRun(Generic[T]):
    """One program run that lives across input-required rounds. It is the run's `Asker` too."""

    def __init__(self, code: str) -> None:
        self.token = secrets.token_urlsafe(24)
        """Names this run in `requestState`."""
        self.code = code
        """The program, to check that a retry is the same call."""
        self.context: Any = None
        """The request currently waiting on the run (for log messages), or None between rounds."""
        self.finished_at = math.inf
        self._slots: dict[str, _Slot] = {}
        self._asked = 0
        self._changed = anyio.Event()
        self._done = anyio.Event()
        self._abandoned = False
        self._outcome: T | None = None
        self._error: BaseException | None = None
        self._task: asyncio.Task[None] | None = None
        self._on_close: list[Callable[[], None]] = []

    # -- the run's side: the gate asks here -----------------------------------------------------

    async def ask(self, question: Question) -> Answer:
        """Open a question and wait for the client's answer (the gate's timeout bounds the wait)."""
        if self._abandoned:
            return Answer.CANCEL
        self._asked += 1
        key = f"approval-{self._asked}"
        slot = _Slot(question)
        self._slots[key] = slot
        self._notify()
        try:
            await slot.answered.wait()
        finally:
            del self._slots[key]
            if slot.answer is None and self.context is None:
                self._abandoned = True  # timed out with no client attached: it is not coming back
        assert slot.answer is not None
        return slot.answer

    # -- the server's side: one call per round -------------------------------------------------

    def attach(self, context: Any) -> None:
        """A request (round) now waits on the run: its client is here."""
        self.context = context
        self._abandoned = False

    def detach(self) -> None:
        """The round ended; until the next one, nobody is attached."""
        self.context = None

    def start(self, run: Callable[[WaitingRun[T]], Awaitable[T]]) -> None:
        """Run `run(self)` in the background, beyond the request that started it."""

        async def main() -> None:
            try:
                self._outcome = await run(self)
            except BaseException as error:  # handed to the request that collects the run
                self._error = error
                if not isinstance(error, Exception):
                    raise
            finally:
                self.finished_at = anyio.current_time()
                self._done.set()
                self._notify()

        self._task = asyncio.get_running_loop().create_task(main(), name=f"waiting run {self.token[:6]}")

    def answer(self, responses: Mapping[str, InputResponse] | None) -> None:
        """Deliver a retry's answers to the questions they answer; unknown keys are ignored."""
        for key, response in (responses or {}).items():
            slot = self._slots.get(key)
            if slot is None or slot.answer is not None:
                continue
            slot.answer = answer_of(response) if isinstance(response, ElicitResult) else Answer.DECLINE
            slot.answered.set()

    async def next_step(self) -> T | dict[str, ElicitRequest]:
        """The run's result, or the questions to send the client in this round.

        Waits until the run ends or asks; then waits briefly for more questions, so parallel calls
        that all need approval go out in one round.
        """
        while not self._done.is_set():
            if self._open():
                for _ in range(SETTLE_MAX):
                    before = self._asked
                    with anyio.move_on_after(SETTLE_S):
                        await self._wait_change()
                    if self._asked == before:
                        break
                questions = {key: approval_request(slot.question) for key, slot in self._open().items()}
                if questions:
                    return questions
            else:
                await self._wait_change()
        if self._error is not None:
            raise self._error
        return self._outcome  # type: ignore[return-value]

    def on_close(self, release: Callable[[], None]) -> None:
        """Call `release` when the run is forgotten (collected, cancelled or dropped)."""
        self._on_close.append(release)

    def close(self) -> None:
        """Release what was tied to the run."""
        for release in self._on_close:
            release()
        self._on_close.clear()

    def cancel(self) -> None:
        """Stop the run (the client cancelled or went away mid-round)."""
        if self._task is not None:
            self._task.cancel()

    @property
    def done(self) -> bool:
        """Whether the run has ended."""
        return self._done.is_set()

    def _open(self) -> dict[str, _Slot]:
        return {key: slot for key, slot in self._slots.items() if slot.answer is None}

    def _notify(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()

    async def _wait_change(self) -> None:
        await self._changed.wait()


class WaitingRuns:
    """The runs waiting between rounds, by token. Finished runs nobody collects go after `keep_s`."""

    def __init__(self) -> None:
        self._runs: dict[str, WaitingRun[Any]] = {}

    def start(self, code: str, run: Callable[[WaitingRun[T]], Awaitable[T]], keep_s: float) -> WaitingRun[T]:
        """A new waiting run of `code`, started."""
        self._prune(keep_s)
        waiting: WaitingRun[T] = WaitingRun(code)
        self._runs[waiting.token] = waiting
        waiting.start(run)
        return waiting

    def get(self, token: str) -> WaitingRun[Any] | None:
        """The run a `requestState` names, if it is still here."""
        return self._runs.get(token)

    def discard(self, waiting: WaitingRun[Any]) -> None:
        """Forget a run (collected, or cancelled)."""
        self._runs.pop(waiting.token, None)
        waiting.close()

    def __len__(self) -> int:
        return len(self._runs)

    def _prune(self, keep_s: float) -> None:
        now = anyio.current_time()
        for token, waiting in list(self._runs.items()):
            if waiting.done and now - waiting.finished_at > keep_s:
                logger.info("dropping a finished run whose client never came back for its result")
                del self._runs[token]
                waiting.close()
