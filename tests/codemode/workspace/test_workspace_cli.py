"""`codemode workspace` and `codemode bench workspace` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codemode.cli import main
from codemode.sources.workspace import SqliteStore, check_path, default_directory


def _codemode(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "codemode", *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_a_round_trip_through_the_default_directory(tmp_path: Path) -> None:
    data_home = tmp_path / "data-home"
    env = {"XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path / "home")}
    put = _codemode("workspace", "put", "-", "/reports/q3.md", env=env, stdin=b"# Q3\n")
    assert put.returncode == 0, put.stderr
    listed = _codemode("workspace", "ls", "/reports", env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.decode().split()[0:2] == ["file", "5"]
    assert listed.stdout.decode().rstrip().endswith("q3.md")
    assert _codemode("workspace", "cat", "/reports/q3.md", env=env).stdout == b"# Q3\n"
    assert (data_home / "codemode" / "workspace" / "workspace.db").is_file()
    missing = _codemode("workspace", "cat", "/reports/q4.md", env=env)
    assert missing.returncode == 1
    assert missing.stderr.decode().strip() == "codemode workspace: ENOENT: /reports/q4.md does not exist"


def test_default_directory_follows_the_platform_rules(tmp_path: Path) -> None:
    home = {"HOME": "/home/u"}
    assert default_directory(home, "linux") == Path("/home/u/.local/share/codemode/workspace")
    assert default_directory({**home, "XDG_DATA_HOME": "/data"}, "linux") == Path("/data/codemode/workspace")
    assert default_directory({**home, "XDG_DATA_HOME": "relative"}, "linux") == Path(
        "/home/u/.local/share/codemode/workspace"
    )
    assert default_directory(home, "darwin") == Path("/home/u/Library/Application Support/codemode/workspace")
    assert default_directory({"LOCALAPPDATA": "C:/L"}, "win32") == Path("C:/L/codemode/workspace")
    # The test environment points the real one into tmp_path (conftest): tests never touch the user's.
    assert str(default_directory()).startswith(str(tmp_path))


def test_put_get_ls_rm_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(tmp_path / "ws")
    local = tmp_path / "local"
    (local / "sub").mkdir(parents=True)
    (local / "a.txt").write_bytes(b"alpha")
    (local / "sub" / "b.bin").write_bytes(bytes(range(256)))
    (local / "link").symlink_to(tmp_path / "ws-outside-secret")
    (tmp_path / "ws-outside-secret").write_text("never imported")

    assert main(["workspace", "--workspace", ws, "import", str(local), "/in"]) == 0
    assert "skipped link: not a regular file" in capsys.readouterr().err
    assert main(["workspace", "--workspace", ws, "put", str(local / "a.txt"), "/top.txt"]) == 0
    assert main(["workspace", "--workspace", ws, "ls"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == ["dir", "file"]
    assert out[0].endswith(" in/") and out[1].endswith(" top.txt")
    got = tmp_path / "got.bin"
    assert main(["workspace", "--workspace", ws, "get", "/in/sub/b.bin", str(got)]) == 0
    assert got.read_bytes() == bytes(range(256))

    exported = tmp_path / "exported"
    assert main(["workspace", "--workspace", ws, "export", str(exported)]) == 0
    assert sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*")) == [
        "in", "in/a.txt", "in/sub", "in/sub/b.bin", "top.txt",
    ]  # fmt: skip
    assert (exported / "in" / "sub" / "b.bin").read_bytes() == bytes(range(256))
    with pytest.raises(SystemExit) as refused:
        main(["workspace", "--workspace", ws, "export", str(exported)])
    assert refused.value.code == 2
    assert "must be a new or empty directory" in capsys.readouterr().err

    assert main(["workspace", "--workspace", ws, "rm", "/in"]) == 1
    assert "ENOTEMPTY: /in is not empty" in capsys.readouterr().err
    assert main(["workspace", "--workspace", ws, "rm", "-r", "/in"]) == 0
    store = SqliteStore(ws)
    assert [entry.path for entry in store.walk(check_path("/"))] == ["/top.txt"]
    store.close()


def test_import_refuses_names_the_workspace_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "ok.txt").write_text("ok")
    (local / "back\\slash.txt").write_text("refused")
    assert main(["workspace", "--workspace", str(tmp_path / "ws"), "import", str(local)]) == 1
    err = capsys.readouterr().err
    assert "refused back\\slash.txt: EINVAL: /back\\slash.txt contains a backslash" in err
    assert "imported 1 file(s) into /" in err


def test_bench_workspace_quick_prints_the_four_figures() -> None:
    done = _codemode("bench", "workspace", "--quick", "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert set(figures) == {"writes_per_s", "read_1mib_ms", "glob_10k_ms", "search_10mib_ms"}
    assert all(value > 0 for value in figures.values())
