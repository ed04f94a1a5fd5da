"""What one run needs besides the process: the code forms, the tools, the limits, the callbacks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .limits import Limits
from .outbound import OutboundPolicy
from .result import LogEntry
from .source import Candidate

__all__ = ["BlankTypes", "Language", "LogCallback", "RunRequest", "StripTypes", "ToolCallback"]

Language = Literal["typescript", "python"]
"""The language of a program: TypeScript (or JavaScript) in V8, or Python in Pyodide."""

ToolCallback = Callable[[str, str, Any], Awaitable[Any]]
"""(namespace, tool, arguments) -> JSON-able result; namespace "" is a global function."""
LogCallback = Callable[[LogEntry], None]
StripTypes = Callable[[Sequence[str | None]], Awaitable[list[dict[str, Any] | None] | None]]
"""The candidates' bodies -> each as JavaScript, or None (sandbox/strip.py, `TypeStripper.strip`)."""
BlankTypes = Callable[[Sequence[str | None]], list[dict[str, Any] | None] | None]
"""The same in the host, at once, or None (sandbox/blank_types.py, `TypeBlanker.blank`)."""


@dataclass(frozen=True)
class RunRequest:
    """Everything one run needs besides the process."""

    candidates: Sequence[Candidate]
    """The wrapped code forms (sandbox/source.py)."""
    tools: Mapping[str, Sequence[str]]
    """Guest-visible tool identifiers per namespace."""
    globals: Sequence[str]
    """Global functions, routed to the callback with namespace ""."""
    limits: Limits
    """Limits of this run."""
    callback: ToolCallback | None
    """Serves the guest's tool calls."""
    on_log: LogCallback | None = None
    """Called with each log entry as it arrives."""
    outbound: OutboundPolicy | None = None
    """Serves the guest's `fetch` when network is opted in."""
    language: Language = "typescript"
    """Which runner gets the program; a Python run needs a process started for Python."""
    source: str = ""
    """A Python program's text (TypeScript goes in `candidates`)."""
    strip_types: StripTypes | None = None
    """Turns typed bodies into JavaScript when the harness asks (a `strip` frame); None: it never asks."""
    blank_types: BlankTypes | None = None
    """Tried first when the program looks typed (no process hop); `strip_types` gets what it refuses."""
