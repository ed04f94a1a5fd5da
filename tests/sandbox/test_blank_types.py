# ruff: noqa: E501  (one program per line)
"""Types blanked in the host (sandbox/blank_types.py), checked against the stripper process.

node:module's `stripTypeScriptTypes` (swc, in the stripper process) is the reference: for every
program both strip in "strip" mode, the two outputs must be the same program (the same text once runs
of blanks and `;` are collapsed: the blanker writes a `;` where a declaration stood). Programs that
generate code (enums) are compared by running them both ways. Programs the blanker must refuse (they
need code generated, or a blank would join two lines into one expression) must come back None, and
still run correctly through the stripper process.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor, SandboxSettings
from sandbox.blank_types import TypeBlanker, blank_types, load
from sandbox.source import candidates

pytestmark = pytest.mark.anyio

ERASABLE = [
    "const x: number = 1;\nreturn x",
    "let a: string | undefined, b: Array<Map<string, number[]>> = [];\nreturn [a, b]",
    "function f<T extends { n: number }, U = T>(x: T, y?: U): T | U { return y ?? x }\nreturn f({ n: 1 })",
    "const g = async <T,>(xs: readonly T[]): Promise<T[]> => [...xs];\nreturn await g([1, 2])",
    "interface A { a: number; b?: string; [k: string]: unknown }\ninterface B extends A { c(): void }\nconst v = { a: 1 } as A;\nreturn v",
    "type Row = { id: string; total: number };\ntype Pick2<T, K extends keyof T> = { [P in K]: T[P] };\nconst r: Row = { id: 'x', total: 2 };\nreturn r",
    "const v = [1, 2] as const;\nconst w = { k: 'a' } satisfies Record<string, string>;\nreturn [v, w]",
    "const m = new Map<string, number>();\nm.set('a', 1);\nreturn m.get('a')!",
    "let d!: number;\nd = 3;\nreturn d",
    "class C<T> implements Iterable<T> {\n  private readonly items: T[] = [];\n  public static count = 0;\n  protected name?: string;\n  declare tag: string;\n  add(x: T): this { this.items.push(x); return this }\n  *[Symbol.iterator](): Iterator<T> { yield* this.items }\n}\nreturn [...new C<number>().add(1).add(2)]",
    "abstract class Shape { abstract area(): number; describe(): string { return `area ${this.area()}` } }\nclass Sq extends Shape { constructor(readonly_: number) { super() } area() { return 4 } }\nreturn new Sq(2).describe()",
    "function over(x: string): string;\nfunction over(x: number): number;\nfunction over(x: any): any { return x }\nreturn over(1)",
    "const isStr = (x: unknown): x is string => typeof x === 'string';\nfunction check(x: unknown): asserts x is number { if (typeof x !== 'number') throw new Error('no') }\ncheck(1);\nreturn isStr('a')",
    "try { throw new Error('e') } catch (e: unknown) { return (e as Error).message }",
    "const f = <T>(x: T) => x;\nconst h = f<string>;\nreturn h('s')",
    "const o = { a: 1 };\nconst k = Object.keys(o) as Array<keyof typeof o>;\nreturn k",
    "declare const ambient: number;\ndeclare function helper(): void;\nreturn typeof ambient === 'undefined' ? 'none' : 'some'",
    "const rows: { id: number;\n  name: string }[] = [{ id: 1, name: 'a' }];\nreturn rows.map((r: { id: number }): number => r.id)",
    "const a = 1\ninterface Gap { x: number }\n;[a].forEach((v) => v)\nreturn a",
    "const s: 'é😀' = 'é😀';\nconst t: string = s + '!';\nreturn t",
    "const q = (x?: number, ...rest: number[]): number => (x ?? 0) + rest.length;\nreturn q(1, 2, 3)",
    "const cond = true ? ({ a: 1 } as { a: number }) : null;\nreturn cond?.a",
    "function* gen(): Generator<number, void, unknown> { yield 1 }\nreturn [...gen()]",
    "const res = await Promise.all([1, 2].map(async (i: number): Promise<number> => i * 2));\nreturn res",
    "class P { x: number; y!: string; constructor() { this.x = 1 } get len(): number { return 1 } set len(v: number) {} }\nreturn new P().x",
    "const u = undefined as any as string | undefined;\nreturn u ?? 'dflt'",
    "let z: number = 0 // a comment: not a type\n/* as Foo */ z += 1;\nreturn z",
    "const obj = { a: 1, b: 'x' as string, c: [] as number[] };\nreturn obj",
    "for (const [k, v] of Object.entries({ a: 1 }) as [string, number][]) { return k + v }",
    "const tpl = `${(1 as number).toFixed(1)}:${'x' satisfies string}`;\nreturn tpl",
    "const x = 'use strict' as string;\nexport_: {\n  const y: number = 2;\n}\nreturn x",
]
"""Erasable TypeScript as models write it, and the corners of each construct."""

ASSERTIONS = [
    "const n = (5 as unknown as number) + (<number>(<unknown>6));\nreturn n",
    "const s = <string>'a' + <string>`b`;\nreturn s",
]
"""`<T>x` casts: the stripper refuses them in strip mode (they read as JSX there), so these are
compared by running only."""

ENUMS = [
    ("enum K { A, B, C = 10, D }\nreturn [K.A, K.B, K.C, K.D, K[0], K[11]]", [0, 1, 10, 11, "A", "D"]),
    ('const enum S { Up = "UP", Down = "DOWN" }\nreturn [S.Up, S.Down]', ["UP", "DOWN"]),
    (
        'enum N { Neg = -2, Next, Hex = 0x10, "with space" = 3 }\nreturn [N.Neg, N.Next, N[-1], N.Hex, N["with space"], N[3]]',
        [-2, -1, "Next", 16, 3, "with space"],
    ),
    ("function f() { enum Inner { X = 7 } return Inner.X }\nreturn f()", 7),
]
"""Enums of literal members: rewritten as objects, compared by running."""

REFUSED = [
    ("namespace N { export const v = 5 }\nreturn N.v", 5),
    ("class P { constructor(public name: string) {} }\nreturn new P('a').name", "a"),
    ("function f(this: { v: number }, k: number) { return this.v + k }\nreturn f.call({ v: 1 }, 2)", 3),
    ("enum E { A = 1, B = A * 2 }\nreturn E.B", 2),
    ("enum E { A = 1 }\nenum E { B = 2 }\nreturn E.A + E.B", 3),
    ("const f = (x: number) => x\nconst a = f as (x: number) => number\n(1)\nreturn a", None),
    ("const v = [1]!\n[0]\nreturn v", None),
    ("const f = (x: number) => x\nconst a = f as any /* a comment\n */ (1)\nreturn a", None),
]
"""What the blanker leaves to the stripper process: code generation, or a blank at a line's end
whose next line would continue the expression once the type is gone."""


def _widths(code: str) -> list[int]:
    return [len(line.encode("utf-16-le")) // 2 for line in code.split("\n")]


def _collapsed(code: str) -> str:
    return re.sub(r"[\s\ufeff;]+", " ", code).strip()  # swc blanks some non-ASCII with U+FEFF


@pytest.fixture(scope="module", autouse=True)
def _loaded() -> None:
    load()


@pytest.fixture(scope="module")
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        assert ex.stripper is not None and await ex.stripper.wait_ready()
        yield ex


@pytest.fixture(scope="module")
async def process_only() -> AsyncIterator[DenoExecutor]:
    """Typed programs through the stripper process alone: the blanker refuses everything."""

    class Refusing(TypeBlanker):
        def blank(self, bodies: object) -> None:
            return None

    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        assert ex.stripper is not None and await ex.stripper.wait_ready()
        ex.blanker = Refusing()
        yield ex


@pytest.mark.parametrize("code", ERASABLE)
async def test_erasable_programs_blank_to_what_the_stripper_makes(executor: DenoExecutor, code: str) -> None:
    assert executor.stripper is not None
    bodies = [c.body for c in candidates(code)]
    ours = TypeBlanker().blank(bodies)
    theirs = await executor.stripper.strip(bodies)
    assert ours is not None and theirs is not None
    index = next(i for i, b in enumerate(ours) if b is not None)
    assert theirs[index] is not None and theirs[index]["map"] is None, "the stripper picked another body"
    assert _collapsed(ours[index]["code"]) == _collapsed(theirs[index]["code"])
    # Every line and column stays where the model wrote it (V8 counts columns in UTF-16 units).
    assert _widths(ours[index]["code"]) == _widths(bodies[index] or "")


@pytest.mark.parametrize("code", ERASABLE + ASSERTIONS)
async def test_erasable_programs_run_blanked_as_through_the_stripper(
    executor: DenoExecutor, process_only: DenoExecutor, code: str
) -> None:
    blanked = executor.blanker.answered
    result = await run(executor, code)
    assert executor.blanker.answered == blanked + 1
    reference = await run(process_only, code)
    assert (result.ok, result.value, result.error) == (reference.ok, reference.value, reference.error)


@pytest.mark.parametrize(("code", "expected"), ENUMS)
async def test_enums_of_literals_run_as_objects(
    executor: DenoExecutor, process_only: DenoExecutor, code: str, expected: object
) -> None:
    assert executor.stripper is not None
    before = (executor.blanker.answered, executor.stripper.answered)
    result = await run(executor, code)
    assert result.ok and result.value == expected, result.error
    assert (executor.blanker.answered, executor.stripper.answered) == (before[0] + 1, before[1])
    reference = await run(process_only, code)
    assert reference.ok and reference.value == expected, reference.error


async def test_an_enum_keeps_the_lines_after_it(executor: DenoExecutor) -> None:
    code = 'enum K {\n  A = "a",\n  B = "b",\n}\nconst k: K = K.B;\nthrow new Error(k)'
    result = await run(executor, code)
    assert result.error is not None and "guest.ts:6:7" in result.error.stack, result.error


@pytest.mark.parametrize(("code", "expected"), REFUSED)
async def test_what_the_blanker_refuses_runs_through_the_stripper(
    executor: DenoExecutor, code: str, expected: object
) -> None:
    assert executor.stripper is not None
    assert all(c.body is None or blank_types(c.body) is None for c in candidates(code))
    answered = executor.stripper.answered
    result = await run(executor, code)
    assert executor.stripper.answered == answered + 1
    if expected is not None:
        assert result.ok and result.value == expected, result.error


def test_syntax_errors_are_left_to_the_harness() -> None:
    assert blank_types('"use strict";\nconst a: number = ;\nreturn a') is None


def test_plain_javascript_comes_back_unchanged() -> None:
    body = '"use strict";\nconst a = { type: "bug", n: 1 };\nreturn a.n > 0 ? a : null'
    assert blank_types(body) == {"code": body, "map": None}
