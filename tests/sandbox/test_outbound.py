# ruff: noqa: E501  (guest JavaScript probes stay one probe per line)
"""Opt-in network: the guest's fetch goes through the host, to allowed hosts only, with host-side
credentials the guest never sees. Nothing else of the network opens up."""

from __future__ import annotations

import http.server
import threading
from collections.abc import AsyncIterator, Iterator

import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor, OutboundPolicy, SandboxSettings

pytestmark = pytest.mark.anyio

TOKEN = "host-side-secret-token"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}"
        body = b"authorized" if authorized else b"anonymous"
        self.send_response(200 if authorized else 401)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        data = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[::-1])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
async def networked(server: int) -> AsyncIterator[DenoExecutor]:
    entry = f"127.0.0.1:{server}"
    policy = OutboundPolicy(allow_hosts=(entry,), headers={entry: {"Authorization": f"Bearer {TOKEN}"}})
    async with DenoExecutor(SandboxSettings(pool_size=0, outbound=policy)) as ex:
        yield ex


async def test_allowed_fetch_goes_through_the_host_with_credentials(
    networked: DenoExecutor, server: int
) -> None:
    code = f"""
    const r = await fetch("http://127.0.0.1:{server}/data");
    const p = await fetch("http://127.0.0.1:{server}/echo", {{method: "POST", body: "abc"}});
    return [r.status, await r.text(), p.status, await p.text()];
    """
    result = await run(networked, code)
    assert result.ok, result.error
    assert result.value == [200, "authorized", 201, "cba"]
    assert TOKEN not in str(result.to_json())


async def test_other_hosts_and_other_network_stay_closed(networked: DenoExecutor, server: int) -> None:
    code = f"""
    const out = {{}};
    try {{ await fetch("http://localhost:{server}/"); out.otherHost = "fetched"; }} catch (e) {{ out.otherHost = e.message; }}
    try {{ await fetch("http://127.0.0.1:1/"); out.otherPort = "fetched"; }} catch (e) {{ out.otherPort = e.message; }}
    try {{ await Deno.connect({{hostname: "127.0.0.1", port: {server}}}); out.socket = "open"; }}
    catch (e) {{ out.socket = e.name; }}
    return out;
    """
    result = await run(networked, code)
    assert result.ok, result.error
    assert "host not allowed" in result.value["otherHost"]
    assert "OutboundPolicy.allow_hosts" in result.value["otherPort"]
    assert result.value["socket"] == "NotCapable"


async def test_network_is_off_by_default(executor: DenoExecutor, server: int) -> None:
    result = await run(
        executor, f"try {{ await fetch('http://127.0.0.1:{server}/') }} catch (e) {{ return e.name }}"
    )
    assert result.value == "NotCapable"


def test_policy_matching() -> None:
    policy = OutboundPolicy(allow_hosts=("api.example.com", "127.0.0.1:8080"))
    assert policy.allowed("https://api.example.com/x") == "api.example.com"
    assert policy.allowed("https://API.example.com:443/x") == "api.example.com"
    assert policy.allowed("http://127.0.0.1:8080/") == "127.0.0.1:8080"
    assert policy.allowed("http://127.0.0.1:8081/") is None
    assert policy.allowed("file:///etc/passwd") is None
    assert policy.allowed("https://evil.com/?api.example.com") is None
