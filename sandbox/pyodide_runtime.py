"""The Pyodide runtime for Python programs: fetched once into the user's cache, checked, snapshotted.

Layout, under `$XDG_CACHE_HOME/codemode` (default `~/.cache/codemode`):

    pyodide-314.0.7/
        pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm, python_stdlib.zip, pyodide-lock.json
        snapshot.bin        Python booted and the common stdlib modules imported (Pyodide's memory
                            snapshot, stored without its zero pages: sandbox/snapshot_file.py), so a
                            sandbox process starts in about half a second, not ten
        manifest.json       written last: the sha-256 of every file above and the Deno that built the
                            snapshot; a directory without it is an unfinished install

`install_pyodide` fetches the pinned npm package with the Deno binary we ship (`deno cache` into a
scratch DENO_DIR, against a lock file that pins the package's integrity, `--frozen`, so Deno refuses
a tarball that differs), checks each file against the sha-256 pinned here, builds the snapshot, and
moves the finished directory into place in one rename. It prints its progress on a stream (stderr by
default). It runs at install or start-up time, never while a program waits: `find_pyodide` only looks,
and a sandbox asked to run Python without a runtime raises `PyodideMissingError` naming the command
that installs it. After that everything works offline.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .command import deno_command
from .errors import SandboxError
from .snapshot_file import sparse_snapshot

__all__ = [
    "PYODIDE_VERSION",
    "PYTHON_HARNESS_PATH",
    "RUNTIME_FILES",
    "PyodideMissingError",
    "PyodideRuntime",
    "cache_root",
    "find_pyodide",
    "install_pyodide",
    "python_command",
    "require_pyodide",
    "verify_pyodide",
]

PYODIDE_VERSION = "314.0.7"
"""The npm `pyodide` release the sandbox runs (Python 3.14)."""

RUNTIME_FILES: dict[str, str] = {
    "pyodide.mjs": "6f1d60f7bf529beb300f0f47983c921d3982363640ba20af0e38efdddbc66109",
    "pyodide.asm.mjs": "f7cdc8ece80678ceb712f8e65ebe6d3a83203a180c399865f49612a051693635",
    "pyodide.asm.wasm": "cc36e3cab04fdfc9a63ff13eb52eae2b911bf46c025cc7b281f394bd3de1d5e6",
    "python_stdlib.zip": "fa1957e5777068fc4f7437f96d860ae2fbe9c19732ba06c84e004ec16dd7dd7a",
    "pyodide-lock.json": "5dc2fc119108bc148c7457dc86e7675b5c87e1cafd420b9c34c1eaef7b36c010",
}
"""The files a sandbox reads, with their sha-256 in the pinned release."""

_LOCK = {
    "version": "5",
    "specifiers": {f"npm:pyodide@{PYODIDE_VERSION}": PYODIDE_VERSION},
    "npm": {
        "@types/emscripten@1.41.6": {
            "integrity": "sha512-uN+9i8bFT5CUcZfyIEYDrSueACEyKGbUs5kC/72DGlZZoinh84sJfVV0i8UOJD1asdzk"
            "vLPBRrKs41kZ8MdEXg=="
        },
        f"pyodide@{PYODIDE_VERSION}": {
            "integrity": "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+"
            "SNvi/6V5JEsOlD2R1A==",
            "dependencies": ["@types/emscripten", "ws"],
        },
        "ws@8.23.0": {
            "integrity": "sha512-wCkmX8QMOrKjgO8HW2WyDbTSGeqkocxgDzS9iR79rEAexty6/2qzilx3Ag8Tqf9ykop3"
            "irLKle0MtVn5qjVnoQ=="
        },
    },
}
"""A Deno lock file pinning the package tarballs' integrity (npm's sha-512)."""

SNAPSHOT_SCRIPT = Path(__file__).parent / "harness" / "pyodide_snapshot.js"
PYTHON_HARNESS_PATH = Path(__file__).parent / "harness" / "python.js"
"""The entry module of Python sandbox processes (it starts the shared harness after loading Pyodide)."""
SNAPSHOT_RECIPE = 1
"""Bumped whenever `pyodide_loader.js` changes what the snapshot holds, so old ones get rebuilt."""
WASM_V8_FLAGS = ("--liftoff-only", "--single-threaded")
"""V8 flags for Python processes. Without `--liftoff-only` V8 recompiles the hot parts of Pyodide's
9 MB of WebAssembly (CPython's interpreter loop first) with its optimising compiler, in the
background, in every process: most of a one-shot run's CPU time and 30 MB of its memory, for code
that in a short program runs no faster (measured: a million-step Python loop takes the same CPU time
either way; a 2,000-call round trip is slower while the recompiles run). `--single-threaded` keeps
V8's other background work (GC, compile tasks) on the main thread, so processes starting side by
side do not compete with each other's helper threads: executions per second, 3 rounds side by side,
1.89 -> 2.08 median; the tool-call round trip is unchanged (321 vs 326 us p50)."""
FETCH_TIMEOUT_S = 600.0
SNAPSHOT_TIMEOUT_S = 300.0


class PyodideMissingError(SandboxError):
    """A Python run was asked for, but the Pyodide runtime is not installed (the message says how)."""


@dataclass(frozen=True)
class PyodideRuntime:
    """An installed runtime: the directory a sandbox process may read until it revokes the right."""

    directory: Path
    """The version's cache directory (holds the runtime files and the snapshot)."""

    @property
    def snapshot(self) -> Path:
        """Pyodide's memory snapshot, loaded by every sandbox process."""
        return self.directory / "snapshot.bin"


def cache_root() -> Path:
    """`$XDG_CACHE_HOME/codemode`, or `~/.cache/codemode`."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache") / "codemode"


def _version_dir(root: Path | None) -> Path:
    return (root or cache_root()) / f"pyodide-{PYODIDE_VERSION}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(directory: Path) -> dict[str, object] | None:
    try:
        data = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def find_pyodide(root: Path | None = None) -> PyodideRuntime | None:
    """The installed runtime, or None. Only looks (cheap: no hashing); see `verify_pyodide`."""
    directory = _version_dir(root)
    manifest = _manifest(directory)
    if manifest is None or manifest.get("recipe") != SNAPSHOT_RECIPE:
        return None
    if not all((directory / name).is_file() for name in (*RUNTIME_FILES, "snapshot.bin")):
        return None
    return PyodideRuntime(directory)


def require_pyodide(root: Path | None = None) -> PyodideRuntime:
    """The installed runtime; raises `PyodideMissingError` saying how to install it."""
    runtime = find_pyodide(root)
    if runtime is None:
        raise PyodideMissingError(
            f"the Pyodide runtime {PYODIDE_VERSION} for Python programs is not installed in "
            f"{_version_dir(root)}: run `codemode pyodide install` (or sandbox.install_pyodide()) once; "
            "it works offline afterwards"
        )
    return runtime


def verify_pyodide(runtime: PyodideRuntime) -> list[str]:
    """Problems with an installed runtime (a file changed since install); empty when sound."""
    manifest = _manifest(runtime.directory) or {}
    hashes = manifest.get("sha256")
    expected = dict(RUNTIME_FILES)
    if isinstance(hashes, dict) and isinstance(hashes.get("snapshot.bin"), str):
        expected["snapshot.bin"] = hashes["snapshot.bin"]
    else:
        return [f"{runtime.directory}/manifest.json has no snapshot hash (reinstall)"]
    problems = []
    for name, digest in expected.items():
        path = runtime.directory / name
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif _sha256(path) != digest:
            problems.append(f"{path} differs from the pinned release (reinstall with --force)")
    return problems


class _Progress:
    """One line per step on a text stream, with the time each step took."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def say(self, text: str) -> None:
        if self.stream is not None:
            elapsed = time.monotonic() - self.started
            self.stream.write(f"[pyodide {PYODIDE_VERSION} {elapsed:5.1f}s] {text}\n")
            self.stream.flush()


def _run(command: list[str], env: dict[str, str], timeout: float, what: str) -> bytes:
    try:
        done = subprocess.run(command, env=env, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxError(f"{what} failed: {exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise SandboxError(f"{what} failed (exit {done.returncode}): {detail}")
    return done.stdout


def _fetch(deno: Path, scratch: Path, progress: _Progress) -> Path:
    """`deno cache` the pinned package into a scratch DENO_DIR; returns the package's directory."""
    lock = scratch / "deno.lock"
    lock.write_text(json.dumps(_LOCK, indent=2), encoding="utf-8")
    env = {**os.environ, "DENO_DIR": str(scratch / "deno"), "NO_COLOR": "1", "DENO_NO_UPDATE_CHECK": "1"}
    progress.say("fetching the npm package (about 14 MB) with Deno; its integrity is pinned")
    package = f"npm:pyodide@{PYODIDE_VERSION}"
    command = [str(deno), "cache", "--no-config", f"--lock={lock}", "--frozen", package]
    _run(command, env, FETCH_TIMEOUT_S, f"fetching npm:pyodide@{PYODIDE_VERSION}")
    found = sorted((scratch / "deno" / "npm").glob(f"*/pyodide/{PYODIDE_VERSION}"))
    if not found:
        raise SandboxError(f"Deno fetched npm:pyodide@{PYODIDE_VERSION} but its files are not in {scratch}")
    return found[0]


def install_pyodide(
    deno: Path, *, root: Path | None = None, progress: TextIO | None = sys.stderr, force: bool = False
) -> PyodideRuntime:
    """Fetch, check and snapshot the runtime into the cache (a no-op when already installed)."""
    target = _version_dir(root)
    if not force and (runtime := find_pyodide(root)) is not None:
        return runtime
    step = _Progress(progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".pyodide-install-", dir=target.parent))
    try:
        package = _fetch(deno, scratch, step)
        staging = scratch / "runtime"
        staging.mkdir()
        hashes: dict[str, str] = {}
        for name, digest in RUNTIME_FILES.items():
            shutil.copyfile(package / name, staging / name)
            hashes[name] = _sha256(staging / name)
            if hashes[name] != digest:
                raise SandboxError(
                    f"{name} of npm:pyodide@{PYODIDE_VERSION} has sha-256 {hashes[name]}, expected {digest}: "
                    "the download is not the pinned release; nothing was installed"
                )
        step.say("files checked (sha-256); building the memory snapshot (once, about 10 s)")
        command = [
            str(deno), "run", "--no-config", "--no-lock", "--no-prompt", "--no-remote", "--no-npm",
            f"--allow-read={staging}", str(SNAPSHOT_SCRIPT), str(staging),
        ]  # fmt: skip
        env = {"DENO_DIR": str(scratch / "deno"), "NO_COLOR": "1", "DENO_NO_UPDATE_CHECK": "1"}
        image = _run(command, env, SNAPSHOT_TIMEOUT_S, "building the Pyodide memory snapshot")
        snapshot = sparse_snapshot(image)  # half the image is zero pages: stored without them
        (staging / "snapshot.bin").write_bytes(snapshot)
        hashes["snapshot.bin"] = hashlib.sha256(snapshot).hexdigest()
        manifest = {"version": PYODIDE_VERSION, "recipe": SNAPSHOT_RECIPE, "sha256": hashes}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    step.say(
        f"ready in {target} ({len(image) >> 20} MiB snapshot, {len(snapshot) >> 20} MiB on disk); "
        "works offline from now on"
    )
    return PyodideRuntime(target)


def python_command(deno: Path, runtime: PyodideRuntime, *, heap_mib: int, harness: Path) -> list[str]:
    """The sandbox command line for a Python process: `deno_command`'s, with two differences.

    `--deny-read` becomes `--allow-read=<the runtime directory>`: the trusted harness reads Pyodide
    and the snapshot from there before any guest code exists, then revokes the permission for good
    (`pyodide_loader.js`). The directory is the harness's first argument.

    V8 compiles Pyodide's WebAssembly with its baseline compiler only (`--liftoff-only`, see
    `WASM_V8_FLAGS`).
    """
    command = deno_command(deno, heap_mib=heap_mib, harness=harness)
    command[command.index("--deny-read")] = f"--allow-read={runtime.directory}"
    flags = next(i for i, arg in enumerate(command) if arg.startswith("--v8-flags="))
    command[flags] = ",".join([command[flags], *WASM_V8_FLAGS])
    return [*command, str(runtime.directory)]
