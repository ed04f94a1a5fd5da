# ruff: noqa: E501  (guest JavaScript probes stay one probe per line)
"""The guest sees no host path (issue 18, item 6), and Deno's permission advice is rewritten for a model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sandbox_helpers import run

import sandbox
from sandbox import DenoExecutor

pytestmark = pytest.mark.anyio

HOST_PATHS = [sys.prefix, str(Path(sandbox.__file__).parent), str(Path.cwd())]

PROBES = r"""
const out = {};
const process = (await import("node:process")).default;
out.execPath = Deno.execPath();
out.processExecPath = process.execPath;
out.argv = process.argv;
out.argv0 = process.argv0;
out.mainModule = Deno.mainModule;
out.importMeta = import.meta.url;
out.internal = typeof Deno[Deno.internal];
function inner() { return new Error("x").stack; }
out.stack = inner();
out.asyncStack = await (async () => { await null; return new Error("y").stack; })();
const o = {}; Error.captureStackTrace(o); out.captured = o.stack;
try { Error.prepareStackTrace = (e, sites) => sites.map((s) => s.getFileName()).join(" "); out.custom = "installed"; }
catch (e) { out.custom = e.name; }
try { null.x; } catch (e) { out.thrown = e.stack; }
out.fromMap = [1].map(() => new Error("z").stack)[0];
return out;
"""


async def test_no_host_path_is_visible(executor: DenoExecutor) -> None:
    result = await run(executor, "export default async function () {\n" + PROBES + "\n}")
    assert result.ok, result.error
    out = result.value
    text = repr(out)
    for path in HOST_PATHS:
        assert path not in text, (path, out)
    assert "harness" not in text
    assert out["execPath"] == out["processExecPath"] == "deno"
    assert out["argv"] == ["deno", "/sandbox/main.ts"]
    assert out["internal"] == "undefined"
    assert out["custom"] == "TypeError"  # a custom formatter would see the raw call sites
    assert out["importMeta"].startswith("data:")
    for key in ("stack", "asyncStack", "thrown", "fromMap"):
        frames = out[key].splitlines()[1:]
        assert frames, key
        assert all("guest.ts:" in line or "(<anonymous>)" in line or "native" in line for line in frames), (
            key,
            frames,
        )


async def test_error_stacks_of_function_bodies_show_only_the_program(executor: DenoExecutor) -> None:
    result = await run(executor, "function f() {\n  null.x;\n}\ntry { f() } catch (e) { return e.stack }")
    assert (
        result.value
        == "TypeError: Cannot read properties of null (reading 'x')\n    at f (guest.ts:2:8)\n    at guest.ts:4:7"
    )


@pytest.mark.parametrize(
    ("code", "what"),
    [
        pytest.param(
            "Deno.readTextFileSync('/etc/passwd')", 'Requires read access to "/etc/passwd"', id="read"
        ),
        pytest.param("await Deno.connect({hostname: '127.0.0.1', port: 9})", "Requires net access", id="net"),
        pytest.param("Deno.env.get('HOME')", "Requires env access", id="env"),
    ],
)
async def test_permission_errors_tell_the_model_what_to_do(
    executor: DenoExecutor, code: str, what: str
) -> None:
    result = await run(executor, code)
    assert result.error is not None
    assert result.error.name == "NotCapable"
    assert result.error.message.startswith(what), result.error.message
    assert "use the tools it offers instead" in result.error.message
    assert "--allow" not in result.error.message and "--allow" not in result.error.stack
    assert "run again" not in result.error.message


async def test_other_errors_are_left_alone(executor: DenoExecutor) -> None:
    result = await run(
        executor, "throw new Error('Requires read access, run again with the --allow-read flag')"
    )
    assert result.error is not None
    assert result.error.message == "Requires read access, run again with the --allow-read flag"
