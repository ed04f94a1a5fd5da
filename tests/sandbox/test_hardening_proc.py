# ruff: noqa: E501  (guest JavaScript probes stay one probe per line)
"""No subprocess, no FFI, no system information, no permission escalation, nothing persists."""

from __future__ import annotations

from pathlib import Path

import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor

pytestmark = pytest.mark.anyio

PROBE_LIB = (Path(__file__).parent / "probes.js").read_text()

ATTACKS = r"""
await probe("denoCommand", () => new Deno.Command("/bin/sh", {args: ["-c", "echo pwned"]}).output());
await probe("childProcess", async () => (await import("node:child_process")).execSync("echo pwned").toString());
await probe("spawnSync", async () => String((await import("node:child_process")).spawnSync("/bin/sh").error));
await probe("ffi", () => Deno.dlopen("libc.so.6", {getpid: {parameters: [], result: "i32"}}));
await probe("osRelease", () => Deno.osRelease());
await probe("loadavg", () => Deno.loadavg());
await probe("networkInterfaces", () => JSON.stringify(Deno.networkInterfaces()));
await probe("systemMemoryInfo", () => JSON.stringify(Deno.systemMemoryInfo()));
await probe("uid", () => Deno.uid());
await probe("nodeOsCpus", async () => JSON.stringify((await import("node:os")).cpus()));
await probe("requestRead", async () => { const s = await Deno.permissions.request({name: "read"}); if (s.state !== "granted") throw new Error("state " + s.state); return s.state; });
await probe("requestNet", async () => { const s = await Deno.permissions.request({name: "net"}); if (s.state !== "granted") throw new Error("state " + s.state); return s.state; });
await probe("workerWithPermissions", () => new Promise((resolve, reject) => {
  const w = new Worker("data:application/javascript,postMessage(Deno.readTextFileSync('/etc/hostname'))",
                       {type: "module", deno: {permissions: {read: true}}});
  w.onmessage = (e) => { w.terminate(); resolve(e.data); };
  w.onerror = (e) => { e.preventDefault(); w.terminate(); reject(new Error(e.message)); };
}));
await probe("workerReads", () => new Promise((resolve, reject) => {
  const w = new Worker("data:application/javascript,postMessage(Deno.readTextFileSync('/etc/hostname'))", {type: "module"});
  w.onmessage = (e) => { w.terminate(); resolve(e.data); };
  w.onerror = (e) => { e.preventDefault(); w.terminate(); reject(new Error(e.message)); };
}));
return report;
"""


async def test_guest_cannot_start_processes_or_escalate(executor: DenoExecutor) -> None:
    result = await run(executor, PROBE_LIB + ATTACKS)
    assert result.ok, result.error
    report = result.value
    for name, outcome in report.items():
        assert outcome["ok"] is False, f"{name} was not blocked: {outcome}"
    assert "run access" in report["denoCommand"]["message"], report["denoCommand"]
    # node:child_process asks for the environment first; either denial stops it.
    assert report["childProcess"]["notCapable"] is True, report["childProcess"]
    assert "ffi access" in report["ffi"]["message"]
    for name in ("osRelease", "loadavg", "networkInterfaces", "systemMemoryInfo", "uid", "nodeOsCpus"):
        assert "sys access" in report[name]["message"], (name, report[name])
    for name in ("requestRead", "requestNet"):
        assert report[name]["message"] in ("state denied", "state prompt"), report[name]
    for name in ("workerWithPermissions", "workerReads"):
        assert "Workers are not available" in report[name]["message"], report[name]


async def test_a_native_worker_fails_closed(executor: DenoExecutor) -> None:
    """node:worker_threads reaches the native Worker: the process dies on the memory limit, nothing leaks."""
    code = """
    const { Worker } = await import("node:worker_threads");
    const w = new Worker("require('fs').readFileSync('/etc/hostname')", { eval: true });
    return await new Promise((resolve) => w.on("error", (e) => resolve("error: " + e.message)));
    """
    result = await run(executor, code)
    assert not result.ok, result.value
    assert result.error is not None
    assert result.error.limit == "memory_mib", result.error
    assert "memory limit of" in result.error.message


PERSIST_WRITE = r"""
const out = {};
try { localStorage.setItem("k", "v"); out.localStorage = "written"; } catch (e) { out.localStorage = String(e); }
try { const c = await caches.open("c"); await c.put("http://x/", new Response("v")); out.caches = "written"; }
catch (e) { out.caches = e.name; }
try { await Deno.openKv(); out.kv = "opened"; } catch (e) { out.kv = e.name; }
globalThis.leftover = "v";
return out;
"""

PERSIST_READ = r"""
return {
  localStorage: typeof localStorage === "undefined" ? "absent" : localStorage.getItem("k"),
  caches: typeof caches === "undefined" ? "absent" : await (await caches.open("c")).match("http://x/")?.text?.(),
  global: globalThis.leftover ?? "absent",
};
"""


async def test_nothing_persists_between_runs(executor: DenoExecutor) -> None:
    first = await run(executor, PERSIST_WRITE)
    assert first.ok, first.error
    assert first.value["localStorage"].startswith("ReferenceError"), first.value
    assert first.value["caches"] == "ReferenceError"
    assert first.value["kv"] == "TypeError", "Deno.openKv needs --unstable-kv, which is never passed"
    second = await run(executor, PERSIST_READ)
    assert second.ok, second.error
    assert second.value == {"localStorage": "absent", "caches": "absent", "global": "absent"}


async def test_runtime_v8_flags_are_frozen(executor: DenoExecutor) -> None:
    """node:v8's setFlagsFromString is reachable, but V8 freezes its flags after start-up."""
    code = """
    const v8 = await import("node:v8");
    v8.setFlagsFromString("--allow-natives-syntax");
    try { new Function("return %IsBeingInterpreted()"); return "natives enabled"; }
    catch (e) { return e.name; }
    """
    result = await run(executor, code)
    assert result.value == "SyntaxError"
