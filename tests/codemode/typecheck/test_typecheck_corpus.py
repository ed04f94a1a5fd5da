"""The corpus of model-written programs: no correct one is blocked, every buggy one is caught."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typecheck_programs import BUGGY, CORRECT, GITHUB_BUGGY, GITHUB_CORRECT, MISSED, Bug

from codemode.typecheck import TypeChecker, shown_declarations
from tool_schemas import render_declarations

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("code", [pytest.param(code, id=name) for name, code in CORRECT.items()])
async def test_a_correct_program_is_not_blocked(world_checker: TypeChecker, code: str) -> None:
    assert await world_checker.check(code) == []


@pytest.mark.parametrize("bug", [pytest.param(bug, id=name) for name, bug in BUGGY.items()])
async def test_a_buggy_program_is_caught_at_its_line(world_checker: TypeChecker, bug: Bug) -> None:
    found = await world_checker.check(bug.code)
    assert found, "the bug was not caught"
    first = found[0]
    assert (first.code, first.line) == (bug.error, bug.line), found
    assert bug.mentions in first.message, first.message
    assert 1 <= first.column <= len(bug.code.split("\n")[first.line - 1]) + 1


@pytest.mark.parametrize(
    ("code", "why"), [pytest.param(code, why, id=name) for name, (code, why) in MISSED.items()]
)
async def test_known_misses_stay_documented(world_checker: TypeChecker, code: str, why: str) -> None:
    """These pass the check today, for the reason given; if one starts failing, move it to BUGGY."""
    assert await world_checker.check(code) == [], why


def test_the_corpus_is_big_enough() -> None:
    assert len(CORRECT) >= 30
    assert len(BUGGY) >= 30


@pytest.fixture(scope="module")
async def github_checker(typescript_binary: Path, corpus_dir: Path) -> AsyncIterator[TypeChecker]:
    """GitHub's 117 tools (over the token budget, so with search/describe), every result `unknown`."""
    tools = json.loads((corpus_dir / "github-mcp-server.tools.json").read_text(encoding="utf-8"))
    async with TypeChecker(typescript_binary) as checker:
        checker.set_declarations(shown_declarations(render_declarations({"github": tools}), discovery=True))
        yield checker


@pytest.mark.parametrize("code", [pytest.param(code, id=name) for name, code in GITHUB_CORRECT.items()])
async def test_a_correct_github_program_is_not_blocked(github_checker: TypeChecker, code: str) -> None:
    assert await github_checker.check(code) == []


@pytest.mark.parametrize("bug", [pytest.param(bug, id=name) for name, bug in GITHUB_BUGGY.items()])
async def test_a_buggy_github_program_is_caught(github_checker: TypeChecker, bug: Bug) -> None:
    found = await github_checker.check(bug.code)
    assert found, "the bug was not caught"
    assert (found[0].code, found[0].line) == (bug.error, bug.line), found
    assert bug.mentions in found[0].message, found[0].message
