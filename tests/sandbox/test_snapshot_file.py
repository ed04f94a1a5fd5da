"""The memory snapshot stored without its zero pages (sandbox/snapshot_file.py), and read back by the
harness (`pyodide_loader.js`) in that form and in the plain one older installs wrote."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from sandbox import DenoExecutor, SandboxSettings
from sandbox.pyodide_runtime import RUNTIME_FILES, require_pyodide
from sandbox.snapshot_file import PAGE, SPARSE_MAGIC, sparse_snapshot


def _image(sparse: bytes) -> bytes:
    """The whole image back from the sparse form, read as the harness reads it."""
    assert sparse[:8] == SPARSE_MAGIC
    size, count = struct.unpack_from("<II", sparse, 8)
    runs = [struct.unpack_from("<II", sparse, 16 + 8 * i) for i in range(count)]
    image = bytearray(size)
    at = 16 + 8 * count
    for offset, length in runs:
        image[offset : offset + length] = sparse[at : at + length]
        at += length
    assert at == len(sparse)
    return bytes(image)


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param("D0DD00D", id="mixed"),
        pytest.param("0000", id="all_zero"),
        pytest.param("DDD", id="no_zero_page"),
        pytest.param("", id="empty"),
    ],
)
def test_only_pages_with_data_are_stored_and_the_image_comes_back(pages: str) -> None:
    image = b"".join(bytes([7]) * PAGE if page == "D" else bytes(PAGE) for page in pages)
    image += b"\x01\x02\x03" if pages else b""  # a last page that is not whole
    sparse = sparse_snapshot(image)
    assert _image(sparse) == image
    stored = sparse.count(bytes([7]) * PAGE)
    assert stored == pages.count("D")
    assert len(sparse) == 16 + 8 * struct.unpack_from("<I", sparse, 12)[0] + pages.count("D") * PAGE + (
        3 if pages else 0
    )


def _runtime_copy(cache: Path, snapshot: bytes) -> Path:
    """A copy of the installed runtime under `cache`, with `snapshot` as its snapshot file."""
    runtime = require_pyodide()
    target = cache / runtime.directory.name
    target.mkdir(parents=True)
    for name in [*RUNTIME_FILES, "manifest.json"]:
        shutil.copyfile(runtime.directory / name, target / name)
    (target / "snapshot.bin").write_bytes(snapshot)
    return cache


@pytest.mark.anyio
@pytest.mark.parametrize("form", ["sparse", "plain"])
async def test_the_harness_loads_either_form(tmp_path: Path, form: str) -> None:
    installed = require_pyodide().snapshot.read_bytes()
    image = _image(installed) if installed[:8] == SPARSE_MAGIC else installed
    snapshot = sparse_snapshot(image) if form == "sparse" else image
    assert len(snapshot) < len(image) * 0.75 if form == "sparse" else snapshot == image
    settings = SandboxSettings(
        pool_size=0, python_pool_size=0, pyodide_cache=_runtime_copy(tmp_path, snapshot)
    )
    async with DenoExecutor(settings) as executor:
        result = await executor.run("import statistics\nstatistics.mean([1, 2, 6])", language="python")
    assert result.ok, result.error
    assert result.value == 3
