"""Find the Deno binary and check its version before trusting its permission model."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .errors import DenoNotFoundError, DenoVersionError

__all__ = ["MIN_DENO_VERSION", "deno_version", "find_deno"]

MIN_DENO_VERSION: tuple[int, int, int] = (2, 9, 8)
"""The oldest Deno the hardening tests passed on."""


def find_deno(configured: Path | None) -> Path:
    """The configured binary, or the one shipped in the `deno` wheel."""
    if configured is not None:
        path = Path(configured)
        if not path.is_file():
            raise DenoNotFoundError(f"Deno binary not found at {path} (fix SandboxSettings.deno_path)")
        return path
    try:
        import deno  # the PyPI wheel that ships the binary
    except ImportError as exc:  # pragma: no cover - the wheel is a dependency
        raise DenoNotFoundError("the `deno` package is not installed (uv add deno)") from exc
    path = Path(deno.find_deno_bin())
    if not path.is_file():
        raise DenoNotFoundError(f"the `deno` wheel points at {path}, which does not exist (reinstall deno)")
    return path


def deno_version(path: Path, *, minimum: tuple[int, int, int] = MIN_DENO_VERSION) -> tuple[int, int, int]:
    """The binary's version; raises when it cannot run or is older than `minimum`."""
    try:
        proc = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, env={"NO_COLOR": "1"}
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DenoNotFoundError(f"cannot run Deno at {path}: {exc} (fix SandboxSettings.deno_path)") from exc
    match = re.match(r"deno (\d+)\.(\d+)\.(\d+)", proc.stdout)
    if proc.returncode != 0 or match is None:
        raise DenoNotFoundError(f"{path} --version did not print a Deno version: {proc.stdout[:200]!r}")
    version = (int(match[1]), int(match[2]), int(match[3]))
    if version < minimum:
        found = ".".join(map(str, version))
        need = ".".join(map(str, minimum))
        raise DenoVersionError(
            f"Deno {found} at {path} is older than {need}, the oldest version this sandbox was tested "
            f"with (upgrade: uv add 'deno>={need}', or set SandboxSettings.deno_path)"
        )
    return version
