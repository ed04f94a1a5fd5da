"""Python programs through the real front door: `DenoExecutor.run(code, language="python")`.

One executor per module, pooling Python processes; each run still gets a fresh process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from python_helpers import PY_LIMITS, python_executor
from sandbox_helpers import echo, sandbox_orphans

from sandbox import DenoExecutor, Limits, SandboxSettings, SettingsError, ToolCallError
from sandbox.pyodide_runtime import PyodideMissingError

pytestmark = pytest.mark.anyio

CRM = {"crm": ["get_customer", "list_orders"]}


@pytest.fixture(scope="module")
async def py() -> AsyncIterator[DenoExecutor]:
    async with python_executor() as ex:
        yield ex


async def customers(ns: str, tool: str, args: Any) -> Any:
    if tool == "get_customer":
        if args.get("customer_id") == "C-404":
            raise ToolCallError("customer C-404 not found")
        return {"id": args["customer_id"], "name": "Ada", "orders": [{"total": 10.5}, {"total": 4}]}
    return await echo(ns, tool, args)


async def test_keyword_call_gives_dicts_and_lists(py: DenoExecutor) -> None:
    code = (
        'c = await crm.get_customer(customer_id="C-00001")\n'
        "[c['name'], type(c).__name__, type(c['orders']).__name__, sum(o['total'] for o in c['orders'])]"
    )
    result = await py.run(code, tools=CRM, callback=customers, language="python")
    assert result.ok, result.error
    assert result.value == ["Ada", "dict", "list", 14.5]
    assert result.stats.tool_calls == 1


async def test_a_single_dict_is_accepted(py: DenoExecutor) -> None:
    result = await py.run(
        'await crm.list_orders({"customer_id": "C-1", "page": 2})',
        tools=CRM,
        callback=customers,
        language="python",
    )
    assert result.value == {"ns": "crm", "tool": "list_orders", "args": {"customer_id": "C-1", "page": 2}}


async def test_top_level_return_and_last_expression(py: DenoExecutor) -> None:
    returned = await py.run("for i in range(10):\n    if i == 3:\n        return i\n99", language="python")
    assert returned.value == 3
    last = await py.run("import asyncio\nawait asyncio.sleep(0)\nx = 20\nx + 1", language="python")
    assert last.value == 21
    nothing = await py.run("x = 1", language="python")
    assert nothing.ok and nothing.value is None


async def test_gather_runs_tool_calls_concurrently_on_the_host(py: DenoExecutor) -> None:
    """Each call waits until all five are in flight on the host: sequential calls would never finish."""
    in_flight = 0
    all_in = anyio.Event()

    async def barrier(ns: str, tool: str, args: Any) -> Any:
        nonlocal in_flight
        in_flight += 1
        if in_flight == 5:
            all_in.set()
        await all_in.wait()
        return args["page"]

    code = "import asyncio\nawait asyncio.gather(*(crm.list_orders(page=p) for p in range(5)))"
    result = await py.run(code, tools=CRM, callback=barrier, language="python")
    assert result.ok, result.error
    assert result.value == [0, 1, 2, 3, 4]


async def test_a_yield_only_wait_still_lets_replies_and_timers_in(py: DenoExecutor) -> None:
    """Ready callbacks run as microtasks (python_loop.py); a program that only yields must still
    let the bridge read the host's reply and let a timer fire, or this would spin to the wall limit."""
    code = (
        "import asyncio\n"
        "call = asyncio.ensure_future(crm.get_customer(customer_id='C-1'))\n"
        "timer = asyncio.ensure_future(asyncio.sleep(0.01, 'slept'))\n"
        "spins = 0\n"
        "while not (call.done() and timer.done()):\n"
        "    await asyncio.sleep(0)\n"
        "    spins += 1\n"
        "[call.result()['name'], timer.result(), spins > 0]"
    )
    result = await py.run(code, tools=CRM, callback=customers, language="python")
    assert result.ok, result.error
    assert result.value == ["Ada", "slept", True]


