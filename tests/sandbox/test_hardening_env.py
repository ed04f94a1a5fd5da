"""No environment: the guest sees no variable of the host, by any route, and the child started clean."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_helpers import process_cwd_entries, process_environment, run, sandbox_pids

from sandbox import DenoExecutor

pytestmark = pytest.mark.anyio

PROBE_LIB = (Path(__file__).parent / "probes.js").read_text()

ATTACKS = r"""
await probe("denoEnvGet", () => Deno.env.get("CODEMODE_TEST_SECRET"));
await probe("denoEnvToObject", () => JSON.stringify(Deno.env.toObject()));
await probe("processEnv", async () => JSON.stringify((await import("node:process")).default.env));
await probe("processEnvKey", async () => (await import("node:process")).default.env.CODEMODE_TEST_SECRET);
await probe("procSelfEnviron", () => Deno.readTextFile("/proc/self/environ"));
await probe("loadEnvFile", async () => (await import("node:process")).default.loadEnvFile("/tmp/x.env"));
await probe("hostname", () => Deno.hostname());
await probe("homedir", async () => (await import("node:os")).homedir());
return report;
"""


@pytest.fixture
def host_secret() -> Iterator[str]:
    os.environ["CODEMODE_TEST_SECRET"] = "HOST-ENV-SECRET"
    os.environ["DENO_DIR_TEST_OVERRIDE"] = "1"
    yield "HOST-ENV-SECRET"
    del os.environ["CODEMODE_TEST_SECRET"]
    del os.environ["DENO_DIR_TEST_OVERRIDE"]


async def test_guest_cannot_read_the_environment(executor: DenoExecutor, host_secret: str) -> None:
    result = await run(executor, PROBE_LIB + ATTACKS)
    assert result.ok, result.error
    report = result.value
    assert host_secret not in json.dumps(report)
    for name, outcome in report.items():
        assert outcome["ok"] is False, f"{name} was not blocked: {outcome}"
    for name in ("denoEnvGet", "denoEnvToObject", "processEnvKey"):
        assert report[name]["notCapable"] is True, report[name]
        assert "env access" in report[name]["message"]
    assert "read access" in report["procSelfEnviron"]["message"]
    assert report["loadEnvFile"]["notCapable"] is True
    assert "sys access" in report["hostname"]["message"]


async def test_the_live_child_has_a_clean_environment_and_an_empty_cwd(
    executor: DenoExecutor, host_secret: str
) -> None:
    seen: list[tuple[dict[str, str], list[str]]] = []

    async def inspect_child(ns: str, tool: str, args: object) -> str:
        for pid in sandbox_pids(children_only=True):  # not another test session's sandbox
            seen.append((process_environment(pid), process_cwd_entries(pid)))
        return "ok"

    result = await run(executor, "return await inspect()", globals=["inspect"], callback=inspect_child)
    assert result.ok, result.error
    assert seen, "found the running sandbox process"
    for env, cwd_entries in seen:
        assert set(env) == {"DENO_DIR", "HOME", "NO_COLOR", "DENO_NO_UPDATE_CHECK", "DENO_NO_PROMPT"}
        assert host_secret not in env.values()
        assert cwd_entries == []


def test_the_child_starts_with_a_clean_environment(tmp_path: Path) -> None:
    from sandbox.command import deno_command, deno_environment

    env = deno_environment(tmp_path)
    assert set(env) == {"DENO_DIR", "HOME", "NO_COLOR", "DENO_NO_UPDATE_CHECK", "DENO_NO_PROMPT"}
    assert env["DENO_DIR"] == str(tmp_path / "deno")
    cmd = deno_command(Path("/bin/deno"), heap_mib=64)
    assert "--no-config" in cmd
    assert "--no-remote" in cmd and "--no-npm" in cmd and "--cached-only" in cmd
    assert not [flag for flag in cmd if flag.startswith("--allow")]
    assert cmd[-1].endswith("harness.js"), "the trusted harness is the entry module, never guest code"
