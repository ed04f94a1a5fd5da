"""Fuzz the frame reader: whatever bytes arrive, it returns frames of valid Unicode or raises
BridgeProtocolError, and nothing else (issue 18: no other exception may leave the executor)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.bridge import BridgeProtocolError, FrameReader

NONCE = "0123456789abcdef0123456789abcdef"
PREFIX = b"\n" + NONCE.encode() + b" "

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
frames = st.builds(
    lambda t, value: json.dumps({"t": t, "value": value}).encode(),
    st.sampled_from(["call", "log", "result", "ready", "fetch", "fatal", "x"]),
    json_values,
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid frame with bytes flipped, cut, repeated or spliced with raw guesses."""
    data = bytearray(draw(frames))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        else:
            data[at:at] = draw(
                st.sampled_from(
                    [b"[" * 300, b"\\ud800", b'"\\udfff"', b"\xff\xfe", b"NaN", b"1" * 5000, b"\n"]
                )
            )
    return bytes(data)


def _all_strings_encode(value: Any) -> None:
    if isinstance(value, str):
        value.encode("utf-8")  # raises on a lone surrogate
    elif isinstance(value, list):
        for item in value:
            _all_strings_encode(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _all_strings_encode(key)
            _all_strings_encode(item)


def _feed(chunks: list[bytes]) -> None:
    reader = FrameReader(NONCE, frame_bytes=64 * 1024)
    try:
        for chunk in chunks:
            for frame in reader.feed(chunk):
                assert isinstance(frame.body, dict) and isinstance(frame.type, str)
                _all_strings_encode(frame.body)
    except BridgeProtocolError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=6))
def test_random_bytes(chunks: list[bytes]) -> None:
    _feed(chunks)


@settings(max_examples=60, deadline=None)
@given(st.lists(mutated(), min_size=1, max_size=4), st.integers(1, 64))
def test_mutated_frames(bodies: list[bytes], split: int) -> None:
    stream = b"".join(PREFIX + body + b"\n" for body in bodies)
    _feed([stream[i : i + split] for i in range(0, len(stream), split)])
