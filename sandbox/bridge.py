"""The host side of the bridge: framing, and parsing frames from an untrusted process.

Why frames are authenticated, and how. The harness and the guest share one process and one stdout:
the guest can write to fd 1 through `Deno.stdout`, `node:process`, `node:fs` or a Worker's console,
and can read fd 0 unless stopped. So the host never trusts stdout as such:

- at start the host sends a random per-process nonce as the first line on stdin, before any guest
  code exists. The harness keeps it in its own module scope (the guest module cannot reach it) and
  builds frames only with built-ins it captured before the guest ran, so a guest that patches
  `JSON`, `TextEncoder` or `Array.prototype` cannot observe it. Then the harness makes `Deno.stdin`
  throw, so the guest cannot read what the host sends next;
- every harness frame is `\\n NONCE SPACE JSON \\n`. The leading newline ends any partial line the
  guest wrote, so a real frame always starts a line. A line without the nonce is guest output: it
  becomes a `stdout` log entry (counted against `Limits.output_bytes`), never a frame;
- every frame is then validated like input from the network: size (`Limits.frame_bytes`), JSON,
  type, fields, ids (unknown, duplicate and late ids are protocol errors that end the run cleanly).

The nonce is defense in depth, not the security boundary: a guest that walks its own heap (for
instance with `node:v8`'s `getHeapSnapshot()`, which Deno allows without a permission) can find it.
Forging a frame then buys nothing the guest cannot already do: every call is checked against the
offered tools and counted against the limits by the host, logs and results are the guest's own, and
nothing in the process belongs to anyone else (one process per one-shot run or per warm id; tool
credentials stay on the host). Runtime V8 flag changes (`v8.setFlagsFromString`) are inert: V8 freezes
its flags after start-up.

What the guest can still do is hurt only itself: read fd 0 through `node:fs` (which Deno does not
permission-check) and so swallow its own replies or block, garble its own frames, or exit. Each ends
the run with an error, never a host hang: the wall clock is always enforced by the host, and the nonce
was consumed before any guest code existed.

Host -> harness lines are plain JSON (the guest cannot read stdin).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["BridgeProtocolError", "Frame", "FrameReader", "encode_line"]


class BridgeProtocolError(Exception):
    """The process sent something no honest harness sends (internal: becomes a guest-facing error)."""


@dataclass(frozen=True)
class Frame:
    """One authenticated frame from the harness."""

    type: str
    """`ready`, `call`, `fetch`, `log`, `result` or `fatal`."""
    body: dict[str, Any]
    """The whole decoded object."""


def encode_line(obj: Any) -> bytes:
    """One host -> harness line."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode() + b"\n"


class FrameReader:
    """Splits the process's stdout into frames and guest noise; linear in the bytes it is fed."""

    def __init__(self, nonce: str, *, frame_bytes: int) -> None:
        self._prefix = nonce.encode() + b" "
        self._buffer = bytearray()
        self._scan = 0
        self.frame_bytes = frame_bytes
        """Longest line accepted; a longer one is a protocol error."""
        self.noise: list[bytes] = []
        """Lines that were not frames (the guest's raw stdout), drained by the reader's owner."""
        self.noise_bytes = 0
        """Total bytes of noise seen so far."""

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes; return the complete frames they finish. Raises BridgeProtocolError."""
        buf = self._buffer
        buf += data
        frames: list[Frame] = []
        start = 0
        while True:
            end = buf.find(b"\n", max(start, self._scan))
            if end == -1:
                break
            self._line(bytes(buf[start:end]), frames)
            start = end + 1
            self._scan = start
        if start:
            del buf[:start]
        self._scan = len(buf)
        if len(buf) > self.frame_bytes:
            raise BridgeProtocolError(f"a line of more than {self.frame_bytes} bytes (Limits.frame_bytes)")
        return frames

    def pending_noise_bytes(self) -> int:
        """Bytes of an unfinished line that cannot become a frame (guest output without a newline)."""
        buf = self._buffer
        head = bytes(buf[: len(self._prefix)])
        return 0 if self._prefix.startswith(head) else len(buf)

    def _line(self, line: bytes, frames: list[Frame]) -> None:
        if not line:
            return
        if len(line) > self.frame_bytes:
            raise BridgeProtocolError(
                f"a frame of {len(line)} bytes, over {self.frame_bytes} (Limits.frame_bytes)"
            )
        if not line.startswith(self._prefix):
            self.noise.append(line)
            self.noise_bytes += len(line) + 1
            return
        try:
            body = json.loads(line[len(self._prefix) :])
        except ValueError as exc:
            raise BridgeProtocolError(f"a frame that is not JSON: {exc}") from exc
        if not isinstance(body, dict) or not isinstance(body.get("t"), str):
            raise BridgeProtocolError("a frame without a type")
        frames.append(Frame(body["t"], body))
