"""The official MCP conformance suite (`@modelcontextprotocol/conformance`, server side) vs `codemode serve`.

The suite acts as a client against our server over streamable HTTP on a free port, one scenario at a
time, and writes its checks to `checks.json`. Its CLI needs Node.js 22 or newer (it imports
`fs.globSync`); it runs unchanged on the Deno the `deno` wheel brings, so that is what runs it here.

Many of its scenarios call fixture tools, resources and prompts that only the suite's reference server
has (`test_simple_text`, `test://static-text`, ...). Some of those "pass" against any server that
answers an unknown tool with an error result, which tests nothing, so they are not run: every scenario
is either in APPLICABLE or in NEEDS_FIXTURES with the reason, and a test keeps the two lists complete.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import deno
import pytest
from http_serving import serving_http

SUITE = "@modelcontextprotocol/conformance"

APPLICABLE: tuple[str, ...] = (
    "server-initialize",
    "logging-set-level",
    "ping",
    "tools-list",
    "resources-list",
    "prompts-list",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
)
"""Scenarios that test the protocol itself, not the suite's own fixture tools, resources or prompts."""

NEEDS_FIXTURES: dict[str, str] = {
    **{
        name: "calls one of the suite's fixture tools"
        for name in (
            "tools-call-simple-text",
            "tools-call-image",
            "tools-call-audio",
            "tools-call-embedded-resource",
            "tools-call-mixed-content",
            "tools-call-with-logging",
            "tools-call-error",
            "tools-call-with-progress",
            "tools-call-sampling",
            "tools-call-elicitation",
            "elicitation-sep1034-defaults",
            "elicitation-sep1330-enums",
            "json-schema-2020-12",
        )
    },
    **{
        name: "reads one of the suite's fixture resources"
        for name in (
            "resources-read-text",
            "resources-read-binary",
            "resources-templates-read",
            "resources-subscribe",
            "resources-unsubscribe",
        )
    },
    **{
        name: "gets one of the suite's fixture prompts"
        for name in (
            "prompts-get-simple",
            "prompts-get-with-args",
            "prompts-get-embedded-resource",
            "prompts-get-with-image",
            "completion-complete",
        )
    },
    "server-sse-polling": "in the suite's pending set; needs SSE resumption (an event store) we do not keep",
}
"""Scenarios left out, each with why."""


def _suite(node_modules: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cli = node_modules / SUITE / "dist" / "index.js"
    return subprocess.run(
        [deno.find_deno_bin(), "run", "--allow-all", "--no-prompt", str(cli), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "NO_COLOR": "1", "DENO_NO_UPDATE_CHECK": "1"},
    )


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """`codemode serve --transport http` on a free port, over the embedded default tools."""
    with serving_http() as (url, _):
        yield url


def test_every_server_scenario_of_the_suite_is_run_or_left_out_with_a_reason(
    node_modules: Path, tmp_path: Path
) -> None:
    listed = _suite(node_modules, "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    server_part = listed.stdout.split("Server scenarios", 1)[1].split("Client scenarios", 1)[0]
    scenarios = set(re.findall(r"^\s+- (\S+)", server_part, flags=re.MULTILINE))
    assert scenarios == set(APPLICABLE) | set(NEEDS_FIXTURES)
    assert not set(APPLICABLE) & set(NEEDS_FIXTURES)


@pytest.mark.parametrize("scenario", APPLICABLE)
def test_conformance_scenario_passes(
    scenario: str, server_url: str, node_modules: Path, tmp_path: Path
) -> None:
    done = _suite(
        node_modules, "server", "--url", server_url, "--scenario", scenario, "-o", "out", cwd=tmp_path
    )
    (checks_file,) = (tmp_path / "out").rglob("checks.json")
    checks = json.loads(checks_file.read_text())
    assert checks, f"{scenario}: the suite ran no check\n{done.stdout}"
    failed = [check for check in checks if check["status"] not in ("SUCCESS", "INFO")]
    assert not failed, json.dumps(failed, indent=2)
    assert done.returncode == 0, done.stdout + done.stderr