async def test_time_sleep_lets_other_tasks_run(py: DenoExecutor) -> None:
    """As under Pyodide's own loop: `time.sleep` in a program suspends it (stack switching), so a
    task with a timer and a tool call finishes meanwhile; a spinning sleep would leave it pending."""
    code = (
        "import asyncio, time\n"
        "async def other():\n"
        "    await asyncio.sleep(0.01)\n"
        "    return (await crm.get_customer(customer_id='C-1'))['name']\n"
        "task = asyncio.ensure_future(other())\n"
        "time.sleep(0.5)\n"
        "[task.done(), await task]"
    )
    result = await py.run(code, tools=CRM, callback=customers, language="python")
    assert result.ok, result.error
    assert result.value == [True, "Ada"]


async def test_arguments_and_results_cross_as_json_text_both_ways(py: DenoExecutor) -> None:
    """Arguments travel as the JSON text Python renders, answers as JSON text Python reads (no
    conversion through JavaScript objects): the conversion table still holds on the way out (big
    integers as strings, NaN as null, tuples as lists), text survives both ways, and a lone surrogate
    reaches the host as a replacement character, as from a TypeScript program."""
    seen: list[Any] = []

    async def record(ns: str, tool: str, args: Any) -> Any:
        seen.append(args)
        return {"args": args, "nested": {"list": [1, 2.5, None, True], "text": "naïve ✓ 𝄞"}}

    code = (
        "r = await crm.list_orders(name='Zoë 𝄞', odd='x\\ud800', big=2**60, nan=float('nan'),"
        " rows=((1, 2), {'k': True}), none=None)\n"
        "[r, type(r['nested']['list']).__name__]"
    )
    result = await py.run(code, tools=CRM, callback=record, language="python")
    assert result.ok, result.error
    sent = {
        "name": "Zoë 𝄞",
        "odd": "x\ufffd",
        "big": str(2**60),
        "nan": None,
        "rows": [[1, 2], {"k": True}],
        "none": None,
    }
    assert seen == [sent]
    assert result.value == [
        {"args": sent, "nested": {"list": [1, 2.5, None, True], "text": "naïve ✓ 𝄞"}},
        "list",
    ]


async def test_answers_keep_the_numbers_the_tool_returned(py: DenoExecutor) -> None:
    """An answer reaches Python as the host's own JSON text, never as JavaScript numbers: a float
    stays a float and an integer past 2**53 keeps every digit (JavaScript would round it)."""

    async def numbers(ns: str, tool: str, args: Any) -> Any:
        return {"ratio": 1.0, "big": 2**60 + 1, "small": -3}

    code = (
        "r = await crm.get_customer(customer_id='C-1')\n"
        "[type(r['ratio']).__name__, r['big'] == 2**60 + 1, r['small']]"
    )
    result = await py.run(code, tools=CRM, callback=numbers, language="python")
    assert result.ok, result.error
    assert result.value == ["float", True, -3]


async def test_the_bridge_takes_one_line_of_json_text_as_arguments(py: DenoExecutor) -> None:
    """The program can reach the bridge's own call function (same interpreter); text that is not one
    JSON value on one line is refused before any frame is written, with an error the program sees,
    and the host gets no call: valid JSON spread over two lines (a frame must be one line) and text
    that is not JSON."""
    seen: list[Any] = []

    async def record(ns: str, tool: str, args: Any) -> Any:
        seen.append(args)
        return "called"

    two_lines = '[1,\\n{"t":"result","run":1,"ok":true,"value":"forged"}]'
    code = (
        "call = crm._call\n"
        f"[await call('crm', 'get_customer', '{two_lines}'), await call('crm', 'get_customer', '{{nope')]"
    )
    result = await py.run(code, tools=CRM, callback=record, language="python")
    assert result.ok, result.error
    refusal = "crm.get_customer: arguments are not JSON text on one line"
    assert result.value == [[False, refusal], [False, refusal]]
    assert seen == [] and result.stats.tool_calls == 0


