"""The reserved global names are one list, on the host; the harness gets it from there."""

from __future__ import annotations

import pytest
from sandbox_helpers import echo

from sandbox import RESERVED_GLOBALS, DenoExecutor, Limits, SettingsError
from sandbox.command import HARNESS_PATH
from sandbox.process import SandboxProcess
from sandbox.request import RunRequest
from sandbox.run import SandboxRun
from sandbox.source import candidates

pytestmark = pytest.mark.anyio


def test_one_list() -> None:
    assert isinstance(RESERVED_GLOBALS, frozenset)
    assert {
        "console",
        "Deno",
        "globalThis",
        "JSON",
        "Promise",
        "Object",
        "Error",
        "fetch",
    } <= RESERVED_GLOBALS
    assert '"globalThis", "JSON"' not in HARNESS_PATH.read_text()  # no second copy in the harness


@pytest.mark.parametrize("name", sorted(RESERVED_GLOBALS))
async def test_the_executor_refuses_reserved_names(executor: DenoExecutor, name: str) -> None:
    with pytest.raises(SettingsError, match="would hide the built-in"):
        await executor.run("return 1", tools={name: ["f"]})
    with pytest.raises(SettingsError, match="would hide the built-in"):
        await executor.run("return 1", globals=[name])


async def test_global_functions_are_not_reserved_but_a_namespace_may_not_hide_one(
    executor: DenoExecutor,
) -> None:
    # codemode's discovery functions are the caller's globals, so the sandbox must install them.
    result = await executor.run("return typeof search", globals=["search", "describe"], callback=echo)
    assert result.value == "function", result.error
    with pytest.raises(SettingsError, match="would hide the global function search"):
        await executor.run("return 1", tools={"search": ["f"]}, globals=["search"])


async def test_the_harness_never_installs_over_the_hosts_list(executor: DenoExecutor) -> None:
    # Past the executor's check (a RunRequest made by hand), the harness still leaves JSON alone.
    assert executor.deno is not None
    proc = await SandboxProcess.start(executor.deno, heap_mib=64, frame_bytes=1 << 20, fetch=False)
    try:
        request = RunRequest(
            candidates("return typeof JSON.parse"), {"JSON": ["f"]}, ("console",), Limits(), echo
        )
        result = await SandboxRun(proc, request).execute()
    finally:
        await proc.aclose()
    assert result.value == "function", result.error
