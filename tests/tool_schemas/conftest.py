"""Fixtures for the tool_schemas tests: one batched `deno check` over many TypeScript files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from deno import find_deno_bin


@dataclass(frozen=True)
class CheckResult:
    """What one `deno check` run said."""

    ok: bool
    """True when every file type-checked."""
    output: str
    """Its diagnostics (stdout and stderr), colour-free."""


DenoCheck = Callable[[Mapping[str, str]], CheckResult]


@pytest.fixture(scope="session")
def deno_check(tmp_path_factory: pytest.TempPathFactory) -> DenoCheck:
    """`check({"a.ts": source, ...})` type-checks all the files in ONE offline `deno check` run.

    Deno treats every file as a module, so files do not see each other's declarations. No config
    discovery, no remote or npm imports, a clean environment with a private DENO_DIR.
    """
    deno = find_deno_bin()
    home = tmp_path_factory.mktemp("deno-home")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "DENO_DIR": str(home / "cache"),
    }
    env["NO_COLOR"] = "1"
    counter = 0

    def check(files: Mapping[str, str]) -> CheckResult:
        nonlocal counter
        counter += 1
        folder: Path = tmp_path_factory.mktemp(f"check{counter}")
        for name, source in files.items():
            (folder / name).write_text(source, encoding="utf-8")
        command = [deno, "check", "--no-config", "--no-remote", "--no-npm", "--cached-only", "--quiet"]
        done = subprocess.run(
            [*command, *sorted(files)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return CheckResult(done.returncode == 0, done.stdout + done.stderr)

    return check
