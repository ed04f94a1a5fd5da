"""Raw non-blocking pipes for the bridge: the shortest path between the event loop and the harness.

A tool call's round trip crosses two pipes twice per call, so the layers matter: writing a frame is one
`os.write` (no lock, no drain, no event-loop round trip unless the pipe is full), and reading is one
`os.read` after `anyio.wait_readable`. Frames are written whole or queued, so concurrent writers never
interleave: a writer only writes directly when nothing is queued.
"""

from __future__ import annotations

import os

import anyio

__all__ = ["PipeReader", "PipeWriter", "make_pipe"]

READ_CHUNK = 1 << 20


def make_pipe() -> tuple[int, int]:
    """A pipe whose ends are not inherited by other children (`O_CLOEXEC`)."""
    read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
    return read_fd, write_fd


class PipeReader:
    """The host's non-blocking read end."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.closed = False

    async def receive(self) -> bytes:
        """The next chunk; b"" at end of file."""
        while True:
            try:
                return os.read(self.fd, READ_CHUNK)
            except BlockingIOError:
                await anyio.wait_readable(self.fd)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
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
