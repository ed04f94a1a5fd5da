"""Text work on file contents: decoding, searching lines, JavaScript-style replacements, unified diffs.

Patterns are compiled with the `regex` package (Python syntax, plus JavaScript's `(?<name>...)`
groups) and every match runs against a deadline, so a pathological pattern from a program fails with
ETIMEDOUT instead of pinning a server thread. Replacement strings follow JavaScript's
`String.prototype.replace`: `$&`, `$1`..`$99`, `$<name>`, `` $` ``, `$'` and `$$`.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Iterator

import regex

from codemode.sources.workspace.errors import WorkspaceError

__all__ = [
    "PATTERN_BUDGET_S",
    "Deadline",
    "compile_query",
    "decode",
    "js_replacement",
    "replace_all",
    "search_lines",
    "unified_diff",
]

PATTERN_BUDGET_S = 5.0
"""Seconds of matching one operation may spend, over all files."""
_LINE_CHARS = 300
"""A matching line longer than this is shown as a window around the match."""

_TOKEN = regex.compile(r"\$(?:(\$)|(&)|(`)|(')|(\d{1,2})|<([^>]*)>)")


class Deadline:
    """The time left for one operation's pattern matching."""

    def __init__(self, pattern: str, budget_s: float | None = None) -> None:
        self._pattern = pattern
        self._budget_s = PATTERN_BUDGET_S if budget_s is None else budget_s
        self._end = time.monotonic() + self._budget_s

    def left(self) -> float:
        """Seconds left; raises ETIMEDOUT when none are."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> WorkspaceError:
        return WorkspaceError(
            "ETIMEDOUT",
            self._pattern,
            f"took more than {self._budget_s:g} s to match; use a simpler pattern or fewer files",
        )


def decode(path: str, data: bytes) -> str:
    """`data` as UTF-8 text, or EILSEQ naming the file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WorkspaceError(
            "EILSEQ", path, f"is not UTF-8 text (byte {error.start}); read it with readFileBytes"
        ) from None


def compile_query(query: str, *, is_regex: bool, case_sensitive: bool) -> regex.Pattern[str]:
    """The pattern for a literal or regular-expression query; EINVAL for a malformed one."""
    if query == "":
        raise WorkspaceError("EINVAL", '""', "is an empty query; search for at least one character")
    flags = regex.MULTILINE | (0 if case_sensitive else regex.IGNORECASE)
    try:
        return regex.compile(query if is_regex else regex.escape(query), flags)
    except regex.error as error:
        raise WorkspaceError("EINVAL", query, f"is not a valid regular expression: {error}") from None


def search_lines(pattern: regex.Pattern[str], text: str, deadline: Deadline) -> Iterator[tuple[int, str]]:
    """(line number from 1, the line) for each line with a match, in order."""
    line = 1
    counted = 0
    last = 0
    try:
        for match in pattern.finditer(text, timeout=deadline.left()):
            start = match.start()
            line += text.count("\n", counted, start)
            counted = start
            if line == last:
                continue
            last = line
            begin = text.rfind("\n", 0, start) + 1
            end = text.find("\n", start)
            yield line, _clip(text[begin : end if end >= 0 else len(text)].rstrip("\r"), start - begin)
    except TimeoutError:
        raise deadline.expired() from None


def replace_all(
    pattern: regex.Pattern[str], replacement: Callable[[regex.Match[str]], str], text: str, deadline: Deadline
) -> tuple[str, int]:
    """`text` with every match replaced, and how many there were."""
    try:
        return pattern.subn(replacement, text, timeout=deadline.left())
    except TimeoutError:
        raise deadline.expired() from None


def js_replacement(template: str, *, is_regex: bool) -> Callable[[regex.Match[str]], str]:
    """A function building one match's replacement: the template's `$` tokens expanded (regex only)."""
    if not is_regex or "$" not in template:
        return lambda match: template

    def expand(match: regex.Match[str]) -> str:
        def token(found: regex.Match[str]) -> str:
            dollar, whole, before, after, number, name = found.groups()
            if dollar:
                return "$"
            if whole:
                return match.group(0)
            if before:
                return match.string[: match.start()]
            if after:
                return match.string[match.end() :]
            if number is not None:
                index = int(number)
                if 0 < index <= (match.re.groups or 0):
                    return match.group(index) or ""
                if len(number) == 2 and 0 < int(number[0]) <= (match.re.groups or 0):
                    return (match.group(int(number[0])) or "") + number[1]
                return found.group(0)
            if name in match.re.groupindex:
                return match.group(name) or ""
            return found.group(0)

        return _TOKEN.sub(token, template)

    return expand


def unified_diff(from_path: str, from_text: str, to_path: str, to_text: str) -> str:
    """A unified diff with 3 lines of context; empty when the texts are equal."""
    lines = difflib.unified_diff(
        from_text.splitlines(), to_text.splitlines(), fromfile=from_path, tofile=to_path, lineterm=""
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""


def _clip(line: str, column: int) -> str:
    if len(line) <= _LINE_CHARS:
        return line
    start = max(0, column - _LINE_CHARS // 3)
    end = start + _LINE_CHARS
    return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
