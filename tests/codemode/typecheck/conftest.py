"""Fixtures for the type checker: warm checkers (the compiler is `typescript_binary`, tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from codemode.description import describe
from codemode.typecheck import TypeChecker, shown_declarations
from codemode.world import default_sources


@pytest.fixture(scope="session")
def world_declarations() -> str:
    """What the model sees of the built-in world, as the checker gets it."""
    tools = [tool for source in default_sources() for tool in source.tools()]
    described = describe(tools, 8000)
    return shown_declarations(described.declarations, discovery=described.discovery)


@pytest.fixture(scope="module")
async def world_checker(typescript_binary: Path, world_declarations: str) -> AsyncIterator[TypeChecker]:
    """One warm checker per test module, holding the world's declarations."""
    async with TypeChecker(typescript_binary) as checker:
        checker.set_declarations(world_declarations)
        yield checker
