"""The bridge's raw pipes (sandbox/pipes.py): reads that wait without re-registering, and closing."""

from __future__ import annotations

import asyncio
import os

import anyio
import anyio.lowlevel
import pytest

from sandbox.pipes import PipeReader, PipeWriter, make_pipe

pytestmark = pytest.mark.anyio


async def test_chunks_arrive_in_order_across_many_waits() -> None:
    read_fd, write_fd = make_pipe()
    reader, writer = PipeReader(read_fd), PipeWriter(write_fd)
    received = bytearray()

    async def consume() -> None:
        while chunk := await reader.receive():
            received.extend(chunk)

    async with anyio.create_task_group() as tg:
        tg.start_soon(consume)
        for i in range(200):
            await writer.send(b"%d\n" % i)
            await anyio.lowlevel.checkpoint()  # the reader waits again between most chunks
        writer.close()
    reader.close()
    assert received == b"".join(b"%d\n" % i for i in range(200))


async def test_data_with_nobody_waiting_does_not_spin_the_loop() -> None:
    read_fd, write_fd = make_pipe()
    reader = PipeReader(read_fd)
    loop = asyncio.get_running_loop()
    try:
        with anyio.fail_after(5):
            async with anyio.create_task_group() as tg:
                first: list[bytes] = []

                async def read_one() -> None:
                    first.append(await reader.receive())

                tg.start_soon(read_one)
                await anyio.sleep(0.01)  # the reader waits: its fd is registered with the loop
                os.write(write_fd, b"first")
        assert first == [b"first"]
        # Still registered after the read (no epoll_ctl per frame): removing it succeeds, then restore.
        assert loop.remove_reader(read_fd) is True
        loop.add_reader(read_fd, reader._on_readable)
        os.write(write_fd, b"x")  # readable now, and nobody waits
        for _ in range(5):
            await anyio.lowlevel.checkpoint()
        # Dropped from the loop on the first wake-up with nobody waiting: a level-triggered fd with
        # unread data would otherwise wake the loop on every step.
        assert loop.remove_reader(read_fd) is False
        assert await reader.receive() == b"x"
    finally:
        reader.close()
        os.close(write_fd)


async def test_closing_wakes_a_waiting_reader_without_reading_the_fd_again() -> None:
    read_fd, write_fd = make_pipe()
    reader = PipeReader(read_fd)
    outcome: list[BaseException] = []

    async def wait() -> None:
        try:
            await reader.receive()
        except BaseException as exc:
            outcome.append(exc)

    async with anyio.create_task_group() as tg:
        tg.start_soon(wait)
        await anyio.sleep(0.01)
        reader.close()
        # The fd number is free now: whatever reuses it must never be read by the woken reader.
        reused_read, reused_write = os.pipe()
        os.write(reused_write, b"not yours")
    assert len(outcome) == 1 and isinstance(outcome[0], anyio.ClosedResourceError)
    assert os.read(reused_read, 100) == b"not yours"
    for fd in (reused_read, reused_write, write_fd):
        os.close(fd)
