"""The Deno command line and environment of a sandbox process, as data (one pure function each)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["HARNESS_PATH", "deno_command", "deno_environment"]

HARNESS_PATH = Path(__file__).parent / "harness" / "harness.js"
"""The trusted entry module; guest code is imported by it, never run as the entry module."""


def deno_command(deno: Path, *, heap_mib: int, harness: Path = HARNESS_PATH) -> list[str]:
    """`deno run` with no permissions, nothing remote, no config discovery, no prompts.

    No `--allow-*` flag is ever passed: every permission is denied, and `--deny-*` makes that explicit
    so a later default change in Deno cannot widen it. `--unstable-worker-options` lets a Worker that
    asks for permissions fail with a catchable NotCapable instead of killing the process.
    """
    return [
        str(deno),
        "run",
        "--no-remote",
        "--no-npm",
        "--cached-only",
        "--no-config",
        "--no-lock",
        "--no-prompt",
        "--no-check",
        "--no-code-cache",
        "--deny-read",
        "--deny-write",
        "--deny-net",
        "--deny-env",
        "--deny-sys",
        "--deny-run",
        "--deny-ffi",
        "--unstable-worker-options",
        f"--v8-flags=--max-old-space-size={heap_mib}",
        str(harness),
    ]


def deno_environment(scratch: Path) -> dict[str, str]:
    """A clean environment: nothing of the host's, no DENO_* overrides but a private `DENO_DIR`.

    `DENO_DIR` is an empty *file* in the process's own scratch directory (the caller creates it), so
    Deno cannot make its cache directory there and keeps its caches (module analysis, transpiled
    modules) in memory: a run writes nothing at all, and start-up is cheaper than with an empty
    directory (measured: ~8 ms less CPU per process; no SQLite databases created). The emit cache is
    off as well (`DENO_EMIT_CACHE_MODE=disable`): with it on and no usable `DENO_DIR`, the first
    TypeScript module import costs ~150 ms (it tries to write `gen/`); with it off, ~0.5 ms. Nothing the
    guest does could write there anyway (`--deny-write`, no `--unstable-kv`, `--no-code-cache`; the
    harness removes `localStorage` and `caches`), and one-shot processes serve one run each.
    """
    return {
        "DENO_DIR": str(scratch / "deno"),
        "HOME": str(scratch / "cwd"),
        "NO_COLOR": "1",
        "DENO_NO_UPDATE_CHECK": "1",
        "DENO_NO_PROMPT": "1",
        "DENO_EMIT_CACHE_MODE": "disable",
    }
