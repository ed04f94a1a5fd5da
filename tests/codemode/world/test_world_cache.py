"""The default world and the token counts are kept between runs, and what comes back is the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemode.tokenizer import count_tokens
from codemode.world import World
from codemode.world.cache import cached_world


def test_the_cached_world_is_the_generated_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = cached_world(0)
    (stored,) = (tmp_path / "codemode").glob("world-0-*.pickle")
    second = cached_world(0)
    assert second is not first  # loaded from the file, not kept in memory
    assert first.snapshot() == second.snapshot() == World.generate(0).snapshot()
    stored.write_bytes(b"not a pickle")  # a damaged file costs one generation, nothing else
    assert cached_world(0).snapshot() == first.snapshot()


def test_token_counts_are_remembered_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = "declare const crm: { find_customers(args: { query: string }): Promise<unknown> };"
    counted = count_tokens(text)
    (memo,) = (tmp_path / "codemode").glob("o200k_base-counts.json")
    assert str(counted) in memo.read_text()
    assert count_tokens(text) == counted
