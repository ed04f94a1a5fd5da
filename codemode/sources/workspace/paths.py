"""Where paths enter the workspace: every rule a path must pass, in one place.

A workspace path is absolute inside the workspace (`/reports/q3.md`); a relative one means from the
root (`reports/q3.md` is `/reports/q3.md`). `.` and empty components (`//`) are dropped and a trailing
`/` is ignored. Refused, each with its own message:

- `..` components (`/a/../b`), even ones that would stay inside: no path ever climbs;
- NUL and other control characters;
- separators in disguise: `\\`, percent-encoded `%2F` `%5C` `%2E` `%00`, and the Unicode look-alikes
  U+2215 `∕`, U+2044 `⁄`, U+FF0F `／`, U+29F8 `⧸`;
- over-long paths (more than 4,096 bytes of UTF-8) or components (more than 255 bytes);
- over-deep paths (more than 100 components).

Glob patterns pass the same rules (`check_pattern`), wildcards allowed. Only `WorkspacePath`s, made
here, reach the store.
"""

from __future__ import annotations

import re
from typing import NewType

from codemode.sources.workspace.errors import WorkspaceError

__all__ = [
    "MAX_COMPONENT_BYTES",
    "MAX_DEPTH",
    "MAX_PATH_BYTES",
    "ROOT",
    "WorkspacePath",
    "ancestors",
    "check_path",
    "check_pattern",
    "is_within",
    "join",
    "name_of",
    "parent_of",
]

WorkspacePath = NewType("WorkspacePath", str)
"""A path that passed `check_path`: absolute, normalized, no `..`, within every limit."""

ROOT = WorkspacePath("/")

MAX_PATH_BYTES = 4096
"""Longest path, in bytes of UTF-8 (Linux's PATH_MAX)."""
MAX_COMPONENT_BYTES = 255
"""Longest single name, in bytes of UTF-8 (NAME_MAX), so every path can be exported to a disk."""
MAX_DEPTH = 100
"""Most components in one path."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ENCODED = re.compile(r"%(?:2f|5c|2e|00)", re.IGNORECASE)
_LOOKALIKES = "\u2215\u2044\uff0f\u29f8"


def check_path(path: str, *, what: str = "path") -> WorkspacePath:
    """`path` normalized, or `WorkspaceError` naming the path and the rule it breaks."""
    return WorkspacePath(_check(path, what))


def check_pattern(pattern: str) -> str:
    """A glob pattern normalized like a path (absolute, no `..`), wildcards kept."""
    return _check(pattern, "glob pattern")


def _check(path: str, what: str) -> str:
    shown = _shown(path)
    if not isinstance(path, str):
        raise WorkspaceError("EINVAL", "", f"the {what} must be a string, got {type(path).__name__}")
    if path == "":
        raise WorkspaceError("EINVAL", '""', f"is not a {what}; write an absolute path like /reports/q3.md")
    if "\x00" in path:
        raise WorkspaceError("EINVAL", shown, f"contains a NUL byte; a {what} cannot contain one")
    if _CONTROL.search(path):
        raise WorkspaceError("EINVAL", shown, f"contains a control character; a {what} cannot contain one")
    if "\\" in path:
        raise WorkspaceError("EINVAL", shown, "contains a backslash; separate components with /")
    encoded = _ENCODED.search(path)
    if encoded:
        raise WorkspaceError(
            "EINVAL", shown, f"contains the encoded character {encoded.group(0)}; write paths unencoded"
        )
    lookalike = next((char for char in path if char in _LOOKALIKES), None)
    if lookalike is not None:
        raise WorkspaceError(
            "EINVAL", shown, f"contains U+{ord(lookalike):04X}, which looks like a separator; use /"
        )
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise WorkspaceError("ENAMETOOLONG", shown, f"is longer than {MAX_PATH_BYTES} bytes")
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise WorkspaceError("EINVAL", shown, "contains a lone surrogate; paths are Unicode text") from None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise WorkspaceError("EINVAL", shown, "contains `..`; write the absolute path from / instead")
    if len(parts) > MAX_DEPTH:
        raise WorkspaceError("EINVAL", shown, f"has {len(parts)} components, more than {MAX_DEPTH}")
    for part in parts:
        if len(part.encode("utf-8")) > MAX_COMPONENT_BYTES:
            raise WorkspaceError(
                "ENAMETOOLONG", shown, f"has a name longer than {MAX_COMPONENT_BYTES} bytes: {_shown(part)}"
            )
    return "/" + "/".join(parts)


def parent_of(path: WorkspacePath) -> WorkspacePath:
    """`/a/b` -> `/a`; `/a` -> `/`; `/` -> `/`."""
    head = path.rpartition("/")[0]
    return WorkspacePath(head or "/")


def name_of(path: WorkspacePath) -> str:
    """`/a/b.txt` -> `b.txt`; `/` -> ``."""
    return path.rpartition("/")[2]


def ancestors(path: WorkspacePath) -> list[WorkspacePath]:
    """Every directory above `path`, nearest first, ending with `/` (empty for `/` itself)."""
    found: list[WorkspacePath] = []
    while path != ROOT:
        path = parent_of(path)
        found.append(path)
    return found


def join(directory: WorkspacePath, relative: str) -> WorkspacePath:
    """`directory` + `relative` (already-checked components), as a `WorkspacePath`."""
    if not relative:
        return directory
    return WorkspacePath(directory.rstrip("/") + "/" + relative)


def is_within(path: WorkspacePath, directory: WorkspacePath) -> bool:
    """Whether `path` is `directory` or below it."""
    return directory == ROOT or path == directory or path.startswith(directory + "/")


def _shown(value: object) -> str:
    """A path as messages show it: cut to 200 characters, control characters escaped."""
    text = value if isinstance(value, str) else repr(value)
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)
    return text if len(text) <= 200 else text[:199] + "…"
