"""`TypeStripper`: TypeScript to JavaScript for the harness, in one trusted helper process per executor.

A typed program cannot compile as a JavaScript function body; importing it as a TypeScript module
costs 1-3 ms of Deno's module loader. The host blanks the types itself when it can
(sandbox/blank_types.py); what that refuses (namespaces, parameter properties, ...) goes to this
helper, a Deno process running `harness/strip.js` with every permission denied, which strips the
types (`stripTypeScriptTypes` of node:module) and answers with JavaScript the harness compiles
exactly like plain JavaScript. The helper only parses and prints the program's text; it never
runs it. Whatever it answered, the code then runs in the sandbox like any guest code: a helper that
misbehaved could give the guest nothing it could not have written itself.

It is started with a pooled executor (a server's), else on the first typed program (until it is
ready, the harness imports the module as before); restarted when it dies, stopped with the executor.
Any failure (not ready, a timeout, a crash, an answer that does not fit) makes `strip` return None:
the harness then falls back to the TypeScript module import, which is slower but complete.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import shutil
import subprocess
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import Process

from .command import deno_command, deno_environment
from .pipes import PipeReader, PipeWriter, make_pipe
from .scratch import HELPER_PREFIX, make_scratch

__all__ = ["STRIPPER_PATH", "StrippedBody", "TypeStripper"]

logger = logging.getLogger(__name__)

STRIPPER_PATH = Path(__file__).parent / "harness" / "strip.js"
STRIP_TIMEOUT_S = 2.0
"""Longest wait for one answer; past it the helper is restarted and the harness imports instead."""
START_TIMEOUT_S = 20.0
MAX_BODY_CHARS = 1 << 20
"""Longer programs are not sent to the helper (the harness imports them as modules)."""
MAX_DEPTH = 1000
"""Programs nested deeper (brackets, counted roughly: strings included) are not sent to the helper."""
MAX_ANSWER_BYTES = 16 << 20
_HEAP_MIB = 256

_BRACKETS = re.compile(r"[()\[\]{}]")

StrippedBody = dict[str, Any]
"""`{"code": str, "map": list[list[int]] | None}` as the harness takes it (see harness/strip.js)."""


class TypeStripper:
    """The helper process and the answers it owes; `await strip(bodies)` from any task."""

    def __init__(self, deno: Path, start_soon: Callable[[Callable[[], Awaitable[None]]], None]) -> None:
        self.deno = deno
        self._start_soon = start_soon
        """Runs `serve` in the owner's task group (the executor's), on the first `strip`."""
        self._process: Process | None = None
        self._root: Path | None = None
        self._ready = False
        self._ready_seen = False
        self._started = False
        self._closed = False
        self._next_id = 0
        self._waiting: dict[int, tuple[anyio.Event, list[Any]]] = {}
        self._stdin: PipeWriter | None = None
        self.answered = 0
        """Answers received so far (a figure for tests and the benchmark)."""
        self._settled = anyio.Event()
        """Set once the helper answered `ready`, or gave up."""

    @property
    def pid(self) -> int | None:
        """The helper's process id while it runs (for memory measurements)."""
        return self._process.pid if self._process is not None else None

    @property
    def ready(self) -> bool:
        """True while the helper answers; a run asks it only then."""
        return self._ready

    def start(self) -> None:
        """Start the helper in the background (once; `strip` does it on first use)."""
        if not self._started and not self._closed:
            self._started = True
            self._start_soon(self.serve)

    async def wait_ready(self) -> bool:
        """Start the helper if needed and wait until it answers (True) or gave up (False)."""
        self.start()
        await self._settled.wait()
        return self._ready

    async def serve(self) -> None:
        """Run the helper until cancelled, restarting it when it dies (a background task)."""
        failures = 0
        while not self._closed and failures < 3:
            try:
                await self._serve_once()
                failures = 0 if self._ready_seen else failures + 1
            except (OSError, TimeoutError) as exc:
                logger.warning("the type stripper stopped: %s", exc or type(exc).__name__)
                failures += 1
            finally:
                self._stop()
            await anyio.sleep(0.1 * failures)
        if failures:
            logger.warning("the type stripper failed %d times; typed programs are imported instead", failures)
        self._settled.set()

    async def strip(self, bodies: Sequence[str | None]) -> list[StrippedBody | None] | None:
        """The bodies as JavaScript (None where one does not strip), or None when the helper cannot answer."""
        self.start()
        process, stdin = self._process, self._stdin
        if not self._ready or process is None or stdin is None:
            return None
        sendable = [b if b is not None and _strippable(b) else None for b in bodies]
        if not any(sendable):
            return None
        self._next_id += 1
        request_id = self._next_id
        done = anyio.Event()
        box: list[Any] = []
        self._waiting[request_id] = (done, box)
        try:
            line = json.dumps({"id": request_id, "bodies": sendable}, ensure_ascii=False) + "\n"
            await stdin.send(line.encode())  # whole lines, in order, from any number of tasks
            with anyio.move_on_after(STRIP_TIMEOUT_S) as scope:
                await done.wait()
            if scope.cancelled_caught:
                logger.warning("the type stripper did not answer within %g s; restarting it", STRIP_TIMEOUT_S)
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                return None
        except (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            return None
        finally:
            self._waiting.pop(request_id, None)
        return box[0] if box else None

    def close(self) -> None:
        self._closed = True
        self._stop()
        self._settled.set()

    # ------------------------------------------------------------------ the helper process
    async def _serve_once(self) -> None:
        self._ready_seen = False
        root = make_scratch(HELPER_PREFIX)
        self._root = root
        (root / "cwd").mkdir()
        (root / "deno").touch()
        # Raw non-blocking pipes, as for sandbox processes (pipes.py): one event-loop step less each way.
        child_stdin, host_stdin = make_pipe()
        host_stdout, child_stdout = make_pipe()
        try:
            process = await anyio.open_process(
                deno_command(self.deno, heap_mib=_HEAP_MIB, harness=STRIPPER_PATH),
                stdin=child_stdin,
                stdout=child_stdout,
                cwd=root / "cwd",
                env=deno_environment(root),
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except BaseException:
            for fd in (host_stdin, host_stdout):
                os.close(fd)
            raise
        finally:
            os.close(child_stdin)
            os.close(child_stdout)
        self._process = process
        self._stdin = writer = PipeWriter(host_stdin)
        reader = PipeReader(host_stdout)
        async with process:
            try:
                await self._read_answers(reader)
            finally:
                self._stop()
                writer.close()
                reader.close()

    async def _read_answers(self, reader: PipeReader) -> None:
        buffer = b""
        with anyio.fail_after(START_TIMEOUT_S) as start_scope:
            while chunk := await reader.receive():
                buffer += chunk
                while (nl := buffer.find(b"\n")) != -1:
                    line, buffer = buffer[:nl], buffer[nl + 1 :]
                    if not self._ready_seen:
                        self._ready_seen = self._ready = line == b'{"ready":true}'
                        self._settled.set()
                        start_scope.deadline = math.inf
                        continue
                    self._answer(line)
                if len(buffer) > MAX_ANSWER_BYTES:
                    logger.warning("the type stripper sent over %d bytes in one answer", MAX_ANSWER_BYTES)
                    return

    def _answer(self, line: bytes) -> None:
        try:
            message = json.loads(line)
            request_id, bodies = message["id"], message["bodies"]
        except (ValueError, KeyError, TypeError):
            logger.warning("the type stripper sent a line that is not an answer")
            return
        waiter = self._waiting.get(request_id) if isinstance(request_id, int) else None
        if waiter is None or not isinstance(bodies, list):
            return
        done, box = waiter
        self.answered += 1
        box.append([b if _well_formed(b) else None for b in bodies])
        done.set()

    def _stop(self) -> None:
        self._ready = False
        self._stdin = None
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        for done, _ in self._waiting.values():
            done.set()
        root, self._root = self._root, None
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)


def _strippable(body: str) -> bool:
    """Not too long, and not nested so deep that the parser's native stack overflows (~5,000 levels
    abort the helper process; such a program is left to the harness's module import)."""
    if len(body) > MAX_BODY_CHARS:
        return False
    if body.count("(") + body.count("[") + body.count("{") <= MAX_DEPTH:
        return True
    depth = deepest = 0
    for match in _BRACKETS.finditer(body):
        depth = depth + 1 if match.group() in "([{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest <= MAX_DEPTH


def _well_formed(body: Any) -> bool:
    if body is None or not isinstance(body, dict) or not isinstance(body.get("code"), str):
        return False
    lines = body.get("map")
    return lines is None or (
        isinstance(lines, list)
        and all(isinstance(seg, list) and all(type(v) is int for v in seg) for seg in lines)
    )
