"""Tool calls cross the bridge: namespaces, concurrency, errors, unknown names, cancellation."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from sandbox_helpers import run, sandbox_orphans, sandbox_pids

from sandbox import DenoExecutor, Limits, ToolCallError

pytestmark = pytest.mark.anyio

TOOLS = {"github": ["create_issue", "list_issues"], "crm": ["find"]}


async def test_namespaced_calls_reach_the_callback(executor: DenoExecutor) -> None:
    calls: list[tuple[str, str, Any]] = []

    async def callback(ns: str, tool: str, args: Any) -> Any:
        calls.append((ns, tool, args))
        return {"number": 7} if tool == "create_issue" else [1, 2]

    code = (
        "const i = await github.create_issue({title: 'x', n: 1}); const l = await crm.find();"
        "return [i.number, l]"
    )
    result = await run(executor, code, tools=TOOLS, callback=callback)
    assert result.ok, result.error
    assert result.value == [7, [1, 2]]
    assert calls == [("github", "create_issue", {"title": "x", "n": 1}), ("crm", "find", {})]
    assert result.stats.tool_calls == 2


async def test_promise_all_runs_calls_concurrently_on_the_host(executor: DenoExecutor) -> None:
    in_flight = 0
    peak = 0
    all_started = anyio.Event()

    async def callback(ns: str, tool: str, args: Any) -> Any:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if peak == 3:
            all_started.set()
        with anyio.fail_after(10):
            await all_started.wait()  # only returns once all three are in flight at once
        in_flight -= 1
        return args["i"]

    code = "return await Promise.all([1, 2, 3].map((i) => github.list_issues({i})))"
    result = await run(executor, code, tools=TOOLS, callback=callback)
    assert result.ok, result.error
    assert result.value == [1, 2, 3]
    assert peak == 3


async def test_tool_errors_arrive_as_thrown_errors(executor: DenoExecutor) -> None:
    async def callback(ns: str, tool: str, args: Any) -> Any:
        raise ToolCallError("repository octo/missing not found")

    code = """
    try { await github.create_issue({repo: 'octo/missing'}); }
    catch (e) { return [e instanceof Error, e.message, e.tool]; }
    """
    result = await run(executor, code, tools=TOOLS, callback=callback)
    assert result.ok, result.error
    assert result.value == [True, "repository octo/missing not found", "github.create_issue"]


async def test_unexpected_callback_exceptions_do_not_crash_the_host(executor: DenoExecutor) -> None:
    async def callback(ns: str, tool: str, args: Any) -> Any:
        raise KeyError("boom")

    result = await run(executor, "return await github.create_issue({})", tools=TOOLS, callback=callback)
    assert not result.ok
    assert result.error is not None
    assert "github.create_issue failed: KeyError" in result.error.message


async def test_non_json_results_become_errors(executor: DenoExecutor) -> None:
    async def callback(ns: str, tool: str, args: Any) -> Any:
        return {1, 2}

    result = await run(executor, "return await github.create_issue({})", tools=TOOLS, callback=callback)
    assert result.error is not None
    assert "not JSON" in result.error.message


async def test_unknown_tool_fails_at_once_with_close_names(executor: DenoExecutor) -> None:
    result = await run(executor, "await github.create_issues({})", tools=TOOLS)
    assert result.error is not None
    assert result.error.name == "TypeError"
    assert "unknown tool github.create_issues" in result.error.message
    assert "Did you mean github.create_issue?" in result.error.message
    assert result.stats.tool_calls == 0


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("await github; return 'ok'", id="await-namespace"),
        pytest.param("await Promise.resolve(github); return 'ok'", id="resolve-namespace"),
        pytest.param(
            "JSON.stringify(github); String(Object.keys(github)); return 'ok'", id="inspect-namespace"
        ),
    ],
)
async def test_namespaces_are_not_thenables(executor: DenoExecutor, code: str) -> None:
    result = await run(executor, code, tools=TOOLS, limits=Limits(wall_s=5))
    assert result.ok, result.error
    assert result.value == "ok"


async def test_global_functions_route_with_an_empty_namespace(executor: DenoExecutor) -> None:
    result = await run(executor, "return await search({q: 'issues'})", globals=["search"])
    assert result.ok, result.error
    assert result.value == {"ns": "", "tool": "search", "args": {"q": "issues"}}


async def test_calls_still_running_when_the_run_ends_are_cancelled(executor: DenoExecutor) -> None:
    cancelled = anyio.Event()

    async def callback(ns: str, tool: str, args: Any) -> Any:
        try:
            await anyio.sleep(30)
        except anyio.get_cancelled_exc_class():
            cancelled.set()
            raise
        return None

    code = "github.create_issue({}); await new Promise((r) => setTimeout(r, 200)); return 'left it running'"
    result = await run(executor, code, tools=TOOLS, callback=callback)
    assert result.ok
    assert cancelled.is_set()


async def test_cancelling_the_caller_kills_the_child(executor: DenoExecutor) -> None:
    started = anyio.Event()

    async def callback(ns: str, tool: str, args: Any) -> Any:
        started.set()
        await anyio.sleep(30)

    async def guest() -> None:
        await run(executor, "await github.create_issue({})", tools=TOOLS, callback=callback)

    async with anyio.create_task_group() as tg:
        tg.start_soon(guest)
        with anyio.fail_after(20):
            await started.wait()
        tg.cancel_scope.cancel()
    assert sandbox_pids(children_only=True) == []
    assert sandbox_orphans() == []


async def test_stats_are_measured(executor: DenoExecutor) -> None:
    result = await run(executor, "let x = 0; for (let i = 0; i < 3e7; i++) x += i; return x > 0", tools=TOOLS)
    assert result.ok
    assert result.stats.wall_ms > 0
    assert result.stats.cpu_ms > 0
    assert result.stats.peak_memory_mib > 10


async def test_a_result_over_the_frame_limit_becomes_an_error(executor: DenoExecutor) -> None:
    async def callback(ns: str, tool: str, args: Any) -> Any:
        return "z" * (2 << 20)

    result = await run(
        executor,
        "try { await github.create_issue({}) } catch (e) { return e.message }",
        tools=TOOLS,
        callback=callback,
        limits=Limits(frame_bytes=1 << 20),
    )
    assert result.ok, result.error
    assert "over the limit of 1048576 bytes" in result.value
    assert "github.create_issue returned" in result.value
