"""Fixtures for the agent tests: the env that points the real SDKs at the scripted fake API.

The engine and toolbox stand-ins are in `agent_doubles.py`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from codemode.agent.fakeapi import FakeAPI, ScriptEntry

ENV_VARS = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No provider credentials or base URLs from the developer's shell."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def fake_api(clean_env: pytest.MonkeyPatch) -> Iterator[Any]:
    """`fake_api(script)` starts a scripted server and points both SDKs at it."""
    servers: list[FakeAPI] = []

    def start(script: Sequence[ScriptEntry]) -> FakeAPI:
        api = FakeAPI(script)
        api.start()
        servers.append(api)
        for name, value in api.environment().items():
            clean_env.setenv(name, value)
        return api

    yield start
    for api in servers:
        api.close()
