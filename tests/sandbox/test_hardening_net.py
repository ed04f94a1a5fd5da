# ruff: noqa: E501  (guest JavaScript probes stay one probe per line)
"""No network by default: fetch, sockets, WebSocket, node:http, DNS and remote imports all fail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor

pytestmark = pytest.mark.anyio

PROBE_LIB = (Path(__file__).parent / "probes.js").read_text()

ATTACKS = r"""
const target = "127.0.0.1:%(port)d";
await probe("fetch", async () => (await fetch("http://" + target + "/")).status);
await probe("connect", async () => { const c = await Deno.connect({hostname: "127.0.0.1", port: %(port)d}); c.close(); return "connected"; });
await probe("listen", () => { const l = Deno.listen({port: 0}); l.close(); return "listening"; });
await probe("websocket", () => new Promise((resolve, reject) => {
  const ws = new WebSocket("ws://" + target + "/");
  ws.onopen = () => resolve("open"); ws.onerror = (e) => reject(new Error("error event: " + (e.message ?? "")));
}));
await probe("nodeHttp", async () => {
  const http = await import("node:http");
  return await new Promise((resolve, reject) => {
    const req = http.get("http://" + target + "/", (res) => resolve(res.statusCode));
    req.on("error", reject);
  });
});
await probe("nodeNet", async () => {
  const net = await import("node:net");
  return await new Promise((resolve, reject) => {
    const s = net.connect(%(port)d, "127.0.0.1", () => resolve("connected"));
    s.on("error", reject);
  });
});
await probe("dns", () => Deno.resolveDns("example.com", "A"));
await probe("nodeDns", async () => (await import("node:dns/promises")).lookup("localhost"));
await probe("remoteImport", () => import("https://deno.land/std/version.ts"));
await probe("npmImport", () => import("npm:left-pad"));
await probe("jsrImport", () => import("jsr:@std/path"));
await probe("remoteFromData", () => import("data:application/javascript,import%%20'https://example.com/x.js'"));
await probe("npmFromData", () => import("data:application/javascript,import%%20'npm:left-pad'"));
return report;
"""


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock
    sock.close()


async def test_guest_has_no_network(executor: DenoExecutor, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    result = await run(executor, PROBE_LIB + ATTACKS % {"port": port})
    assert result.ok, result.error
    report = result.value
    for name, outcome in report.items():
        assert outcome["ok"] is False, f"{name} was not blocked: {outcome}"
    for name in ("fetch", "connect", "listen", "websocket", "nodeHttp", "nodeNet", "dns", "nodeDns"):
        outcome = report[name]
        # node:dns reports Deno's permission denial as EPERM, like the OS would.
        assert "net access" in outcome["message"] or "EPERM" in outcome["message"], (name, outcome)
    for name in ("remoteImport", "remoteFromData"):
        assert "--no-remote" in report[name]["message"], report[name]
    for name in ("npmImport", "npmFromData"):
        assert "--no-npm" in report[name]["message"], report[name]
    assert report["jsrImport"]["ok"] is False
    listener.setblocking(False)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
