"""What codemode keeps in the user's cache folder: rendered catalogs and the code key behind them.

A cached rendering is the rendering (the same text as `tool_schemas` makes), a second run reads it
instead of rendering, another catalog (or the same tools in another order) is rendered afresh, and a
bad file only costs the rendering.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codemode.rendering_cache import Rendered
from codemode.user_cache import cache_folder, code_key
from tool_schemas import render_declarations, render_index, render_overview


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _tool(name: str, *properties: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {p: {"type": "string"} for p in properties}}
    return {"name": name, "description": f"Does {name}.", "inputSchema": schema}


CATALOG = {"crm": [_tool("find", "query", "limit"), _tool("get", "id")]}


def test_a_rendering_is_what_tool_schemas_renders_and_a_second_run_reads_it() -> None:
    first = Rendered(CATALOG)
    assert first.declarations == render_declarations(CATALOG)
    assert first.index == render_index(CATALOG)
    assert first.overview == render_overview(CATALOG)

    path = cache_folder() / "rendered.json"
    memo = json.loads(path.read_text())
    [forms] = memo.values()
    forms["declarations"] = "declare const remembered: 1;\n"  # proves the next run reads the file
    path.write_text(json.dumps(memo))
    assert Rendered(CATALOG).declarations == "declare const remembered: 1;\n"


def test_another_catalog_or_another_order_is_rendered_afresh() -> None:
    assert Rendered(CATALOG).declarations  # stored
    reordered = {"crm": [_tool("find", "limit", "query"), _tool("get", "id")]}
    assert Rendered(reordered).declarations == render_declarations(reordered)
    assert Rendered(reordered).declarations != Rendered(CATALOG).declarations  # property order shows


@pytest.mark.parametrize("content", ["not json", "[]", '{"x": 1}'])
def test_a_bad_file_only_costs_the_rendering(content: str) -> None:
    cache_folder().mkdir(parents=True)
    (cache_folder() / "rendered.json").write_text(content)
    assert Rendered(CATALOG).declarations == render_declarations(CATALOG)


def test_the_code_key_is_stable_within_a_process_and_short() -> None:
    assert code_key() == code_key() and len(code_key()) == 16
