"""The host side of the bridge: framing, and parsing frames from an untrusted process.

Why frames are authenticated, and how. The harness and the guest share one process and one stdout:
the guest can write to fd 1 through `Deno.stdout`, `node:process`, `node:fs` or a Worker's console,
and can read fd 0 unless stopped. So the host never trusts stdout as such:

- before the handshake and before every run the host sends a fresh random nonce on stdin (a raw
  `N<hex>` line, before the code of that run exists). The harness copies it into memory outside the
  JavaScript heap (an ArrayBuffer's backing store, which heap snapshots do not contain) and never
  turns it into a string; it builds frames only with built-ins it captured before the guest ran, so
  a guest that patches `JSON`, `TextEncoder` or `Array.prototype` cannot observe it. The harness
  makes `Deno.stdin` throw, so the guest cannot read what the host sends next. A new nonce per run
  means a frame forged by code of an earlier run (a timer left behind in a warm sandbox) is noise;
- every harness frame is `\\n NONCE SPACE JSON \\n`. The leading newline ends any partial line the
  guest wrote, so a real frame always starts a line. A line without the nonce is guest output: it
  becomes a `stdout` log entry (counted against `Limits.output_bytes`), never a frame;
- every frame is then validated like input from the network: size (`Limits.frame_bytes`), UTF-8,
  JSON (no NaN or Infinity), nesting depth (`MAX_FRAME_DEPTH`), type, fields, ids (unknown,
  duplicate and late ids are protocol errors that end the run cleanly). Lone UTF-16 surrogates
  (which JavaScript strings may hold and `JSON.stringify` escapes as `\\udXXX`) become U+FFFD, so
  every string the host passes on is valid Unicode.

The nonce is defense in depth, not the security boundary. Were it found, forging a frame would buy
nothing the guest cannot already do: nothing a frame says about limits, sizes or state is believed
(the host counts every limit on the bytes it actually received), every call is checked against the
offered tools, logs and results are the guest's own, and nothing in the process belongs to anyone
else (one process per one-shot run or per warm id; tool credentials stay on the host). Runtime V8
flag changes (`v8.setFlagsFromString`) are inert: V8 freezes its flags after start-up.

What the guest can still do is hurt only itself: read fd 0 through `node:fs` (which Deno does not
permission-check) and so swallow its own replies or block, garble its own frames, or exit. Each ends
the run with an error, never a host hang: the wall clock is always enforced by the host, and the nonce
was consumed before any guest code existed.

Host -> harness lines are plain JSON (the guest cannot read stdin).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from .result import LimitName

__all__ = [
    "MAX_FRAME_DEPTH",
    "BridgeProtocolError",
    "Frame",
    "FrameReader",
    "answer_line",
    "encode_line",
    "nonce_line",
    "parse_frame",
    "parse_json",
    "well_formed",
]

MAX_FRAME_DEPTH = 256
"""Deepest nesting of arrays and objects accepted in a frame. The harness converts values to at most
200 levels (deeper ones become `"[MaxDepth]"`), so an honest frame never comes close."""

VALUE_COST = 72
"""Host bytes charged per JSON value in a frame (commas and brackets counted before decoding): about
what the largest small Python object and its pointer take (an empty dict is 64 bytes). With the
frame's own length this bounds what decoding can allocate, so `Limits.read_bytes` bounds both."""

MAX_NOISE_LINES = 4096
"""Guest output lines kept per chunk read; more are counted (for `Limits.output_bytes`), not kept."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class BridgeProtocolError(Exception):
    """The process sent something no honest harness sends (internal: becomes a guest-facing error)."""

    def __init__(self, message: str, limit: LimitName | None = None) -> None:
        super().__init__(message)
        self.limit = limit
        """The `Limits` field the host enforced, when a limit (not a malformed frame) was the reason."""


@dataclass(frozen=True)
class Frame:
    """One authenticated frame from the harness."""

    type: str
    """`ready`, `call`, `fetch`, `log`, `result` or `fatal`."""
    body: dict[str, Any]
    """The whole decoded object (every string valid Unicode)."""
    size: int
    """Bytes of the frame's line as received."""


_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
"""Made once: `json.dumps` with options builds an encoder per call."""


def encode_line(obj: Any) -> bytes:
    """One host -> harness line."""
    return _encode_json(obj).encode() + b"\n"


def answer_line(call_id: int, value: Any) -> bytes:
    """A call's successful answer, exactly `{"t":"ret","id":N,"ok":true,"value":VALUE}`. The shape is
    fixed here because the harness relies on it: for a Python program it slices VALUE's text out of
    the line instead of parsing and rendering it again (harness.js, `answerText`)."""
    return b'{"t":"ret","id":%d,"ok":true,"value":' % call_id + _encode_json(value).encode() + b"}\n"


def nonce_line(nonce: str) -> bytes:
    """The raw line that hands the harness a nonce: `N` and the hex digits, never parsed as JSON."""
    return b"N" + nonce.encode() + b"\n"


