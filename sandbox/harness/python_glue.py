"""The Python half of the Python harness: runs one model-written program inside Pyodide.

Loaded by `python.js` (a text import: part of the harness's static module graph, so no file permission
is involved) before any guest code exists. Pure Python with no Pyodide import: the JavaScript side
passes in the two bridge functions, so this file also runs (and is tested) under CPython.

What a program gets:
- one object per tool namespace; `await crm.get_customer(customer_id="C-1")` (or one dict) calls the
  host, results arrive as plain dicts and lists (JSON), a failed call raises `ToolError(message)`;
- `print()` (to stdout: level "log"; to stderr: "error") and `logging` (its own levels) as log entries;
- the value of the last expression statement as the result, as in a notebook cell; top-level
  `await` and a top-level `return` both work (the program is compiled as the body of an async
  function, keeping its own line numbers);
- on an uncaught exception: its type, message and a traceback of the program's own lines only.

Guest code can reach and patch everything here (it runs in the same interpreter); that gains it
nothing, since the host checks and counts every frame itself. The functions this module relies on
are bound at import time, so a program that patches `json` breaks only its own output.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime
import decimal
import enum
import fractions
import inspect
import linecache
import logging
import math
import sys
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, KeysView, Mapping, ValuesView
from json import JSONDecoder
from json import dumps as _dumps
from json import loads as _loads
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

__all__ = ["FILENAME", "ToolError", "run_program", "seal"]

FILENAME = "<program>"
"""The file name the program's traceback lines carry."""

MAX_DEPTH = 200
"""Nesting depth past which a value is `"[MaxDepth]"` (as in the TypeScript harness)."""

_SAFE_INTEGER = 2**53
_LOG_CHUNK = 1 << 16
_LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error"}
_TEMPLATE = "async def __program__():\n    pass\n"
_STRINGS = (str, bool)
_DATES = (datetime.date, datetime.time)
_NUMBERS = (decimal.Decimal, fractions.Fraction, complex)
_BYTES = (bytes, bytearray, memoryview)
_SEQUENCES = (list, tuple, set, frozenset, deque, range, KeysView, ValuesView)
"""Other containers listed by value: deque, range, dict views (never a generator: not run)."""

CallTool = Callable[[str, str, str], Awaitable[tuple[bool, str]]]
"""`call(ns, tool, args_json)` -> `(True, the value's JSON text)` or `(False, the tool's message)`."""
Log = Callable[[str, str], None]
"""`log(level, message)`."""


class ToolError(Exception):
    """A tool call failed; `str(error)` is the tool's own message, `error.tool` names the tool."""

    __module__ = "builtins"  # a traceback says `ToolError: ...`, the name the program knows it by

    def __init__(self, message: str, tool: str) -> None:
        super().__init__(message)
        self.tool = tool


# ---------------------------------------------------------------- values


