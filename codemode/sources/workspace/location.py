"""Where the workspace lives by default: the user's data directory.

Linux and other Unixes: `$XDG_DATA_HOME/codemode/workspace`, `~/.local/share/codemode/workspace`
when XDG_DATA_HOME is unset or not absolute (the XDG base directory rule). macOS:
`~/Library/Application Support/codemode/workspace`. Windows: `%LOCALAPPDATA%\\codemode\\workspace`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["default_directory"]


def default_directory(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The default workspace directory for this user (not created here)."""
    env = os.environ if environ is None else environ
    platform = platform or sys.platform
    home = Path(env.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Application Support" / "codemode" / "workspace"
    if platform == "win32":
        local = env.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
        return base / "codemode" / "workspace"
    xdg = env.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / "codemode" / "workspace"
