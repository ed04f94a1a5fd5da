# ruff: noqa: E501  (the lying harness stays one scenario per line)
"""The host believes nothing a frame says about limits, sizes or state (issue 18, items 1, 2, 3, 5, 8).

A stand-in harness that knows the nonce (as a guest that found it would) sends what no honest harness
sends; each test shows the attack reached the host and why it failed there.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sandbox_helpers import echo, sandbox_orphans

from sandbox import DenoExecutor, Limits, RunResult
from sandbox.benchmark import STAND_IN_PRELUDE
from sandbox.process import SandboxProcess
from sandbox.request import RunRequest
from sandbox.run import SandboxRun
from sandbox.source import candidates

pytestmark = pytest.mark.anyio

FORGER = (
    STAND_IN_PRELUDE
    + r"""
const run = JSON.parse(await line());
const scenario = run.candidates.at(-1).source.split("\n")[1].trim();
const result = (value) => send({t: "result", run: run.run, ok: true, value});
if (scenario === "log-flood-cut") { for (let i = 0; i < 20000; i++) send({t: "log", level: "log", msg: "y".repeat(1000), cut: true}); result("done"); }
if (scenario === "big-result") raw(`{"t":"result","run":${run.run},"ok":true,"truncated":false,"value":"${"z".repeat(8 << 20)}"}`);
if (scenario === "small-truncated") send({t: "result", run: run.run, ok: true, truncated: true, value: "tiny"});
if (scenario === "deep") raw("[".repeat(200000) + "]".repeat(200000));
if (scenario === "deep-object") raw(`{"t":"log","level":"log","msg":"x","a":${"[".repeat(300)}${"]".repeat(300)}}`);
if (scenario === "not-utf8") { Deno.stdout.writeSync(enc.encode("\n" + nonce + " ")); Deno.stdout.writeSync(new Uint8Array([123, 34, 116, 34, 58, 34, 0xff, 0xfe, 34, 125, 10])); }
if (scenario === "nan") raw(`{"t":"result","run":${run.run},"ok":true,"value":NaN}`);
if (scenario === "surrogates") { raw(`{"t":"call","id":1,"ns":"t","tool":"f","args":{"title":"p\\ud800","\\udc00key":["\\udfff"]}}`); await line(); raw(`{"t":"log","level":"log","msg":"x\\udfff"}`); raw(`{"t":"result","run":${run.run},"ok":false,"error":{"name":"E\\ud800","message":"m\\udc00","stack":"s\\ud800"}}`); }
if (scenario === "surrogate-tool") { raw(`{"t":"call","id":1,"ns":"t","tool":"f\\ud800","args":{}}`); await line(); result("after"); }
if (scenario === "limit-text") send({t: "result", run: run.run, ok: false, error: {name: "Error", message: "tool-call limit reached (raise Limits.tool_calls)", stack: ""}});
if (scenario === "memory-text") send({t: "result", run: run.run, ok: false, error: {name: "RangeError", message: "Array buffer allocation failed", stack: ""}});
if (scenario === "memory-text-then-exit") { send({t: "result", run: run.run, ok: false, error: {name: "RangeError", message: "Array buffer allocation failed", stack: ""}}); Deno.exit(0); }
if (scenario === "call-flood") { for (let i = 1; i <= 50; i++) send({t: "call", id: i, ns: "t", tool: "f", args: {i}}); for (let i = 0; i < 50; i++) await line(); result("flooded"); }
if (scenario === "read-flood") { const msg = "w".repeat(60000); for (let i = 0; i < 2000; i++) send({t: "log", level: "log", msg}); result("never"); }
await new Promise((r) => setTimeout(r, 10000));
"""
)


@pytest.fixture
def forger(tmp_path: Path) -> Path:
    path = tmp_path / "forger.js"
    path.write_text(FORGER)
    return path


async def forged_run(
    executor: DenoExecutor, harness: Path, scenario: str, limits: Limits | None = None, callback: Any = echo
) -> RunResult:
    assert executor.deno is not None
    limits = limits or Limits(wall_s=5)
    proc = await SandboxProcess.start(
        executor.deno, heap_mib=64, frame_bytes=limits.frame_bytes, fetch=False, harness=harness
    )
    try:
        request = RunRequest(candidates(scenario), {"t": ["f"]}, (), limits, callback)
        return await SandboxRun(proc, request).execute()
    finally:
        await proc.aclose()


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def test_forged_cut_flags_do_not_lift_the_log_caps(executor: DenoExecutor, forger: Path) -> None:
    # 20,000 entries of 1,000 bytes, each claiming to be the harness's own cut marker (issue 18, item 1).
    limits = Limits(wall_s=10, log_entries=100, log_bytes=50_000)
    result = await forged_run(executor, forger, "log-flood-cut", limits)
    assert result.ok and result.value == "done", result.error
    kept = result.logs[:-1]
    assert len(kept) == 50  # 50 x 1,000 bytes fill log_bytes; the host counted every one
    assert sum(len(entry.message) for entry in kept) == 50_000
    assert result.logs[-1].message.startswith(
        "[logs cut: the run's console output went over the limit of 50000 bytes"
    )


async def test_a_forged_result_is_measured_by_the_host(executor: DenoExecutor, forger: Path) -> None:
    # 8 MiB returned against a 1 MiB limit, the frame saying it is not truncated (item 5).
    result = await forged_run(executor, forger, "big-result", Limits(wall_s=10, result_bytes=1 << 20))
    assert result.ok and result.truncated
    assert isinstance(result.value, str)
    assert len(result.value.encode()) < (1 << 20) + 200
    assert result.value.endswith(
        f"…[truncated: the result is {(8 << 20) + 2} bytes of JSON, the limit is 1048576 bytes]"
    )


async def test_a_truncated_flag_is_not_believed(executor: DenoExecutor, forger: Path) -> None:
    result = await forged_run(executor, forger, "small-truncated")
    assert result.ok and result.value == "tiny"
    assert result.truncated is False


@pytest.mark.parametrize(
    ("scenario", "fragment"),
    [
        pytest.param("deep", "nested deeper than 256 levels", id="200000-deep"),
        pytest.param("deep-object", "nested 301 levels deep, over 256", id="301-deep"),
        pytest.param("not-utf8", "not UTF-8", id="not-utf8"),
        pytest.param("nan", "NaN is not JSON", id="nan"),
    ],
)
async def test_malformed_frames_end_the_run_with_a_bridge_error(
    executor: DenoExecutor, forger: Path, scenario: str, fragment: str
) -> None:
    result = await forged_run(executor, forger, scenario)  # no exception escapes (item 2)
    assert result.error is not None
    assert result.error.name == "BridgeError"
    assert fragment in result.error.message, result.error.message
    assert json.dumps(result.to_json(), ensure_ascii=False).encode()  # printable as it is
    assert sandbox_orphans() == []


async def test_lone_surrogates_become_replacement_characters(executor: DenoExecutor, forger: Path) -> None:
    received: list[Any] = []

    async def record(ns: str, tool: str, args: Any) -> Any:
        received.append(args)
        return 1

    result = await forged_run(executor, forger, "surrogates", callback=record)
    assert received == [{"title": "p\ufffd", "\ufffdkey": ["\ufffd"]}]
    assert [entry.message for entry in result.logs] == ["x\ufffd"]
    assert result.error is not None
    assert (result.error.name, result.error.message, result.error.stack) == ("E\ufffd", "m\ufffd", "s\ufffd")
    json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")  # would raise on a lone surrogate


async def test_a_tool_name_with_a_surrogate_is_unknown(executor: DenoExecutor, forger: Path) -> None:
    received: list[Any] = []

    async def record(ns: str, tool: str, args: Any) -> Any:
        received.append(tool)
        return 1

    result = await forged_run(executor, forger, "surrogate-tool", callback=record)
    assert result.value == "after"
    assert received == []  # `f\ufffd` is not an offered tool


@pytest.mark.parametrize("scenario", ["limit-text", "memory-text", "memory-text-then-exit"])
async def test_limit_text_in_a_guest_error_sets_no_limit(
    executor: DenoExecutor, forger: Path, scenario: str
) -> None:
    # The old host read the limit out of the message (item 8); a guest can throw any text. Nor does a
    # process that reports a failed allocation and then exits by itself (gone before the host could
    # measure it) count as the memory limit: only a failed process (a signal the host did not send, a
    # non-zero exit) does.
    result = await forged_run(executor, forger, scenario)
    assert result.error is not None
    assert result.error.limit is None


async def test_the_host_counts_tool_calls_itself(executor: DenoExecutor, forger: Path) -> None:
    received: list[Any] = []

    async def record(ns: str, tool: str, args: Any) -> Any:
        received.append(args["i"])
        return 1

    result = await forged_run(executor, forger, "call-flood", Limits(wall_s=5, tool_calls=10), record)
    assert result.value == "flooded"
    assert received == list(range(1, 11))
    assert result.stats.tool_calls == 50


async def test_read_bytes_ends_a_flood_of_frames(executor: DenoExecutor, forger: Path) -> None:
    before = _peak_rss_mib()
    limits = Limits(wall_s=20, read_bytes=8 << 20, log_entries=10)
    result = await forged_run(executor, forger, "read-flood", limits)
    assert result.error is not None
    assert result.error.limit == "read_bytes", result.error
    # Counted as it arrived, or refused before decoding a frame that would not fit: the same limit.
    message = result.error.message
    assert "over the limit of 8388608 bytes per run" in message or "left of the run's limit" in message
    assert len(result.logs) == 11
    assert _peak_rss_mib() - before < 200  # 120 MB were on their way; the run stopped after 8 MiB


def test_codemode_exec_prints_valid_utf8_for_lone_surrogates() -> None:
    # On main `codemode exec` (with or without --json) died with UnicodeEncodeError here.
    code = b'console.log("x\\udfff"); return "a\\ud800b"'
    for extra in (["--json"], []):
        done = subprocess.run(
            [sys.executable, "-m", "codemode", "exec", *extra, "-"],
            input=code,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        text = done.stdout.decode("utf-8")  # strict: raises on anything but valid UTF-8
        assert "a\ufffdb" in text
        if extra:
            assert json.loads(text)["result"] == "a\ufffdb"
