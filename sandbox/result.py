"""What a run returns: the value, the logs, the guest's error and the stats.

How the harness converts a guest's return value (and tool-call arguments) to JSON, deterministically:

| guest value                       | becomes                                              |
| --------------------------------- | ---------------------------------------------------- |
| JSON values                       | themselves                                           |
| `undefined` (top level)           | `null`                                               |
| `undefined`, functions, symbols   | dropped from objects, `null` in arrays (as JSON does) |
| `NaN`, `Infinity`                 | `null`                                               |
| BigInt                            | its decimal string, `10n` -> `"10"`                   |
| Map                               | object, keys converted with `String(key)`            |
| Set                               | array                                                |
| Date                              | ISO 8601 string; an invalid Date is `null`           |
| typed arrays, ArrayBuffer         | array of numbers (BigInt elements as strings)        |
| Error                             | `{"name", "message", "cause"?}`                      |
| a value inside itself (a cycle)   | the string `"[Circular]"` (shared, non-cyclic values repeat) |
| deeper than 200 levels            | the string `"[MaxDepth]"`                            |
| objects with `toJSON()`           | the converted result of `toJSON()`                   |
| other objects, class instances    | their own enumerable properties                      |

The host measures the value it received. When its JSON is larger than `Limits.result_bytes` it
becomes a string: the first `result_bytes` bytes of the JSON, then `…[truncated: the result is N
bytes of JSON, the limit is M bytes]`, and `RunResult.truncated` is True. Every string is valid
Unicode: lone UTF-16 surrogates from the guest become U+FFFD.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["GuestError", "LimitName", "LogEntry", "RunResult", "RunStats"]

LimitName = Literal[
    "wall_s",
    "cpu_s",
    "memory_mib",
    "output_bytes",
    "tool_calls",
    "concurrent_calls",
    "frame_bytes",
    "read_bytes",
]
"""The `Limits` fields a run can end on (`GuestError.limit`)."""


@dataclass(frozen=True)
class LogEntry:
    """One console call of the guest (or a line it wrote to stdout/stderr outside the console)."""

    level: str
    """`log`, `info`, `warn`, `error`, `debug`; `stdout`/`stderr` for raw writes (Workers, node:process)."""
    message: str
    """The arguments formatted as Deno's console formats them."""


@dataclass(frozen=True)
class GuestError:
    """Why a run failed: the guest threw, or broke a limit, or its process died."""

    name: str
    """The error class (`TypeError`, `SyntaxError`, `TimeoutError`, `MemoryError`, ...)."""
    message: str
    """The message; for a limit it states the limit and what the run used, in plain words (add the
    setting that raises it from `limit`, in your own terms)."""
    stack: str = ""
    """The stack, with positions as `guest.ts:LINE:COL` in the model's own code; harness frames removed."""
    limit: LimitName | None = None
    """The `Limits` field that ended the run, set by the host code that enforced it (never read from
    the guest's text); None when no limit was involved."""


@dataclass(frozen=True)
class RunStats:
    """Measured by the host, never reported by the guest."""

    wall_ms: float = 0.0
    """Wall time from sending the code to receiving the result."""
    cpu_ms: float = 0.0
    """CPU time (user + system, all threads) the sandbox process spent on this run (/proc rusage)."""
    peak_memory_mib: float = 0.0
    """Peak resident memory of the sandbox process (VmHWM)."""
    tool_calls: int = 0
    """Tool calls the guest made in this run."""


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run. `ok` is False exactly when `error` is set."""

    ok: bool
    """True when the guest returned a value."""
    value: Any = None
    """The return value as JSON-compatible data (conversions in the module docstring)."""
    logs: list[LogEntry] = field(default_factory=list)
    """Console output in order."""
    error: GuestError | None = None
    """Why the run failed."""
    stats: RunStats = field(default_factory=RunStats)
    """Host-side measurements."""
    truncated: bool = False
    """The value was larger than `Limits.result_bytes` and was cut (it is then a string with a marker)."""

    def to_json(self) -> dict[str, Any]:
        """Exactly `{"ok", "result", "logs", "error", "stats"}`, as `codemode exec --json` prints it."""
        return {
            "ok": self.ok,
            "result": self.value,
            "logs": [asdict(entry) for entry in self.logs],
            "error": asdict(self.error) if self.error is not None else None,
            "stats": asdict(self.stats),
        }
