"""Read a Python tool's docstring: the description, and per-argument descriptions.

Understands the two common layouts, Google (`Args:` then `name (type): text`) and NumPy
(`Parameters` underlined with dashes, then `name : type` and indented text). Anything else is kept
whole as the description. The description is the text before the first section header.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

__all__ = ["ParsedDocstring", "parse_docstring"]

_GOOGLE_SECTION = re.compile(r"^(\w[\w ]*):\s*$")
_GOOGLE_ARGS = {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments"}
_GOOGLE_ARG = re.compile(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_NUMPY_UNDERLINE = re.compile(r"^-{3,}\s*$")
_NUMPY_ARG = re.compile(r"^\*{0,2}(\w+)\s*(?::.*)?$")


@dataclass(frozen=True)
class ParsedDocstring:
    """What a docstring says about a function."""

    description: str
    """The text before the first section (Args, Returns, Raises, ...), paragraphs kept."""
    arguments: dict[str, str] = field(default_factory=dict)
    """Argument name -> its description, from an `Args:` or `Parameters` section."""


def parse_docstring(doc: str | None) -> ParsedDocstring:
    """Split a docstring into the description and the argument descriptions."""
    if not doc:
        return ParsedDocstring("")
    lines = inspect.cleandoc(doc).splitlines()
    body_end = len(lines)
    for index in range(len(lines)):
        if _is_section_start(lines, index):
            body_end = index
            break
    description = "\n".join(lines[:body_end]).strip()
    return ParsedDocstring(description, _arguments(lines[body_end:]))


def _is_section_start(lines: list[str], index: int) -> bool:
    line = lines[index]
    if line[:1].isspace():
        return False
    if _GOOGLE_SECTION.match(line):
        return True
    return index + 1 < len(lines) and bool(_NUMPY_UNDERLINE.match(lines[index + 1])) and bool(line.strip())


def _arguments(lines: list[str]) -> dict[str, str]:
    """Argument descriptions from the sections part of a docstring."""
    found: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        google = _GOOGLE_SECTION.match(line)
        numpy = index + 1 < len(lines) and _NUMPY_UNDERLINE.match(lines[index + 1])
        if google and google.group(1).strip().lower() in _GOOGLE_ARGS:
            index = _read_entries(lines, index + 1, found, numpy_style=False)
        elif numpy and line.strip().lower() in _GOOGLE_ARGS:
            index = _read_entries(lines, index + 2, found, numpy_style=True)
        else:
            index += 1
    return found


def _read_entries(lines: list[str], index: int, found: dict[str, str], *, numpy_style: bool) -> int:
    """Read `name: text` entries (continuation lines indented deeper) until the section ends."""
    entry_indent: int | None = None
    current: str | None = None
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped and _is_section_start(lines, index) and (numpy_style or indent == 0):
            break
        if not stripped:
            index += 1
            continue
        if entry_indent is None:
            entry_indent = indent
        if indent < entry_indent:
            break
        match = (_NUMPY_ARG if numpy_style else _GOOGLE_ARG).match(stripped)
        if indent == entry_indent and match:
            current = match.group(1)
            found[current] = "" if numpy_style else match.group(2).strip()
        elif current is not None:
            found[current] = f"{found[current]} {stripped}".strip()
        index += 1
    return index
