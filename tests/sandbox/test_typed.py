# ruff: noqa: E501  (programs and the stand-in harness stay one line per scenario)
"""Typed programs: the host strips their types and the harness compiles JavaScript.

The host blanks the types itself when it can (sandbox/blank_types.py), else its stripper process
does (sandbox/strip.py). Every program runs twice, through those and through the TypeScript module
import they replace: values, errors and the model's line and column numbers must be the same either
way, and one of the two must have answered (so a fast path was taken, not the fallback).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sandbox_helpers import echo, process_environment, run, sandbox_pids

from sandbox import DenoExecutor, Limits, SandboxSettings
from sandbox.benchmark import STAND_IN_PRELUDE
from sandbox.process import SandboxProcess
from sandbox.request import RunRequest
from sandbox.run import SandboxRun
from sandbox.scratch import HELPER_PREFIX
from sandbox.source import candidates, looks_typed

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
async def stripping() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        assert ex.stripper is not None
        assert await ex.stripper.wait_ready()
        yield ex


@pytest.fixture(scope="module")
async def importing() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=0, strip_types=False)) as ex:
        assert ex.stripper is None
        yield ex


def served(ex: DenoExecutor) -> int:
    """Typed runs answered so far by the host's blanker or its stripper process."""
    assert ex.stripper is not None
    return ex.blanker.answered + ex.stripper.answered


PROGRAMS = [
    pytest.param(
        'interface Order { id: number; total: number }\nenum Kind { Small = "s", Large = "l" }\n'
        "function top<T extends { total: number }>(rows: T[]): T { return rows[0] as T }\n"
        "const o: Order = { id: 1, total: 9 } satisfies Order;\n"
        "const t = await Promise.resolve(top<Order>([o]));\n"
        "return { id: t.id, kind: t.total > 5 ? Kind.Large : Kind.Small };",
        {"id": 1, "kind": "l"},
        id="enum-generics-satisfies-as-await-return",
    ),
    pytest.param(
        "const xs: Array<number> = [1, 2];\nconst y = xs[0]!;\nconst r = (await Promise.resolve(y)) as number;\n"
        'return { r, s: ("x" satisfies string) }',
        {"r": 1, "s": "x"},
        id="strip-only",
    ),
    pytest.param("const x: number = 1;\nx + 1", 2, id="last-expression"),
    pytest.param("async (): Promise<number> => 3", 3, id="typed-arrow"),
    pytest.param("namespace N { export const v: number = 5 }\nreturn N.v", 5, id="namespace"),
    pytest.param(
        "class P { constructor(public name: string, private age: number) {} }\nreturn new P('a', 1).name",
        "a",
        id="parameter-properties",
    ),
    pytest.param(
        "const t = await t1.f({ n: 2 } as { n: number });\nreturn t.args.n as number", 2, id="tool-call"
    ),
]


@pytest.mark.parametrize(("code", "expected"), PROGRAMS)
async def test_typed_programs_run_stripped(
    stripping: DenoExecutor, importing: DenoExecutor, code: str, expected: object
) -> None:
    answered = served(stripping)
    result = await run(stripping, code, tools={"t1": ["f"]})
    assert result.ok, result.error
    assert result.value == expected
    assert served(stripping) == answered + 1
    assert result.stats.tool_calls == (1 if "t1.f" in code else 0)  # the strip request is no tool call
    imported = await run(importing, code, tools={"t1": ["f"]})
    assert imported.ok and imported.value == expected, imported.error


ERRORS = [
    pytest.param(
        'enum K { A }\nconst x: number = 1;\nthrow new Error("after")', "guest.ts:3:7", id="after-enum"
    ),
    pytest.param(
        'const a: number = 1;\nif (a) throw new Error("before");\nenum K { A }\nreturn K.A',
        "guest.ts:2:14",
        id="before-enum",
    ),
    pytest.param(
        'function f(n: number): never {\n  throw new TypeError("deep " + n);\n}\nenum E { X = 7 }\nf(E.X);',
        "at f (guest.ts:2:9)\n    at guest.ts:5:",
        id="nested-across-enum",
    ),
    pytest.param('enum K { A }\n  throw new Error("x")', "guest.ts:2:9", id="indented-after-enum"),
    pytest.param(
        'interface A { x: number }\nconst a: A = { x: 1 };\n\nthrow new Error("s")',
        "guest.ts:4:7",
        id="strip-mode",
    ),
    pytest.param(
        "class P { constructor(public name: string) {} }\nconst p = new P('a');\nawait null;\n"
        "throw new Error(p.name)",
        "guest.ts:4:7",
        id="after-await-in-transformed-code",
    ),
]


