"""Glob patterns over workspace paths: `*`, `?`, `[abc]`, `[!abc]`, `{a,b}` and `**`.

`*` and `?` never cross a `/`; `**` as a whole component matches any number of directories, none
included (`/reports/**/*.md` matches `/reports/q3.md` and `/reports/2026/q3.md`). Dot files are not
special. A relative pattern is from `/`, like paths, and passes the same rules (`paths.check_pattern`).

Matching is pushed into the store where it can be: every pattern also compiles to a SQLite `GLOB`
pattern (`Glob.sql`) that matches at least the same paths, so the store returns few candidates from
its path index; for the common shapes (`/dir/*.md`, `/dir/**/*.md`, a literal path) it matches exactly
the same paths (`Glob.exact`), and the regular expression is not run at all.
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
    sql: str = "*"
    """A pattern in SQLite's `GLOB` syntax (`*` and `?` cross `/`) matching at least these paths."""
    children_of: WorkspacePath | None = None
    """With `sql`: only the files directly in this directory can match."""
    exact: bool = False
    """`sql` (with `children_of`) matches exactly the paths the pattern does: `filter` is not needed."""

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
    sql, children_of, exact = _sql_glob(parts, base)
    return Glob(normalized, base, matcher, sql, children_of, exact)


def _sql_glob(parts: list[str], base: WorkspacePath) -> tuple[str, WorkspacePath | None, bool]:
    """The SQLite `GLOB` pattern of `Glob.sql`, the directory of `Glob.children_of`, and `Glob.exact`.

    The store only returns paths at or below `base`. `**/` becomes `*` (zero or more directories),
    `*` and `?` stay (in SQLite they may cross `/`, so the result is a superset), a class becomes `?`
    and a brace group `*`. Exact for: a literal path; wildcards (`*`, `?`) in the last component only,
    with `children_of` its directory, so nothing crosses a `/`; `base/**` (everything there); and
    `base/**/*suffix` with a literal suffix (a path below `base` ending in `suffix`, which holds no
    `/`, has a last component ending in it).
    """
    rest = parts[len(base.split("/")) - 1 if base != ROOT else 0 :]
    sql = "" if base == ROOT else str(base)
    after_globstar = False
    for part in rest:
        if part == "**":
            if not after_globstar:
                sql += "/*"
            after_globstar = True
            continue
        sql += ("" if after_globstar else "/") + _simplify(part)
        after_globstar = False
    last = rest[-1] if rest else ""
    if last == "**":
        sql = sql[:-2] + "*"  # `/a/**` also matches `/a` itself
        return sql, None, len(rest) == 1
    if all(not (_WILDCARDS & set(part)) for part in rest[:-1]) and not ({"[", "{"} & set(last)):
        return sql, (base if _WILDCARDS & set(last) else None), True
    suffix = last[1:]
    exact = rest[:1] == ["**"] and len(rest) == 2 and last.startswith("*") and not _WILDCARDS & set(suffix)
    return sql, None, exact


def _simplify(part: str) -> str:
    """A component in SQLite's `GLOB` syntax: each class as `?`, each brace group as `*` (supersets).

    No other character is special there: `[` and `{` only open classes and groups in our patterns.
    """
    out = []
    i = 0
    depth = 0
    while i < len(part):
        char = part[i]
        if char == "[" and not depth:
            i = part.find("]", i + 2 if part[i + 1 : i + 2] in ("!", "^") else i + 1)
            out.append("?")
        elif char == "{":
            out.append("" if depth else "*")
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
        i += 1
    return "".join(out)


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
