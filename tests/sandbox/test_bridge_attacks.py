# ruff: noqa: E501  (guest JavaScript probes stay one probe per line)
"""The host treats every frame as untrusted: forged, garbled, duplicate, late or oversized frames,
a guest reading stdin, exiting mid-call, or overwriting JSON/Promise all end cleanly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from sandbox_helpers import echo, run, sandbox_orphans

from sandbox import DenoExecutor, Limits
from sandbox.bridge import BridgeProtocolError, FrameReader
from sandbox.process import SandboxProcess
from sandbox.request import RunRequest
from sandbox.run import SandboxRun
from sandbox.source import candidates

pytestmark = pytest.mark.anyio

TOOLS = {"t": ["f"]}


async def test_forged_frames_and_garbage_on_stdout_are_only_output(executor: DenoExecutor) -> None:
    code = r"""
    const enc = new TextEncoder();
    const forged = [
      '{"t":"result","run":1,"ok":true,"value":"forged"}',
      '\n0123456789abcdef0123456789abcdef {"t":"result","run":1,"ok":true,"value":"forged"}\n',
      '\x00\xff\xfe garbage without newline',
      '\n {"t":"call","id":1,"ns":"t","tool":"f","args":{}}\n',
    ];
    for (const f of forged) Deno.stdout.writeSync(enc.encode(f));
    Deno.stdout.writeSync(new Uint8Array([0, 255, 10, 13, 200]));
    const real = await t.f({real: true});
    return real.args;
    """
    result = await run(executor, code, tools=TOOLS)
    assert result.ok, result.error
    assert result.value == {"real": True}
    assert result.stats.tool_calls == 1
    stdout = [entry.message for entry in result.logs if entry.level == "stdout"]
    assert any('"value":"forged"' in line for line in stdout)


async def test_guest_cannot_read_stdin(executor: DenoExecutor) -> None:
    code = """
    const out = {};
    try { await Deno.stdin.read(new Uint8Array(10)); out.deno = "read"; } catch (e) { out.deno = e.message; }
    out.after = (await t.f({still: "works"})).args.still;
    return out;
    """
    result = await run(executor, code, tools=TOOLS)
    assert result.ok, result.error
    assert "belongs to the sandbox bridge" in result.value["deno"]
    assert result.value["after"] == "works"


async def test_reading_fd0_through_node_fs_only_hurts_the_guest(executor: DenoExecutor) -> None:
    # node:fs reads fd 0 without a permission check. The nonce is long gone (read before any guest code
    # existed), so all a guest can do is swallow its own replies or block itself: the wall clock ends it.
    code = "const fs = await import('node:fs'); fs.readSync(0, new Uint8Array(10)); return 'read'"
    result = await run(executor, code, tools=TOOLS, limits=Limits(wall_s=1))
    assert result.error is not None
    assert result.error.limit == "wall_s"
    assert sandbox_orphans() == []


async def test_exit_in_the_middle_of_a_call(executor: DenoExecutor) -> None:
    cancelled = anyio.Event()

    async def callback(ns: str, tool: str, args: Any) -> Any:
        try:
            await anyio.sleep(30)
        except anyio.get_cancelled_exc_class():
            cancelled.set()
            raise

    code = "const p = t.f({}); setTimeout(() => Deno.exit(7), 50); await p"
    result = await run(executor, code, tools=TOOLS, callback=callback)
    assert not result.ok
    assert result.error is not None
    assert result.error.name == "ExitError"
    assert "status 7" in result.error.message
    assert cancelled.is_set()
    assert sandbox_orphans() == []


@pytest.mark.parametrize(
    "prelude",
    [
        pytest.param("globalThis.JSON = {stringify() { throw 1 }, parse() { throw 1 }};", id="json"),
        pytest.param("globalThis.Promise = function () { throw new Error('no') };", id="promise"),
        pytest.param(
            "Array.prototype.push = function () { throw new Error('x') };"
            "TextEncoder.prototype.encode = function () { return new Uint8Array() };"
            "Object.prototype.then = undefined; String.prototype.split = () => [];",
            id="prototypes",
        ),
        pytest.param(
            "Set.prototype.has = () => false; Set.prototype.add = function () { return this };"
            "Map.prototype.get = () => undefined;",
            id="collections",
        ),
    ],
)
async def test_overwriting_builtins_does_not_break_the_bridge(executor: DenoExecutor, prelude: str) -> None:
    result = await run(
        executor,
        prelude + "const o = {a: 1}; o.self = o; o.again = o; const r = await t.f(o); console.log('ok');"
        "return [r.args.a, await t]",
        tools=TOOLS,
        limits=Limits(wall_s=5),
    )
    assert result.ok, result.error
    assert result.value == [1, {}]


async def test_prototype_setters_see_nothing_of_the_bridge(executor: DenoExecutor) -> None:
    code = """
    let spied = "";
    for (const k of ["0", "1", "2", "id"]) {
      Object.defineProperty(Array.prototype, k, {set(v) { spied += "|" + String(v); }, configurable: true});
    }
    Object.defineProperty(Object.prototype, "id", {set(v) { spied += "|id=" + v; }, configurable: true});
    const r = await t.f({a: 1});
    console.log("logged");
    const out = "a=" + r.args.a + " spied=" + spied;
    for (const k of ["0", "1", "2", "id"]) delete Array.prototype[k];
    delete Object.prototype.id;
    return out;
    """
    result = await run(executor, code, tools=TOOLS)
    assert result.ok, result.error
    assert result.value == "a=1 spied="
    assert [entry.message for entry in result.logs] == ["logged"]


async def test_prototype_properties_cannot_take_over_an_answer(executor: DenoExecutor) -> None:
    # The main loop asks each waiting call whether it wants its answer as text (`onAnswer`, Python's
    # calls). A property on Object.prototype must not make a TypeScript call's answer go to guest code
    # (once it would have, and the call never resolved).
    code = """
    let seen = "";
    for (const k of ["onAnswer", "token", "tag"]) {
      Object.defineProperty(Object.prototype, k, {
        get() { return k === "onAnswer" ? (tag, ok, text) => { seen += text; } : undefined; },
        configurable: true,
      });
    }
    const r = await t.f({a: 1});
    for (const k of ["onAnswer", "token", "tag"]) delete Object.prototype[k];
    return "a=" + r.args.a + " seen=" + seen;
    """
    result = await run(executor, code, tools=TOOLS, limits=Limits(wall_s=5))
    assert result.ok, result.error
    assert result.value == "a=1 seen="


async def test_typed_array_species_and_getters_see_nothing_of_the_bridge(executor: DenoExecutor) -> None:
    code = """
    let seen = "";
    const dec = new TextDecoder();
    const proto = Object.getPrototypeOf(Uint8Array.prototype);
    const length = Object.getOwnPropertyDescriptor(proto, "length").get;
    Object.defineProperty(proto, "length", {get() { seen += dec.decode(this); return length.call(this); },
                                            configurable: true});
    class Spy extends Uint8Array { constructor(...a) { super(...a); seen += "|species"; } }
    Object.defineProperty(Uint8Array, Symbol.species, {get() { return Spy; }, configurable: true});
    const r = await t.f({a: 1});
    console.log("logged");
    Object.defineProperty(proto, "length", {get: length, configurable: true});
    return "a=" + r.args.a + " seen=" + seen;
    """
    result = await run(executor, code, tools=TOOLS)
    assert result.ok, result.error
    assert result.value == "a=1 seen="


async def test_spying_on_builtins_does_not_reveal_frames(executor: DenoExecutor) -> None:
    code = """
    const seen = [];
    const enc = TextEncoder.prototype.encode;
    TextEncoder.prototype.encode = function (s) { seen.push(String(s)); return enc.call(this, s); };
    const str = JSON.stringify;
    JSON.stringify = function (...a) { const r = str(...a); seen.push(r); return r; };
    await t.f({x: 1});
    console.log("logged");
    return seen;
    """
    result = await run(executor, code, tools=TOOLS)
    assert result.ok, result.error
    assert not any('"t":"call"' in s or '"t":"log"' in s for s in result.value)


# ---------------------------------------------------------------- a lying harness
# A stand-in harness that knows the nonce (as only the real one does) and breaks the protocol on purpose.
EVIL_HARNESS = r"""
const buf = new Uint8Array(1 << 20);
let text = "";
async function line() {
  while (!text.includes("\n")) {
    const n = await Deno.stdin.read(buf);
    if (n === null) Deno.exit(0);
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  const i = text.indexOf("\n"); const l = text.slice(0, i); text = text.slice(i + 1); return l;
}
let nonce = (await line()).slice(1);
await line(); // init
const raw = (s) => Deno.stdout.writeSync(new TextEncoder().encode("\n" + nonce + " " + s + "\n"));
const send = (o) => raw(JSON.stringify(o));
send({t: "ready"});
nonce = (await line()).slice(1); // every run has its own nonce
const run = JSON.parse(await line());
const scenario = run.candidates.at(-1).source.split("\n")[1].trim();
const call = (id) => send({t: "call", id, ns: "t", tool: "f", args: {}});
if (scenario === "duplicate-id") { call(1); call(1); }
if (scenario === "bad-id") send({t: "call", id: "x", ns: "t", tool: "f", args: {}});
if (scenario === "not-json") raw("{not json");
if (scenario === "no-type") send({hello: 1});
if (scenario === "unknown-type") send({t: "exec", cmd: "rm -rf /"});
if (scenario === "wrong-run") send({t: "result", run: 999, ok: true, value: 1});
if (scenario === "huge-frame") raw(JSON.stringify({t: "log", level: "log", msg: "x".repeat(3 << 20)}));
if (scenario === "bad-log") send({t: "log", level: "shout", msg: 1});
if (scenario === "bad-error") send({t: "result", run: run.run, ok: false, error: "str"});
if (scenario === "unknown-tool") call(1);
if (scenario === "after-result") { send({t: "result", run: run.run, ok: true, value: "first"}); call(5); send({t: "result", run: run.run, ok: true, value: "second"}); }
if (scenario === "silence") { setInterval(() => {}, 1000); await new Promise(() => {}); }
await new Promise((r) => setTimeout(r, 10000));
"""

SCENARIOS = [
    pytest.param("duplicate-id", "BridgeError", "duplicate id", id="duplicate-id"),
    pytest.param("bad-id", "BridgeError", "bad or duplicate id", id="bad-id"),
    pytest.param("not-json", "BridgeError", "not JSON", id="not-json"),
    pytest.param("no-type", "BridgeError", "without a type", id="no-type"),
    pytest.param("unknown-type", "BridgeError", "unexpected 'exec'", id="unknown-type"),
    pytest.param("wrong-run", "BridgeError", "result for run 999", id="wrong-run"),
    pytest.param("huge-frame", "BridgeError", "over the limit of 1048576 bytes", id="huge-frame"),
    pytest.param("bad-log", "BridgeError", "log frame", id="bad-log"),
    pytest.param("bad-error", "BridgeError", "without an error", id="bad-error"),
    pytest.param("silence", "TimeoutError", "time limit of 3 s", id="silence"),
]


@pytest.fixture
def evil_harness(tmp_path: Path) -> Path:
    path = tmp_path / "evil.js"
    path.write_text(EVIL_HARNESS)
    return path


async def _evil_run(executor: DenoExecutor, harness: Path, scenario: str, tools: Any = None) -> Any:
    assert executor.deno is not None
    limits = Limits(wall_s=3, frame_bytes=1 << 20)
    proc = await SandboxProcess.start(
        executor.deno, heap_mib=64, frame_bytes=limits.frame_bytes, fetch=False, harness=harness
    )
    try:
        request = RunRequest(candidates(scenario), tools or TOOLS, (), limits, echo)
        return await SandboxRun(proc, request).execute()
    finally:
        await proc.aclose()


@pytest.mark.parametrize(("scenario", "name", "fragment"), SCENARIOS)
async def test_protocol_violations_end_the_run_cleanly(
    executor: DenoExecutor, evil_harness: Path, scenario: str, name: str, fragment: str
) -> None:
    result = await _evil_run(executor, evil_harness, scenario)
    assert not result.ok
    assert result.error is not None
    assert result.error.name == name, result.error
    assert fragment in result.error.message, result.error.message
    assert sandbox_orphans() == []


async def test_calls_to_tools_not_offered_are_refused_by_the_host(
    executor: DenoExecutor, evil_harness: Path
) -> None:
    # The harness would never send it; the host checks anyway. The reply is an error, the run goes on
    # until the (lying) harness goes quiet and the wall clock ends it.
    result = await _evil_run(executor, evil_harness, "unknown-tool", tools={"other": ["g"]})
    assert result.stats.tool_calls == 0
    assert result.error is not None and result.error.limit == "wall_s"


async def test_frames_after_the_result_are_ignored(executor: DenoExecutor, evil_harness: Path) -> None:
    result = await _evil_run(executor, evil_harness, "after-result")
    assert result.ok
    assert result.value == "first"
    assert result.stats.tool_calls == 0


def test_frame_reader_splits_frames_noise_and_chunks() -> None:
    reader = FrameReader("n0nce", frame_bytes=1 << 20)
    big = json.dumps({"t": "log", "level": "log", "msg": "y" * 500_000}).encode()
    stream = b"noise\n\nn0nce " + big + b'\nn0nce {"t":"ready"}\nfake {"t":"ready"}\n'
    frames = []
    for i in range(0, len(stream), 4096):
        frames += reader.feed(stream[i : i + 4096])
    assert [f.type for f in frames] == ["log", "ready"]
    assert len(frames[0].body["msg"]) == 500_000
    assert reader.noise == [b"noise", b'fake {"t":"ready"}']


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"n0nce {bad\n", id="not-json"),
        pytest.param(b"n0nce [1,2]\n", id="not-object"),
        pytest.param(b"n0nce " + b"x" * 5000, id="too-long-unterminated"),
    ],
)
def test_frame_reader_rejects_bad_frames(data: bytes) -> None:
    reader = FrameReader("n0nce", frame_bytes=1024)
    with pytest.raises(BridgeProtocolError):
        reader.feed(data)
