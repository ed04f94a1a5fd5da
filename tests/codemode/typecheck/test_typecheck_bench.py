"""The checker's benchmark figures and the line `codemode doctor` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import codemode.bench
import codemode.typecheck
from codemode.typecheck.bench import doctor_report, format_typecheck, measure_typecheck

pytestmark = pytest.mark.anyio


async def test_the_benchmark_and_doctor_figures(typescript_binary: Path) -> None:
    figures = await measure_typecheck(rounds=3, binary=typescript_binary)
    assert set(figures) == {"typecheck_world_ms", "typecheck_github_ms", "checker_rss_mib"}
    for key in ("typecheck_world_ms", "typecheck_github_ms"):
        assert 0 < figures[key]["p50"] <= figures[key]["p95"]
    assert "typecheck_github_ms" in format_typecheck(figures)
    ok, detail = await doctor_report(rounds=3)
    assert ok, detail
    assert detail.startswith("TypeScript 7.0.2 at ")


def test_the_shipped_github_catalog_is_the_test_corpus(corpus_dir: Path) -> None:
    shipped = Path(codemode.bench.__file__).parent / "data" / "github-mcp-server.tools.json"
    corpus = corpus_dir / "github-mcp-server.tools.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == json.loads(corpus.read_text(encoding="utf-8"))
