"""Fetching the pinned compiler once into the user's cache, with its integrity checked, then offline."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codemode.typecheck import (
    TYPESCRIPT_VERSION,
    CheckerUnavailableError,
    cache_dir,
    installed_binary,
    provision,
)
from codemode.typecheck.provision import checker_binary, platform_package


def test_the_cache_is_codemode_then_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CODEMODE_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("CODEMODE_CACHE_DIR")
    assert cache_dir() == tmp_path / "xdg" / "codemode"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "codemode"


def test_looking_never_fetches(tmp_path: Path) -> None:
    assert installed_binary(tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_fetched_once_then_used_offline(tmp_path: Path) -> None:
    binary = checker_binary(tmp_path)
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"Version {TYPESCRIPT_VERSION}"
    assert installed_binary(tmp_path) == binary
    # A second call must not need Deno (or the network): give it a Deno that does not exist.
    assert checker_binary(tmp_path, deno=tmp_path / "no-such-deno") == binary
    assert [p.name for p in tmp_path.iterdir()] == [binary.parents[4].name]  # no staging left behind


def test_a_tarball_with_another_hash_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key, _ = platform_package()
    wrong = "sha512-" + "A" * 86 + "=="
    monkeypatch.setitem(provision._INTEGRITY, key, wrong)
    with pytest.raises(CheckerUnavailableError, match="checksum did not match"):
        checker_binary(tmp_path)
    assert installed_binary(tmp_path) is None
    assert list(tmp_path.iterdir()) == []  # the staging directory is gone


def test_an_unpinned_platform_is_named_with_the_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provision.platform, "machine", lambda: "sparc64")
    with pytest.raises(CheckerUnavailableError, match='"typecheck": false'):
        platform_package()
