"""One run on one sandbox process: send the code, serve its tool calls, collect logs and the result.

Everything the process sends is untrusted (see sandbox/bridge.py). Every way a run can end is mapped
to a `RunResult`; the only exceptions that escape are cancellation and bugs.
"""

from __future__ import annotations

import logging
import math
import re
import signal
import time
from typing import Any

import anyio
from anyio.abc import TaskGroup

from .bridge import BridgeProtocolError, Frame, encode_line
from .errors import ToolCallError
from .outbound import OutboundPolicy
from .process import SandboxProcess
from .request import RunRequest
from .result import GuestError, LimitName, LogEntry, RunResult, RunStats

__all__ = ["SandboxRun"]

logger = logging.getLogger(__name__)

_Work = tuple[int, str, str, Any, str]

_MEMORY_RANGE_ERRORS = re.compile(
    r"Array buffer allocation failed|Unable to grow instance memory|Out of memory"
)
_LEVELS = frozenset({"log", "info", "warn", "error", "debug"})


class SandboxRun:
    """Drives one run; `await SandboxRun(process, request).execute()`."""

    def __init__(self, process: SandboxProcess, request: RunRequest) -> None:
        self.proc = process
        self.req = request
        self.limits = request.limits
        self.logs: list[LogEntry] = []
        self.log_chars = 0
        self.logs_cut = False
        self.output_bytes = 0
        self.calls = 0
        self.inflight: set[int] = set()
        self.seen_ids: set[int] = set()
        self.outcome: RunResult | None = None
        self.peak_mib = 0.0
        self.cpu_end: float | None = None
        self.stderr = bytearray()
        self.stderr_done = anyio.Event()
        self._tg: TaskGroup | None = None
        # Tool calls are served by worker tasks that loop, not by a new task per call: a handoff
        # through a memory stream costs one event-loop step less than spawning (see pipes.py).
        self._work_send, self._work_recv = anyio.create_memory_object_stream[_Work](math.inf)
        self._idle_workers = 0

    async def execute(self) -> RunResult:
        proc, limits = self.proc, self.limits
        proc.reader.frame_bytes = limits.frame_bytes
        proc.apply_limits(limits)
        cpu0 = proc.cpu_seconds()
        proc.runs += 1
        self.run_id = proc.runs
        started = time.perf_counter()
        await self._send(
            {
                "t": "run",
                "run": self.run_id,
                "candidates": [
                    {"kind": c.kind, "source": c.source, "body": c.body} for c in self.req.candidates
                ],
                "tools": {ns: list(names) for ns, names in self.req.tools.items()},
                "globals": list(self.req.globals),
                "limits": limits.to_harness(),
            }
        )
        with self._work_send, self._work_recv, anyio.move_on_after(limits.wall_s) as wall:
            async with anyio.create_task_group() as tg:
                self._tg = tg
                tg.start_soon(self._drain_stderr)
                await self._pump()
                tg.cancel_scope.cancel()
        wall_ms = (time.perf_counter() - started) * 1000
        self._log_stderr()  # what the guest wrote to stderr (raw writes, Deno's own warnings)
        if wall.cancelled_caught and self.outcome is None:
            proc.kill()
            self._fail(
                "TimeoutError",
                f"run exceeded wall-clock limit of {limits.wall_s:g} s (raise Limits.wall_s / --timeout)",
                "wall_s",
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
    async def _pump(self) -> None:
        while self.outcome is None:
            try:
                frames = await self.proc.next_frames()
            except BridgeProtocolError as exc:
                self._protocol_error(str(exc))
                return
            self._take_noise()
            if frames is None:
                await self._on_exit()
                return
            for frame in frames:
                try:
                    self._handle(frame)
                except BridgeProtocolError as exc:
                    self._protocol_error(str(exc))
                if self._done():
                    return

    def _done(self) -> bool:
        return self.outcome is not None

    def _handle(self, frame: Frame) -> None:
        body = frame.body
        if frame.type == "call":
            self._on_call(body)
        elif frame.type == "log":
            level, msg = body.get("level"), body.get("msg")
            if level not in _LEVELS or not isinstance(msg, str):
                raise BridgeProtocolError("a log frame without a level and message")
            self._log(level, msg, marker=body.get("cut") is True)
        elif frame.type == "result":
            self._on_result(body)
        elif frame.type == "fetch":
            self._on_fetch(body)
        elif frame.type == "fatal":
            self._fail("BridgeError", f"the sandbox harness failed: {str(body.get('message'))[:500]}", None)
            self.proc.kill()
        else:
            raise BridgeProtocolError(f"an unexpected {frame.type!r} frame")

    def _on_result(self, body: dict[str, Any]) -> None:
        if body.get("run") != self.run_id:
            raise BridgeProtocolError(f"a result for run {body.get('run')!r}, expected {self.run_id}")
        self.cpu_end = self.proc.cpu_seconds()
        self.peak_mib = self.proc.peak_memory_mib()
        if body.get("ok") is True:
            self.outcome = RunResult(
                ok=True, value=body.get("value"), truncated=body.get("truncated") is True
            )
            return
        err = body.get("error")
        if not isinstance(err, dict):
            raise BridgeProtocolError("a failed result without an error")
        name, message, stack = (str(err.get(k, ""))[:100_000] for k in ("name", "message", "stack"))
        limit: LimitName | None = None
        if _MEMORY_RANGE_ERRORS.search(message):
            limit = "memory_mib"
            message += f" (memory limit of {self.limits.memory_mib} MiB; raise Limits.memory_mib)"
        elif "raise Limits.tool_calls" in message:
            limit = "tool_calls"
        elif "raise Limits.concurrent_calls" in message:
            limit = "concurrent_calls"
        self.outcome = RunResult(ok=False, error=GuestError(name or "Error", message, stack, limit))

    # ------------------------------------------------------------------ tool calls
    def _on_call(self, body: dict[str, Any]) -> None:
        call_id, ns, tool = body.get("id"), body.get("ns"), body.get("tool")
        if not isinstance(call_id, int) or isinstance(call_id, bool) or call_id in self.seen_ids:
            raise BridgeProtocolError(f"a call with a bad or duplicate id {call_id!r}")
        if not isinstance(ns, str) or not isinstance(tool, str):
            raise BridgeProtocolError("a call without a namespace and tool name")
        self.seen_ids.add(call_id)
        what = f"{ns}.{tool}" if ns else tool
        known = tool in self.req.tools.get(ns, ()) if ns else tool in self.req.globals
        if not known or self.req.callback is None:
            self._reply_error(call_id, f"unknown tool {what}")
            return
        self.calls += 1
        if self.calls > self.limits.tool_calls:
            self._reply_error(
                call_id,
                f"tool-call limit of {self.limits.tool_calls} calls per run reached at {what} "
                "(raise Limits.tool_calls)",
            )
            return
        if len(self.inflight) >= self.limits.concurrent_calls:
            self._reply_error(
                call_id,
                f"{what}: more than {self.limits.concurrent_calls} tool calls in flight at once "
                "(raise Limits.concurrent_calls)",
            )
            return
        self.inflight.add(call_id)
        self._dispatch((call_id, ns, tool, body.get("args"), what))

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
            line = encode_line({"t": "ret", "id": call_id, "ok": True, "value": value})
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
                f"{what} returned {len(line)} bytes, over the bridge frame limit of "
                f"{self.limits.frame_bytes} (raise Limits.frame_bytes)",
            )
        await self._send_line(line)

    def _on_fetch(self, body: dict[str, Any]) -> None:
        call_id = body.get("id")
        if not isinstance(call_id, int) or isinstance(call_id, bool) or call_id in self.seen_ids:
            raise BridgeProtocolError(f"a fetch with a bad or duplicate id {call_id!r}")
        self.seen_ids.add(call_id)
        policy = self.req.outbound
        if policy is None:
            self._reply_error(call_id, "network is off in this sandbox (SandboxSettings.outbound)")
            return
        assert self._tg is not None
        self._tg.start_soon(self._serve_fetch, call_id, policy, body)

    async def _serve_fetch(self, call_id: int, policy: OutboundPolicy, body: dict[str, Any]) -> None:
        try:
            response = await policy.handle(body)
            line = encode_line({"t": "ret", "id": call_id, "ok": True, "value": response})
        except ToolCallError as exc:
            line = self._error_line(call_id, exc.message)
        await self._send_line(line)

    def _error_line(self, call_id: int, message: str) -> bytes:
        return encode_line({"t": "ret", "id": call_id, "ok": False, "error": message})

    def _reply_error(self, call_id: int, message: str) -> None:
        assert self._tg is not None
        self._tg.start_soon(self._send_line, self._error_line(call_id, message))

    async def _send(self, obj: object) -> None:
        await self._send_line(encode_line(obj))

    async def _send_line(self, line: bytes) -> None:
        await self.proc.send_line(line)

    # ------------------------------------------------------------------ logs and output
    def _log(self, level: str, message: str, *, marker: bool = False) -> None:
        if self.logs_cut:
            return
        over_entries = len(self.logs) >= self.limits.log_entries + 1
        over_chars = self.log_chars + len(message) > self.limits.log_bytes + 200
        if (over_entries or over_chars) and not marker:
            self.logs_cut = True
            message, level = "[logs cut by the host: over Limits.log_entries / Limits.log_bytes]", "warn"
        self.log_chars += len(message)
        entry = LogEntry(level, message)
        self.logs.append(entry)
        if self.req.on_log is not None:
            try:
                self.req.on_log(entry)
            except Exception:
                logger.exception("on_log callback failed")

    def _take_noise(self) -> None:
        reader = self.proc.reader
        if self.output_bytes + reader.pending_noise_bytes() > self.limits.output_bytes:
            self._output(reader.pending_noise_bytes())
        if not reader.noise:
            return
        lines, reader.noise = reader.noise, []
        for raw in lines:
            self._output(len(raw) + 1)
            if self.outcome is None:
                self._log("stdout", raw.decode(errors="replace"))

    def _output(self, n: int) -> None:
        self.output_bytes += n
        if self.output_bytes > self.limits.output_bytes and self.outcome is None:
            self.proc.kill()
            self._fail(
                "OutputLimitError",
                f"run wrote more than {self.limits.output_bytes} bytes to stdout/stderr outside the console "
                "(raise Limits.output_bytes)",
                "output_bytes",
            )

    def _over_output(self) -> bool:
        o = self.outcome
        return o is not None and o.error is not None and o.error.limit == "output_bytes"

    async def _drain_stderr(self) -> None:
        stream = self.proc.process.stderr
        try:
            if stream is None:
                return
            async for chunk in stream:
                if len(self.stderr) < 65536:
                    self.stderr += chunk[: 65536 - len(self.stderr)]
                self._output(len(chunk))
                if (
                    self.outcome is not None
                    and self.outcome.error
                    and self.outcome.error.limit == "output_bytes"
                ):
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
        if "out of memory" in err.lower() or "memory allocation of" in err:
            self._fail(
                "MemoryError",
                f"run exceeded memory limit of {self.limits.memory_mib} MiB (raise Limits.memory_mib)",
                "memory_mib",
            )
        elif code in (-signal.SIGXCPU, -signal.SIGKILL) and not self.proc.killed:
            self._fail(
                "CpuLimitError",
                f"run exceeded CPU limit of {self.limits.cpu_s:g} s (raise Limits.cpu_s)",
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

    def _protocol_error(self, why: str) -> None:
        self.proc.kill()
        if self.outcome is None:
            limit: LimitName | None = "frame_bytes" if "frame_bytes" in why else None
            self._fail("BridgeError", f"the sandbox broke the bridge protocol: {why}", limit)

    def _fail(self, name: str, message: str, limit: LimitName | None) -> None:
        if self.outcome is None:
            self.outcome = RunResult(ok=False, error=GuestError(name, message, "", limit))
