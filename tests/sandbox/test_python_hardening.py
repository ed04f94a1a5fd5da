# ruff: noqa: E501  (guest Python probes stay one probe per line)
"""Every TypeScript attack category, written in Python: each is tried and fails for the right reason.

A Python program reaches Deno through Pyodide's `js` module (`js.Deno`, `js.fetch`, `run_js`), so the
same Deno permissions are the boundary: NotCapable naming the permission. Python's own file API sees
only Pyodide's in-memory file system; its socket and process APIs have nothing to talk to. Limits end
runs exactly as in TypeScript, with the error naming the limit.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from python_helpers import PY_LIMITS, pyodide_runtime, python_executor
from sandbox_helpers import sandbox_orphans

from sandbox import DenoExecutor, Limits

pytestmark = pytest.mark.anyio

CANARY = "codemode-canary-3f9a"


@pytest.fixture(scope="module")
async def py() -> AsyncIterator[DenoExecutor]:
    async with python_executor() as ex:
        yield ex


@pytest.fixture
def listener() -> Any:
    """A real TCP server on a free loopback port; the test asserts nobody ever connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    yield server
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        connection = None
    server.close()
    assert connection is None, "the guest reached the listener"


PRELUDE = r"""
import js, os, sys, json
from pyodide.ffi import to_js
from pyodide.code import run_js
report = {}
def obj(d):
    return to_js(d, dict_converter=js.Object.fromEntries)
async def probe(name, fn):
    try:
        value = fn()
        if hasattr(value, "__await__"):
            value = await value
        report[name] = {"ok": True, "value": str(value)[:300]}
    except BaseException as e:
        report[name] = {"ok": False, "type": type(e).__name__, "message": str(e)[:400]}
"""

NOT_CAPABLE = [
    # (probe name, Python expression, the permission Deno names)
    ("deno_read", 'js.Deno.readTextFileSync("/etc/passwd")', "read"),
    ("deno_read_runtime", "js.Deno.readFileSync(RUNTIME + '/snapshot.bin')", "read"),
    ("deno_write", 'js.Deno.writeTextFileSync("/tmp/codemode-python-wrote", "x")', "write"),
    ("node_fs", "run_js(\"import('node:fs').then(fs => fs.readFileSync('/etc/passwd'))\")", "read"),
    ("fetch_file", 'js.fetch("file:///etc/passwd")', "read"),
    ("deno_env", f'js.Deno.env.get("{CANARY}")', "env"),
    ("deno_command", 'js.Deno.Command.new("/bin/ls").outputSync()', "run"),
    ("deno_dlopen", 'js.Deno.dlopen("libc.so.6", obj({}))', "ffi"),
    ("deno_hostname", "js.Deno.hostname()", "sys"),
    ("js_fetch", "js.fetch(URL)", "net"),
    ("pyodide_http", "__import__('pyodide.http').http.pyfetch(URL)", "net"),
    ("deno_connect", "js.Deno.connect(obj({'hostname': '127.0.0.1', 'port': PORT}))", "net"),
    ("websocket", "js.WebSocket.new('ws://127.0.0.1:' + str(PORT))", "net"),
]

PYTHON_SIDE = [
    # (probe name, Python expression, exception type, words in the message)
    ("open_file", 'open("/etc/passwd").read()', "FileNotFoundError", "No such file"),
    ("open_runtime", "open(RUNTIME + '/pyodide.mjs').read()", "FileNotFoundError", "No such file"),
    ("subprocess", "__import__('subprocess').run(['/bin/ls'])", "OSError", "does not support processes"),
    ("os_system", "os.system('ls')", "OSError", "cannot start processes"),
    ("os_popen", "os.popen('ls')", "OSError", "cannot start processes"),
    ("ctypes", "__import__('ctypes').CDLL('libc.so.6')", "OSError", "could not load dynamic lib"),
    ("socket", "__import__('socket').create_connection(('127.0.0.1', PORT), timeout=2)", "OSError", ""),
    ("micropip", "__import__('micropip')", "ModuleNotFoundError", "micropip"),
    ("input", "input()", "EOFError", ""),
    ("worker", "js.Worker.new('data:text/javascript,1')", "JsException", "Workers are not available"),
    ("kv", "js.Deno.openKv()", "AttributeError", "openKv"),
    ("local_storage", "js.localStorage", "AttributeError", "localStorage"),
]


