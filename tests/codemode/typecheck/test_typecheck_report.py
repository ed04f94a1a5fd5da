"""How a rejected program is told to the model and to `codemode exec --json` (pure)."""

from __future__ import annotations

from codemode.typecheck import Diagnostic
from codemode.typecheck.report import error_json, rejected_result, rejection_text

CODE = "const o = await records.query_orders({});\n    return o.rowz.length;"
ROWZ = Diagnostic(2, 14, 2339, "Property 'rowz' does not exist on type 'X'. Did you mean 'rows'?")


def test_the_model_sees_the_line_a_caret_and_the_name_it_meant() -> None:
    text = rejection_text(CODE, [ROWZ])
    assert text.splitlines() == [
        "the program was not run (1 type error; no tool was called). "
        "Fix these and send the whole program again:",
        "line 2: return o.rowz.length;",
        "                 ^",
        "  TS2339: Property 'rowz' does not exist on type 'X'. Did you mean 'rows'?",
    ]


def test_many_errors_are_counted_not_all_shown() -> None:
    text = rejection_text("x", [Diagnostic(1, 1, 2304, f"Cannot find name 'x{i}'.") for i in range(12)])
    assert "12 type errors" in text
    assert text.count("TS2304") == 10
    assert text.endswith("... and 2 more")


def test_exec_json_has_the_diagnostics_and_no_tool_calls() -> None:
    payload = error_json(rejected_result(CODE, [ROWZ]), [ROWZ])
    assert payload["ok"] is False
    assert payload["error"]["name"] == "TypeCheckError"
    assert "rowz" in payload["error"]["message"]
    assert payload["error"]["diagnostics"] == [ROWZ.to_json()]
    assert payload["stats"]["tool_calls"] == 0
