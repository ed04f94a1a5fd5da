"""The code-form pipeline as data: fences, classification, candidate modules (no Deno needed)."""

from __future__ import annotations

import pytest

from sandbox.source import candidates, classify, strip_fence


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("```ts\nreturn 1\n```", "return 1", id="ts"),
        pytest.param("prose\n```typescript\nx\ny\n```\nmore", "x\ny", id="prose-around"),
        pytest.param("```\nreturn 2\n```", "return 2", id="bare"),
        pytest.param("return 3", "return 3", id="no-fence"),
        pytest.param("```js\na\n```\n```ts\nb\n```", "a", id="first-fence-wins"),
    ],
)
def test_strip_fence(text: str, code: str) -> None:
    assert strip_fence(text) == code


@pytest.mark.parametrize(
    ("code", "kinds"),
    [
        pytest.param("export default async function () {}", ["module"], id="module"),
        pytest.param("return 1", ["body"], id="body-with-return"),
        pytest.param("const x = 1;\nx + 1", ["expression", "last-expression", "body"], id="final-expression"),
        pytest.param("async () => 1", ["expression", "body"], id="arrow"),
        pytest.param("if (a) {\n  b()\n}", ["body"], id="ends-with-block"),
    ],
)
def test_candidate_kinds(code: str, kinds: list[str]) -> None:
    assert [c.kind for c in candidates(code)] == kinds


def test_every_candidate_has_one_prologue_line() -> None:
    code = "const a = 1;\nconst b = 2;\na + b"
    for candidate in candidates(code):
        lines = candidate.source.split("\n")
        assert lines[1].startswith("const a = 1;"), candidate.kind
        assert lines[2] == "const b = 2;"


def test_last_expression_skips_strings_comments_and_templates() -> None:
    code = "const s = 'a;b';\n// c; d\nconst t = `x;${'y;'}`;\ns + t"
    last = [c for c in candidates(code) if c.kind == "last-expression"]
    assert last and "return (s + t" in last[0].source


def test_classify() -> None:
    assert classify("  export default 1") == "module"
    assert classify("const x = 'export default'") == "body"