def well_formed(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [well_formed(item) for item in value]
    if isinstance(value, dict):
        return {well_formed(key): well_formed(item) for key, item in value.items()}
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _nesting_depth(payload: bytes) -> int:
    """Deepest bracket nesting of a JSON text (strings removed first); linear, in C loops."""
    brackets = _STRING.sub(b"", payload).translate(_BRACKET_STEPS, _NOT_BRACKETS)
    return max(itertools.accumulate(memoryview(brackets).cast("b")), default=0)


class FrameReader:
    """Splits the process's stdout into frames and guest noise; linear in the bytes it is fed.

    Memory: the unfinished line (at most `frame_bytes`), plus what one `feed` returns.
    """

    def __init__(self, nonce: str, *, frame_bytes: int) -> None:
        self._prefix = nonce.encode() + b" "
        self._buffer = bytearray()
        self._scan = 0
        self.frame_bytes = frame_bytes
        """Longest line accepted; a longer one is a protocol error."""
        self.noise: list[bytes] = []
        """Lines that were not frames (the guest's raw stdout), drained by the reader's owner."""
        self.noise_bytes = 0
        """Total bytes of noise seen so far (kept or not)."""
        self.bytes_fed = 0
        """Total bytes fed so far."""
        self.decode_budget = 1 << 62
        """Host bytes frames may still cost to decode (see `VALUE_COST`); set per run."""

    def expect(self, nonce: str) -> None:
        """From now on accept only frames with `nonce`; forget any unfinished line."""
        self._prefix = nonce.encode() + b" "
        self._buffer.clear()
        self._scan = 0
        self.noise = []

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes; return the complete frames they finish. Raises BridgeProtocolError."""
        self.bytes_fed += len(data)
        buf = self._buffer
        frames: list[Frame] = []
        if not buf:  # the usual case: the chunk starts a line; its whole lines need no copy first
            start = 0
            while (end := data.find(b"\n", start)) != -1:
                self._line(data[start:end], frames)
                start = end + 1
            data = data[start:]
        buf += data
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
            raise BridgeProtocolError(
                f"a bridge frame of at least {len(buf)} bytes (still unfinished), over the limit of "
                f"{self.frame_bytes} bytes",
                "frame_bytes",
            )
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
                f"a bridge frame of {len(line)} bytes, over the limit of {self.frame_bytes} bytes",
                "frame_bytes",
            )
        if not line.startswith(self._prefix):
            self.noise_bytes += len(line) + 1
            if len(self.noise) < MAX_NOISE_LINES:
                self.noise.append(line)
            return
        payload = line[len(self._prefix) :]
        cost = len(payload) + VALUE_COST * (payload.count(b",") + payload.count(b"[") + payload.count(b"{"))
        if cost > self.decode_budget:
            raise BridgeProtocolError(
                f"a frame that would take about {cost} bytes of host memory to decode, more than the "
                f"{max(0, self.decode_budget)} bytes left of the run's limit",
                "read_bytes",
            )
        self.decode_budget -= cost
        body = parse_frame(payload)
        frames.append(Frame(body["t"], body, len(line) + 1))


def parse_frame(payload: bytes) -> dict[str, Any]:
    """Decode one frame as untrusted input. Raises BridgeProtocolError, nothing else."""
    body = parse_json(payload)
    if not isinstance(body, dict) or not isinstance(body.get("t"), str):
        raise BridgeProtocolError("a frame without a type")
    return body


_scan_json = json.JSONDecoder(parse_constant=_reject_constant).scan_once  # type: ignore[attr-defined]
"""One JSON value from an index, made once: `json.loads` with an option builds a decoder per call
(a third of the cost of decoding a tool call's frame)."""


def parse_json(payload: bytes) -> Any:
    """Decode untrusted JSON: UTF-8, no NaN, at most `MAX_FRAME_DEPTH` deep, strings well-formed."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BridgeProtocolError(f"a frame that is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        body, end = _scan_json(text, 0)
    except StopIteration as exc:  # no JSON value starts at the index it names
        raise BridgeProtocolError(f"a frame that is not JSON: no value at character {exc.value}") from exc
    except RecursionError as exc:
        raise BridgeProtocolError(f"a frame nested deeper than {MAX_FRAME_DEPTH} levels") from exc
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, integers too long to convert
        raise BridgeProtocolError(f"a frame that is not JSON: {str(exc)[:200]}") from exc
    if end != len(text):
        raise BridgeProtocolError(f"a frame that is not JSON: extra data at character {end}")
    if payload.count(b"[") + payload.count(b"{") > MAX_FRAME_DEPTH:
        depth = _nesting_depth(payload)
        if depth > MAX_FRAME_DEPTH:
            raise BridgeProtocolError(f"a frame nested {depth} levels deep, over {MAX_FRAME_DEPTH}")
    if _SURROGATE_ESCAPE.search(payload):
        body = well_formed(body)
    return body
