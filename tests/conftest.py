"""Shared fixtures: the anyio backend, the real upstream MCP servers, the pinned TypeScript compiler."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

UPSTREAM_DIR = Path(__file__).parent / "upstream"
CORPUS_DIR = Path(__file__).parent / "corpus"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session", autouse=True)
def _workspace_outside_the_user_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The workspace is on by default in the user's data directory: point it (and every subprocess's)
    into a temporary directory, so that no test ever writes to the real one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data-home")))
        yield


@pytest.fixture(scope="session")
def node_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The npm packages in tests/upstream, installed from its lock file on first use.

    `.ci/run` installs them up front; this keeps `uv run pytest` self-sufficient on a fresh clone. The
    test workers (pytest-xdist) each ask: a file lock lets one install while the others wait for it.
    """
    modules = UPSTREAM_DIR / "node_modules"
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of this run
    with (shared / "npm-install.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        _install_node_modules(modules)
    return modules


def _install_node_modules(modules: Path) -> None:
    marker = modules / ".package-lock.json"
    lock = UPSTREAM_DIR / "package-lock.json"
    if not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("the upstream-server tests need Node.js and npm on PATH (https://nodejs.org)")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=UPSTREAM_DIR,
            check=True,
            timeout=300,
        )


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real MCP tool lists in tests/corpus (read-only; source and licence in its README)."""
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"the test corpus is missing: expected {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def typescript_binary() -> Path:
    """The type checker's pinned TypeScript compiler, fetched into the user's cache on first use.

    `codemode serve` fetches it the same way at start-up; this keeps `uv run pytest` self-sufficient.
    """
    from codemode.typecheck import checker_binary

    return checker_binary()
