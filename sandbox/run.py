"""One run on one sandbox process: send the code, serve its tool calls, collect logs and the result.

Everything the process sends is untrusted (see sandbox/bridge.py), and nothing a frame says about
limits, sizes or state is believed: the host counts every limit itself on what it received (bytes
read, frame size and depth in the reader; log entries and bytes, result bytes, tool calls and calls
in flight here). Every way a run can end is mapped to a `RunResult`; the only exceptions that escape
are cancellation and bugs.

Host memory for one run is bounded whatever the guest writes: the reader's unfinished line (at most
`frame_bytes`) and one chunk's frames, the logs (at most `log_entries` entries and `log_bytes` bytes),
the arguments of at most `concurrent_calls` calls in flight, and the result (at most `frame_bytes` as
received, `result_bytes` once measured); `read_bytes` ends a run that sends more than that in total.
docs/sandbox.md states the figure.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import signal
import time
from typing import Any

import anyio
from anyio.abc import TaskGroup

from .bridge import BridgeProtocolError, Frame, answer_line, encode_line, nonce_line, parse_json
from .errors import ToolCallError
from .outbound import OutboundPolicy
from .process import SandboxProcess
from .request import RunRequest
from .result import GuestError, LimitName, LogEntry, RunResult, RunStats
from .source import looks_typed
from .wallclock import wall_clock

__all__ = ["SandboxRun"]

logger = logging.getLogger(__name__)

_Work = tuple[int, str, str, Any, str]

_MEMORY_RANGE_ERRORS = re.compile(
    r"Array buffer allocation failed|Unable to grow instance memory|Out of memory"
)
_LEVELS = frozenset({"log", "info", "warn", "error", "debug"})
_TEXT_CAP = 100_000
"""Characters kept of a guest error's name, message and stack."""