@pytest.mark.parametrize(("code", "position"), ERRORS)
async def test_errors_in_typed_code_point_at_the_models_lines(
    stripping: DenoExecutor, importing: DenoExecutor, code: str, position: str
) -> None:
    answered = served(stripping)
    result = await run(stripping, code)
    assert served(stripping) == answered + 1
    assert result.error is not None
    assert position in result.error.stack, result.error.stack
    assert "harness" not in result.error.stack and "sourceURL" not in result.error.stack
    imported = await run(importing, code)
    assert imported.error is not None
    assert (imported.error.name, imported.error.stack) == (result.error.name, result.error.stack)


async def test_a_syntax_error_in_typed_code_reports_the_models_line(stripping: DenoExecutor) -> None:
    result = await run(stripping, "const a: number = 1;\nconst b: string = ;\nreturn a")
    assert result.error is not None
    assert result.error.name == "SyntaxError"
    assert "guest.ts:2:19" in result.error.stack, result.error.stack


async def test_plain_javascript_never_asks_the_stripper(stripping: DenoExecutor) -> None:
    answered = served(stripping)
    result = await run(stripping, "const x = 1;\nreturn x + 1")
    assert result.ok and result.value == 2
    assert served(stripping) == answered


async def test_the_stripper_only_strips(stripping: DenoExecutor) -> None:
    # Text in, text out: a body that would write a file or exit is returned as text, never run.
    assert stripping.stripper is not None
    body = '"use strict";\nconst p: string = "/tmp/x";\nDeno.writeTextFileSync(p, "x");\nDeno.exit(9);'
    out = await stripping.stripper.strip([None, body, "return 1"])
    assert out is not None
    assert out[0] is None and out[2] is None  # the first body that strips ends the work
    assert out[1] == {"code": body.replace(": string", "        "), "map": None}
    assert await stripping.stripper.strip(["return (\nconst x = 1\n);"]) == [None]  # does not parse


async def _marker_strip(bodies: Sequence[str | None]) -> list[dict[str, Any] | None]:
    seen.append(list(bodies))
    return [None, {"code": '"use strict";\nreturn "compiled what the host sent"', "map": None}]


seen: list[list[str | None]] = []


async def test_the_harness_compiles_what_the_host_answered(stripping: DenoExecutor) -> None:
    assert stripping.deno is not None
    seen.clear()
    limits = Limits(wall_s=10)
    proc = await SandboxProcess.start(
        stripping.deno, heap_mib=64, frame_bytes=limits.frame_bytes, fetch=False
    )
    try:
        forms = candidates("const x: number = 1;\nx")
        request = RunRequest(forms, {}, (), limits, echo, strip_types=_marker_strip)
        result = await SandboxRun(proc, request).execute()
        assert result.ok, result.error
        assert result.value == "compiled what the host sent"
        assert seen == [[c.body for c in forms]]  # the host strips the run's own candidates
    finally:
        await proc.aclose()


def _helper_dirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{HELPER_PREFIX}{os.getpid()}-*"))


async def test_a_dead_stripper_leaves_typed_programs_running() -> None:
    before = _helper_dirs()
    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        assert ex.stripper is not None and await ex.stripper.wait_ready()
        process = ex.stripper._process
        assert process is not None
        process.kill()
        await process.wait()
        # A namespace: the host's blanker leaves it to the stripper process, which is dead.
        result = await run(ex, "namespace K { export const A = 'a' }\nreturn K.A as string")
        assert result.ok and result.value == "a", result.error
    # Nothing of the helper survives its executor: no process, no scratch directory.
    assert process.returncode is not None
    assert _helper_dirs() <= before


FORGER = (
    STAND_IN_PRELUDE
    + r"""
const run = JSON.parse(await line());
send({t: "strip", id: 1});
const answer = JSON.parse(await line());
send({t: "strip", id: 2});
send({t: "result", run: run.run, ok: true, value: answer});
await new Promise(() => {});
"""
)


