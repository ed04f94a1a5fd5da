"""The model's code as the module the checker reads, and positions mapped back to the model's lines.

The checker reads the very candidate modules the sandbox would run (`sandbox.source.candidates`:
fence stripped, code wrapped as an async function with one prologue line), so a diagnostic's line in
the module is the model's line plus one. Two adjustments bring it back to the model's own text:

- a fenced program (```ts ... ```) starts some lines into what the model wrote;
- the `last-expression` form inserts `return (` before the last statement, shifting that line.

Order: the harness takes the first candidate that parses. Every non-module form holds the same
statements in the same async function, so their types are the same; we check the `body` form first
(what models write: statements ending in `return`) and fall back to the others only when it does not
parse (a bare object literal, say), which costs a second check only for those rare programs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.source import Candidate, candidates, strip_fence

__all__ = ["CheckedSource", "checked_sources"]

_RETURN = "return ("
"""What the `last-expression` candidate inserts before the last statement."""


@dataclass(frozen=True)
class CheckedSource:
    """One candidate module, and how to map its positions back to the model's code."""

    kind: str
    """The sandbox's name for the code form (`body`, `expression`, `last-expression`, `module`)."""
    text: str
    """The module source the checker reads."""
    guest_lines: tuple[str, ...]
    """The model's own lines (of what it sent, fence included)."""
    first_line: int
    """0-based line of the model's text where the (unfenced) code starts."""
    insert_line: int | None
    """0-based module line where `return (` was inserted (`last-expression` only)."""
    insert_column: int
    """Code-point column of that insertion."""

    def module_line(self, line: int) -> str:
        """One line of the module text (0-based)."""
        lines = self.text.split("\n")
        return lines[line] if 0 <= line < len(lines) else ""

    def column_of(self, line: int, utf16_column: int) -> int:
        """The code-point column of a UTF-16 column in a module line."""
        return _code_points(self.module_line(line), utf16_column)

    def to_guest(self, line: int, utf16_column: int) -> tuple[int, int]:
        """A 0-based module position (LSP: UTF-16 columns) -> 1-based line and column in the model's text."""
        module_lines = self.text.split("\n")
        line = min(max(line, 0), len(module_lines) - 1)
        column = _code_points(module_lines[line], utf16_column)
        if line == self.insert_line and column >= self.insert_column:
            column = max(self.insert_column, column - len(_RETURN))
        code_line = line - 1  # the prologue line
        last = len(self.guest_lines) - 1 - self.first_line
        if code_line < 0:
            return self.first_line + 1, 1
        if code_line > last:  # the wrapper's closing lines: point at the end of the code
            code_line = max(last, 0)
            column = len(self.guest_lines[self.first_line + code_line]) if self.guest_lines else 0
        guest = self.first_line + code_line
        column = min(column, len(self.guest_lines[guest]) if guest < len(self.guest_lines) else column)
        return guest + 1, column + 1


def checked_sources(code: str) -> list[CheckedSource]:
    """The candidate modules to check, in the order to try them (see the module docstring)."""
    stripped = strip_fence(code)
    first_line = code.count("\n", 0, code.find(stripped)) if stripped is not code else 0
    guest_lines = tuple(code.split("\n"))
    found = candidates(code)
    ordered = [c for c in found if c.kind == "body"] + [c for c in found if c.kind != "body"]
    return [_checked(c, stripped, guest_lines, first_line) for c in ordered]


def _checked(candidate: Candidate, code: str, guest_lines: tuple[str, ...], first_line: int) -> CheckedSource:
    insert_line: int | None = None
    insert_column = 0
    if candidate.kind == "last-expression":
        # Its body is one prologue line, then code[:start] + "return (" + tail: find `start` again.
        assert candidate.body is not None
        body = candidate.body.split("\n", 1)[1]
        start = _insertion(body, code)
        insert_line = code.count("\n", 0, start) + 1
        insert_column = start - (code.rfind("\n", 0, start) + 1)
    return CheckedSource(
        candidate.kind, candidate.source, guest_lines, first_line, insert_line, insert_column
    )


def _insertion(body: str, code: str) -> int:
    """Where the `last-expression` body inserted `return (` into `code`."""
    at = body.find(_RETURN)
    while at != -1:
        tail = code[at:].rstrip().rstrip(";")
        if body[:at] == code[:at] and body[at + len(_RETURN) :] == tail + "\n);":
            return at
        at = body.find(_RETURN, at + 1)
    raise ValueError("not a last-expression body of this code")  # pragma: no cover - sandbox contract


def _code_points(line: str, utf16_column: int) -> int:
    """The code-point index in `line` of a UTF-16 offset (LSP's default position encoding)."""
    units = 0
    for index, char in enumerate(line):
        if units >= utf16_column:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line)
