"""The `"workspace"` entry of the config's `codemode` section, and what it means for the store.

```json
{"codemode": {"workspace": {"dir": "~/work/ws", "scope": "shared", "quota_mib": 1024, "max_file_mib": 100}}}
```
`dir` defaults to the user's data directory (`location.default_directory`); `--workspace DIR` on
`serve` and `exec` wins over it. `scope`: `shared` (one workspace for every client, kept across
restarts) or `session` (one per MCP session, removed after `SESSION_IDLE_S` without use).
`"enabled": false` leaves the namespace out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, PositiveInt

from codemode.sources.workspace.location import default_directory
from codemode.sources.workspace.store import MIB, StoreLimits

__all__ = ["WorkspaceSettings"]


class WorkspaceSettings(BaseModel):
    """Where the workspace lives and how much it may hold."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Offer the `workspace` namespace to programs."""
    dir: str | None = None
    """The workspace directory (`~` expanded); default: codemode/workspace in the user's data directory."""
    scope: Literal["shared", "session"] = "shared"
    """`shared`: one workspace for every client; `session`: one per MCP session, removed when idle."""
    quota_mib: PositiveInt = 1024
    """MiB of file content one workspace may hold."""
    max_file_mib: PositiveInt = 100
    """MiB one file may hold."""

    def directory(self, override: str | Path | None = None) -> Path:
        """`override` (the `--workspace` flag), else `dir`, else the default directory."""
        chosen = override if override is not None else self.dir
        return Path(chosen).expanduser() if chosen is not None else default_directory()

    def limits(self) -> StoreLimits:
        """The quota and file size as the store counts them."""
        return StoreLimits(quota_bytes=self.quota_mib * MIB, max_file_bytes=self.max_file_mib * MIB)
