"""The approval gate of one run: ask before a gated call, remember "the rest of this run", log it all.

```python
gate = ApprovalGate(policy, asker, who="client claude-ai, session 3f2a")
await gate.check(tool, arguments)   # returns: the call may run; raises ApprovalDeclined: it may not
```

One gate lives exactly as long as one program run. Calls of one tool are asked about one at a time,
so that parallel calls of a tool a person has just allowed "for the rest of this run" are not asked
about again; calls of different tools are asked about at once. While a question waits, the run's
wall-clock limit is paused; the approval timeout declines a question nobody answers.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import anyio

from codemode.approvals.policy import ApprovalPolicy
from codemode.approvals.render import arguments_digest, question_text
from codemode.errors import ApprovalDeclined
from codemode.sources.protocol import ToolInfo
from sandbox import wall_clock_paused

__all__ = ["Answer", "ApprovalDecision", "ApprovalGate", "Asker", "Question"]

logger = logging.getLogger("codemode.approvals")


class Answer(enum.Enum):
    """What the person said."""

    ONCE = "allow once"
    RUN = "allow for the rest of this run"
    DECLINE = "decline"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Question:
    """One approval question: a tool call waiting for a person."""

    tool: str
    """`namespace.tool`, as the program called it."""
    arguments: dict[str, Any]
    """The arguments, as the program passed them."""
    reason: str
    """Why it needs approval (`it matches the approve pattern ...`)."""

    @property
    def text(self) -> str:
        """The question as the person reads it: the tool and its arguments, one per line."""
        return question_text(self.tool, self.arguments)


class Asker(Protocol):
    """Puts a question to a person: an MCP client's elicitation, a terminal, or `--yes`."""

    async def ask(self, question: Question) -> Answer:
        """The person's answer; may wait as long as the person takes (the gate bounds it)."""
        ...


@dataclass(frozen=True)
class ApprovalDecision:
    """One entry of the decision log."""

    tool: str
    """`namespace.tool`."""
    arguments_digest: str
    """A fingerprint of the arguments (`render.arguments_digest`); the values stay out of the log."""
    decision: str
    """`allowed once`, `allowed for the rest of this run`, `allowed earlier for this run`,
    `declined`, `cancelled`, `timed out`, `denied: the client cannot ask`, `allowed: the client
    cannot ask`."""
    who: str
    """Who answered: the client and its session, `terminal`, `--yes`."""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When."""

    @property
    def allowed(self) -> bool:
        """Whether the call ran."""
        return self.decision.startswith("allowed")

    def to_json(self) -> dict[str, str]:
        """The entry as the MCP log message carries it."""
        return {
            "tool": self.tool,
            "arguments_digest": self.arguments_digest,
            "decision": self.decision,
            "who": self.who,
            "at": self.at.isoformat(timespec="seconds"),
        }

    def __str__(self) -> str:
        return (
            f"approval: {self.tool} ({self.arguments_digest}) {self.decision} by {self.who} "
            f"at {self.at.isoformat(timespec='seconds')}"
        )


NO_ELICITATION = (
    "this client cannot ask one (it declared no MCP elicitation support, "
    "or the connection is stateless and has no way back to it)"
)
"""Why nobody can be asked, by default: said in the fallback's message."""

DecisionSink = Callable[[ApprovalDecision], Awaitable[None]]
"""Gets every decision (the server sends it to the client as an MCP log message)."""


class ApprovalGate:
    """Approvals for one run. `asker=None`: the client cannot ask a person, so the fallback decides."""

    def __init__(
        self,
        policy: ApprovalPolicy,
        asker: Asker | None,
        *,
        who: str,
        on_decision: DecisionSink | None = None,
        cannot_ask: str = NO_ELICITATION,
    ) -> None:
        self.policy = policy
        self._asker = asker
        self._who = who
        self._on_decision = on_decision
        self._cannot_ask = cannot_ask
        self._allowed_for_run: set[str] = set()
        self._locks: dict[str, anyio.Lock] = {}
        self.decisions: list[ApprovalDecision] = []
        """Every decision of this run, in order."""

    async def check(self, tool: ToolInfo, arguments: dict[str, Any]) -> None:
        """Return when the call may run; raise `ApprovalDeclined` (nothing ran) when it may not."""
        reason = self.policy.reason(tool)
        if reason is None:
            return
        name = tool.qualified_name
        if name in self._allowed_for_run:
            await self._record(name, arguments, "allowed earlier for this run")
            return
        if self._asker is None:
            await self._fallback(tool, arguments)
            return
        lock = self._locks.setdefault(name, anyio.Lock())
        async with lock:
            if name in self._allowed_for_run:  # a parallel call of this tool was just allowed for the run
                await self._record(name, arguments, "allowed earlier for this run")
                return
            answer = await self._ask(Question(name, arguments, reason))
        if answer is Answer.RUN:
            self._allowed_for_run.add(name)
            await self._record(name, arguments, "allowed for the rest of this run")
        elif answer is Answer.ONCE:
            await self._record(name, arguments, "allowed once")
        elif answer is None:
            await self._record(name, arguments, "timed out")
            raise ApprovalDeclined(
                f"ApprovalDeclined: nobody answered whether to allow {name} "
                f"within {self.policy.timeout_s:g} s, so it did not run"
            )
        else:
            await self._record(name, arguments, "declined" if answer is Answer.DECLINE else "cancelled")
            raise ApprovalDeclined(f"ApprovalDeclined: the user did not allow {name}")

    async def _ask(self, question: Question) -> Answer | None:
        """The answer, or None when the approval timeout passed first. The run's clock is paused."""
        assert self._asker is not None
        with wall_clock_paused(), anyio.move_on_after(self.policy.timeout_s):
            return await self._asker.ask(question)
        return None

    async def _fallback(self, tool: ToolInfo, arguments: dict[str, Any]) -> None:
        name = tool.qualified_name
        if self.policy.fallback == "allow":
            await self._record(name, arguments, "allowed: the client cannot ask")
            return
        await self._record(name, arguments, "denied: the client cannot ask")
        raise ApprovalDeclined(
            f"ApprovalDeclined: {name} needs a person's approval and {self._cannot_ask}, so it did "
            f"not run. Tell the user; to let it run without asking, {self.policy.how_to_allow(tool)}."
        )

    async def _record(self, tool: str, arguments: dict[str, Any], decision: str) -> None:
        entry = ApprovalDecision(tool, arguments_digest(arguments), decision, self._who)
        self.decisions.append(entry)
        logger.info("%s", entry)
        if self._on_decision is not None:
            try:
                await self._on_decision(entry)
            except Exception:  # the client may not take log messages; the server log has it
                logger.debug("could not send an approval decision to the client", exc_info=True)
