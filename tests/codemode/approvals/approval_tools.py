"""Tools for the subprocess tests (`codemode exec`, `codemode serve`): `vault.wipe` needs approval.

Loaded through the config's `"python": ["approval_tools:vault"]`. Each call that runs leaves a file,
so a test in another process can see what ran and what did not.
"""

from __future__ import annotations

from pathlib import Path

from codemode.sources.python import PythonTools

vault = PythonTools("vault")


@vault.tool(approve=True)
def wipe(marker: str) -> str:
    """Wipe the vault (writes `marker`, a file path, so a test can tell it ran)."""
    Path(marker).write_text("wiped", encoding="utf-8")
    return "wiped"


@vault.tool
def peek() -> str:
    """Look inside the vault."""
    return "gold"
