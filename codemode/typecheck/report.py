"""A rejected program, told the way each reader needs it.

- the model (the `code` tool's error text): each error with its line of code, a caret under the
  column, and the message (with the name it meant, for a typo); and that nothing ran;
- `codemode exec --json` and other programs: a failed `RunResult` named `TypeCheckError` with no tool
  calls, and the diagnostics as data (`error_json`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sandbox import GuestError, RunResult, RunStats

from .checker import Diagnostic

__all__ = ["ERROR_NAME", "error_json", "rejected_result", "rejection_text"]

ERROR_NAME = "TypeCheckError"
_SHOWN = 10
"""At most this many diagnostics in the model's text (the rest are counted)."""


def rejection_text(code: str, diagnostics: Sequence[Diagnostic]) -> str:
    """What the model reads after the error's name: every error at its line of code; that nothing ran."""
    lines = code.split("\n")
    count = len(diagnostics)
    head = f"the program was not run ({count} type error{'s' if count != 1 else ''}; "
    out = [head + "no tool was called). Fix these and send the whole program again:"]
    for d in diagnostics[:_SHOWN]:
        source = lines[d.line - 1] if 0 < d.line <= len(lines) else ""
        stripped = source.lstrip()
        caret = " " * max(0, d.column - 1 - (len(source) - len(stripped)))
        out.append(f"line {d.line}: {stripped.rstrip()}")
        out.append(f"{' ' * (len(str(d.line)) + 7)}{caret}^")
        out.append(f"  TS{d.code}: {d.message}")
    if count > _SHOWN:
        out.append(f"... and {count - _SHOWN} more")
    return "\n".join(out)


def rejected_result(code: str, diagnostics: Sequence[Diagnostic], *, wall_ms: float = 0.0) -> RunResult:
    """The run that did not happen: failed, `TypeCheckError`, no tool calls, the text as its message."""
    error = GuestError(name=ERROR_NAME, message=rejection_text(code, diagnostics))
    return RunResult(ok=False, error=error, stats=RunStats(wall_ms=wall_ms, tool_calls=0))


def error_json(result: RunResult, diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """`result.to_json()` with the diagnostics under `error.diagnostics` (`codemode exec --json`)."""
    payload = result.to_json()
    error = dict(payload["error"] or asdict(GuestError(name=ERROR_NAME, message="")))
    error["diagnostics"] = [d.to_json() for d in diagnostics]
    payload["error"] = error
    return payload
