"""Opt-in network for the guest: its `fetch` is routed through the host, never through Deno.

Network is off by default (like Cloudflare's `globalOutbound: null`): the process has no net
permission, so `fetch`, `WebSocket`, `Deno.connect`, `node:http` and DNS all fail with NotCapable.

With an `OutboundPolicy`, the harness replaces `fetch` with a function that sends the request to the
host as a bridge frame; the host checks the URL against the allowlist, adds the credentials
configured for that host (which the guest never sees) and performs the request itself.

Trade-off, against granting Deno `--allow-net=host`: the host-side handler keeps the process without
any network permission (so WebSockets, raw sockets, DNS and redirects to other hosts stay impossible),
lets the host inject secrets and audit every request, and works per run. It costs a copy of each
body over the bridge (base64 in JSON, capped by `max_response_bytes` and `Limits.frame_bytes`) and
supports only what `fetch` can express: no streaming, no WebSockets.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .errors import ToolCallError

__all__ = ["OutboundPolicy"]


@dataclass(frozen=True)
class OutboundPolicy:
    """Which hosts the guest's `fetch` may reach, and what the host adds on the way."""

    allow_hosts: tuple[str, ...]
    """Allowed `host` or `host:port` entries, e.g. `("api.github.com", "127.0.0.1:8080")`."""
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Extra request headers per allowed host (credentials the guest never sees)."""
    timeout_s: float = 30.0
    """Timeout of one request."""
    max_response_bytes: int = 8 << 20
    """Largest response body passed back to the guest."""

    def allowed(self, url: str) -> str | None:
        """The allowlist entry that admits `url`, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        host = parts.hostname.lower()
        with_port = f"{host}:{parts.port}" if parts.port else host
        for entry in self.allow_hosts:
            if entry.lower() in (host, with_port) and (":" not in entry or parts.port is not None):
                return entry
        return None

    async def handle(self, frame: Mapping[str, Any]) -> dict[str, Any]:
        """Perform one `fetch` frame; raises ToolCallError with a message the guest sees."""
        import httpx2  # shipped with mcp; imported here so the default (no network) needs nothing

        url, method = frame.get("url"), frame.get("method")
        if not isinstance(url, str) or not isinstance(method, str):
            raise ToolCallError("fetch: bad request")
        entry = self.allowed(url)
        if entry is None:
            raise ToolCallError(
                f"fetch {url}: host not allowed (allowed: {', '.join(self.allow_hosts) or 'none'}; "
                "add it to OutboundPolicy.allow_hosts)"
            )
        headers = {str(k): str(v) for k, v in frame.get("headers") or []}
        headers.update(self.headers.get(entry, {}))
        body = frame.get("body")
        content = base64.b64decode(body) if isinstance(body, str) else None
        try:
            async with httpx2.AsyncClient(timeout=self.timeout_s, follow_redirects=False) as client:
                response = await client.request(method, url, headers=headers, content=content)
        except httpx2.HTTPError as exc:
            raise ToolCallError(f"fetch {url}: {type(exc).__name__}: {exc}") from exc
        data = response.content
        if len(data) > self.max_response_bytes:
            raise ToolCallError(
                f"fetch {url}: response of {len(data)} bytes is over OutboundPolicy.max_response_bytes"
            )
        return {
            "status": response.status_code,
            "headers": [[k, v] for k, v in response.headers.items()],
            "body": base64.b64encode(data).decode(),
        }
