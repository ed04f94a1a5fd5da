"""Reliability with real processes: a SIGKILL mid-loop loses no acknowledged write and leaves no partial
file; two processes writing at once never corrupt the store."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from writer_process import expected

from codemode.sources.workspace import SqliteStore, WorkspacePath

WRITER = Path(__file__).with_name("writer_process.py")
_BOUND_S = 180.0
"""Longest the test waits for a child's output before failing (a bound, not a measurement)."""


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(WRITER.parent), *sys.path]))
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group: the kill takes the sandbox child too
    )


def _read_until(child: subprocess.Popen[str], done: int | str) -> list[str]:
    """Lines from the child until `done` acks were printed or the line `done` came; bounded."""
    assert child.stdout is not None
    lines: list[str] = []
    acks = 0
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + _BOUND_S
    while True:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            raise AssertionError(f"no progress from the child within {_BOUND_S} s; got {lines[-3:]}")
        line = child.stdout.readline()
        if not line:
            stderr = child.stderr.read() if child.stderr else ""
            raise AssertionError(f"the child exited early ({child.wait()}): {stderr[-2000:]}")
        line = line.strip()
        lines.append(line)
        if line.startswith("ack "):
            acks += 1
        if (isinstance(done, int) and acks >= done) or line == done:
            return lines


def _kill(child: subprocess.Popen[str]) -> int:
    """SIGKILL the child's whole process group; its exit status (-9 when the kill ended it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    status = child.wait(timeout=30)
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None:
            stream.close()
    return status


def _check_after_kill(directory: Path, acked: list[int]) -> None:
    store = SqliteStore(directory)
    try:
        assert store.verify() == []
        for i in acked:
            assert store.read(WorkspacePath(f"/loop/{i}.txt")) == expected(i), f"acknowledged write {i} lost"
        present = [entry for entry in store.walk(WorkspacePath("/loop")) if entry.path != "/loop/log.txt"]
        for entry in present:  # including writes the kill interrupted: whole or absent
            i = int(entry.path.removeprefix("/loop/").removesuffix(".txt"))
            assert store.read(entry.path) == expected(i), f"{entry.path} is partial"
        log = store.read(WorkspacePath("/loop/log.txt")).decode().splitlines()
        # The child ran ahead of the acks read before the kill: the log is whole lines, in order.
        assert log == [str(i) for i in range(len(log))]
        assert len(log) >= len(acked)
        assert any(entry.path == f"/loop/{max(acked)}.txt" for entry in present)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("mode", "acks"),
    [
        pytest.param("store", 60, id="store-in-a-python-process"),
        pytest.param("program", 40, id="program-in-the-sandbox"),
    ],
)
def test_sigkill_in_a_write_loop_loses_no_acknowledged_write(tmp_path: Path, mode: str, acks: int) -> None:
    directory = tmp_path / "ws"
    child = _spawn(mode, str(directory))
    try:
        lines = _read_until(child, acks)
    finally:
        status = _kill(child)  # mid-loop: the child was writing the next file
    assert status == -signal.SIGKILL, "the child must have been killed while it was still writing"
    acked = [int(line.split()[1]) for line in lines if line.startswith("ack ")]
    assert acked == list(range(len(acked)))
    assert any(i % 5 == 0 and i > 0 for i in acked), "the loop must have written blob files"
    _check_after_kill(directory, acked)


def test_two_processes_writing_at_once_never_corrupt_the_store(tmp_path: Path) -> None:
    directory = tmp_path / "ws"
    SqliteStore(directory).close()  # created before the race, as a server would
    rounds = 120
    writers = {name: _spawn("contend", str(directory), name, str(rounds)) for name in ("a", "b")}
    try:
        for child in writers.values():
            _read_until(child, "ready")
        for child in writers.values():
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in writers.values():
            _read_until(child, "done")
            assert child.wait(timeout=_BOUND_S) == 0
    finally:
        for child in writers.values():
            _kill(child)
    store = SqliteStore(directory)
    try:
        assert store.verify() == []
        log = store.read(WorkspacePath("/shared.log")).decode().splitlines()
        assert len(log) == 2 * rounds
        for name in ("a", "b"):
            assert [line for line in log if line.startswith(name)] == [f"{name} {i}" for i in range(rounds)]
            for i in range(rounds):
                where = f"/{name}/moved/{i}.txt" if i % 7 == 0 else f"/{name}/{i}.txt"
                assert store.read(WorkspacePath(where)) == f"{name} {i}\n".encode() * 50
        contested = store.read(WorkspacePath("/contested.bin"))
        assert contested in (b"a" * len(contested), b"b" * len(contested))
        copies = {entry.path.split("/")[2] for entry in store.walk(WorkspacePath("/copies"))}
        assert copies == {f"{name}-{i}" for name in ("a", "b") for i in range(0, rounds, 25)}
    finally:
        store.close()
