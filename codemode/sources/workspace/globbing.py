"""Glob patterns over workspace paths: `*`, `?`, `[abc]`, `[!abc]`, `{a,b}` and `**`.

`*` and `?` never cross a `/`; `**` as a whole component matches any number of directories, none
included (`/reports/**/*.md` matches `/reports/q3.md` and `/reports/2026/q3.md`). Dot files are not
special. A relative pattern is from `/`, like paths, and passes the same rules (`paths.check_pattern`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.paths import ROOT, WorkspacePath, check_pattern

__all__ = ["Glob", "compile_glob"]

_WILDCARDS = frozenset("*?[{")
_MATCH_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Glob:
    """A compiled pattern."""

    pattern: str
    """The pattern, normalized."""
    base: WorkspacePath
    """The longest directory without wildcards: only paths below it can match."""
    matcher: regex.Pattern[str]
    """Matches whole lines that are matching paths (multiline mode)."""

    def filter(self, paths: Sequence[str]) -> list[str]:
        """The paths that match the whole pattern, in order (ETIMEDOUT for a pathological pattern).

        One regular-expression scan over all paths joined by newlines (which paths never contain):
        one call into the matcher instead of one per path.
        """
        if not paths:
            return []
        try:
            return [
                match.group(0) for match in self.matcher.finditer("\n".join(paths), timeout=_MATCH_TIMEOUT_S)
            ]
        except TimeoutError:
            raise WorkspaceError(
                "ETIMEDOUT", self.pattern, f"took more than {_MATCH_TIMEOUT_S:g} s to match; simplify it"
            ) from None


def compile_glob(pattern: str) -> Glob:
    """Check and compile `pattern`; `WorkspaceError` (EINVAL) for a malformed one."""
    normalized = check_pattern(pattern)
    parts = normalized.split("/")[1:]
    base_parts: list[str] = []
    for part in parts:
        if _WILDCARDS & set(part):
            break
        base_parts.append(part)
    if len(base_parts) == len(parts):  # no wildcard: the path itself
        base_parts = base_parts[:-1]
    text = ""
    previous = ""
    for part in parts:
        if part == "**":
            if previous != "**":  # `**/**` is `**`: repeated ones would only add backtracking
                text += "(?:/[^/\\n]+)*"
        else:
            text += "/" + _component(part, normalized)
        previous = part
    if not parts:
        text = "/"
    base = WorkspacePath("/" + "/".join(base_parts)) if base_parts else ROOT
    try:
        matcher = regex.compile(f"^{text}$", regex.MULTILINE)
    except regex.error as error:
        raise WorkspaceError("EINVAL", normalized, f"is not a valid glob pattern: {error}") from None
    return Glob(normalized, base, matcher)


def _component(part: str, pattern: str) -> str:
    """One path component of a pattern as a regular expression."""
    out: list[str] = []
    i = 0
    depth = 0
    while i < len(part):
        char = part[i]
        if char == "*":
            out.append("[^/\\n]*")
            while i + 1 < len(part) and part[i + 1] == "*":
                i += 1
        elif char == "?":
            out.append("[^/\\n]")
        elif char == "[":
            end = part.find("]", i + 2 if part[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end < 0:
                raise WorkspaceError("EINVAL", pattern, "has a `[` without its `]`; escape it as [[]")
            body = part[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            escaped = body.replace("\\", "\\\\").replace("[", "\\[")
            out.append(f"[^/\\n{escaped}]" if negate else f"[{escaped}]")
            i = end
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(regex.escape(char))
        i += 1
    if depth:
        raise WorkspaceError("EINVAL", pattern, "has a `{` without its `}`")
    return "".join(out)
