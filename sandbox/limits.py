"""Per-run resource limits with safe defaults.

Every limit is counted by the host on what it actually received from the process, never on what a
frame says. A limit error carries the field's name in `GuestError.limit` (set by the host code that
enforced it); its message states the limit and the size received in plain words, without naming
this class, so the caller can add the setting that raises it in its own terms.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .errors import SettingsError

__all__ = ["Limits"]

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one run may use. Change per server (`SandboxSettings.limits`) or per run (`run(limits=...)`)."""

    wall_s: float = 30.0
    """Wall-clock seconds for the whole run, enforced by the host (the process group is killed)."""
    cpu_s: float = 10.0
    """CPU seconds of the sandbox process (all threads, Workers included), enforced by RLIMIT_CPU."""
    memory_mib: int = 256
    """Memory the guest may add to the started process: V8 heap, ArrayBuffers, WebAssembly memory
    (RLIMIT_DATA over the process's own start-up size, plus V8's --max-old-space-size)."""
    result_bytes: int = MIB
    """Size of the JSON return value (UTF-8 bytes); a larger value becomes a truncated string with a
    marker. A value too large for one bridge frame (`frame_bytes`) fails the run instead."""
    log_entries: int = 1000
    """Console entries kept per run; later ones are dropped after one marker entry."""
    log_bytes: int = MIB
    """UTF-8 bytes of console output kept per run; later output is dropped after a marker entry."""
    output_bytes: int = MIB
    """Bytes the process may write outside the bridge (raw stdout and stderr); more kills the run."""
    tool_calls: int = 1000
    """Tool calls per run; further calls fail in the guest with an error naming this limit."""
    concurrent_calls: int = 64
    """Tool calls in flight at once; further calls fail at once with an error naming this limit."""
    frame_bytes: int = 16 * MIB
    """Largest single bridge frame (one tool call, its arguments or result, one log entry)."""
    read_bytes: int = 64 * MIB
    """Bytes the host reads from the process in one run, frames and raw output together; more ends
    the run. With `frame_bytes` this bounds the host memory and CPU one run can cost."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value: Any = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SettingsError(f"Limits.{f.name} must be a positive number, got {value!r}")
        if self.memory_mib < 16:
            raise SettingsError(f"Limits.memory_mib must be at least 16, got {self.memory_mib}")
        if self.frame_bytes < 1024:
            raise SettingsError(f"Limits.frame_bytes must be at least 1024, got {self.frame_bytes}")

    def to_harness(self) -> dict[str, int]:
        """The limits the harness applies to save work (the host enforces every one of them itself)."""
        return {
            "log_entries": self.log_entries,
            "log_bytes": self.log_bytes,
            "result_bytes": self.result_bytes,
            "frame_bytes": self.frame_bytes,
        }
