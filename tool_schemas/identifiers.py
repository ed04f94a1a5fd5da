"""Names: the identifier rule for tools and namespaces, property keys, and type-alias names."""

from __future__ import annotations

import json
import re

__all__ = ["alias_name", "property_key", "sanitize_identifier"]

_RESERVED_WORDS_TEXT = """
break case catch class const continue debugger default delete do else enum export extends false finally
for function if import in instanceof new null return super switch this throw true try typeof var void
while with implements interface let package private protected public static yield await
arguments eval undefined NaN Infinity __proto__
"""
RESERVED_WORDS = frozenset(_RESERVED_WORDS_TEXT.split())
"""JavaScript reserved words (including strict-mode and module ones), the names a binding cannot take,
and `__proto__`, which as a member of a namespace object would set its prototype instead."""

_RESERVED_TYPE_NAMES_TEXT = """
Array ArrayBuffer Awaited Boolean Date Error Function JSON Map Math NonNullable Number Object Omit
Partial Pick Promise PromiseLike ReadonlyArray Readonly Record RegExp Required ReturnType Set String
Symbol Uint8Array URL WeakMap WeakSet Deno
any bigint boolean never null number object string symbol undefined unknown void
"""
RESERVED_TYPE_NAMES = frozenset(_RESERVED_TYPE_NAMES_TEXT.split())
"""Type names an alias must not take: the ones the declarations use, and well-known globals a reader knows."""

_SEPARATORS = str.maketrans({"-": "_", ".": "_", " ": "_"})
_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


def _can_start(char: str) -> bool:
    return char == "$" or char.isidentifier()


def _can_continue(char: str) -> bool:
    return char == "$" or f"a{char}".isidentifier()


def sanitize_identifier(name: str) -> str:
    """The guest identifier for a tool or namespace name.

    `-`, `.` and spaces become `_`; other characters invalid in an identifier are dropped; a leading
    digit (or any character that cannot start an identifier) gets a `_` prefix; reserved words get a
    `_` suffix. A name with no usable character becomes `_`.
    """
    kept = "".join(char for char in name.translate(_SEPARATORS) if _can_continue(char))
    if not kept:
        return "_"
    if not _can_start(kept[0]):
        kept = f"_{kept}"
    if kept in RESERVED_WORDS:
        kept = f"{kept}_"
    return kept


def property_key(name: str) -> str:
    """A property name as it may appear in an object type: bare when a plain identifier, else quoted."""
    if _PLAIN_KEY.match(name):
        return name
    return string_literal(name)


def string_literal(value: str) -> str:
    """A TypeScript string literal for any Python string (lone surrogates escaped, never an encode error)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def alias_name(hint: str) -> str:
    """A PascalCase type-alias name from a definition name such as `issue-label` or `#/$defs/node`."""
    parts = [part for part in re.split(r"[^0-9A-Za-z]+", hint) if part]
    name = "".join(part[0].upper() + part[1:] for part in parts) or "Def"
    if name[0].isdigit():
        name = f"T{name}"
    if name in RESERVED_TYPE_NAMES:
        name = f"{name}Type"
    return name
