"""Fixtures of the workspace tests: a store in a temporary directory, a snapshot of everything it holds.

No test may touch the real user data directory: XDG_DATA_HOME and HOME point into the test's tmp_path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemode.sources.workspace import SqliteStore, StoreLimits
from codemode.sources.workspace.paths import ROOT, WorkspacePath


@pytest.fixture(autouse=True)
def _no_real_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def store(store_dir: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(store_dir, StoreLimits(quota_bytes=8 * 1024 * 1024, max_file_bytes=3 * 1024 * 1024))
    try:
        yield opened
    finally:
        opened.close()


def snapshot(store: SqliteStore) -> dict[str, object]:
    """Everything a store holds, to compare before and after a refused change."""
    entries: dict[str, object] = {}
    pending: list[WorkspacePath] = [ROOT]
    while pending:
        directory = pending.pop()
        for entry in store.list_dir(directory):
            if entry.type == "dir":
                entries[entry.path] = ("dir", entry.mtime)
                pending.append(entry.path)
            else:
                entries[entry.path] = ("file", entry.size, entry.mtime, store.read(entry.path))
    blob_root = store.directory / "blobs"
    blobs = sorted(
        str(Path(root, name).relative_to(blob_root))
        for root, _, names in os.walk(blob_root)
        for name in names
    )
    usage = store.usage()
    return {"entries": entries, "blobs": blobs, "bytes": usage.bytes, "files": usage.files}
