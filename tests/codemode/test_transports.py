"""The server as users run it: `codemode serve` as a real stdio subprocess and on real HTTP."""

from __future__ import annotations

import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from http_serving import http_server_process, serving_http
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def default_server() -> Iterator[tuple[str, str]]:
    """One `codemode serve --transport http` with default flags, shared by the tests that only talk
    to it (each opens its own MCP session; none changes what the server serves)."""
    with serving_http() as started:
        yield started


@pytest.fixture
def http_server(default_server: tuple[str, str]) -> str:
    return default_server[0]


async def test_streamable_http_round_trip(http_server: str) -> None:
    async with Client(http_server) as client:
        tools = (await client.list_tools()).tools
        result = await client.call_tool("code", {"code": "return 6 * 7"})
    assert [tool.name for tool in tools] == ["code"]
    assert result.content[0].text == "42"


def test_port_0_serves_on_a_free_port_not_the_default(default_server: tuple[str, str]) -> None:
    url, _ = default_server  # `--port 0` was once read as "not given" (0 == False): port 8000
    assert re.fullmatch(r"http://127\.0\.0\.1:(\d+)/mcp", url), url
    assert not url.startswith("http://127.0.0.1:8000/"), url


async def test_http_rejects_a_foreign_origin(http_server: str) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    headers = {"Origin": "http://evil.example", "Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient() as http:
        response = await http.post(http_server, json=body, headers=headers)
    assert response.status_code == 403


async def test_http_bearer_token_is_required_when_set() -> None:
    with serving_http(env={"CODEMODE_TOKEN": "s3cret"}) as (url, printed):
        assert "bearer token required" in printed
        async with httpx.AsyncClient() as http:
            denied = await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert denied.status_code == 401
        auth = httpx.AsyncClient(headers={"Authorization": "Bearer s3cret"})
        from mcp.client.streamable_http import streamable_http_client

        async with auth, Client(streamable_http_client(url, http_client=auth)) as client:
            result = await client.call_tool("code", {"code": "return 'in'"})
        assert result.content[0].text == "in"


def test_binding_beyond_loopback_without_a_token_warns_loudly() -> None:
    with serving_http("--host", "0.0.0.0") as (_, printed):
        pass
    assert "SECURITY" in printed and "without a bearer token" in printed


def test_loopback_without_a_token_does_not_warn(default_server: tuple[str, str]) -> None:
    _, printed = default_server
    assert "SECURITY" not in printed


async def test_stdio_subprocess_round_trip(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "codemode", "serve"], cwd=str(tmp_path)
    )
    async with Client(params) as client:
        tools = (await client.list_tools()).tools
        result = await client.call_tool(
            "code", {"code": "const c = await crm.find_customers({query: '', limit: 2}); return c.length"}
        )
    assert [tool.name for tool in tools] == ["code"]
    assert result.content[0].text == "2"


async def test_stateless_http_serves_each_request_alone() -> None:
    with serving_http("--stateless", "--json-response") as (url, _):
        async with Client(url) as client:
            first = await client.call_tool(
                "code", {"code": "globalThis.n = (globalThis.n ?? 0) + 1; return n"}
            )
            second = await client.call_tool("code", {"code": "return typeof globalThis.n"})
        async with httpx.AsyncClient() as http:
            response = await http.post(
                url,
                json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                headers={
                    "Accept": "application/json, text/event-stream",
                    "MCP-Protocol-Version": "2025-06-18",
                },
            )
    assert first.content[0].text == "1"
    assert second.content[0].text == "undefined"  # one-shot runs share nothing
    assert response.status_code == 200, response.text
    assert "mcp-session-id" not in response.headers
    assert response.json()["result"]["tools"][0]["name"] == "code"


def test_sigterm_stops_the_http_server_cleanly() -> None:
    # A service manager stops the server with SIGTERM: it must exit 0, without a traceback (once a
    # KeyboardInterrupt wrapped in a task group's exception group escaped: exit status 1).
    with http_server_process() as (process, _, _):
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=30)
        assert process.stderr is not None
        rest = process.stderr.read()
    assert status == 0, rest
    assert "Traceback" not in rest, rest
