"""Fixtures for the sandbox tests: an executor without a pool, and an orphan check."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import DenoExecutor, SandboxSettings


@pytest.fixture
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        yield ex