class SandboxRun:
    """Drives one run; `await SandboxRun(process, request).execute()`."""

    def __init__(self, process: SandboxProcess, request: RunRequest) -> None:
        self.proc = process
        self.req = request
        self.limits = request.limits
        self.logs: list[LogEntry] = []
        self.log_bytes = 0
        self.logs_cut = False
        self.output_bytes = 0
        self.stderr_read = 0
        self.calls = 0
        self.refused: LimitName | None = None
        """The first call limit the host refused a call for in this run."""
        self.inflight: set[int] = set()
        self.outcome: RunResult | None = None
        self.peak_mib = 0.0
        self.cpu_end: float | None = None
        self.stderr = bytearray()
        self.stderr_done = anyio.Event()
        self._tg: TaskGroup | None = None
        self._read0 = 0
        self._noise0 = 0
        self._noise_counted = 0
        # Tool calls are served by worker tasks that loop, not by a new task per call: a handoff
        # through a memory stream costs one event-loop step less than spawning (see pipes.py).
        # Only calls that arrive several to a chunk go there (`_read_frames`).
        self._work_send, self._work_recv = anyio.create_memory_object_stream[_Work](math.inf)
        self._idle_workers = 0
        self._spare_readers: list[anyio.Event] = []
        """Tasks that served a call and wait to read again (`_read_frames`)."""
        self._ended = anyio.Event()
        """Set once the run has an outcome or the process is gone: reading stops."""
        self._strip_asked = False
        self._unmeasured_oom = False
        """A failed allocation reported by a process already gone (see `_on_result`)."""
        self._stripped: anyio.Event | None = None
        self._stripped_bodies: list[dict[str, Any] | None] | None = None

    async def execute(self) -> RunResult:
        proc, limits = self.proc, self.limits
        # Whatever the process wrote since its last run (leftover work of that run) is not this run's.
        proc.discard_pending_output()
        nonce = secrets.token_hex(16)
        proc.reader.expect(nonce)
        proc.reader.frame_bytes = limits.frame_bytes
        proc.reader.decode_budget = limits.read_bytes
        self._read0 = proc.reader.bytes_fed
        self._noise0 = proc.reader.noise_bytes
        proc.apply_limits(limits)
        cpu0 = proc.cpu_seconds()
        proc.runs += 1
        self.run_id = proc.runs
        started = time.perf_counter()
        run: dict[str, Any] = {
            "t": "run",
            "run": self.run_id,
            "candidates": [{"kind": c.kind, "source": c.source, "body": c.body} for c in self.req.candidates],
            "tools": {ns: list(names) for ns, names in self.req.tools.items()},
            "globals": list(self.req.globals),
            "limits": limits.to_harness(),
        }
        if self.req.language == "python":
            run.update(language="python", source=self.req.source)
        elif self.req.strip_types is not None and any(c.body is not None for c in self.req.candidates):
            run["strip"] = True
            if looks_typed(self.req.candidates[-1].source):
                run["pushed"] = True  # stripped now, sent unasked: see _push_stripped
        await self._send_line(nonce_line(nonce) + encode_line(run))
        if "pushed" in run and (blanked := self._blank()) is not None:
            await self._send_stripped(blanked)  # blanked while the harness wakes up: no process hop
        with self._work_send, self._work_recv, anyio.move_on_after(limits.wall_s) as wall, wall_clock(wall):
            async with anyio.create_task_group() as tg:
                self._tg = tg
                if "pushed" in run and self._stripped is None:
                    tg.start_soon(self._push_stripped)
                tg.start_soon(self._drain_stderr)
                tg.start_soon(self._read_frames)
                await self._ended.wait()
                tg.cancel_scope.cancel()
        wall_ms = (time.perf_counter() - started) * 1000
        if self._unmeasured_oom:
            await self._memory_death()
        self._log_stderr()  # what the guest wrote to stderr (raw writes, Deno's own warnings)
        if wall.cancelled_caught and self.outcome is None:
            proc.kill()
            self._fail(
                "TimeoutError", f"the run took longer than its time limit of {limits.wall_s:g} s", "wall_s"
            )
        cpu_end = self.cpu_end if self.cpu_end is not None else proc.cpu_seconds()
        stats = RunStats(
            wall_ms=wall_ms,
            cpu_ms=max(0.0, cpu_end - cpu0) * 1000,
            peak_memory_mib=self.peak_mib or proc.peak_memory_mib(),
            tool_calls=self.calls,
        )
        assert self.outcome is not None
        o = self.outcome
        return RunResult(
            ok=o.ok, value=o.value, logs=self.logs, error=o.error, stats=stats, truncated=o.truncated
        )

    # ------------------------------------------------------------------ the frame pump
    async def _read_frames(self) -> None:
        """Read and handle frames until the run ends, in turns with other tasks.

        Exactly one task reads at a time. The reader that finds a chunk with one tool call in it
        hands reading to a spare task (or a new one) and serves that call itself: its answer
        goes out in the same event-loop step the call arrived in, instead of one step later from a
        worker (side by side: a quarter of a TypeScript round trip, 197 -> 150 us p50). The task
        then waits as a spare. The run's own task never serves a call, so a slow tool cannot delay
        the end of a run.
        """
        while True:
            work = await self._read_until_call()
            if work is None:
                self._ended.set()
                return
            if self._spare_readers:
                self._spare_readers.pop().set()
            else:
                assert self._tg is not None
                self._tg.start_soon(self._read_frames)
            await self._serve_call(*work)
            turn = anyio.Event()
            self._spare_readers.append(turn)
            await turn.wait()

    async def _read_until_call(self) -> _Work | None:
        """Handle chunks of frames until one holds exactly one tool call, to serve; None when the run
        has ended. Calls that arrive several to a chunk go to workers, which start them in order."""
        while self.outcome is None:
            try:
                frames = await self.proc.next_frames()
            except BridgeProtocolError as exc:
                self._protocol_error(exc)
                return None
            self._take_noise()
            self._check_read()
            if frames is None:
                await self._on_exit()
                return None
            calls: list[_Work] = []
            for frame in frames:
                if self._done():
                    return None
                try:
                    work = self._handle(frame)
                except BridgeProtocolError as exc:
                    self._protocol_error(exc)
                    continue
                if work is not None:
                    calls.append(work)
            if self._done():
                return None
            if len(calls) == 1:
                return calls[0]
            for work in calls:  # several at once: workers start them in the order they were made
                self._dispatch(work)
        return None

    def _done(self) -> bool:
        return self.outcome is not None

    def _handle(self, frame: Frame) -> _Work | None:
        """Act on one frame; a tool call the limits allow is returned, to be served."""
        body = frame.body
        if frame.type == "call":
            return self._on_call(body)
        if frame.type == "log":
            level, msg = body.get("level"), body.get("msg")
            if level not in _LEVELS or not isinstance(msg, str):
                raise BridgeProtocolError("a log frame without a level and message")
            self._log(level, msg)
        elif frame.type == "result":
            self._on_result(body)
        elif frame.type == "fetch":
            self._on_fetch(body)
        elif frame.type == "strip":
            self._on_strip(body)
        elif frame.type == "fatal":
            self.proc.kill()
            self._fail("BridgeError", f"the sandbox harness failed: {str(body.get('message'))[:500]}", None)
        else:
            raise BridgeProtocolError(f"an unexpected {frame.type[:100]!r} frame")
        return None

    def _check_read(self) -> None:
        """`Limits.read_bytes`: everything read from the process in this run, frames and raw output."""
        read = self.proc.reader.bytes_fed - self._read0 + self.stderr_read
        if read > self.limits.read_bytes and self.outcome is None:
            self.proc.kill()
            self._fail(
                "OutputLimitError",
                f"the run sent {read} bytes to the host, over the limit of {self.limits.read_bytes} bytes "
                "per run",
                "read_bytes",
            )

    def _on_result(self, body: dict[str, Any]) -> None:
        if body.get("run") != self.run_id:
            raise BridgeProtocolError(f"a result for run {str(body.get('run'))[:50]}, expected {self.run_id}")
        self.cpu_end = self.proc.cpu_seconds()
        self.peak_mib = self.proc.peak_memory_mib()
        if body.get("ok") is True:
            text = body.get("json")
            if isinstance(text, str):  # a large value arrives as its JSON text: measured, then decoded
                value, truncated = self._measured_text(text)
            else:
                value, truncated = self._measured(body.get("value"))
            self.outcome = RunResult(ok=True, value=value, truncated=truncated)
            return
        err = body.get("error")
        if not isinstance(err, dict):
            raise BridgeProtocolError("a failed result without an error")
        name, message, stack = (str(err.get(k, ""))[:_TEXT_CAP] for k in ("name", "message", "stack"))
        limit = self.refused
        # V8's text only says an allocation failed; the host's own measurement says whether the memory
        # limit was the reason (a guest can throw that text, not fake the size of its data segment).
        # Python reports a failed allocation as MemoryError (with no message); the same measurement decides.
        # Python's bar is lower: a MemoryError with under half the budget in use was seen once under
        # parallel test load (likely a wasm memory that could not grow in place and was copied).
        python_oom = self.req.language == "python" and name == "MemoryError"
        v8_oom = name == "RangeError" and _MEMORY_RANGE_ERRORS.search(message) is not None
        out_of_memory = python_oom or v8_oom
        share = 4 if python_oom else 2
        if limit is None and out_of_memory and self.proc.data_used_mib() >= self.limits.memory_mib / share:
            limit = "memory_mib"
            message = self._reached_memory(message)
        # A process already gone when its result is read cannot be measured (a zombie has no memory
        # figures: VmHWM 0). Seen under parallel load: the runtime gave up for good right after the
        # failed allocation was reported. Its exit status decides, after the pump (`_memory_death`).
        self._unmeasured_oom = limit is None and out_of_memory and self.peak_mib == 0
        self.outcome = RunResult(ok=False, error=GuestError(name or "Error", message, stack, limit))

    def _reached_memory(self, message: str) -> str:
        reached = f"the run reached its memory limit of {self.limits.memory_mib} MiB"
        return f"{message or 'out of memory'} ({reached})"

    async def _memory_death(self) -> None:
        """A failed allocation reported by a process that was gone at once: the memory limit when the
        process failed (a signal the host did not send: an allocator's abort, the kernel's OOM kill;
        or a non-zero exit: the runtime giving up after the error), never when it exited cleanly by
        itself or ran out of CPU time."""
        with anyio.move_on_after(2):
            await self.proc.process.wait()
        code = self.proc.process.returncode
        error = self.outcome.error if self.outcome is not None else None
        if error is None or code is None or code == 0 or code == -signal.SIGXCPU or self.proc.killed:
            return
        replaced = GuestError(error.name, self._reached_memory(error.message), error.stack, "memory_mib")
        self.outcome = RunResult(ok=False, error=replaced)

    def _measured(self, value: Any) -> tuple[Any, bool]:
        """The value, or its JSON cut to `Limits.result_bytes` with a marker when it is larger."""
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if len(text) <= self.limits.result_bytes // 4:
            return value, False
        return self._measured_text(text, value)

    def _measured_text(self, text: str, value: Any = None) -> tuple[Any, bool]:
        limit = self.limits.result_bytes
        data = text.encode()
        if len(data) <= limit:
            return (parse_json(data) if value is None else value), False
        head = data[:limit].decode(errors="ignore")
        return (
            head + f"…[truncated: the result is {len(data)} bytes of JSON, the limit is {limit} bytes]",
            True,
        )

    # ------------------------------------------------------------------ tool calls
    def _take_id(self, body: dict[str, Any], what: str) -> int:
        """Call ids only grow within a process: no set of seen ids to keep, none to reuse."""
        call_id = body.get("id")
        if not isinstance(call_id, int) or isinstance(call_id, bool) or call_id <= self.proc.last_call_id:
            raise BridgeProtocolError(f"a {what} with a bad or duplicate id {str(call_id)[:50]}")
        self.proc.last_call_id = call_id
        return call_id

    def _on_call(self, body: dict[str, Any]) -> _Work | None:
        call_id = self._take_id(body, "call")
        ns, tool = body.get("ns"), body.get("tool")
        if not isinstance(ns, str) or not isinstance(tool, str):
            raise BridgeProtocolError("a call without a namespace and tool name")
        what = f"{ns}.{tool}" if ns else tool
        # A namespace given with no tool names is open: every call goes to the callback, which
        # answers it (codemode: the server behind it is down, and says why).
        names = self.req.tools.get(ns) if ns else None
        known = (names is not None and (not names or tool in names)) if ns else tool in self.req.globals
        if not known or self.req.callback is None:
            self._reply_error(call_id, f"unknown tool {what[:200]}")
            return None
        self.calls += 1
        limits = self.limits
        if self.calls > limits.tool_calls:
            self.refused = self.refused or "tool_calls"
            self._reply_error(
                call_id,
                f"{what}: call {self.calls} is over the limit of {limits.tool_calls} tool calls per run",
            )
            return None
        if len(self.inflight) >= limits.concurrent_calls:
            self.refused = self.refused or "concurrent_calls"
            self._reply_error(
                call_id,
                f"{what}: {len(self.inflight) + 1} tool calls in flight at once, over the limit of "
                f"{limits.concurrent_calls}",
            )
            return None
        self.inflight.add(call_id)
        return (call_id, ns, tool, body.get("args"), what)

    def _dispatch(self, work: _Work) -> None:
        if self._idle_workers:
            self._idle_workers -= 1
        else:
            assert self._tg is not None
            self._tg.start_soon(self._worker)
        self._work_send.send_nowait(work)

    async def _worker(self) -> None:
        async for work in self._work_recv:
            await self._serve_call(*work)
            self._idle_workers += 1

    async def _serve_call(self, call_id: int, ns: str, tool: str, args: Any, what: str) -> None:
        assert self.req.callback is not None
        try:
            value = await self.req.callback(ns, tool, args)
            line = answer_line(call_id, value)
        except ToolCallError as exc:
            line = self._error_line(call_id, exc.message)
        except (TypeError, ValueError) as exc:
            line = self._error_line(call_id, f"{what} returned a value that is not JSON: {exc}")
        except Exception as exc:
            logger.warning("tool %s raised %s", what, exc, exc_info=True)
            line = self._error_line(call_id, f"{what} failed: {type(exc).__name__}: {exc}")
        finally:
            self.inflight.discard(call_id)
        if len(line) > self.limits.frame_bytes:
            line = self._error_line(
                call_id,
                f"{what} returned {len(line)} bytes, over the limit of {self.limits.frame_bytes} bytes "
                "the bridge carries in one frame",
            )
        await self._send_line(line)

    def _on_fetch(self, body: dict[str, Any]) -> None:
        call_id = self._take_id(body, "fetch")
        policy = self.req.outbound
        if policy is None:
            self._reply_error(call_id, "network is off in this sandbox")
            return
        assert self._tg is not None
        self._tg.start_soon(self._serve_fetch, call_id, policy, body)

    async def _serve_fetch(self, call_id: int, policy: OutboundPolicy, body: dict[str, Any]) -> None:
        try:
            response = await policy.handle(body)
            line = answer_line(call_id, response)
        except ToolCallError as exc:
            line = self._error_line(call_id, exc.message)
        await self._send_line(line)

    # ------------------------------------------------------------------ typed programs
    def _on_strip(self, body: dict[str, Any]) -> None:
        """The harness could not compile any body as JavaScript: it asks for them with types stripped.

        Once per run, and only of this run's own candidates (the frame carries no text): a guest that
        forges the request gets its own program back, stripped. Not a tool call (not counted as one)."""
        call_id = self._take_id(body, "strip request")
        if self.req.strip_types is None or self._strip_asked:
            raise BridgeProtocolError("a strip request the host did not offer, or a second one in this run")
        self._strip_asked = True
        assert self._tg is not None
        self._tg.start_soon(self._serve_strip, call_id)

    def _blank(self) -> list[dict[str, Any] | None] | None:
        """The bodies with their types blanked in this process (sandbox/blank_types.py), or None."""
        if self.req.blank_types is None:
            return None
        return self.req.blank_types([c.body for c in self.req.candidates])

    async def _strip(self) -> list[dict[str, Any] | None] | None:
        """The bodies as JavaScript: blanked here when they can be, else by the stripper process."""
        assert self.req.strip_types is not None
        blanked = self._blank()
        return (
            blanked
            if blanked is not None
            else await self.req.strip_types([c.body for c in self.req.candidates])
        )

    async def _push_stripped(self) -> None:
        """The code looks typed and the host could not blank it: the stripper process strips it while
        the harness tries it as JavaScript, and the answer is pushed as for a blanked one."""
        assert self.req.strip_types is not None
        self._stripped = anyio.Event()
        await self._send_stripped(await self.req.strip_types([c.body for c in self.req.candidates]))

    async def _send_stripped(self, bodies: list[dict[str, Any] | None] | None) -> None:
        """Send a typed run's bodies as JavaScript unasked (a `stripped` frame: the harness waits for it
        instead of asking). Exactly once per pushed run, null when nothing stripped, so the harness
        never waits in vain."""
        self._stripped_bodies = bodies
        if self._stripped is None:
            self._stripped = anyio.Event()
        self._stripped.set()
        line = encode_line({"t": "stripped", "run": self.run_id, "bodies": bodies})
        if len(line) > self.limits.frame_bytes:  # the harness imports the module instead
            line = encode_line({"t": "stripped", "run": self.run_id, "bodies": None})
        await self._send_line(line)

    async def _serve_strip(self, call_id: int) -> None:
        if self._stripped is None:
            bodies = await self._strip()
        else:
            await self._stripped.wait()
            bodies = self._stripped_bodies
        line = answer_line(call_id, bodies)
        if len(line) > self.limits.frame_bytes:  # the harness imports the module instead
            line = answer_line(call_id, None)
        await self._send_line(line)

    def _error_line(self, call_id: int, message: str) -> bytes:
        return encode_line({"t": "ret", "id": call_id, "ok": False, "error": message})

    def _reply_error(self, call_id: int, message: str) -> None:
        assert self._tg is not None
        self._tg.start_soon(self._send_line, self._error_line(call_id, message))

    async def _send_line(self, line: bytes) -> None:
        await self.proc.send_line(line)

    # ------------------------------------------------------------------ logs and output
    def _log(self, level: str, message: str) -> None:
        """Keep an entry, counted by the host: `log_entries` entries, `log_bytes` UTF-8 bytes."""
        if self.logs_cut:
            return
        limits = self.limits
        if len(self.logs) >= limits.log_entries:
            self._cut_logs(f"[logs cut: the run logged more than {limits.log_entries} entries, the limit]")
            return
        size = len(message) if message.isascii() else len(message.encode())
        room = limits.log_bytes - self.log_bytes
        if size > room:
            if room > 0:
                self._append(LogEntry(level, message.encode()[:room].decode(errors="ignore")))
            self._cut_logs(
                f"[logs cut: the run's console output went over the limit of {limits.log_bytes} bytes "
                f"({self.log_bytes + size} bytes received)]"
            )
            return
        self.log_bytes += size
        self._append(LogEntry(level, message))

    def _cut_logs(self, marker: str) -> None:
        self.logs_cut = True
        self._append(LogEntry("warn", marker))

    def _append(self, entry: LogEntry) -> None:
        self.logs.append(entry)
        if self.req.on_log is not None:
            try:
                self.req.on_log(entry)
            except Exception:
                logger.exception("on_log callback failed")

    def _take_noise(self) -> None:
        """Raw stdout (lines that were not frames): counted against `output_bytes`, kept as logs."""
        reader = self.proc.reader
        seen = reader.noise_bytes - self._noise0
        self._output(seen - self._noise_counted)
        self._noise_counted = seen
        pending = reader.pending_noise_bytes()
        if self.output_bytes + pending > self.limits.output_bytes:
            self._output(pending)
        if not reader.noise:
            return
        lines, reader.noise = reader.noise, []
        for raw in lines:
            if self.outcome is None:
                self._log("stdout", raw.decode(errors="replace"))

    def _output(self, n: int) -> None:
        if n <= 0:
            return
        self.output_bytes += n
        if self.output_bytes > self.limits.output_bytes and self.outcome is None:
            self.proc.kill()
            self._fail(
                "OutputLimitError",
                f"the run wrote {self.output_bytes} bytes to stdout/stderr outside the console, "
                f"over the limit of {self.limits.output_bytes} bytes",
                "output_bytes",
            )

    async def _drain_stderr(self) -> None:
        stream = self.proc.process.stderr
        try:
            if stream is None:
                return
            async for chunk in stream:
                if len(self.stderr) < 65536:
                    self.stderr += chunk[: 65536 - len(self.stderr)]
                self.stderr_read += len(chunk)
                self._output(len(chunk))
                self._check_read()
                if self.outcome is not None and self.outcome.error and self.outcome.error.limit:
                    if self._tg is not None:
                        self._tg.cancel_scope.cancel()
                    return
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        finally:
            self.stderr_done.set()

    # ------------------------------------------------------------------ endings
    async def _on_exit(self) -> None:
        with anyio.move_on_after(2):
            await self.proc.process.wait()
        with anyio.move_on_after(1):
            await self.stderr_done.wait()
        if self.outcome is not None:
            return
        code = self.proc.process.returncode
        err = self.stderr.decode(errors="replace")
        self._log_stderr()
        died = code is not None and code < 0 and not self.proc.killed
        if died and ("out of memory" in err.lower() or "memory allocation of" in err):
            # Killed by a signal the host did not send, with V8's or Rust's allocation failure report.
            self._fail(
                "MemoryError",
                f"the run needed more than its memory limit of {self.limits.memory_mib} MiB",
                "memory_mib",
            )
        elif code in (-signal.SIGXCPU, -signal.SIGKILL) and not self.proc.killed:
            self._fail(
                "CpuLimitError",
                f"the run used more than its CPU time limit of {self.limits.cpu_s:g} s",
                "cpu_s",
            )
        else:
            tail = err.strip()[-500:]
            self._fail(
                "ExitError",
                f"the sandbox process exited with status {code} before returning a result"
                + (f": {tail}" if tail else ""),
                None,
            )

    def _log_stderr(self) -> None:
        """Stderr lines as `stderr` log entries (first 50 lines; once per run)."""
        text, self.stderr = self.stderr.decode(errors="replace"), bytearray()
        for line in text.splitlines()[:50]:
            if line.strip():
                self._log("stderr", line)

    def _protocol_error(self, exc: BridgeProtocolError) -> None:
        self.proc.kill()
        self._fail("BridgeError", f"the sandbox broke the bridge protocol: {exc}", exc.limit)

    def _fail(self, name: str, message: str, limit: LimitName | None) -> None:
        if self.outcome is None:
            self.outcome = RunResult(ok=False, error=GuestError(name, message, "", limit))
