"""Every code form a model writes runs, TypeScript included, and errors point at the guest's own lines."""

from __future__ import annotations

import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor

pytestmark = pytest.mark.anyio

FORMS = [
    pytest.param("return 1 + 1", 2, id="body-return"),
    pytest.param("const a = await t.f({x: 1});\nreturn a.args.x", 1, id="body-await"),
    pytest.param("async () => {\n  return 'arrow';\n}", "arrow", id="async-arrow"),
    pytest.param("async () => 'short arrow'", "short arrow", id="async-arrow-expression"),
    pytest.param(
        "export default async function main() {\n  return 'module';\n}", "module", id="export-default"
    ),
    pytest.param("export default 42;", 42, id="export-default-value"),
    pytest.param("const x = 40;\nx + 2", 42, id="final-expression"),
    pytest.param("const r = await t.f({n: 3});\nr.args.n * 2;", 6, id="final-expression-await"),
    pytest.param("const o = {a: 1};\n({...o, b: 2})", {"a": 1, "b": 2}, id="final-object-expression"),
    pytest.param("1 + 1", 2, id="single-expression"),
    pytest.param("```ts\nreturn 'fenced';\n```", "fenced", id="fence-ts"),
    pytest.param("Here you go:\n```typescript\nasync () => 7\n```\nDone.", 7, id="fence-with-prose"),
    pytest.param("```\nconst v = 5\nv\n```", 5, id="fence-bare"),
    pytest.param(
        "interface Item { id: number; name?: string }\nconst items: Item[] = [{id: 1}];\n"
        "const ids = items.map((i: Item): number => i.id);\nreturn ids as number[];",
        [1],
        id="typescript-types",
    ),
    pytest.param(
        "type T = {a: string};\nconst t1: T = {a: 'x'};\nt1.a", "x", id="typescript-final-expression"
    ),
    pytest.param("const s = `a;\n${1 + 1}`;\ns", "a;\n2", id="template-literal-with-semicolon"),
    pytest.param(
        "if (true) {\n  console.log('x');\n}\nreturn 'after block'", "after block", id="block-then-return"
    ),
    pytest.param("// a comment\nconst re = /[;}]/g;\n'a;b}'.replace(re, '')", "ab", id="regex-literal"),
    pytest.param("console.log('no result')", None, id="no-return-value"),
]


@pytest.mark.parametrize(("code", "expected"), FORMS)
async def test_code_forms(executor: DenoExecutor, code: str, expected: object) -> None:
    result = await run(executor, code, tools={"t": ["f"]})
    assert result.ok, result.error
    assert result.value == expected


ERRORS = [
    pytest.param("const a = 1;\nconst b = ;\n", "SyntaxError", "guest.ts:2:", id="syntax-error-line"),
    pytest.param("const a = 1;\n\nthrow new TypeError('bad');", "TypeError", "guest.ts:3:", id="throw-line"),
    pytest.param(
        "function f() {\n  null.x;\n}\nf();\nreturn 1", "TypeError", "guest.ts:2:", id="nested-line"
    ),
    pytest.param(
        "export default function () {\n  throw new Error('m');\n}", "Error", "guest.ts:2:", id="module-line"
    ),
    pytest.param(
        "const x: number = 1;\nconst y: string = 'a';\nthrow new Error(y);",
        "Error",
        "guest.ts:3:",
        id="typescript-line",
    ),
]


@pytest.mark.parametrize(("code", "name", "position"), ERRORS)
async def test_errors_point_at_guest_lines(
    executor: DenoExecutor, code: str, name: str, position: str
) -> None:
    result = await run(executor, code)
    assert not result.ok
    assert result.error is not None
    assert result.error.name == name
    assert position in result.error.stack, result.error.stack
    assert "harness" not in result.error.stack
    assert "base64" not in result.error.stack


async def test_thrown_non_error_values_are_described(executor: DenoExecutor) -> None:
    result = await run(executor, "throw {code: 42}")
    assert result.error is not None
    assert result.error.message == "uncaught non-Error value: { code: 42 }"
