"""The Pyodide runtime: installed once into the cache, checked, and unreadable by the program it runs.

The read-then-revoke route is shown here directly: `pyodide_probe.js` loads Python exactly as a Python
sandbox process does (read access to the runtime directory only, then revoked) and runs each probe as
a Python program. Every route to a file, the runtime's own included, must fail on Deno's missing read
permission (NotCapable), and asking for the permission back must be denied.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from sandbox import SandboxError
from sandbox.command import deno_environment
from sandbox.deno import find_deno
from sandbox.pyodide_runtime import (
    PYODIDE_VERSION,
    RUNTIME_FILES,
    PyodideMissingError,
    PyodideRuntime,
    cache_root,
    find_pyodide,
    install_pyodide,
    python_command,
    require_pyodide,
    verify_pyodide,
)

PROBE = Path(__file__).parent / "pyodide_probe.js"


@pytest.fixture(scope="session")
def pyodide_runtime() -> PyodideRuntime:
    """The runtime in the user's cache, installed on first use (CI installs it before the tests)."""
    return install_pyodide(find_deno(None))


def _probe(runtime: PyodideRuntime, probes: dict[str, str]) -> dict[str, dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="codemode-probe-") as scratch:
        (Path(scratch) / "deno").mkdir()
        (Path(scratch) / "cwd").mkdir()
        command = python_command(find_deno(None), runtime, heap_mib=256, harness=PROBE)
        done = subprocess.run(
            command,
            input=json.dumps(probes).encode(),
            env=deno_environment(Path(scratch)),
            cwd=Path(scratch) / "cwd",
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode()
    report: dict[str, dict[str, object]] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return report


def test_installed_runtime_is_found_and_sound(pyodide_runtime: PyodideRuntime) -> None:
    assert find_pyodide() == pyodide_runtime == require_pyodide()
    assert pyodide_runtime.directory == cache_root() / f"pyodide-{PYODIDE_VERSION}"
    assert verify_pyodide(pyodide_runtime) == []
    assert install_pyodide(find_deno(None), progress=None) == pyodide_runtime  # already there: a no-op


def test_cache_root_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "codemode"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache_root() == Path.home() / ".cache" / "codemode"


def test_missing_runtime_says_how_to_install(tmp_path: Path) -> None:
    assert find_pyodide(tmp_path) is None
    with pytest.raises(PyodideMissingError, match="codemode pyodide install"):
        require_pyodide(tmp_path)


def test_a_changed_file_is_reported(pyodide_runtime: PyodideRuntime, tmp_path: Path) -> None:
    copy = tmp_path / pyodide_runtime.directory.name
    copy.mkdir()
    for path in pyodide_runtime.directory.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    (copy / "python_stdlib.zip").write_bytes(b"not the standard library")
    problems = verify_pyodide(PyodideRuntime(copy))
    assert len(problems) == 1
    assert "python_stdlib.zip differs from the pinned release" in problems[0]


def test_a_download_that_differs_installs_nothing(
    pyodide_runtime: PyodideRuntime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The sha-256 pins are checked before anything lands in the cache."""
    fake = tmp_path / "package"
    fake.mkdir()
    for name in RUNTIME_FILES:
        (fake / name).write_bytes((pyodide_runtime.directory / name).read_bytes())
    (fake / "pyodide.asm.mjs").write_bytes(b"globalThis.evil = 1;")
    monkeypatch.setattr("sandbox.pyodide_runtime._fetch", lambda deno, scratch, progress: fake)
    root = tmp_path / "cache"
    with pytest.raises(SandboxError, match=r"pyodide\.asm\.mjs of npm:pyodide@.* expected"):
        install_pyodide(find_deno(None), root=root, progress=None)
    assert find_pyodide(root) is None
    assert [p.name for p in root.iterdir()] == []  # the scratch directory is gone too


def test_python_cannot_read_the_runtime_or_anything_else(pyodide_runtime: PyodideRuntime) -> None:
    runtime = str(pyodide_runtime.directory)
    prelude = f"import js\nfrom pyodide.code import run_js\nRUNTIME = {runtime!r}\n"
    probes = {
        "deno_read_runtime": "js.Deno.readTextFileSync(RUNTIME + '/pyodide.mjs')[:20]",
        "deno_read_snapshot": "js.Deno.readFileSync(RUNTIME + '/snapshot.bin').length",
        "deno_read_etc": "js.Deno.readTextFileSync('/etc/hostname')",
        "deno_read_dir": "[entry.name for entry in js.Deno.readDirSync(RUNTIME)]",
        "node_fs": "(await run_js('import(\"node:fs\")')).readFileSync(RUNTIME + '/pyodide.mjs')",
        "fetch_file": "await js.fetch('file://' + RUNTIME + '/pyodide.mjs')",
        "import_file": "await run_js('import(\"file://' + RUNTIME + '/pyodide.mjs?again\")')",
    }
    asks = {
        "request_read": (
            "from pyodide.ffi import to_js\n"
            "ask = to_js({'name': 'read'}, dict_converter=js.Object.fromEntries)\n"
            "js.Deno.permissions.requestSync(ask).state"
        ),
        "query_read": (
            "from pyodide.ffi import to_js\n"
            "js.Deno.permissions.querySync(to_js({'name': 'read', 'path': RUNTIME},"
            " dict_converter=js.Object.fromEntries)).state"
        ),
        "python_open": "open(RUNTIME + '/pyodide.mjs').read(10)",
        "python_listdir": "import os\nsorted(os.listdir('/'))",
    }
    report = _probe(pyodide_runtime, {name: prelude + code for name, code in {**probes, **asks}.items()})
    for name in probes:
        outcome = report[name]
        assert outcome["ok"] is False, (name, outcome)
        # Deno's words for a missing permission (NotCapable; a module import says TypeError).
        assert "Requires read access" in str(outcome["error"]), (name, outcome)
    assert report["request_read"] == {"ok": True, "value": "denied"}
    assert report["query_read"]["value"] in ("prompt", "denied")
    # Python's own file API sees Pyodide's in-memory file system, which holds no host file.
    assert report["python_open"]["ok"] is False
    assert "FileNotFoundError" in str(report["python_open"]["error"])
    listing = str(report["python_listdir"]["value"])
    assert "'home'" in listing and "'etc'" not in listing and "'root'" not in listing


def test_cli_status_verifies_the_installed_runtime(
    pyodide_runtime: PyodideRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    from codemode.cli import main

    assert main(["pyodide", "status", "--verify"]) == 0
    assert f"Pyodide {PYODIDE_VERSION}: installed in {pyodide_runtime.directory}" in capsys.readouterr().out
