"""A minimal Language Server Protocol client over a child's stdio: just what the checker needs.

Messages are JSON-RPC 2.0 framed as `Content-Length: N\\r\\n\\r\\n<N bytes of JSON>`. There is no
background reader: one request at a time (the caller holds a lock), and while waiting for its
response we read and dispose of everything else the server sends: notifications (`window/logMessage`,
pushed diagnostics) are dropped, and requests from the server (`workspace/configuration`,
`client/registerCapability`, ...) get an empty success so it never waits on us. Every wait is bounded.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from anyio.abc import ByteReceiveStream, ByteSendStream
from anyio.streams.buffered import BufferedByteReceiveStream

from .errors import CheckerCrashedError

__all__ = ["LspConnection"]

_MAX_HEADER = 4096
_MAX_BODY = 64 * 1024 * 1024


class LspConnection:
    """Requests and notifications to one language server, strictly one request at a time."""

    def __init__(self, send: ByteSendStream, receive: ByteReceiveStream) -> None:
        self._send = send
        self._receive = BufferedByteReceiveStream(receive)
        self._next_id = 0

    async def notify(self, method: str, params: Any) -> None:
        """Send a notification (no answer)."""
        await self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any, *, timeout_s: float) -> Any:
        """Send a request and return its `result`; raises CheckerCrashedError on an error or a timeout."""
        self._next_id += 1
        ident = self._next_id
        await self._write({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        with anyio.move_on_after(timeout_s) as scope:
            while True:
                message = await self._read()
                if "method" in message:
                    if "id" in message:  # a request from the server: never leave it waiting
                        await self._write({"jsonrpc": "2.0", "id": message["id"], "result": None})
                    continue
                if message.get("id") != ident:
                    continue  # a late answer to a request we gave up on
                if "error" in message:
                    error = message["error"] or {}
                    raise CheckerCrashedError(f"{method} failed: {error.get('message', error)}")
                return message.get("result")
        assert scope.cancel_called
        raise CheckerCrashedError(f"the TypeScript compiler did not answer {method} within {timeout_s:g} s")

    async def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        try:
            # Shielded: a frame cut in half by a cancelled check would corrupt every later one. A
            # cancelled request's late answer is skipped by the next `request` (its id differs).
            with anyio.CancelScope(shield=True):
                await self._send.send(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
            raise CheckerCrashedError(f"the TypeScript compiler is gone: {exc!r}") from exc

    async def _read(self) -> dict[str, Any]:
        try:
            header = await self._receive.receive_until(b"\r\n\r\n", _MAX_HEADER)
            length = _content_length(header)
            body = await self._receive.receive_exactly(length)
        except (anyio.EndOfStream, anyio.IncompleteRead, anyio.BrokenResourceError) as exc:
            raise CheckerCrashedError("the TypeScript compiler exited") from exc
        except anyio.DelimiterNotFound as exc:
            raise CheckerCrashedError("the TypeScript compiler sent an oversized header") from exc
        message = json.loads(body)
        if not isinstance(message, dict):
            raise CheckerCrashedError("the TypeScript compiler sent a message that is not an object")
        return message


def _content_length(header: bytes) -> int:
    for line in header.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
            if 0 <= length <= _MAX_BODY:
                return length
    raise CheckerCrashedError(
        f"the TypeScript compiler sent a frame without a valid length: {header[:200]!r}"
    )
