"""One sandbox process: spawn the harness, hand-shake, apply rlimits, measure, kill.

The process starts in its own session (so the whole process group can be killed), with a clean
environment, cwd an empty temporary directory, and a private DENO_DIR inside its scratch directory,
deleted with it (see `deno_environment` and sandbox/scratch.py).
Limits are applied with prlimit(2) after the handshake and before any guest code arrives:

- RLIMIT_DATA = the process's own start-up data size + `Limits.memory_mib`. This bounds what V8's
  `--max-old-space-size` does not: ArrayBuffers, WebAssembly memory, Worker isolates.
- RLIMIT_CPU = CPU used so far + `Limits.cpu_s` (soft: SIGXCPU), one second more (hard: SIGKILL).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import resource
import secrets
import shutil
import signal
from pathlib import Path

import anyio
from anyio.abc import Process

from .bridge import BridgeProtocolError, Frame, FrameReader, encode_line, nonce_line
from .command import HARNESS_PATH, deno_command, deno_environment
from .errors import SandboxCrashError
from .limits import Limits
from .names import RESERVED_GLOBALS
from .pipes import PipeReader, PipeWriter, make_pipe
from .pyodide_runtime import PYTHON_HARNESS_PATH, PyodideRuntime, python_command
from .request import Language
from .scratch import make_scratch

__all__ = ["SandboxProcess"]

logger = logging.getLogger(__name__)

_TICKS = os.sysconf("SC_CLK_TCK")
HANDSHAKE_TIMEOUT_S = 20.0


class SandboxProcess:
    """A started harness process, idle until `SandboxRun` sends it code."""

    def __init__(
        self,
        process: Process,
        root: Path,
        reader: FrameReader,
        heap_mib: int,
        stdin: PipeWriter,
        stdout: PipeReader,
    ) -> None:
        self.process = process
        self.stdin = stdin
        """Frames to the harness."""
        self.stdout = stdout
        """Frames (and guest noise) from the harness."""
        self.root = root
        self.reader = reader
        self.heap_mib = heap_mib
        """The V8 heap size it was started with (fixed for its lifetime)."""
        self.base_data_kib = 0
        """VmData right after start-up; RLIMIT_DATA is this plus the run's memory budget."""
        self.runs = 0
        """Runs sent to this process so far."""
        self.last_call_id = 0
        """The highest call id the harness used so far (ids only grow; a lower one is forged)."""
        self.language: Language = "typescript"
        """The language its harness runs (fixed for its lifetime)."""
        self.killed = False
        self._closed = False

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def start(
        cls,
        deno: Path,
        *,
        heap_mib: int,
        frame_bytes: int,
        fetch: bool,
        harness: Path = HARNESS_PATH,
        python: PyodideRuntime | None = None,
    ) -> SandboxProcess:
        """Spawn the harness and wait for its `ready` frame (`harness` is a seam for protocol tests).

        With `python`, the process starts at the Python harness with read access to that runtime's
        directory only, which the harness revokes before it answers `ready` (pyodide_runtime.py)."""
        root = make_scratch()
        try:
            (root / "cwd").mkdir()
            (root / "deno").touch()  # DENO_DIR: a file, so Deno keeps its caches in memory
            child_stdin, host_stdin = make_pipe()
            host_stdout, child_stdout = make_pipe()
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        try:
            # Shielded: a spawn cancelled halfway leaves a child asyncio never reaps. Cancellation
            # lands right after, and the handshake's clean-up below closes the process properly.
            with anyio.CancelScope(shield=True):
                if python is None:
                    command = deno_command(deno, heap_mib=heap_mib, harness=harness)
                else:
                    command = python_command(deno, python, heap_mib=heap_mib, harness=PYTHON_HARNESS_PATH)
                process = await anyio.open_process(
                    command,
                    stdin=child_stdin,
                    stdout=child_stdout,
                    cwd=root / "cwd",
                    env=deno_environment(root),
                    start_new_session=True,
                )
        except BaseException as exc:  # OSError (or a bug): no descriptor or directory survives
            for fd in (child_stdin, host_stdin, host_stdout, child_stdout):
                os.close(fd)
            shutil.rmtree(root, ignore_errors=True)
            if isinstance(exc, OSError):
                raise SandboxCrashError(f"cannot start Deno at {deno}: {exc}") from exc
            raise
        os.close(child_stdin)
        os.close(child_stdout)
        nonce = secrets.token_hex(16)
        self = cls(
            process,
            root,
            FrameReader(nonce, frame_bytes=frame_bytes),
            heap_mib,
            PipeWriter(host_stdin),
            PipeReader(host_stdout),
        )
        if python is not None:
            self.language = "python"
        try:
            await self.send_line(
                nonce_line(nonce)
                + encode_line({"t": "init", "fetch": fetch, "reserved": sorted(RESERVED_GLOBALS)})
            )
            frames: list[Frame] | None = []
            with anyio.fail_after(HANDSHAKE_TIMEOUT_S):
                while frames == []:
                    frames = await self.next_frames()
            if not frames or frames[0].type != "ready":
                raise SandboxCrashError(f"the harness did not start: {await self.stderr_text()}")
            self.base_data_kib = self._status_kib("VmData")
        except BridgeProtocolError as exc:  # no guest code exists yet: the harness itself is broken
            await self.aclose()
            raise SandboxCrashError(f"the harness broke the bridge at start-up: {exc}") from exc
        except BaseException:
            await self.aclose()
            raise
        return self

    async def send(self, obj: object) -> None:
        await self.send_line(encode_line(obj))

    async def send_line(self, line: bytes) -> None:
        """One frame to the harness; silently dropped when the process is gone (its run ends anyway)."""
        with contextlib.suppress(OSError):
            await self.stdin.send(line)

    async def next_frames(self) -> list[Frame] | None:
        """Frames completed by the next chunk of stdout (maybe none, see `reader.noise`); None at EOF."""
        try:
            data = await self.stdout.receive()
        except (OSError, anyio.ClosedResourceError):
            return None
        if not data:
            return None
        return self.reader.feed(data)

    def discard_pending_output(self) -> None:
        """Drop what the process wrote to stdout since the last run (never read: not any run's)."""
        while True:
            try:
                data = os.read(self.stdout.fd, 1 << 20)
            except (BlockingIOError, OSError):
                return
            if not data:
                return

    async def stderr_text(self, limit: int = 4096) -> str:
        if self.process.stderr is None:
            return ""
        chunks = b""
        with anyio.move_on_after(1):
            try:
                async for chunk in self.process.stderr:
                    chunks += chunk
                    if len(chunks) > limit:
                        break
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                pass
        return chunks[:limit].decode(errors="replace")

    def apply_limits(self, limits: Limits) -> None:
        """Set RLIMIT_DATA and RLIMIT_CPU for the coming run (before its code is sent)."""
        data = (self.base_data_kib << 10) + (limits.memory_mib << 20)
        cpu = math.ceil(self.cpu_seconds() + limits.cpu_s)
        try:
            resource.prlimit(self.pid, resource.RLIMIT_DATA, (data, data))
            resource.prlimit(self.pid, resource.RLIMIT_CPU, (cpu, cpu + 1))
        except (ProcessLookupError, PermissionError) as exc:
            logger.debug("prlimit on %s failed: %s", self.pid, exc)

    def cpu_seconds(self) -> float:
        """User + system CPU of the process so far (all threads), as getrusage would report it."""
        try:
            text = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = text.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS

    def data_used_mib(self) -> float:
        """Data segment the process added since start-up (what RLIMIT_DATA bounds), per the kernel."""
        return max(0, self._status_kib("VmData") - self.base_data_kib) / 1024

    def peak_memory_mib(self) -> float:
        return self._status_kib("VmHWM") / 1024

    def rss_mib(self) -> float:
        return self._status_kib("VmRSS") / 1024

    def _status_kib(self, key: str) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def kill(self) -> None:
        """SIGKILL the whole process group (the harness, its Workers, anything they started)."""
        self.killed = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)

    async def aclose(self) -> None:
        """Kill, reap and delete the scratch directory. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.kill()
        self.stdin.close()
        with anyio.CancelScope(shield=True):
            with anyio.move_on_after(5):
                await self.process.wait()
            await self.process.aclose()
        self.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)
