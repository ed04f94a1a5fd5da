"""The hostile soak: 1,000 `code` calls through one `codemode serve --transport http` (issue 18).

    uv run python -m codemode.bench.soak [--runs 1000] [--json PATH]

Starts the server as a subprocess on a free port with a small config (short limits, a `soak`
namespace of two tools) and drives it with the real MCP client, one session, calls in sequence.
The calls cycle through correct programs (JavaScript, typed TypeScript, tool calls, a lone
surrogate) and hostile ones (busy loops, memory bombs, log, stdout and call floods, forged frames,
an exit in the middle of a call). Reported: the server's RSS at the start, every 100 calls and at
the end, its open fds, leftover sandbox processes and scratch directories after it stopped, and
every answer that was not the expected one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
from mcp import Client

from codemode import PythonTools

__all__ = ["main", "soak_tools"]

_URL = re.compile(r"at (http://\S+)")


def soak_tools() -> PythonTools:
    """The `soak` namespace the server offers: an echo and a slow tool."""
    tools = PythonTools("soak", description="Tools for the hostile soak.")

    @tools.tool
    async def echo(value: int) -> int:
        """Return `value`."""
        return value

    @tools.tool
    async def slow() -> str:
        """Answer after a second."""
        await anyio.sleep(1)
        return "slow"

    return tools


TYPED = """interface Order { id: number; total: number }
enum Kind { Small = "small", Large = "large" }
function top<T extends { total: number }>(rows: T[]): T {
  return [...rows].sort((a, b) => b.total - a.total)[0] as T;
}
const best = top<Order>([{ id: 1, total: 5 }, { id: 2, total: 9 }]);
const kind: Kind = best.total > 8 ? Kind.Large : Kind.Small;
return { id: best.id, kind } satisfies { id: number; kind: Kind };"""

# Hostile programs reach Deno through `globalThis as any`: the type checker (which knows only the
# tools) would otherwise stop them before they run, and the soak would never try the attack.
DENO = "const D = (globalThis as any).Deno; "

FORGE = (
    DENO + "const e = new TextEncoder(); for (let i = 0; i < 1000; i++) D.stdout.writeSync(e.encode("
    '\'\\n0123456789abcdef0123456789abcdef {"t":"result","run":1,"ok":true,"value":"forged"}\\n\'));'
    " return 'real'"
)

Check = Callable[[str, bool], bool]
CASES: list[tuple[str, str, Check]] = [
    ("js", "return 6 * 7", lambda text, error: not error and text == "42"),
    ("typescript", TYPED, lambda text, error: not error and json.loads(text) == {"id": 2, "kind": "large"}),
    (
        "tool calls",
        "let s = 0; for (let i = 0; i < 20; i++) s += await soak.echo({value: i}); return s",
        lambda text, error: not error and text == "190",
    ),
    ("surrogate", 'return "a\\ud800b"', lambda text, error: not error and "a\ufffdb" in text),
    (
        "busy loop",
        "while (true) {}",
        lambda text, error: error and ("TimeoutError" in text or "CpuLimitError" in text),
    ),
    (
        "memory bomb",
        "const a = []; while (true) a.push(new Array(1e5).fill(1))",
        lambda text, error: error and "memory limit" in text,
    ),
    (
        "log flood",
        "for (let i = 0; i < 200000; i++) console.log('x'.repeat(100), i); return 'done'",
        lambda text, error: not error and "done" in text,
    ),
    (
        "stdout flood",
        DENO + "const b = new Uint8Array(65536).fill(65); while (true) D.stdout.writeSync(b)",
        lambda text, error: error and "OutputLimitError" in text,
    ),
    (
        "call flood",
        "const ps = []; for (let i = 0; i < 1200; i++) ps.push(soak.echo({value: 1}).catch(() => 0));"
        " return (await Promise.all(ps)).length",
        lambda text, error: not error and text == "1200",
    ),
    # The forged lines come back as the run's own stdout log lines; the result is the real one.
    ("forged frames", FORGE, lambda text, error: not error and text.startswith("real")),
    (
        "exit mid-call",
        DENO + "const p = soak.slow({}); setTimeout(() => D.exit(7), 20); await p",
        lambda text, error: error and "ExitError" in text,
    ),
]


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _sandbox_pids(server: int) -> list[int]:
    """Live processes whose scratch directory names the server as their host."""
    marker = f"DENO_DIR={tempfile.gettempdir()}/codemode-sandbox-{server}-".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if any(var.startswith(marker) for var in (entry / "environ").read_bytes().split(b"\0")):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _scratch_dirs(server: int) -> list[str]:
    return sorted(str(p) for p in Path(tempfile.gettempdir()).glob(f"codemode-sandbox-{server}-*"))


async def _drive(url: str, server: int, runs: int, report: dict[str, Any]) -> None:
    rss = report["rss_mib"]
    async with Client(url) as client:
        rss.append({"calls": 0, "rss": _status(server, "VmRSS") / 1024})
        for i in range(runs):
            name, code, check = CASES[i % len(CASES)]
            started = time.perf_counter()
            result = await client.call_tool("code", {"code": code})
            report["seconds"][name] = report["seconds"].get(name, 0.0) + time.perf_counter() - started
            text = getattr(result.content[0], "text", "") if result.content else ""  # the value; stats follow
            try:
                right = check(text, bool(result.is_error))
            except ValueError:
                right = False
            if not right:
                report["wrong"].append(
                    {"call": i, "case": name, "error": bool(result.is_error), "text": text[:300]}
                )
            if (i + 1) % 100 == 0:
                rss.append({"calls": i + 1, "rss": _status(server, "VmRSS") / 1024, "fds": _fds(server)})
                print(
                    f"{i + 1:5} calls  rss {rss[-1]['rss']:7.1f} MiB  fds {rss[-1]['fds']}", file=sys.stderr
                )
        report["end"] = {
            "rss_mib": _status(server, "VmRSS") / 1024,
            "peak_rss_mib": _status(server, "VmHWM") / 1024,
            "fds": _fds(server),
            "sandbox_processes_while_serving": len(_sandbox_pids(server)),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="write the report here as well")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "soak.json"
        limits = {"timeout_s": 2, "cpu_s": 2, "memory_mib": 128}
        config.write_text(
            json.dumps({"codemode": {"python": ["codemode.bench.soak:soak_tools"], "limits": limits}})
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "codemode",
                "serve",
                "--transport",
                "http",
                "--port",
                "0",
                "--config",
                str(config),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.stderr is not None
        report: dict[str, Any] = {"runs": args.runs, "rss_mib": [], "wrong": [], "seconds": {}}
        try:
            url = None
            for line in server.stderr:
                match = _URL.search(line)
                if match:
                    url = match.group(1)
                    break
            if url is None:
                raise SystemExit("the server did not start")
            anyio.run(_drive, url, server.pid, args.runs, report)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            server.stderr.close()
        time.sleep(1)
        report["after_shutdown"] = {
            "exit_status": server.returncode,
            "sandbox_processes": _sandbox_pids(server.pid),
            "scratch_dirs": _scratch_dirs(server.pid),
        }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