def _json_encoder() -> Callable[[Any], str]:
    """Compact JSON text of a value `to_json` made (JSON types only, no cycles), non-ASCII escaped.

    The C encoder is made once, here: `json.dumps` builds one per call (several Python frames, most of
    the cost for the small arguments of a tool call, about 9 us each under Pyodide).
    """
    if c_make_encoder is None:  # a Python without the `_json` accelerator
        return lambda value: _dumps(value, separators=(",", ":"))
    encode = c_make_encoder(None, None, encode_basestring_ascii, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


_encode = _json_encoder()
# One JSON value from an index, without `json.loads`' checks around it (two regex matches, three
# frames): an answer is exactly one value with no space around it, the host's own text
# (sandbox/bridge.py, `answer_line`) or `JSON.stringify`'s.
_scan = JSONDecoder().scan_once  # type: ignore[attr-defined]


def to_json(value: Any, depth: int = 0, path: frozenset[int] = frozenset()) -> Any:
    """A JSON-ready copy of any value (the table is in sandbox/result.py)."""
    kind = type(value)  # exact types first: every tool call's arguments and every result pass here
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return value if -_SAFE_INTEGER < value < _SAFE_INTEGER else str(value)
    if kind is dict or kind is list:
        if depth > MAX_DEPTH:
            return "[MaxDepth]"
        if id(value) in path:
            return "[Circular]"
        inner = path | {id(value)}
        if kind is list:
            return [to_json(item, depth + 1, inner) for item in value]
        return {k if type(k) is str else _key(k): to_json(v, depth + 1, inner) for k, v in value.items()}
    return _other_to_json(value, depth, path)


def _other_to_json(value: Any, depth: int, path: frozenset[int]) -> Any:
    if isinstance(value, _STRINGS):
        return value
    if isinstance(value, int):
        return value if -_SAFE_INTEGER < value < _SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, enum.Enum):
        return to_json(value.value, depth, path)
    if isinstance(value, _DATES):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, _NUMBERS):
        return str(value)
    if isinstance(value, _BYTES):
        return list(bytes(value))
    if depth > MAX_DEPTH:
        return "[MaxDepth]"
    if id(value) in path:
        return "[Circular]"
    inner = path | {id(value)}
    if isinstance(value, BaseException):
        return {"name": type(value).__name__, "message": str(value)}
    if isinstance(value, Mapping):
        return {_key(k): to_json(v, depth + 1, inner) for k, v in value.items()}
    if isinstance(value, _SEQUENCES):
        return [to_json(item, depth + 1, inner) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {f.name: to_json(getattr(value, f.name), depth + 1, inner) for f in fields}
    if callable(value) or inspect.ismodule(value):
        return None
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        public = {k: v for k, v in attributes.items() if isinstance(k, str) and not k.startswith("_")}
        return {k: to_json(v, depth + 1, inner) for k, v in public.items()}
    return repr(value)


def _plain(value: Any) -> dict[str, Any] | None:
    """`value` itself when `to_json` would copy it unchanged: a dict of strings, booleans, None and
    safe integers under string keys (the usual arguments of a tool call), else None. Skips the copy."""
    if type(value) is not dict:
        return None
    for key, item in value.items():
        if type(key) is not str:
            return None
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is not int or not -_SAFE_INTEGER < item < _SAFE_INTEGER:
            return None
    return value


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return _dumps(key)
    return str(key)


# ---------------------------------------------------------------- tools


def _payload(what: str, global_function: bool, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A call's argument from positional arguments: one dict (or, for a global function, one value)."""
    if global_function and len(args) == 1 and not kwargs:  # a global function: search("q"), describe([...])
        return args[0]
    if len(args) != 1 or kwargs or not isinstance(args[0], Mapping):
        raise TypeError(
            f"{what}() takes keyword arguments or one dict, "
            f'e.g. {what}(key="value") or {what}({{"key": "value"}})'
        )
    return args[0]


def _tool(ns: str, name: str, call: CallTool) -> Callable[..., Awaitable[Any]]:
    what = f"{ns}.{name}" if ns else name

    async def tool(*args: Any, **kwargs: Any) -> Any:
        payload = _payload(what, not ns, args, kwargs) if args else kwargs
        ok, text = await call(ns, name, _encode(_plain(payload) or to_json(payload)))
        if ok:
            return _scan(text, 0)[0]
        raise ToolError(str(text), what)

    tool.__name__ = tool.__qualname__ = name
    return tool


class Namespace:
    """The tools of one namespace, as attributes: `await ns.tool(**kwargs)`."""

    def __init__(self, ns: str, names: list[str], call: CallTool) -> None:
        self._ns = ns
        self._names = list(names)
        self._call = call
        for name in names:
            object.__setattr__(self, name, _tool(ns, name, call))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if not self._names and not name.startswith("_"):
            # A namespace with no tools listed (its server is down or starting): the host answers,
            # with why it is down, or by waiting for it, as for a TypeScript program.
            return _tool(self._ns, name, self._call)
        import difflib  # here, not at start-up: compiling it costs a Python process 0.5 s of CPU

        close = difflib.get_close_matches(name, self._names, n=5, cutoff=0.6)
        hint = f" Did you mean {', '.join(f'{self._ns}.{n}' for n in close)}?" if close else ""
        listed = ", ".join(self._names) or "(none)"
        raise AttributeError(f"unknown tool {self._ns}.{name}.{hint} Tools in {self._ns}: {listed}")

    def __dir__(self) -> list[str]:
        return list(self._names)

    def __repr__(self) -> str:
        return f"<tools {self._ns}: {', '.join(self._names)}>"


# ---------------------------------------------------------------- output


class _LogStream:
    """A text stream whose complete lines become log entries (long partial lines are cut in chunks)."""

    def __init__(self, log: Log, level: str) -> None:
        self.log = log
        self.level = level
        self.pending = ""

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.pending += text
        if self.pending.endswith("\n"):
            self.log(self.level, self.pending[:-1])
            self.pending = ""
        elif len(self.pending) > _LOG_CHUNK:
            self.log(self.level, self.pending)
            self.pending = ""
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.log(self.level, self.pending)
            self.pending = ""

    def isatty(self) -> bool:
        return False


class _LogHandler(logging.Handler):
    def __init__(self, log: Log) -> None:
        super().__init__(logging.DEBUG)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        level = "debug"
        for number, name in sorted(_LEVELS.items()):
            if record.levelno >= number:
                level = name
        try:
            self.log(level, self.format(record))
        except Exception:  # a broken record must not end the run
            self.handleError(record)


# ---------------------------------------------------------------- programs


def _no_processes(*args: Any, **kwargs: Any) -> Any:
    raise OSError("the sandbox cannot start processes (no subprocess, os.system or os.popen)")


def seal() -> None:
    """Called once inside Pyodide, before any program: calls that would start a process fail as a
    Python `OSError` instead of a fatal Pyodide error. (They were never allowed: Deno refuses to
    spawn without `--allow-run`; this only keeps the run alive to report it.)"""
    import os

    for name in ("system", "popen", "fork", "forkpty", "execv", "execve", "spawnv", "posix_spawn"):
        if hasattr(os, name):
            setattr(os, name, _no_processes)
    os.environ.pop("_", None)  # the snapshot builder's script path, baked in by Emscripten


def compile_program(source: str) -> Any:
    """The program as the body of `async def __program__()`, its last expression statement returned."""
    tree = ast.parse(source, FILENAME, "exec")
    body: list[ast.stmt] = tree.body
    if body and isinstance(body[-1], ast.Expr):
        last = body[-1]
        body[-1] = ast.copy_location(ast.Return(value=last.value), last)
    wrapper = ast.parse(_TEMPLATE, FILENAME, "exec")
    function = wrapper.body[0]
    assert isinstance(function, ast.AsyncFunctionDef)
    function.body = body or [ast.Pass()]
    ast.fix_missing_locations(wrapper)
    return compile(wrapper, FILENAME, "exec", dont_inherit=True)


def describe(error: BaseException) -> dict[str, str]:
    """`{name, message, stack}`: the traceback keeps the program's own frames only."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == FILENAME]
    lines = ["Traceback (most recent call last):"] if frames else []
    for frame in frames:
        where = "<module>" if frame.name == "__program__" else frame.name
        lines.append(f'  File "{FILENAME}", line {frame.lineno}, in {where}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    lines += [line.rstrip("\n") for line in traceback.format_exception_only(type(error), error)]
    message = str(error.msg) if isinstance(error, SyntaxError) else str(error)
    if isinstance(error, SyntaxError) and error.lineno:
        message = f"{message} (line {error.lineno})"
    return {"name": type(error).__name__, "message": message, "stack": "\n".join(lines)}


async def run_program(source: str, tools_json: str, globals_json: str, call: CallTool, log: Log) -> str:
    """Run one program; JSON text of `{"ok": true, "value": ...}` or `{"ok": false, "error": {...}}`."""
    tools: dict[str, list[str]] = _loads(tools_json)
    program_globals: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    program_globals["ToolError"] = ToolError
    for ns, names in tools.items():
        program_globals[ns] = Namespace(ns, names, call)
    for name in _loads(globals_json):
        program_globals[name] = _tool("", name, call)
    linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
    stdout, stderr = sys.stdout, sys.stderr
    out, err = _LogStream(log, "log"), _LogStream(log, "error")
    handler = _LogHandler(log)
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    sys.stdout, sys.stderr = out, err
    try:
        exec(compile_program(source), program_globals)
        outcome = program_globals["__program__"]()
        if not inspect.iscoroutine(outcome):
            raise SyntaxError("'yield' cannot be used at the top level of a program")
        value = await outcome
        return _encode({"ok": True, "value": to_json(value)})
    except BaseException as error:  # the program's mistakes are results, `SystemExit` included
        return _encode({"ok": False, "error": describe(error)})
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = stdout, stderr
        root.removeHandler(handler)
        root.setLevel(saved_level)