@pytest.mark.parametrize("offered", [True, False], ids=["second-request", "not-offered"])
async def test_forged_strip_requests_break_only_their_own_run(
    stripping: DenoExecutor, tmp_path: Path, offered: bool
) -> None:
    # A guest that knows the nonce may ask for its own program stripped, once, and only when offered.
    assert stripping.deno is not None
    harness = tmp_path / "forger.js"
    harness.write_text(FORGER)
    limits = Limits(wall_s=10)
    proc = await SandboxProcess.start(
        stripping.deno, heap_mib=64, frame_bytes=limits.frame_bytes, fetch=False, harness=harness
    )
    try:
        strip = _marker_strip if offered else None
        request = RunRequest(candidates("const x: number = 1;\nx"), {}, (), limits, echo, strip_types=strip)
        result = await SandboxRun(proc, request).execute()
    finally:
        await proc.aclose()
    assert result.error is not None and result.error.name == "BridgeError"
    assert "a strip request the host did not offer, or a second one" in result.error.message


async def test_an_imported_typescript_module_writes_nothing(importing: DenoExecutor) -> None:
    # DENO_DIR is an empty file: Deno keeps its caches in memory, the emit cache is off, and even the
    # module-import path (a transpiled TypeScript module) leaves the scratch directory as it was.
    seen: list[tuple[bool, int, list[str], list[str]]] = []

    def scratch_of(pid: int) -> tuple[bool, int, list[str], list[str]]:
        deno_dir = Path(process_environment(pid)["DENO_DIR"])
        root = deno_dir.parent
        return deno_dir.is_file(), deno_dir.stat().st_size, sorted(os.listdir(root)), os.listdir(root / "cwd")

    async def look(ns: str, tool: str, args: object) -> str:
        seen.extend(scratch_of(pid) for pid in sandbox_pids(children_only=True))
        return "ok"

    code = "export default async function (): Promise<string> {\n  return await look();\n}"
    result = await run(importing, code, globals=["look"], callback=look)
    assert result.ok and result.value == "ok", result.error
    assert seen and all(s == (True, 0, ["cwd", "deno"], []) for s in seen), seen


async def test_runs_of_a_warm_sandbox_keep_their_own_positions(stripping: DenoExecutor) -> None:
    # Each transformed run's function gets its own position map; a leftover function of an earlier
    # run keeps its map too (the last 64 are kept). Namespaces are transformed by the stripper process
    # (the host's blanker refuses them).
    first = await run(
        stripping,
        "namespace K { export const A = 0 }\nglobalThis.later = (): never => {\n  throw new Error('leftover');\n};\nreturn K.A",
        sandbox_id="typed-warm",
    )
    assert first.ok, first.error
    for n in range(1, 11):
        code = "namespace K { export const A = 0 }\n" + "\n" * n + f"throw new Error('run {n}' as string);"
        result = await run(stripping, code, sandbox_id="typed-warm")
        assert result.error is not None and f"guest.ts:{n + 2}:7" in result.error.stack, result.error.stack
    early = await run(stripping, "namespace K { export const A = 0 }\nlater();", sandbox_id="typed-warm")
    assert early.error is not None and early.error.message == "leftover"
    assert "at globalThis.later (guest.ts:3:9)" in early.error.stack and "at guest.ts:2:" in early.error.stack


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        pytest.param("const n: number = 1;\nreturn n", True, id="hinted"),  # stripped before the harness asks
        pytest.param(
            "function f(a?) { return 1 }\nreturn f()", False, id="not-hinted"
        ),  # stripped when it asks
    ],
)
async def test_the_typed_hint_only_changes_when_stripping_starts(
    stripping: DenoExecutor, code: str, hint: bool
) -> None:
    assert looks_typed(code) is hint
    answered = served(stripping)
    result = await run(stripping, code)
    assert result.ok and result.value == 1, result.error
    assert served(stripping) == answered + 1


@pytest.mark.parametrize(
    "code",
    [
        "return 1",
        "const o = {a: 1, b: Math.max(1, 2)};\nreturn o",
        "return x ? a : Kind.A",
        "if (!x) return 1",
    ],
)
def test_plain_javascript_does_not_look_typed(code: str) -> None:
    assert not looks_typed(code)


async def test_a_program_nested_too_deep_for_the_parser_is_not_sent_to_the_stripper(
    stripping: DenoExecutor,
) -> None:
    # ~5,000 levels overflow the parser's native stack and abort the helper: such bodies never reach it.
    assert stripping.stripper is not None
    pid = stripping.stripper.pid
    deep = '"use strict";\nconst x: number = ' + "(" * 6000 + "1" + ")" * 6000 + ";\nreturn x"
    shallow = '"use strict";\nconst x: number = ' + "(" * 900 + "1" + ")" * 900 + ";\nreturn x"
    assert await stripping.stripper.strip([deep]) is None
    out = await stripping.stripper.strip([shallow])
    assert out is not None and out[0] is not None
    assert stripping.stripper.pid == pid and stripping.stripper.ready  # never crashed
