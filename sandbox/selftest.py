"""A short hardening self-test: what this machine can enforce, and a few attacks that must fail.

Used by `codemode doctor`. Each check is a name, a pass/fail and a one-line detail.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .deno import MIN_DENO_VERSION, deno_version, find_deno
from .errors import SandboxError
from .executor import DenoExecutor
from .limits import Limits
from .pyodide_runtime import PYODIDE_VERSION, find_pyodide, verify_pyodide
from .settings import SandboxSettings

__all__ = ["Check", "enforceable_limits", "self_test"]


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    """What was checked."""
    ok: bool
    """Whether it passed."""
    detail: str
    """What was found."""


def enforceable_limits() -> list[Check]:
    """Which limit mechanisms this machine offers."""
    checks = []
    for name in ("RLIMIT_DATA", "RLIMIT_CPU"):
        soft, hard = resource.getrlimit(getattr(resource, name))
        lowerable = hard == resource.RLIM_INFINITY or hard > 1 << 20
        checks.append(Check(f"{name} (prlimit)", lowerable, f"soft={_fmt(soft)} hard={_fmt(hard)}"))
    checks.append(Check("process groups (setsid + killpg)", True, "wall-clock limit kills the whole group"))
    proc = Path("/proc/self/stat").exists()
    checks.append(Check("/proc accounting", proc, "CPU and peak memory per run" if proc else "no /proc"))
    cgroup = Path("/sys/fs/cgroup/cgroup.controllers")
    detail = (
        f"cgroup v2 available ({cgroup.read_text().strip()}); not needed, rlimits bound each process"
        if cgroup.exists()
        else "no cgroup v2; not needed, rlimits bound each process"
    )
    checks.append(Check("cgroups", True, detail))
    return checks


_PROBES = r"""
const out = {};
async function probe(name, fn) {
  try { await fn(); out[name] = "NOT BLOCKED"; }
  catch (e) { out[name] = `${e?.name}: ${String(e?.message).split("\n")[0].slice(0, 80)}`; }
}
await probe("read /etc/passwd", () => Deno.readTextFile("/etc/passwd"));
await probe("write a file", () => Deno.writeTextFile("codemode-doctor.txt", "x"));
await probe("environment", () => Deno.env.toObject());
await probe("network", () => fetch("http://127.0.0.1:8080/"));
await probe("subprocess", () => new Deno.Command("/bin/true").output());
await probe("ffi", () => Deno.dlopen("libc.so.6", {}));
await probe("system information", () => Deno.osRelease());
await probe("remote import", () => import("https://example.com/x.js"));
return out;
"""


async def self_test(settings: SandboxSettings | None = None) -> list[Check]:
    """The Deno binary, its version, and a few attacks and limits that must be stopped."""
    settings = settings or SandboxSettings(pool_size=0)
    checks: list[Check] = []
    try:
        deno = find_deno(settings.deno_path)
        version = deno_version(deno)
    except SandboxError as exc:
        return [Check("Deno binary", False, str(exc))]
    need = ".".join(map(str, MIN_DENO_VERSION))
    checks.append(Check("Deno binary", True, f"{deno} ({'.'.join(map(str, version))}, need >= {need})"))
    checks += enforceable_limits()
    async with DenoExecutor(settings) as executor:
        result = await executor.run(_PROBES, limits=Limits(wall_s=20))
        if not result.ok or not isinstance(result.value, dict):
            checks.append(Check("attack probes", False, f"probe run failed: {result.error}"))
        else:
            for name, outcome in result.value.items():
                checks.append(Check(f"blocks {name}", outcome != "NOT BLOCKED", str(outcome)))
        for name, code, limits, expected in _LIMIT_PROBES:
            result = await executor.run(code, limits=limits)
            got = result.error.limit if result.error else None
            detail = result.error.message if result.error else f"not stopped: {result.value!r}"
            checks.append(Check(f"enforces {name}", got == expected, detail))
        checks += await _python_checks(executor, settings)
    return checks


_PYTHON_PROBES = r"""
import js
out = {}
for name, attempt in [
    ("read /etc/passwd", lambda: js.Deno.readTextFileSync("/etc/passwd")),
    ("read the Pyodide runtime", lambda: js.Deno.readFileSync(RUNTIME + "/snapshot.bin")),
    ("subprocess", lambda: __import__("subprocess").run(["/bin/true"])),
]:
    try:
        attempt()
        out[name] = "NOT BLOCKED"
    except Exception as e:
        out[name] = f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"
out
"""


async def _python_checks(executor: DenoExecutor, settings: SandboxSettings) -> list[Check]:
    """The Pyodide runtime (optional: only Python programs need it) and, when installed, the same
    attacks written in Python."""
    runtime = find_pyodide(settings.pyodide_cache)
    if runtime is None:
        return [Check("Pyodide runtime (Python programs)", True, "not installed; `codemode pyodide install`")]
    problems = verify_pyodide(runtime)
    checks = [
        Check(
            "Pyodide runtime (Python programs)",
            not problems,
            "; ".join(problems) or f"{PYODIDE_VERSION} in {runtime.directory}",
        )
    ]
    code = f"RUNTIME = {str(runtime.directory)!r}\n{_PYTHON_PROBES}"
    result = await executor.run(code, language="python", limits=Limits(wall_s=60))
    if not result.ok or not isinstance(result.value, dict):
        return [*checks, Check("Python attack probes", False, f"probe run failed: {result.error}")]
    for name, outcome in result.value.items():
        checks.append(Check(f"Python blocks {name}", outcome != "NOT BLOCKED", str(outcome)))
    return checks


_LIMIT_PROBES: list[tuple[str, str, Limits, Any]] = [
    ("wall-clock limit", "while (true) {}", Limits(wall_s=1, cpu_s=5), "wall_s"),
    ("CPU limit", "while (true) {}", Limits(wall_s=10, cpu_s=1), "cpu_s"),
    (
        "memory limit (ArrayBuffers)",
        "const a = []; while (true) a.push(new Uint8Array(8 << 20).fill(1))",
        Limits(memory_mib=64),
        "memory_mib",
    ),
]


def _fmt(value: int) -> str:
    return "unlimited" if value == resource.RLIM_INFINITY else str(value)
