"""The sandbox's exceptions. Guest mistakes are never exceptions: they come back in `RunResult.error`.

```
Exception
 +-- SandboxError                 infrastructure failures: the executor raises these
 |    +-- DenoNotFoundError       no Deno binary at the configured path
 |    +-- DenoVersionError        Deno older than the version this sandbox was tested with
 |    +-- SettingsError           bad settings or limits (also a ValueError)
 |    +-- SandboxCrashError       the harness could not start or broke the bridge before any run
 +-- ToolCallError                raised by a host tool callback; the guest sees Error(message)
```
"""

from __future__ import annotations

__all__ = [
    "DenoNotFoundError",
    "DenoVersionError",
    "SandboxCrashError",
    "SandboxError",
    "SettingsError",
    "ToolCallError",
]


class SandboxError(Exception):
    """Base class of the sandbox's infrastructure failures."""


class DenoNotFoundError(SandboxError):
    """The configured Deno binary does not exist or does not run."""


class DenoVersionError(SandboxError):
    """The Deno binary is older than the version the hardening was tested with."""


class SettingsError(SandboxError, ValueError):
    """A setting or limit is out of range; the message names it and the allowed range."""


class SandboxCrashError(SandboxError):
    """The sandbox process failed to start its harness or to answer the start-up handshake."""


class ToolCallError(Exception):
    """Raise from a tool callback to throw `Error(message)` in the guest (the run goes on)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