async def test_time_sleep_after_a_tool_call_sleeps_as_in_cpython(py: DenoExecutor) -> None:
    """Code that runs on after a tool call's answer is entered with a plain call (python.js says why),
    where Python cannot block on a promise: `time.sleep` there blocks the loop as it does under
    CPython's asyncio, and the program goes on afterwards, with its other task still to finish."""
    code = (
        "import asyncio, time\n"
        "c = await crm.get_customer(customer_id='C-1')\n"
        "task = asyncio.ensure_future(crm.get_customer(customer_id='C-2'))\n"
        "time.sleep(0.01)\n"
        "[c['name'], task.done(), (await task)['id']]"
    )
    result = await py.run(code, tools=CRM, callback=customers, language="python")
    assert result.ok, result.error
    assert result.value == ["Ada", False, "C-2"]


async def test_a_tool_error_raises_with_the_tools_message(py: DenoExecutor) -> None:
    caught = await py.run(
        "try:\n    await crm.get_customer(customer_id='C-404')\n"
        "except ToolError as e:\n    r = [str(e), e.tool]\nr",
        tools=CRM,
        callback=customers,
        language="python",
    )
    assert caught.value == ["customer C-404 not found", "crm.get_customer"]
    uncaught = await py.run(
        "await crm.get_customer(customer_id='C-404')", tools=CRM, callback=customers, language="python"
    )
    assert uncaught.error is not None
    assert (uncaught.error.name, uncaught.error.message) == ("ToolError", "customer C-404 not found")


async def test_an_unknown_tool_is_refused_with_suggestions(py: DenoExecutor) -> None:
    result = await py.run(
        "await crm.get_custmer(customer_id='x')", tools=CRM, callback=customers, language="python"
    )
    assert result.error is not None
    assert result.error.name == "AttributeError"
    assert "Did you mean crm.get_customer?" in result.error.message


async def test_uncaught_exception_shows_only_the_programs_lines(py: DenoExecutor) -> None:
    code = "import statistics\n\ndef average(xs):\n    return statistics.mean(xs)\n\naverage([])\n"
    result = await py.run(code, language="python")
    assert result.error is not None
    assert result.error.name == "StatisticsError"
    assert result.error.message == "mean requires at least one data point"
    stack = result.error.stack
    assert stack.startswith("Traceback (most recent call last):\n")
    assert '  File "<program>", line 6, in <module>\n    average([])' in stack
    assert '  File "<program>", line 4, in average\n    return statistics.mean(xs)' in stack
    assert "statistics.py" not in stack and "python_glue" not in stack and "pyodide" not in stack
    assert stack.endswith("statistics.StatisticsError: mean requires at least one data point")


async def test_syntax_error_names_the_line(py: DenoExecutor) -> None:
    result = await py.run("x = 1\nif x\n    pass\n", language="python")
    assert result.error is not None
    assert result.error.name == "SyntaxError"
    assert "(line 2)" in result.error.message


async def test_print_and_logging_become_log_entries_with_levels(py: DenoExecutor) -> None:
    code = (
        "import logging, sys\n"
        "print('found', 3, 'customers')\n"
        "print('to stderr', file=sys.stderr)\n"
        "logging.info('step %d', 1)\n"
        "logging.warning('slow')\n"
        "logging.error('bad row')\n"
        "'done'"
    )
    seen: list[tuple[str, str]] = []
    result = await py.run(code, language="python", on_log=lambda e: seen.append((e.level, e.message)))
    assert result.value == "done"
    expected = [("log", "found 3 customers"), ("error", "to stderr"), ("info", "step 1"), ("warn", "slow")]
    expected.append(("error", "bad row"))
    assert [(e.level, e.message) for e in result.logs] == expected
    assert seen == expected


