"""The streamable HTTP front: the SDK's app, DNS-rebinding checks, an optional bearer token.

Loopback binds get the SDK's DNS-rebinding protection (the `Host` and `Origin` headers must name
a loopback address). Binding beyond loopback keeps the protection on, with the bound host and any
`--allowed-host`/`--allowed-origin` values added; without a bearer token such a server runs any
code that reaches it against every configured tool, hence the loud warning.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from codemode.mcp_server import CodeModeServer

__all__ = ["HttpOptions", "bind_socket", "build_app", "is_loopback"]

logger = logging.getLogger(__name__)

TOKEN_ENV = "CODEMODE_TOKEN"
"""Environment variable read for the bearer token when `--token` is not given."""

_LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
_LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


@dataclass(frozen=True)
class HttpOptions:
    """How the HTTP transport is exposed."""

    host: str = "127.0.0.1"
    """Address to bind; loopback by default."""
    port: int = 8000
    """Port to bind; 0 picks a free one."""
    path: str = "/mcp"
    """Where the MCP endpoint lives."""
    stateless: bool = False
    """Stateless mode: no session ids, each request stands alone (for load-balanced deployments)."""
    json_response: bool = False
    """Answer with plain JSON instead of an SSE stream."""
    token: str | None = None
    """Bearer token every request must carry; None for no authentication."""
    allowed_hosts: Sequence[str] = field(default_factory=tuple)
    """Extra `Host` header values accepted (e.g. `myhost:8000`)."""
    allowed_origins: Sequence[str] = field(default_factory=tuple)
    """Extra `Origin` header values accepted (e.g. `https://chat.example.com`)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build_app(server: CodeModeServer, options: HttpOptions) -> ASGIApp:
    """The ASGI app serving `server` at `options.path`."""
    from mcp.server.transport_security import TransportSecuritySettings

    hosts = [*_LOOPBACK_HOSTS, f"{options.host}:*", *options.allowed_hosts]
    origins = [*_LOOPBACK_ORIGINS, *options.allowed_origins]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )
    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=options.path,
        stateless_http=options.stateless,
        json_response=options.json_response,
        transport_security=security,
        host=options.host,
    )
    if options.token:
        app = BearerAuth(app, options.token)
    elif not is_loopback(options.host):
        logger.warning(
            "SECURITY: serving on %s without a bearer token: anyone who can reach this port can run "
            "code against every configured tool. Pass --token or set %s.",
            options.host,
            TOKEN_ENV,
        )
    return app


class BearerAuth:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"www-authenticate", b'Bearer realm="codemode"'),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b"missing or wrong bearer token\n"})
                return
        await self.app(scope, receive, send)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the server starts so that port 0 resolves to a real port."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.setblocking(False)
    return sock
