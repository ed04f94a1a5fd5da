# ruff: noqa: E501  (guest JavaScript probes stay one probe per line)
"""Warm sandboxes: runs of one id share the JavaScript realm, but not the host's bindings, the bridge,
or their results (issue 18, item 4). Each test tries the attack from run 1 and checks run 2."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from sandbox import DenoExecutor, SandboxSettings

pytestmark = pytest.mark.anyio

TOOLS = {"t": ["f"]}


@pytest.fixture
async def warm() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=0, warm_idle_s=60)) as ex:
        yield ex


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    async def __call__(self, ns: str, tool: str, args: Any) -> Any:
        self.calls.append(args)
        return {"real": args}


LEFTOVERS = """
setInterval(() => { console.log("interval"); t.f({from: "interval"}).catch(() => {}); }, 1);
setTimeout(function again() { console.log("timeout"); t.f({from: "timeout"}).catch(() => {}); setTimeout(again, 1); }, 1);
(async () => { for (;;) { await new Promise((r) => setTimeout(r, 1)); console.log("loop");
  try { await t.f({from: "async loop"}) } catch {} } })();
const mc = new MessageChannel();
mc.port1.onmessage = () => { console.log("port"); t.f({from: "port"}).catch(() => {}); mc.port2.postMessage(1); };
mc.port2.postMessage(1);
globalThis.pending = t.f({from: "pending"});
return "run 1";
"""


async def test_leftover_work_cannot_call_tools_or_log_in_a_later_run(warm: DenoExecutor) -> None:
    record = Recorder()
    first = await warm.run(LEFTOVERS, sandbox_id="a", tools=TOOLS, callback=record)
    assert first.value == "run 1", first.error
    await anyio.sleep(0.2)  # the leftovers run between the runs, too
    record.calls.clear()
    second = await warm.run(
        "await new Promise((r) => setTimeout(r, 100)); return await t.f({from: 'run 2'})",
        sandbox_id="a",
        tools=TOOLS,
        callback=record,
    )
    assert second.value == {"real": {"from": "run 2"}}, second.error
    assert record.calls == [{"from": "run 2"}]
    assert second.logs == []
    assert second.stats.tool_calls == 1


async def test_leftover_work_is_refused_with_a_reason(warm: DenoExecutor) -> None:
    first = await warm.run(
        "globalThis.later = () => t.f({}).then(() => 'called', (e) => e.message); return 1",
        sandbox_id="a",
        tools=TOOLS,
        callback=Recorder(),
    )
    assert first.ok
    # Run 2 calls run 1's function: it runs as part of run 2 (the realm is shared), so it may call.
    second = await warm.run("return await later()", sandbox_id="a", tools=TOOLS, callback=Recorder())
    assert second.value == "called"
    # But a promise of run 1 settled later cannot: its context is run 1's.
    third = await warm.run(
        "globalThis.p = new Promise((r) => setTimeout(r, 50)).then(() => t.f({})).then(() => 'called', (e) => e.message);"
        "return 1",
        sandbox_id="a",
        tools=TOOLS,
        callback=Recorder(),
    )
    assert third.ok
    fourth = await warm.run("return await p", sandbox_id="a", tools=TOOLS, callback=Recorder())
    assert fourth.value == "t.f: tool calls are only possible from the run in progress"


@pytest.mark.parametrize(
    "attack",
    [
        pytest.param(
            "Object.defineProperty(globalThis, 't', {get() { return fake }, configurable: false})",
            id="accessor",
        ),
        pytest.param("globalThis.t = fake", id="assign"),
        pytest.param("Object.defineProperty(t, 'f', {value: fake.f})", id="define-tool"),
        pytest.param("t.f = fake.f", id="assign-tool"),
        pytest.param("Object.setPrototypeOf(t, fake)", id="prototype"),
        pytest.param("(await import('node:vm')).runInThisContext('let t = fake')", id="global-let"),
        pytest.param("console.log = () => {}", id="console"),
    ],
)
async def test_host_bindings_cannot_be_replaced_for_a_later_run(warm: DenoExecutor, attack: str) -> None:
    record = Recorder()
    code = f"globalThis.fake = {{f: async (a) => 'fake'}}; try {{ {attack} }} catch (e) {{ return e.name }} return 'done'"
    first = await warm.run(code, sandbox_id="a", tools=TOOLS, callback=record)
    assert first.value in ("TypeError", "SyntaxError"), first.value
    second = await warm.run(
        "console.log('seen'); return await t.f({x: 1})", sandbox_id="a", tools=TOOLS, callback=record
    )
    assert second.value == {"real": {"x": 1}}, second.error
    assert [entry.message for entry in second.logs] == ["seen"]


async def test_a_global_let_taken_before_a_namespace_exists_resets_the_sandbox(warm: DenoExecutor) -> None:
    record = Recorder()
    first = await warm.run(
        "(await import('node:vm')).runInThisContext('let docs = {get: async () => \"fake\"}'); return 1",
        sandbox_id="a",
        tools=TOOLS,
        callback=record,
    )
    assert first.ok, first.error
    second = await warm.run(
        "return await docs.get({})", sandbox_id="a", tools={"docs": ["get"]}, callback=record
    )
    assert second.error is not None
    assert "took the global name `docs`" in second.error.message
    assert "a" not in warm.warm  # type: ignore[operator]
    third = await warm.run(
        "return await docs.get({})", sandbox_id="a", tools={"docs": ["get"]}, callback=record
    )
    assert third.value == {"real": {}}


async def test_a_leftover_cannot_end_a_later_run_with_a_forged_result(warm: DenoExecutor) -> None:
    # Without the nonce (kept off the JavaScript heap, new for every run) a forged frame is only output.
    code = r"""
    const enc = new TextEncoder();
    setInterval(() => {
      for (const n of ["0123456789abcdef0123456789abcdef", ""]) {
        Deno.stdout.writeSync(enc.encode(`\n${n} {"t":"result","run":2,"ok":true,"value":"forged"}\n`));
      }
    }, 1);
    return "run 1";
    """
    first = await warm.run(code, sandbox_id="a")
    assert first.value == "run 1"
    second = await warm.run("await new Promise((r) => setTimeout(r, 50)); return 'run 2'", sandbox_id="a")
    assert second.value == "run 2", second.error


async def test_the_nonce_is_not_in_a_heap_snapshot(warm: DenoExecutor) -> None:
    # On main the nonce was the only 32-hex string in a node:v8 heap snapshot (a word of its own; V8's
    # longer hashes contain 32-hex substrings).
    code = """
    const v8 = await import("node:v8");
    let text = "";
    for await (const chunk of v8.getHeapSnapshot()) text += chunk;
    return [text.length, (text.match(/\\b[0-9a-f]{32}\\b/g) ?? []).length];
    """
    result = await warm.run(code, sandbox_id="a")
    assert result.ok, result.error
    size, found = result.value
    assert size > 1_000_000
    assert found == 0
