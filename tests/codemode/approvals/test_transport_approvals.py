"""Approvals as users run the server: `codemode serve` over real HTTP and stdio, each protocol era.

The server process loads `approval_tools.vault` from its config; `vault.wipe` needs approval and
leaves a file when it runs, so the test sees from outside what ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from http_serving import serving_http
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio

HERE = Path(__file__).parent
ERAS = [pytest.param("legacy", id="2025-11-25"), pytest.param("auto", id="2026-07-28")]
VERSIONS = {"legacy": "2025-11-25", "auto": "2026-07-28"}


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "codemode.json"
    config.write_text(json.dumps({"codemode": {"python": ["approval_tools:vault"]}}), encoding="utf-8")
    return config


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}


class Answers:
    """The client's answer to the next approval question; the test changes it between calls."""

    def __init__(self) -> None:
        self.next = "once"
        self.asked = 0

    async def __call__(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        assert "vault.wipe" in params.message
        self.asked += 1
        if self.next in ("decline", "cancel"):
            return types.ElicitResult(action=self.next)
        return types.ElicitResult(action="accept", content={"allow": self.next})


def answering(answer: str) -> Answers:
    answers = Answers()
    answers.next = answer
    return answers


def _program(marker: Path) -> str:
    wipe = f"vault.wipe({{marker: {json.dumps(str(marker))}}})"
    return f"try {{ return await {wipe}; }} catch (e) {{ return e.message; }}"


async def _both_answers(client_for: Any, tmp_path: Path, mode: str) -> None:
    """Accept: the call runs. Then, in the same session, decline: it throws in the program and
    nothing runs (an answer of "once" is asked again next time)."""
    allowed, refused = tmp_path / "allowed", tmp_path / "refused"
    answers = Answers()
    async with client_for(answers) as client:
        assert client.protocol_version == VERSIONS[mode]
        result = await client.call_tool("code", {"code": _program(allowed)})
        assert result.content[0].text == "wiped"
        assert allowed.exists()
        answers.next = "decline"
        result = await client.call_tool("code", {"code": _program(refused)})
    assert result.content[0].text == "ApprovalDeclined: the user did not allow vault.wipe"
    assert not refused.exists()
    assert answers.asked == 2


@pytest.fixture(scope="module")
def http_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One HTTP server for both protocol eras: each test opens its own sessions on it."""
    with serving_http("--config", str(_config(tmp_path_factory.mktemp("http-config"))), env=_env()) as (
        url,
        _,
    ):
        yield url


@pytest.mark.parametrize("mode", ERAS)
async def test_over_http(http_url: str, tmp_path: Path, mode: str) -> None:
    await _both_answers(
        lambda answers: Client(http_url, mode=mode, elicitation_callback=answers), tmp_path, mode
    )


@pytest.mark.parametrize("mode", ERAS)
async def test_over_stdio(tmp_path: Path, mode: str) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "codemode", "serve", "--config", str(_config(tmp_path))],
        env=_env(),
    )
    await _both_answers(
        lambda answers: Client(params, mode=mode, elicitation_callback=answers), tmp_path, mode
    )


async def test_stateless_http_of_the_handshake_era_cannot_ask_and_says_why(tmp_path: Path) -> None:
    marker = tmp_path / "wiped"
    with serving_http("--config", str(_config(tmp_path)), "--stateless", env=_env()) as (url, _):
        async with Client(url, mode="legacy", elicitation_callback=answering("once")) as client:
            result = await client.call_tool("code", {"code": _program(marker)})
    assert "needs a person's approval and this client cannot" in result.content[0].text
    assert "stateless" in result.content[0].text
    assert not marker.exists()


def test_types_marks_the_tools_that_need_approval(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codemode", "types", "--config", str(_config(tmp_path))],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
    )
    assert done.returncode == 0, done.stderr
    assert "(needs approval) Wipe the vault" in done.stdout
    assert "(needs approval) Look inside" not in done.stdout