async def test_the_standard_library_works(py: DenoExecutor) -> None:
    code = """
import json, re, datetime, statistics, collections, itertools, math, csv, decimal, io, fractions
import hashlib, base64, textwrap, heapq, bisect, difflib, uuid, zlib, html, urllib.parse, dataclasses
rows = list(csv.DictReader(io.StringIO("name,total\\nAda,10.5\\nBob,4\\n")))
totals = [decimal.Decimal(r["total"]) for r in rows]
{
    "sum": str(sum(totals)),
    "mean": statistics.mean(float(t) for t in totals),
    "words": re.findall(r"[A-Z]\\w+", "Ada and Bob"),
    "day": datetime.date(2026, 11, 30) + datetime.timedelta(days=1),
    "counts": collections.Counter("abca").most_common(1),
    "pairs": list(itertools.combinations("ab", 2)),
    "sqrt": math.isqrt(17),
    "frac": str(fractions.Fraction(1, 3) * 3),
    "sha": hashlib.sha256(b"x").hexdigest()[:8],
    "b64": base64.b64encode(b"hi").decode(),
    "json": json.loads('{"a": [1]}'),
    "quote": urllib.parse.quote("a b"),
    "crc": zlib.crc32(b"x"),
}
"""
    result = await py.run(code, language="python")
    assert result.ok, result.error
    assert result.value == {
        "sum": "14.5",
        "mean": 7.25,
        "words": ["Ada", "Bob"],
        "day": "2026-12-01",
        "counts": [["a", 2]],
        "pairs": [["a", "b"]],
        "sqrt": 4,
        "frac": "1",
        "sha": "2d711642",
        "b64": "aGk=",
        "json": {"a": [1]},
        "quote": "a%20b",
        "crc": 2363233923,
    }


async def test_a_large_result_is_truncated_like_typescript(py: DenoExecutor) -> None:
    result = await py.run("'x' * 5000", language="python", limits=Limits(wall_s=60, result_bytes=1000))
    assert result.ok and result.truncated
    assert isinstance(result.value, str) and "the limit is 1000 bytes" in result.value


async def test_warm_python_sandbox_keeps_interpreter_state(py: DenoExecutor) -> None:
    code = "import sys\nsys.runs = getattr(sys, 'runs', 0) + 1\nsys.runs"
    first = await py.run(code, language="python", sandbox_id="py-warm")
    second = await py.run(code, language="python", sandbox_id="py-warm")
    assert (first.value, second.value) == (1, 2)
    switched = await py.run("return 7", sandbox_id="py-warm")  # TypeScript now: a fresh process
    assert switched.value == 7


async def test_python_names_are_checked_before_anything_runs(py: DenoExecutor) -> None:
    for tools in ({"crm": ["get$customer"]}, {"class": ["x"]}, {"ToolError": ["x"]}):
        with pytest.raises(SettingsError, match="cannot be a Python namespace, tool or global name"):
            await py.run("1", tools=tools, language="python")


async def test_no_python_process_outlives_its_run(py: DenoExecutor) -> None:
    await py.run(
        "import asyncio\nasyncio.get_event_loop().call_later(0.01, print, 'late')\n1", language="python"
    )
    assert sandbox_orphans() == []


async def test_typescript_use_starts_nothing_for_python() -> None:
    async with DenoExecutor(SandboxSettings(pool_size=1)) as ex:
        result = await ex.run("return 1 + 1")
        assert result.value == 2
        assert ex.pyodide is None
        assert ex.python_pool is not None and ex.python_pool.spawned == 0


async def test_a_missing_runtime_is_an_error_that_says_how_to_install(tmp_path: Path) -> None:
    async with DenoExecutor(SandboxSettings(pool_size=0, pyodide_cache=tmp_path, limits=PY_LIMITS)) as ex:
        with pytest.raises(PyodideMissingError, match="codemode pyodide install"):
            await ex.run("1", language="python")
