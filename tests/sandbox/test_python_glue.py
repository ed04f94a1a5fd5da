"""The Python half of the Python harness, under CPython with a scripted bridge (fast, no Deno).

The same file runs inside Pyodide; the end-to-end tests (test_python_runs.py) drive it there.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from sandbox.harness.python_glue import run_program, to_json


class Bridge:
    """Answers tool calls from a table and records calls and logs."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.answers = answers or {}
        self.calls: list[tuple[str, str, Any]] = []
        self.logs: list[tuple[str, str]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def call(self, ns: str, tool: str, args: str) -> tuple[bool, str]:
        self.calls.append((ns, tool, json.loads(args)))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        self.in_flight -= 1
        answer = self.answers.get(tool, {"echo": json.loads(args)})
        if isinstance(answer, Exception):
            return False, str(answer)
        return True, json.dumps(answer, separators=(",", ":"))

    def log(self, level: str, message: str) -> None:
        self.logs.append((level, message))


def _run(source: str, bridge: Bridge, tools: dict[str, list[str]] | None = None) -> dict[str, Any]:
    tools = {"crm": ["get_customer", "list_orders"]} if tools is None else tools
    text = asyncio.run(run_program(source, json.dumps(tools), "[]", bridge.call, bridge.log))
    result: dict[str, Any] = json.loads(text)
    return result


def test_keyword_call_and_last_expression() -> None:
    bridge = Bridge({"get_customer": {"id": "C-1", "name": "Ada"}})
    result = _run('c = await crm.get_customer(customer_id="C-1")\nc["name"]', bridge)
    assert result == {"ok": True, "value": "Ada"}
    assert bridge.calls == [("crm", "get_customer", {"customer_id": "C-1"})]


def test_a_single_dict_is_accepted_and_other_positionals_are_explained() -> None:
    bridge = Bridge()
    assert _run('await crm.get_customer({"customer_id": "C-2"})', bridge)["value"] == {
        "echo": {"customer_id": "C-2"}
    }
    result = _run('await crm.get_customer("C-2")', bridge)
    assert result["ok"] is False
    assert result["error"]["name"] == "TypeError"
    assert "takes keyword arguments or one dict" in result["error"]["message"]


def test_global_functions_take_one_value_as_it_is() -> None:
    """`search("q")` and `describe([...])` (the host's discovery functions) pass their one argument
    through; keyword arguments still arrive as a dict."""
    bridge = Bridge()
    source = 'await search("open issues"), await describe(["a.b"]), await search(query="x")'
    text = asyncio.run(run_program(source, "{}", '["search", "describe"]', bridge.call, bridge.log))
    assert json.loads(text)["ok"] is True
    assert bridge.calls == [
        ("", "search", "open issues"),
        ("", "describe", ["a.b"]),
        ("", "search", {"query": "x"}),
    ]


def test_a_namespace_without_tools_leaves_the_answer_to_the_host() -> None:
    """A namespace whose server is down or starting lists no tool: its calls go to the host, which
    says why (or waits for the server), instead of an `unknown tool` the program cannot act on."""
    bridge = Bridge({"forecast": RuntimeError("server weather is not connected: it crashed")})
    result = _run('await weather.forecast(city="Oslo")', bridge, {"weather": []})
    assert result["error"]["message"] == "server weather is not connected: it crashed"
    assert bridge.calls == [("weather", "forecast", {"city": "Oslo"})]


def test_top_level_return_and_nested_definitions() -> None:
    source = "def double(x):\n    return 2 * x\nif True:\n    return double(21)\nprint('never')"
    bridge = Bridge()
    assert _run(source, bridge) == {"ok": True, "value": 42}
    assert bridge.logs == []


def test_gather_runs_calls_concurrently() -> None:
    bridge = Bridge()
    source = (
        "import asyncio\n"
        "rows = await asyncio.gather(*(crm.list_orders(page=i) for i in range(5)))\n"
        "[r['echo']['page'] for r in rows]"
    )
    assert _run(source, bridge)["value"] == [0, 1, 2, 3, 4]
    assert bridge.most_in_flight == 5


def test_tool_error_raises_with_the_tools_message() -> None:
    bridge = Bridge({"get_customer": RuntimeError("no customer C-9")})
    source = (
        "try:\n    await crm.get_customer(customer_id='C-9')\n"
        "except ToolError as e:\n    caught = [str(e), e.tool]\ncaught"
    )
    assert _run(source, bridge)["value"] == ["no customer C-9", "crm.get_customer"]
    uncaught = _run("await crm.get_customer(customer_id='C-9')", bridge)
    assert uncaught["error"]["name"] == "ToolError"
    assert uncaught["error"]["message"] == "no customer C-9"
    assert uncaught["error"]["stack"].endswith("\nToolError: no customer C-9")  # as the program names it


def test_traceback_shows_only_the_programs_lines() -> None:
    source = "import json\n\ndef parse(text):\n    return json.loads(text)\n\nparse('{bad')\n"
    error = _run(source, Bridge())["error"]
    assert error["name"] == "JSONDecodeError"
    stack = error["stack"]
    assert 'File "<program>", line 6, in <module>' in stack
    assert 'File "<program>", line 4, in parse' in stack
    assert "    return json.loads(text)" in stack
    assert "json/decoder.py" not in stack and "python_glue" not in stack
    assert stack.splitlines()[-1].startswith("json.decoder.JSONDecodeError: Expecting property name")


def test_syntax_error_names_the_line() -> None:
    error = _run("x = 1\ny = (\n", Bridge())["error"]
    assert error["name"] == "SyntaxError"
    assert "(line 2)" in error["message"]
    assert '<program>", line 2' in error["stack"]


def test_print_and_logging_become_log_entries_with_levels() -> None:
    bridge = Bridge()
    source = (
        "import logging, sys\n"
        "print('hello', 42)\n"
        "print('two\\nlines')\n"
        "print('oops', file=sys.stderr)\n"
        "logging.info('info %s', 1)\n"
        "logging.getLogger('app').warning('careful')\n"
        "logging.debug('hidden')\n"
        "logging.error('bad')\n"
        "print('no newline', end='')\n"
    )
    assert _run(source, bridge)["ok"] is True
    assert bridge.logs == [
        ("log", "hello 42"),
        ("log", "two\nlines"),
        ("error", "oops"),
        ("info", "info 1"),
        ("warn", "careful"),
        ("error", "bad"),
        ("log", "no newline"),
    ]


def test_unknown_tool_suggests_close_names() -> None:
    error = _run("await crm.get_customr(customer_id='x')", Bridge())["error"]
    assert error["name"] == "AttributeError"
    assert "Did you mean crm.get_customer?" in error["message"]


def test_stdlib_modules_work() -> None:
    source = (
        "import statistics, re, datetime, collections, itertools, csv, io, decimal\n"
        "rows = list(csv.reader(io.StringIO('a,1\\nb,3')))\n"
        "{'mean': statistics.mean(int(r[1]) for r in rows), 'm': re.findall(r'\\d', 'a1b2'),\n"
        " 'd': datetime.date(2026, 1, 2), 'c': collections.Counter('aab'),\n"
        " 'p': list(itertools.pairwise([1, 2, 3])), 'x': decimal.Decimal('1.10')}"
    )
    assert _run(source, Bridge())["value"] == {
        "mean": 2,
        "m": ["1", "2"],
        "d": "2026-01-02",
        "c": {"a": 2, "b": 1},
        "p": [[1, 2], [2, 3]],
        "x": "1.10",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(float("nan"), None, id="nan"),
        pytest.param(2**60, str(2**60), id="big_int"),
        pytest.param({1: "a", None: "b", 2.5: "c"}, {"1": "a", "null": "b", "2.5": "c"}, id="keys"),
        pytest.param({"s": {3}, "t": (1, 2)}, {"s": [3], "t": [1, 2]}, id="sets_tuples"),
        pytest.param(b"\x01\x02", [1, 2], id="bytes"),
        pytest.param(ValueError("x"), {"name": "ValueError", "message": "x"}, id="exception"),
        pytest.param(len, None, id="function"),
    ],
)
def test_values_convert_like_the_typescript_table(value: Any, expected: Any) -> None:
    assert to_json(value) == expected


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param('customer_id="C-1", limit=3, open=True, note=None', id="plain"),
        pytest.param("n=2**60", id="big_int"),
        pytest.param('x=float("nan")', id="nan"),
        pytest.param("ratio=0.5", id="float"),
        pytest.param("tags={'a'}", id="set"),
        pytest.param('filter={"status": "open"}', id="nested"),
        pytest.param("{1: 'a', None: 'b'}", id="non_string_keys"),
        pytest.param("collections.OrderedDict(a=1)", id="dict_subclass"),
    ],
)
def test_arguments_arrive_as_to_json_makes_them(arguments: str) -> None:
    # Plain keyword arguments skip the copy `to_json` makes; the host must receive the same JSON either way.
    bridge = Bridge()
    result = _run(f"import collections\nawait crm.get_customer({arguments})", bridge)
    assert result["ok"], result
    namespace: dict[str, Any] = {}
    exec(f"import collections\ndef f(*a, **k): return a[0] if a else k\nv = f({arguments})", namespace)
    assert bridge.calls == [("crm", "get_customer", json.loads(json.dumps(to_json(namespace["v"]))))]


def test_cycles_and_depth() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert to_json(loop) == ["[Circular]"]
    deep: list[Any] = []
    node = deep
    for _ in range(300):
        node.append([])
        node = node[0]
    text = json.dumps(to_json(deep))
    assert "[MaxDepth]" in text
