"""Positions in the checked module map back to the model's own lines and columns (pure, no compiler)."""

from __future__ import annotations

import pytest

from codemode.typecheck.program import checked_sources


def _source(code: str, kind: str):  # type: ignore[no-untyped-def]
    return next(s for s in checked_sources(code) if s.kind == kind)


def test_the_body_form_is_checked_first() -> None:
    kinds = [s.kind for s in checked_sources("const x = 1;\nx + 1")]
    assert kinds[0] == "body"
    assert set(kinds) == {"body", "expression", "last-expression"}


def test_the_module_form_is_the_only_candidate() -> None:
    assert [s.kind for s in checked_sources("export default async function () { return 1 }")] == ["module"]


@pytest.mark.parametrize(
    ("code", "kind", "module_position", "guest_position"),
    [
        pytest.param("const a = 1;\nreturn a.b;", "body", (2, 9), (2, 10), id="body-line-2"),
        pytest.param("```ts\nconst a = 1;\nreturn a.b;\n```", "body", (2, 9), (3, 10), id="fenced"),
        pytest.param("const a = 1; a.b", "last-expression", (1, 23), (1, 16), id="after-insertion"),
        pytest.param("const a = 1; a.b", "last-expression", (1, 6), (1, 7), id="before-insertion"),
        pytest.param('const s = "😀"; s.x', "body", (1, 18), (1, 18), id="astral-char-is-one-column"),
        pytest.param("return 1", "body", (0, 5), (1, 1), id="prologue-clamps-to-start"),
        pytest.param("return 1\n", "body", (5, 0), (2, 1), id="closing-brace-clamps-to-end"),
    ],
)
def test_positions_map_back(
    code: str, kind: str, module_position: tuple[int, int], guest_position: tuple[int, int]
) -> None:
    assert _source(code, kind).to_guest(*module_position) == guest_position


def test_the_last_expression_insertion_is_found_in_tricky_code() -> None:
    code = 'const r = "return (";\nreturn_value(r)'
    source = _source(code, "last-expression")
    assert source.insert_line == 2
    assert source.insert_column == 0
