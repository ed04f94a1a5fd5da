"""Python programs: the guide the model reads, and the names a Python program calls tools by.

The declarations are `tool_schemas.render_python_stubs` (TypedDicts, `async def` per tool on a namespace
class). Names follow `tool_schemas.python_identifier` (a Python keyword gets a `_`: `from` -> `from_`; a
`$` becomes `_`); a namespace that would hide a built-in the program needs (`list`, `print`, `ToolError`,
`search`) or be hidden by an import (`time`, `email`) gets a `_` too, and two tools that land on one name
keep them apart with `_2`, `_3`. `GuestNames` carries the way back, which the engine takes where a call
enters (`CodeMode._callback`): the toolbox and the approval rules only ever see the tools' own names."""

from __future__ import annotations

import builtins
import dataclasses
import logging
import sys
from collections.abc import Iterable, Sequence

from codemode.approvals import APPROVAL_TAG
from codemode.dialect import Dialect, GuestNames
from codemode.sources.protocol import ToolInfo
from tool_schemas import python_identifier, render_python_stubs

__all__ = ["PYTHON", "PYTHON_GUIDE", "python_names"]

logger = logging.getLogger(__name__)

PYTHON_GUIDE = """\
Run Python in a sandbox that can call the tools declared below, and get back only what the \
program returns. Write a script; top-level `await` works. Call tools with keyword arguments, \
`await namespace.tool(key=value)`; results are plain dicts and lists. Run independent calls \
together with `await asyncio.gather(...)` (import asyncio), filter and aggregate large results in \
code, and end with the answer as the last expression (as in a notebook cell), or `return` it; any \
JSON-like value. `print()` and `logging` lines come back as notes. The standard library works \
(json, re, datetime, statistics, collections, itertools, math, csv, decimal); there is no network, \
file system, subprocess or package install; only these tools. A failing tool call raises \
`ToolError` with the tool's message."""

PYTHON_DISCOVERY_GUIDE = """\
{shown} In the code, `await search("what you need")` returns the best matches as a list of \
`{{"name", "summary"}}` dicts, `await describe(["ns.tool", "ns.other"])` their Python stubs \
(arguments and results) as one str: search and describe what you need, in one program, before \
calling it."""

PYTHON_APPROVAL_GUIDE = (
    f"Tools marked {APPROVAL_TAG} ask a person before each call; if they refuse, the call raises "
    "`ToolError` with a message starting `ApprovalDeclined:` and nothing ran (catch it to go on "
    "without that call)."
)

_TAKEN = frozenset(dir(builtins)) | sys.stdlib_module_names | {"ToolError", "search", "describe"}
"""Names a namespace must not take: the program's built-ins, `ToolError`, the discovery functions,
and the standard library's modules (an `import time` would hide a `time` server's namespace)."""


def _namespace(name: str) -> str:
    ident = python_identifier(name)
    return f"{ident}_" if ident in _TAKEN else ident


def _unique(ident: str, taken: set[str], what: str) -> str:
    chosen, n = ident, 1
    while chosen in taken:
        n += 1
        chosen = f"{ident}_{n}"
    if chosen != ident:
        logger.warning("%s: two tools are both `%s` in Python; this one is `%s`", what, ident, chosen)
    taken.add(chosen)
    return chosen


def python_names(tools: Sequence[ToolInfo], namespaces: Iterable[str] = ()) -> GuestNames:
    """The tools renamed as a Python program calls them, and Python namespace -> own namespace."""
    spaces: dict[str, str] = {}
    by_own: dict[str, str] = {}
    for own in [*(tool.namespace for tool in tools), *namespaces]:
        if own not in by_own:
            by_own[own] = _unique(_namespace(own), set(spaces), f"namespace {own}")
            spaces[by_own[own]] = own
    taken: dict[str, set[str]] = {}
    renamed: list[ToolInfo] = []
    for tool in tools:
        namespace = by_own[tool.namespace]
        name = _unique(python_identifier(tool.name), taken.setdefault(namespace, set()), tool.qualified_name)
        renamed.append(dataclasses.replace(tool, namespace=namespace, name=name, original_name=name))
    return GuestNames(renamed, spaces)


PYTHON = Dialect(
    language="python",
    guide=PYTHON_GUIDE,
    discovery_guide=PYTHON_DISCOVERY_GUIDE,
    fence="python",
    render=render_python_stubs,
    names=python_names,
    approval_guide=PYTHON_APPROVAL_GUIDE,
    comment="#",
)
"""Python programs, run by Pyodide in the same sandbox."""
