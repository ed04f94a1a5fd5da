"""Recording what a code-mode run did: every tool call, its result, and which calls were independent.

Independence is read off the run itself. A call that starts before any call of the current wave has
returned cannot depend on that wave's results, so it joins the wave (this is what `Promise.all` does);
a call that starts after a result came back begins a new wave. Each returned result is held for
`hold_s` seconds before the guest sees it, so that calls the guest issued together (in one
synchronous tick) are all seen starting before any of them returns, however fast the tool is.
Waves become the classic transcript's turns: one turn's tool calls are what parallel tool use can
batch, and a later turn may use any earlier result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio

__all__ = ["Recorder", "ToolCall", "group_waves"]


@dataclass(frozen=True)
class ToolCall:
    """One tool call as the sandbox made it."""

    index: int
    """Position in start order, from 0."""
    namespace: str
    """The tool's namespace (as the guest sees it)."""
    name: str
    """The tool's guest identifier."""
    arguments: dict[str, Any]
    """The arguments, JSON-able."""
    result: Any
    """The JSON-able result; None when the call failed."""
    error: str | None
    """The tool error's message, if the call failed."""
    wave: int
    """Which group of independent calls it belongs to, from 0."""


class Recorder:
    """Wraps tool calls, recording each with its wave. One recorder serves one run at a time."""

    def __init__(self, hold_s: float = 0.02) -> None:
        self.hold_s = hold_s
        self._calls: list[ToolCall | None] = []
        self._wave = 0
        self._returned_in_wave = False

    def reset(self) -> None:
        """Forget the previous run."""
        self._calls = []
        self._wave = 0
        self._returned_in_wave = False

    @property
    def calls(self) -> list[ToolCall]:
        """The calls that have completed, in start order."""
        return [call for call in self._calls if call is not None]

    async def record(
        self,
        namespace: str,
        name: str,
        arguments: dict[str, Any],
        call: Callable[[], Awaitable[Any]],
    ) -> Any:
        """Run `call()` (the real tool call) and record it; exceptions pass through, recorded."""
        if self._returned_in_wave:
            self._wave += 1
            self._returned_in_wave = False
        index = len(self._calls)
        wave = self._wave
        self._calls.append(None)
        result: Any = None
        error: str | None = None
        try:
            result = await call()
        except Exception as exc:
            error = str(exc)
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.sleep(self.hold_s)
            self._calls[index] = ToolCall(index, namespace, name, dict(arguments), result, error, wave)
            self._returned_in_wave = True
        return result


def group_waves(calls: list[ToolCall]) -> list[list[ToolCall]]:
    """The calls grouped by wave, in order; empty waves (none can occur in a recording) are dropped."""
    waves: dict[int, list[ToolCall]] = {}
    for call in sorted(calls, key=lambda c: c.index):
        waves.setdefault(call.wave, []).append(call)
    return [waves[key] for key in sorted(waves)]
