"""sandbox: run untrusted TypeScript in a hardened Deno process, bridging its tool calls to Python.

Knows nothing of MCP and imports nothing else of ours. See `DenoExecutor` for the entry point.
"""

from .errors import (
    DenoNotFoundError,
    DenoVersionError,
    SandboxCrashError,
    SandboxError,
    SettingsError,
    ToolCallError,
)
from .executor import DenoExecutor, Executor
from .limits import Limits
from .names import RESERVED_GLOBALS
from .outbound import OutboundPolicy
from .request import LogCallback, ToolCallback
from .result import GuestError, LogEntry, RunResult, RunStats
from .settings import SandboxSettings
from .wallclock import wall_clock_paused

__all__ = [
    "RESERVED_GLOBALS",
    "DenoExecutor",
    "DenoNotFoundError",
    "DenoVersionError",
    "Executor",
    "GuestError",
    "Limits",
    "LogCallback",
    "LogEntry",
    "OutboundPolicy",
    "RunResult",
    "RunStats",
    "SandboxCrashError",
    "SandboxError",
    "SandboxSettings",
    "SettingsError",
    "ToolCallError",
    "ToolCallback",
    "wall_clock_paused",
]
