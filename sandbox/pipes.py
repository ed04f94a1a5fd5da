"""Raw non-blocking pipes for the bridge: the shortest path between the event loop and the harness.

A tool call's round trip crosses two pipes twice per call, so the layers matter: writing a frame is one
`os.write` (no lock, no drain, no event-loop round trip unless the pipe is full), and reading is one
`os.read` after `anyio.wait_readable`. Frames are written whole or queued, so concurrent writers never
interleave: a writer only writes directly when nothing is queued.
"""

from __future__ import annotations

import asyncio
import os

import anyio

__all__ = ["PipeReader", "PipeWriter", "make_pipe"]

READ_CHUNK = 1 << 20


def make_pipe() -> tuple[int, int]:
    """A pipe whose ends are not inherited by other children (`O_CLOEXEC`)."""
    read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
    return read_fd, write_fd


class PipeReader:
    """The host's non-blocking read end.

    On asyncio the fd stays registered with the event loop between reads, instead of being added and
    removed around every wait (`anyio.wait_readable`): two `epoll_ctl` calls and a layer of wrappers
    less per frame, about a fifth of a tool call's round trip (side by side: 269 -> 213 us p50). The
    registration is dropped when data waits with nobody reading (so a level-triggered fd cannot spin
    the loop) and when the reader closes. Other backends wait with `anyio.wait_readable`.
    """

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        """The loop the fd is registered with, while it is."""
        self._waiter: asyncio.Future[None] | None = None
        self._idle_wakeups = 0

    async def receive(self) -> bytes:
        """The next chunk; b"" at end of file."""
        while True:
            if self.closed:
                raise anyio.ClosedResourceError
            try:
                return os.read(self.fd, READ_CHUNK)
            except BlockingIOError:
                await self._readable()

    async def _readable(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # another backend (trio)
            await anyio.wait_readable(self.fd)
            return
        if self._loop is not loop:
            self._unregister()
            loop.add_reader(self.fd, self._on_readable)
            self._loop = loop
        self._waiter = waiter = loop.create_future()
        try:
            await waiter
        finally:
            self._waiter = None

    def _on_readable(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._idle_wakeups = 0
            if not waiter.done():
                waiter.set_result(None)
            return
        # Nobody waits. Once is normal: the loop polled before the woken reader ran and read. Twice
        # in a row means data nobody reads now: drop the registration until the next wait.
        self._idle_wakeups += 1
        if self._idle_wakeups > 1:
            self._unregister()

    def _unregister(self) -> None:
        self._idle_wakeups = 0
        loop, self._loop = self._loop, None
        if loop is not None and not loop.is_closed():
            loop.remove_reader(self.fd)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._unregister()
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_exception(anyio.ClosedResourceError())  # never reads the fd number again
            os.close(self.fd)


class PipeWriter:
    """The host's non-blocking write end; whole frames, in order, from any number of tasks."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.closed = False
        self._queue: list[bytes] = []
        self._flushing = anyio.Lock()

    async def send(self, data: bytes) -> None:
        """Write `data` after everything sent before it. Raises BrokenPipeError when the reader is gone."""
        if self.closed:
            raise BrokenPipeError("the sandbox's stdin is closed")
        if not self._queue:
            try:
                written = os.write(self.fd, data)
            except BlockingIOError:
                written = 0
            if written == len(data):
                return
            data = data[written:]
        self._queue.append(data)
        await self._flush()

    async def _flush(self) -> None:
        async with self._flushing:
            while self._queue and not self.closed:
                await anyio.wait_writable(self.fd)
                data = b"".join(self._queue)
                self._queue.clear()
                try:
                    written = os.write(self.fd, data)
                except BlockingIOError:
                    written = 0
                if written < len(data):
                    self._queue.insert(0, data[written:])

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._queue.clear()
            os.close(self.fd)
