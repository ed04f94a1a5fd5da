"""End-to-end latency of a trivial `code` call over streamable HTTP, beside the SDK's own floor.

Two servers run in this process on loopback, both on the official SDK's streamable HTTP
transport: codemode (the embedded default tools behind `code`) and a plain `MCPServer` with a
no-op tool. One client each calls its tool in alternation, so both see the same machine load;
the difference of the medians is what codemode adds (sandbox start, bridge, formatting).

    uv run python -m codemode.bench.http_latency [--calls 200] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import uvicorn
from mcp import Client
from mcp.server.mcpserver import MCPServer

from codemode.app import open_engine
from codemode.http import HttpOptions, bind_socket, build_app
from codemode.mcp_server import build_server

__all__ = ["measure"]

TRIVIAL_CODE = "return 1 + 1"


@asynccontextmanager
async def _serving(app: Any) -> AsyncIterator[str]:
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    async with anyio.create_task_group() as group:
        group.start_soon(server.serve, [sock])
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await anyio.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            server.should_exit = True


def _noop_server() -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer("noop", log_level="WARNING")

    @server.tool()
    def noop() -> str:
        """Return at once."""
        return "2"

    return server


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 3),
    }


async def measure(
    calls: int = 200, warmup: int = 20, mode: str = "legacy", gap_s: float = 0.0
) -> dict[str, Any]:
    """p50/p95 milliseconds of `code` (`return 1 + 1`) and of a no-op tool, and the overhead.

    `mode` is the client's protocol negotiation: "legacy" (the 2025-11-25 handshake most clients
    speak today) or "auto" (2026-07-28 where the server offers it). `gap_s` pauses between
    pairs of calls: 0 measures back-to-back calls, where each one-shot run's replacement Deno
    process (about 17 ms of CPU) competes with the next call on two cores; an agent's calls are
    seconds apart, so the pool is full when a call arrives.
    """
    async with open_engine() as engine:
        codemode_app = build_app(build_server(engine), HttpOptions(port=0))
        noop_app = _noop_server().streamable_http_app(host="127.0.0.1")
        async with (
            _serving(codemode_app) as codemode_url,
            _serving(noop_app) as noop_url,
            Client(codemode_url, mode=mode) as code_client,
            Client(noop_url, mode=mode) as noop_client,
        ):
            protocol = code_client.protocol_version
            code_ms: list[float] = []
            noop_ms: list[float] = []
            for i in range(warmup + calls):
                start = time.perf_counter()
                result = await code_client.call_tool("code", {"code": TRIVIAL_CODE})
                code_time = (time.perf_counter() - start) * 1000
                start = time.perf_counter()
                await noop_client.call_tool("noop", {})
                noop_time = (time.perf_counter() - start) * 1000
                if result.content[0].text != "2":  # type: ignore[union-attr]
                    raise RuntimeError(f"`code` returned {result.content!r}, expected 2")
                if i >= warmup:
                    code_ms.append(code_time)
                    noop_ms.append(noop_time)
                if gap_s:
                    await anyio.sleep(gap_s)
    code, noop = _summary(code_ms), _summary(noop_ms)
    return {
        "protocol": protocol,
        "gap_ms": gap_s * 1000,
        "calls": calls,
        "code_ms": code,
        "noop_tool_ms": noop,
        "overhead_ms_p50": round(code["p50"] - noop["p50"], 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    plans = [("legacy", 0.0), ("legacy", 0.05), ("auto", 0.05)]
    warmup = min(20, args.calls)
    results = [anyio.run(measure, args.calls, warmup, mode, gap) for mode, gap in plans]
    for figures in results:
        code, noop = figures["code_ms"], figures["noop_tool_ms"]
        print(
            f"protocol {figures['protocol']}, {args.calls} calls each, alternating, "
            f"{figures['gap_ms']:.0f} ms between pairs:"
        )
        print(f"  code (return 1 + 1): p50 {code['p50']} ms, p95 {code['p95']} ms")
        print(f"  no-op tool:          p50 {noop['p50']} ms, p95 {noop['p95']} ms")
        print(f"  codemode overhead at p50: {figures['overhead_ms_p50']} ms")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
