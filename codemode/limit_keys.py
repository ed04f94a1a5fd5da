"""Sandbox limits by the names users write: `sandbox.Limits` field <-> key under `codemode.limits`.

The one table between the two. The sandbox names the limit a run broke by its field
(`GuestError.limit == "wall_s"`); what the model and the user read names the config key that raises
it (`codemode.limits.timeout_s`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sandbox import Limits

__all__ = ["LIMIT_KEYS", "config_key", "limits_from_config"]

LIMIT_KEYS: dict[str, str] = {
    "wall_s": "timeout_s",
    "cpu_s": "cpu_s",
    "memory_mib": "memory_mib",
    "result_bytes": "max_output_bytes",
    "log_entries": "max_log_entries",
    "log_bytes": "max_log_bytes",
    "output_bytes": "max_raw_output_bytes",
    "tool_calls": "max_tool_calls",
    "concurrent_calls": "max_concurrent_calls",
    "frame_bytes": "max_frame_bytes",
    "read_bytes": "max_read_bytes",
}
"""`sandbox.Limits` field -> its key under `codemode.limits` in the config file."""


def config_key(limit: str) -> str:
    """The config key that raises the sandbox limit `limit` (a `sandbox.Limits` field name)."""
    key = LIMIT_KEYS.get(limit)
    return f"codemode.limits.{key}" if key is not None else f"the sandbox limit `{limit}`"


def limits_from_config(values: Mapping[str, float | int]) -> Limits:
    """`sandbox.Limits` from the `codemode.limits` keys that are set, over the safe defaults."""
    fields = {key: field for field, key in LIMIT_KEYS.items()}
    chosen: dict[str, Any] = {fields[key]: value for key, value in values.items()}
    return dataclasses.replace(Limits(), **chosen)
