"""The MCP server through the real front door: `mcp.Client(server)` in memory, real Deno, real tools."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import pytest
from mcp import Client

from codemode.app import open_toolbox
from codemode.engine import CodeMode, EngineSettings
from codemode.mcp_server import build_server
from codemode.sources.python import PythonTools
from codemode.sources.toolbox import Toolbox
from codemode.world import World, build_sources
from sandbox import DenoExecutor, SandboxSettings

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=1)) as executor:
        yield executor


@pytest.fixture
async def world_toolbox() -> AsyncIterator[tuple[World, Toolbox]]:
    world = World.generate(seed=0)
    async with Toolbox(build_sources(world)) as toolbox:
        yield world, toolbox


def _engine(toolbox: Toolbox, executor: DenoExecutor, **settings: Any) -> CodeMode:
    return CodeMode(toolbox, executor, EngineSettings(**settings))


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def test_lists_one_tool_named_code_with_the_declarations(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor, token_budget=100_000))
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
    assert [tool.name for tool in tools] == ["code"]
    description = tools[0].description or ""
    assert "declare const crm" in description
    assert "find_customers(" in description
    assert tools[0].input_schema["required"] == ["code"]


async def test_runs_code_and_returns_the_value_first(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    async with Client(server) as client:
        result = await client.call_tool("code", {"code": "console.log('hi'); return 1 + 1"})
    assert result.is_error is False
    assert result.content[0].text == "2"
    assert "[log] hi" in result.content[1].text
    assert "tool calls" in result.content[1].text
    assert result.structured_content is None


async def test_tool_calls_reach_the_world_and_change_its_state(world_toolbox, executor) -> None:
    world, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    code = """
    const found = await crm.find_customers({query: "", limit: 3});
    const first = found[0];
    await crm.add_note({customer_id: first.id, body: "called from code mode"});
    const full = await crm.get_customer({customer_id: first.id});
    return {id: full.id, count: found.length};
    """
    async with Client(server) as client:
        result = await client.call_tool("code", {"code": code})
    assert result.is_error is False, _text(result)
    value = json.loads(result.content[0].text)
    assert value["count"] == 3
    assert "called from code mode" in json.dumps(world.snapshot(), default=str)


async def test_guest_error_comes_back_as_is_error_with_the_models_line(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    code = "const a = 1;\nconst b = 2;\nnull.boom();\nreturn a + b;"
    async with Client(server) as client:
        result = await client.call_tool("code", {"code": code})
    assert result.is_error is True
    text = _text(result)
    assert "TypeError" in text
    assert ":3:" in text  # the model's own line 3


async def test_tool_error_is_thrown_in_the_guest_with_its_message(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    code = """
    try { await crm.get_customer({customer_id: "C-NOPE"}); return "no error"; }
    catch (e) { return "caught: " + e.message; }
    """
    async with Client(server) as client:
        result = await client.call_tool("code", {"code": code})
    assert result.is_error is False
    assert result.content[0].text.startswith("caught: ")
    assert "C-NOPE" in result.content[0].text


async def test_bad_arguments_are_rejected_before_the_tool_runs(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    code = 'return await crm.find_customers({query: "a", limit: "ten"});'
    async with Client(server) as client:
        result = await client.call_tool("code", {"code": code})
    assert result.is_error is True
    assert "limit" in _text(result)


async def test_long_results_are_cut_with_a_marker(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor, max_result_chars=2000))
    async with Client(server) as client:
        result = await client.call_tool("code", {"code": "return 'x'.repeat(50000)"})
    text = _text(result)
    assert len(text) <= 2000
    assert "cut at" in text and "Return less" in text


async def test_over_the_token_budget_the_model_gets_names_and_search(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor, token_budget=1500))
    async with Client(server) as client:
        description = (await client.list_tools()).tools[0].description or ""
        code = """
        const hits = await search("close an issue");
        const decl = await describe(hits[0].name);
        return {first: hits[0].name, decl};
        """
        result = await client.call_tool("code", {"code": code})
    assert "declare const" not in description
    tracker = next(line for line in description.splitlines() if line.startswith("tracker: "))
    assert "close_issue" in tracker.split()  # listed by name
    assert result.is_error is False, _text(result)
    value = json.loads(result.content[0].text)
    assert value["first"] == "tracker.close_issue"
    assert "close_issue(" in value["decl"]


async def test_publish_tools_lists_the_originals_beside_code(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor), publish_tools=toolbox)
    async with Client(server) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
        result = await client.call_tool("records__get_table_schema", {"table": "orders"})
        missing = await client.call_tool("crm__get_customer", {"customer_id": "C-NOPE"})
    assert names[0] == "code"
    assert "crm__find_customers" in names and len(names) == len(toolbox.tools()) + 1
    assert result.is_error is False and "orders" in _text(result)
    assert missing.is_error is True and "C-NOPE" in _text(missing)


async def test_guest_console_lines_are_sent_as_log_messages(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    received: list[Any] = []

    async def on_log(params: Any) -> None:
        received.append(params)

    async with Client(server, logging_callback=on_log, log_level="debug") as client:
        await client.call_tool("code", {"code": "console.warn('careful'); return 1"})
    assert any(p.data == "careful" and p.level == "warning" for p in received), received


async def test_every_buffered_log_line_reaches_the_client_before_the_result(world_toolbox, executor) -> None:
    """The run can end with lines still queued for the client: they are all sent before the result."""
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    received: list[str] = []

    async def on_log(params: Any) -> None:
        received.append(params.data)

    code = "for (let i = 0; i < 300; i++) console.log('line ' + i); return 'done'"
    async with Client(server, logging_callback=on_log, log_level="debug") as client:
        result = await client.call_tool("code", {"code": code})
        assert result.content[0].text == "done"
        assert received == [f"line {i}" for i in range(300)]


async def test_long_runs_report_progress(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async with Client(server) as client:
        code = "await new Promise((r) => setTimeout(r, 1600)); return 'done'"
        result = await client.call_tool("code", {"code": code}, progress_callback=on_progress)
    assert result.content[0].text == "done"
    assert progress and progress[0] >= 1.0


class _WatchedEngine(CodeMode):
    """The engine, telling when a run has ended on the server side (returned, failed or cancelled)."""

    ended = anyio.Event()

    async def run(self, code: str, **options: Any) -> Any:
        try:
            return await super().run(code, **options)
        finally:
            self.ended.set()


async def test_cancelling_the_request_stops_the_run(executor) -> None:
    probe = PythonTools("probe")
    ticks: list[int] = []
    first = anyio.Event()

    @probe.tool
    async def tick(i: int) -> int:
        """Count one step of the program."""
        ticks.append(i)
        first.set()
        return i

    code = """
    for (let i = 0; i < 50; i++) {
      await probe.tick({i});
      await new Promise((r) => setTimeout(r, 100));
    }
    return "finished";
    """
    async with Toolbox([probe]) as toolbox:
        engine = _WatchedEngine(toolbox, executor, EngineSettings())
        engine.ended = anyio.Event()
        async with Client(build_server(engine)) as client:
            async with anyio.create_task_group() as group:
                group.start_soon(client.call_tool, "code", {"code": code})
                await first.wait()  # the program is running: cancel the request now
                group.cancel_scope.cancel()
            await engine.ended.wait()
            seen = len(ticks)
            after = await client.call_tool("code", {"code": "return 1"})  # the server is idle again
    assert after.content[0].text == "1"
    assert len(ticks) == seen, "nothing ran after the run ended"
    assert 0 < seen < 50, "the run ended because it was cancelled, not because it finished"


@pytest.mark.parametrize(
    "mode", [pytest.param("legacy", id="handshake-era"), pytest.param("auto", id="2026-07-28")]
)
async def test_upstream_tool_changes_reach_the_client(executor, mode: str) -> None:
    """An upstream's `tools/list_changed` -> new declarations -> the client is told, either protocol era."""
    from codemode.config import parse_config

    fixture = Path(__file__).parent / "fixtures" / "changing_server.py"
    config = parse_config({"mcpServers": {"changing": {"command": sys.executable, "args": [str(fixture)]}}})
    notified = anyio.Event()

    async def on_message(message: Any) -> None:
        if "ToolListChanged" in type(getattr(message, "root", message)).__name__:
            notified.set()

    async def listen(client: Client, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        async with client.listen(tools_list_changed=True) as subscription:
            task_status.started()  # subscribed: a change from now on is delivered
            async for _ in subscription:
                notified.set()
                return

    async with open_toolbox(config) as toolbox:
        server = build_server(_engine(toolbox, executor, token_budget=100_000))
        async with (
            Client(server, message_handler=on_message, mode=mode) as client,
            anyio.create_task_group() as tg,
        ):
            if mode == "auto":
                await tg.start(listen, client)
            before = (await client.list_tools()).tools[0].description or ""
            result = await client.call_tool("code", {"code": "return await changing.grow()"})
            assert result.is_error is False, _text(result)
            with anyio.fail_after(10):
                await notified.wait()
            after = (await client.list_tools()).tools[0].description or ""
            tg.cancel_scope.cancel()
    assert "extra_1(" not in before
    assert "extra_1(" in after


async def test_a_server_that_is_down_is_named_in_the_description(executor) -> None:
    from codemode.config import parse_config

    crash = ["-c", "import sys; print('boom: no token', file=sys.stderr); sys.exit(3)"]
    config = parse_config({"mcpServers": {"broken": {"command": sys.executable, "args": crash}}})
    world = World.generate(seed=0)
    async with open_toolbox(config, sources=build_sources(world)) as toolbox:
        server = build_server(_engine(toolbox, executor, token_budget=100_000))
        async with Client(server) as client:
            description = (await client.list_tools()).tools[0].description or ""
            result = await client.call_tool("code", {"code": "return (await tracker.list_projects()).length"})
    assert "Not available right now" in description
    assert "- broken:" in description and "boom: no token" in description
    assert "retrying in" not in description
    assert result.is_error is False  # the other sources still work


async def test_a_bare_value_argument_gets_a_message_showing_the_object_form(world_toolbox, executor) -> None:
    _, toolbox = world_toolbox
    server = build_server(_engine(toolbox, executor))
    code = 'try { await crm.get_customer("C-0001"); return "no error"; } catch (e) { return e.message; }'
    async with Client(server) as client:
        result = await client.call_tool("code", {"code": code})
    message = result.content[0].text
    assert "crm.get_customer({customer_id: ...})" in message
    assert "got a string" in message
