"""Infrastructure failures raise, with a message naming the setting and the fix."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sandbox import (
    DenoExecutor,
    DenoNotFoundError,
    DenoVersionError,
    Limits,
    SandboxSettings,
    SettingsError,
)

pytestmark = pytest.mark.anyio


async def test_missing_deno_binary(tmp_path: Path) -> None:
    with pytest.raises(DenoNotFoundError, match=r"SandboxSettings\.deno_path"):
        async with DenoExecutor(SandboxSettings(deno_path=tmp_path / "no-deno")):
            pass


async def test_old_deno_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "deno"
    fake.write_text("#!/bin/sh\necho 'deno 1.46.3 (stable, release, x86_64-unknown-linux-gnu)'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(DenoVersionError, match=r"Deno 1\.46\.3 .* older than 2\.9\.8"):
        async with DenoExecutor(SandboxSettings(deno_path=fake)):
            pass


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        pytest.param({"wall_s": 0}, "Limits.wall_s", id="zero-wall"),
        pytest.param({"memory_mib": 8}, "Limits.memory_mib", id="tiny-memory"),
        pytest.param({"tool_calls": -1}, "Limits.tool_calls", id="negative-calls"),
        pytest.param({"cpu_s": True}, "Limits.cpu_s", id="bool"),
    ],
)
def test_bad_limits(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment):
        Limits(**kwargs)  # type: ignore[arg-type]


def test_bad_settings() -> None:
    with pytest.raises(SettingsError, match="pool_size"):
        SandboxSettings(pool_size=-1)


def test_defaults_are_the_safe_ones() -> None:
    limits = Limits()
    assert (limits.wall_s, limits.cpu_s, limits.memory_mib) == (30, 10, 256)
    assert (limits.result_bytes, limits.tool_calls) == (1 << 20, 1000)
    assert SandboxSettings().outbound is None, "network is off by default"


async def test_bad_tool_names_are_refused(executor: DenoExecutor) -> None:
    with pytest.raises(SettingsError, match="not a JavaScript identifier"):
        await executor.run("1", tools={"my-ns": ["x"]})


async def test_namespaces_may_not_hide_builtins(executor: DenoExecutor) -> None:
    with pytest.raises(SettingsError, match="would hide the built-in console"):
        await executor.run("1", tools={"console": ["log"]})
