"""The forms measurement: every form counted, smaller forms smaller, the corpus named by server."""

from __future__ import annotations

from pathlib import Path

from codemode.bench.forms import corpus_catalogs, measure, world_catalog


def test_corpus_catalogs_are_named_after_their_servers(corpus_dir: Path) -> None:
    catalogs = corpus_catalogs(corpus_dir)
    sizes = {name: len(catalog[name]) for name, catalog in catalogs.items()}
    assert sizes == {"github": 117, "filesystem": 14, "memory": 9}


def test_every_form_is_counted_and_the_short_ones_are_shorter(corpus_dir: Path) -> None:
    memory = measure("memory", corpus_catalogs(corpus_dir)["memory"], token_budget=100_000)
    forms = memory.forms
    assert set(forms) == {"declarations", "jsdoc", "index", "overview", "names", "code_description@100000"}
    assert forms["names"] < forms["overview"] < forms["index"] < forms["declarations"] < forms["jsdoc"]
    assert forms["code_description@100000"] > forms["declarations"]  # the guide, then the declarations
    assert memory.json_api < memory.json_mcp  # memory's tools declare output schemas
    assert memory.ratios()["declarations"] == round(forms["declarations"] / memory.json_api, 3)


def test_the_world_is_measured_as_codemode_types_lists_it() -> None:
    world = world_catalog()
    assert sorted(world) == ["crm", "docs", "records", "tracker"]
    assert sum(len(tools) for tools in world.values()) == measure("world", world).tools
