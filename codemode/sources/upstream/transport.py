"""The wire under an `UpstreamServer`: a transport per config entry that reports when it ends.

`stdio` entries start the command as a child process (its stderr goes to a temporary file whose tail
ends up in error messages, never on our stdout); `url` entries speak streamable HTTP. Either way the
read side is watched, so the server learns at once that a child exited or a connection dropped.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, TextIO, cast

import anyio
import httpx2
from mcp.client import Transport
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.message import SessionMessage

from codemode.config import HttpServerConfig, ServerConfig
from codemode.self_reference import DEPTH_ENV

__all__ = ["StderrCapture", "WatchedTransport", "open_transport"]

_STDERR_TAIL_BYTES = 1500
_HTTP_TIMEOUT = httpx2.Timeout(30.0, read=300.0)


class StderrCapture:
    """A child's stderr, kept in a temporary file; `tail()` reads its end without moving anything."""

    def __init__(self) -> None:
        file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        self.file = cast(TextIO, file)
        """The file handed to the child as its stderr."""

    def tail(self, limit: int = _STDERR_TAIL_BYTES) -> str:
        """The last `limit` bytes the child wrote, as text, trimmed to whole lines."""
        if self.file.closed:
            return ""
        descriptor = self.file.fileno()
        size = os.fstat(descriptor).st_size
        start = max(0, size - limit)
        text = os.pread(descriptor, size - start, start).decode("utf-8", errors="replace")
        if start > 0 and "\n" in text:
            text = text.split("\n", 1)[1]
        return text.strip()

    def close(self) -> None:
        """Delete the file."""
        self.file.close()


class _WatchedReadStream:
    """A read stream that calls `on_end` when it ends (EOF, closed) or is closed."""

    def __init__(self, inner: Any, on_end: Callable[[], None]) -> None:
        self._inner = inner
        self._on_end = on_end

    async def receive(self) -> SessionMessage | Exception:
        try:
            item: SessionMessage | Exception = await self._inner.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._on_end()
            raise
        return item

    def __aiter__(self) -> _WatchedReadStream:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        self._on_end()
        await self._inner.aclose()

    async def __aenter__(self) -> _WatchedReadStream:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __getattr__(self, name: str) -> Any:
        # The dispatcher duck-types optional attributes such as `last_context`.
        return getattr(self._inner, name)


class WatchedTransport:
    """Wraps a transport so that `on_end` runs when the server side goes away."""

    def __init__(self, inner: Transport, on_end: Callable[[], None]) -> None:
        self._inner = inner
        self._on_end = on_end

    async def __aenter__(self) -> Any:
        read_stream, write_stream = await self._inner.__aenter__()
        return _WatchedReadStream(read_stream, self._on_end), write_stream

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        self._on_end()
        return await self._inner.__aexit__(exc_type, exc, tb)


def open_transport(config: ServerConfig, stderr: StderrCapture | None) -> Transport:
    """The transport for one config entry (not entered yet); a stdio child writes its stderr to `stderr`."""
    if isinstance(config, HttpServerConfig):
        return _http_transport(config.url, dict(config.headers))
    parameters = StdioServerParameters(
        command=config.command,
        args=list(config.args),
        # The child's depth under codemode: see codemode.self_reference (the recursion backstop).
        env={**config.env, DEPTH_ENV: str(_our_depth() + 1)},
        cwd=config.cwd,
    )
    if stderr is None:
        raise ValueError(f"a stdio server ({config.command}) needs a StderrCapture for its stderr")
    return stdio_client(parameters, errlog=stderr.file)


def _our_depth() -> int:
    try:
        return max(0, int(os.environ.get(DEPTH_ENV, "0")))
    except ValueError:
        return 0


@asynccontextmanager
async def _http_transport(url: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    async with (
        httpx2.AsyncClient(headers=headers, timeout=_HTTP_TIMEOUT) as http,
        streamable_http_client(url, http_client=http) as streams,
    ):
        yield streams