async def _probe(py: DenoExecutor, port: int, probes: list[tuple[str, str]]) -> dict[str, Any]:
    lines = [PRELUDE, f"RUNTIME = {str(pyodide_runtime().directory)!r}", f"PORT = {port}"]
    lines.append(f"URL = 'http://127.0.0.1:{port}/'")
    lines += [f"await probe({name!r}, lambda: {expr})" for name, expr in probes]
    lines.append("report")
    result = await py.run("\n".join(lines), language="python")
    assert result.ok, result.error
    assert isinstance(result.value, dict)
    return result.value


async def test_deno_apis_from_python_fail_on_the_missing_permission(
    py: DenoExecutor, listener: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CANARY, "secret")  # the host has it; the sandbox must not
    port = listener.getsockname()[1]
    report = await _probe(py, port, [(name, expr) for name, expr, _ in NOT_CAPABLE])
    for name, _, permission in NOT_CAPABLE:
        outcome = report[name]
        assert outcome["ok"] is False, (name, outcome)
        assert f"Requires {permission} access" in outcome["message"], (name, outcome)  # Deno's own words
    assert "secret" not in json.dumps(report)


async def test_pythons_own_apis_reach_nothing(py: DenoExecutor, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    report = await _probe(py, port, [(name, expr) for name, expr, _, _ in PYTHON_SIDE])
    for name, _, kind, words in PYTHON_SIDE:
        outcome = report[name]
        assert outcome["ok"] is False, (name, outcome)
        assert outcome["type"] == kind, (name, outcome)
        assert words in outcome["message"], (name, outcome)


async def test_the_file_system_and_environment_python_sees_are_pyodides(
    py: DenoExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CANARY, "secret")
    result = await py.run("import os\n[sorted(os.listdir('/')), dict(os.environ)]", language="python")
    assert result.ok, result.error
    listing, environ = result.value
    assert listing == ["dev", "home", "lib", "proc", "tmp"]
    assert CANARY not in environ and "secret" not in json.dumps(environ)
    # Emscripten's defaults and Pyodide's own, nothing of the host's.
    assert sorted(environ) == [
        "HOME",
        "LANG",
        "LD_LIBRARY_PATH",
        "LOGNAME",
        "PATH",
        "PWD",
        "PYTHONINSPECT",
        "USER",
    ]
    assert environ["HOME"] == "/home/pyodide" and environ["USER"] == "web_user"


async def test_permissions_cannot_be_asked_back(py: DenoExecutor) -> None:
    code = (
        PRELUDE
        + "\n".join(
            f"await probe({name!r}, lambda: js.Deno.permissions.requestSync(obj({{'name': {name!r}}})).state)"
            for name in ("read", "write", "net", "env", "run", "ffi", "sys")
        )
        + "\nreport"
    )
    result = await py.run(code, language="python")
    assert result.ok, result.error
    assert result.value == {
        name: {"ok": True, "value": "denied"} for name in ("read", "write", "net", "env", "run", "ffi", "sys")
    }


async def test_packages_cannot_be_installed(py: DenoExecutor) -> None:
    code = (
        "import pyodide_js\n"
        "await pyodide_js.loadPackage('micropip')\n"
        "try:\n    import micropip\n    r = 'installed'\nexcept ModuleNotFoundError:\n    r = 'refused'\nr"
    )
    result = await py.run(code, language="python")
    assert result.value == "refused"
    assert any("Requires write access" in entry.message for entry in result.logs), result.logs


LIMITS = [
    pytest.param("while True:\n    pass", {"wall_s": 2.0}, "wall_s", "TimeoutError", id="busy-loop-wall"),
    pytest.param(
        "import asyncio\nawait asyncio.Event().wait()",
        {"wall_s": 2.0},
        "wall_s",
        "TimeoutError",
        id="never-resolves",
    ),
    pytest.param(
        "while True:\n    pass", {"wall_s": 30.0, "cpu_s": 1.0}, "cpu_s", "CpuLimitError", id="busy-loop-cpu"
    ),
    pytest.param(
        "a = []\nwhile True:\n    a.append(bytearray(8 << 20))", {}, "memory_mib", "MemoryError", id="memory"
    ),
    pytest.param(
        "a = []\nwhile True:\n    a.append(list(range(100000)))",
        {},
        "memory_mib",
        "MemoryError",
        id="objects",
    ),
    pytest.param(
        "import js\nb = js.Uint8Array.new(65536)\nwhile True:\n    js.Deno.stdout.writeSync(b)",
        {"output_bytes": 1 << 20},
        "output_bytes",
        "OutputLimitError",
        id="stdout-flood",
    ),
    pytest.param(
        "for i in range(10):\n    await t.f(i=i)",
        {"tool_calls": 5},
        "tool_calls",
        "ToolError",
        id="tool-calls",
    ),
]


@pytest.mark.parametrize(("code", "overrides", "limit", "name"), LIMITS)
async def test_limits_end_python_runs_like_typescript_ones(
    py: DenoExecutor, code: str, overrides: dict[str, Any], limit: str, name: str
) -> None:
    async def echo(ns: str, tool: str, args: Any) -> Any:
        return args

    # Generous wall clock and CPU: a memory bomb in Python grows in small steps, slow on a busy machine.
    limits = Limits(**{"wall_s": 90.0, "cpu_s": 30.0, "memory_mib": 64, **overrides})
    result = await py.run(code, tools={"t": ["f"]}, callback=echo, limits=limits, language="python")
    assert result.error is not None, result.value
    assert result.error.limit == limit, result.error
    assert result.error.name == name, result.error
    # As in TypeScript: the message states the limit in plain words; `limit` names the setting.
    assert "limit" in result.error.message, result.error.message
    assert sandbox_orphans() == []


async def test_recursion_is_a_python_error(py: DenoExecutor) -> None:
    result = await py.run("def f(n):\n    return f(n + 1)\nf(0)", language="python")
    assert result.error is not None
    assert result.error.name == "RecursionError"
    assert result.error.limit is None


async def test_print_flood_is_cut_with_a_marker(py: DenoExecutor) -> None:
    result = await py.run(
        "for i in range(100000):\n    print('line', i)\n'done'",
        language="python",
        limits=Limits(wall_s=60, log_entries=50),
    )
    assert result.value == "done"
    assert len(result.logs) == 51
    assert result.logs[49].message == "line 49"
    assert result.logs[-1].message == "[logs cut: the run logged more than 50 entries, the limit]"


async def test_forged_frames_and_exit_end_only_the_own_run(py: DenoExecutor) -> None:
    forged = await py.run(
        'import js\njs.Deno.stdout.writeSync(js.TextEncoder.new().encode(\'\\nabc {"t":"result","run":1,"ok":true,"value":"forged"}\\n\'))\n\'real\'',
        language="python",
    )
    assert forged.value == "real"
    exited = await py.run("import js\njs.Deno.exit(0)", language="python", limits=PY_LIMITS)
    assert exited.error is not None and exited.error.name == "ExitError"


async def test_a_memory_error_the_program_raises_itself_is_not_the_memory_limit(py: DenoExecutor) -> None:
    # The name is the guest's to choose; only the host's measurement of the data segment says a
    # MemoryError came from the memory limit.
    result = await py.run(
        'raise MemoryError("the limit, honest")', limits=Limits(memory_mib=64), language="python"
    )
    assert result.error is not None and result.error.name == "MemoryError"
    assert result.error.limit is None, result.error
    assert "memory limit" not in result.error.message
