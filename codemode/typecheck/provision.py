"""The pinned TypeScript compiler: where it lives, and fetching it once.

The checker is TypeScript 7, the native (Go) compiler, published on npm as one package per platform
(`@typescript/typescript-<os>-<cpu>`, the binary at `lib/tsc`). We fetch exactly one pinned version
into the user's cache with the Deno binary we already ship (the `deno` wheel), so a machine with only
Python needs nothing else, and no registry host is named here: Deno uses its default npm registry, or
the one the environment configures (`NPM_CONFIG_REGISTRY`).

Integrity: we write the lock file ourselves with the package's pinned sha512 and install with
`--frozen`, so Deno refuses a tarball whose hash differs. The install goes to a staging directory
that is renamed into place only when complete, so a crash or a concurrent install never leaves a
half-written compiler behind. After that first fetch everything works offline.

Layout: `<cache>/typescript-<version>-<platform>/node_modules/@typescript/typescript-<platform>/lib/tsc`,
where `<cache>` is `$CODEMODE_CACHE_DIR`, else `$XDG_CACHE_HOME/codemode`, else `~/.cache/codemode`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sandbox.deno import find_deno

from .errors import CheckerUnavailableError

__all__ = ["TYPESCRIPT_VERSION", "cache_dir", "checker_binary", "installed_binary", "platform_package"]

TYPESCRIPT_VERSION = "7.0.2"
"""The compiler version every measurement in docs/typecheck.md was taken with."""

_INTEGRITY: dict[str, str] = {
    "linux-x64": "sha512-EYdf2cNg7rgCWJnxCdJ+F3V39O8ihb37eHAu1LK8"
    "oAFizgTQbPOK7zHHXbPt8rX24COqODXeI3sIf0fCXG7H/A==",
    "linux-arm64": "sha512-Qh4eU4/y3yDjnfjjyPYihMj5/ODIlmt+Bzu17OI+"
    "fiSRDW57QmU5SiN63exPRNJPKUzcc1INa1NXdrJ+MqHjUQ==",
    "darwin-x64": "sha512-SZ9xZInqApNlNGc9s0W1VSsktYSOe9cFqNOIqmN1"
    "Gs8SmkjKZYFt017G4VwPxASInODuAdbTW7sXiFUf893RgA==",
    "darwin-arm64": "sha512-gowzar9MwS/aRWp6f3a4KUqzRjAZjOsmGNCM6LcT"
    "gXum+dBfgsBVMN+AgvOCCbguXyick6LJhpBszxMebJ8syA==",
    "win32-x64": "sha512-0BQ3HkAHHlKLSp1qRvf3SUhGpGsDuhB/jgFw75gu"
    "yqbxJqEaS0Cw/VFO8i2nHglJUzQCRtMMR/IBAKE3ETMC4g==",
}
"""The npm integrity of `@typescript/typescript-<platform>@TYPESCRIPT_VERSION`, per platform we pin."""

_OS = {"linux": "linux", "darwin": "darwin", "win32": "win32"}
_CPU = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
_COMPLETE = ".complete"
_INSTALL_TIMEOUT_S = 300


def platform_package() -> tuple[str, str]:
    """(platform, npm package name) for this machine; raises when we pin no compiler for it."""
    key = f"{_OS.get(sys.platform, sys.platform)}-{_CPU.get(platform.machine().lower(), platform.machine())}"
    if key not in _INTEGRITY:
        raise CheckerUnavailableError(
            f"no pinned TypeScript compiler for platform {key} (pinned: {', '.join(sorted(_INTEGRITY))}); "
            'turn the check off with "typecheck": false in the codemode config section'
        )
    return key, f"@typescript/typescript-{key}"


def cache_dir() -> Path:
    """Where codemode keeps what it fetches once: `$CODEMODE_CACHE_DIR`, XDG, or `~/.cache/codemode`."""
    if explicit := os.environ.get("CODEMODE_CACHE_DIR"):
        return Path(explicit)
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "codemode"
    return Path.home() / ".cache" / "codemode"


def installed_binary(cache: Path | None = None) -> Path | None:
    """The compiler binary if a complete install is in the cache, else None (never fetches)."""
    key, package = platform_package()
    root = (cache or cache_dir()) / f"typescript-{TYPESCRIPT_VERSION}-{key}"
    binary = _binary_in(root, package)
    if (root / _COMPLETE).is_file() and binary.is_file():
        return binary
    return None


def checker_binary(cache: Path | None = None, *, deno: Path | None = None) -> Path:
    """The compiler binary, fetched into the cache first if it is not there (blocking: call at start-up).

    Raises CheckerUnavailableError with the reason (offline on first use, integrity mismatch, ...).
    """
    found = installed_binary(cache)
    if found is not None:
        return found
    key, package = platform_package()
    cache = cache or cache_dir()
    root = cache / f"typescript-{TYPESCRIPT_VERSION}-{key}"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".typescript-{key}-", dir=cache))
    except OSError as exc:
        raise CheckerUnavailableError(f"cannot write the cache directory {cache}: {exc}") from exc
    try:
        _install(staging, package, _INTEGRITY[key], find_deno(deno))
        (staging / _COMPLETE).write_text(f"{package}@{TYPESCRIPT_VERSION}\n", encoding="utf-8")
        try:
            staging.rename(root)
        except OSError:
            if installed_binary(cache) is None:  # not a concurrent install that won the race
                raise
    except OSError as exc:
        raise CheckerUnavailableError(f"cannot install the TypeScript compiler into {root}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    binary = installed_binary(cache)
    if binary is None:
        raise CheckerUnavailableError(f"the TypeScript compiler install in {root} has no binary")
    return binary


def _binary_in(root: Path, package: str) -> Path:
    name = "tsc.exe" if sys.platform == "win32" else "tsc"
    return root / "node_modules" / package / "lib" / name


def _install(staging: Path, package: str, integrity: str, deno: Path) -> None:
    """`deno install --frozen` of exactly `package@TYPESCRIPT_VERSION` with its pinned integrity."""
    spec = f"npm:{package}@{TYPESCRIPT_VERSION}"
    (staging / "package.json").write_text(
        json.dumps({"private": True, "dependencies": {package: TYPESCRIPT_VERSION}}), encoding="utf-8"
    )
    lock = {
        "version": "5",
        "specifiers": {spec: TYPESCRIPT_VERSION},
        "npm": {f"{package}@{TYPESCRIPT_VERSION}": {"integrity": integrity}},
        "workspace": {"packageJson": {"dependencies": [spec]}},
    }
    (staging / "deno.lock").write_text(json.dumps(lock, indent=2), encoding="utf-8")
    env = {
        **os.environ,
        "DENO_DIR": str(staging / ".deno"),
        "DENO_NO_UPDATE_CHECK": "1",
        "NO_COLOR": "1",
    }
    try:
        proc = subprocess.run(
            [str(deno), "install", "--frozen", "--quiet"],
            cwd=staging,
            env=env,
            capture_output=True,
            text=True,
            timeout=_INSTALL_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CheckerUnavailableError(f"fetching {package}@{TYPESCRIPT_VERSION} failed: {exc}") from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise CheckerUnavailableError(
            f"fetching {package}@{TYPESCRIPT_VERSION} failed (the first use needs the npm registry; "
            f"afterwards it works offline): {' '.join(detail[:6])[:600]}"
        )
    shutil.rmtree(staging / ".deno", ignore_errors=True)
