"""`codemode.app`: the config becomes sources, settings and a toolbox; nothing else reads it."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from codemode.app import build_toolbox, engine_settings, open_toolbox, sandbox_limits
from codemode.config import parse_config
from codemode.errors import ConfigError
from codemode.sources.python import PythonTools
from sandbox import Limits

FIXTURES = Path(__file__).parent / "fixtures"


def test_without_config_or_sources_the_toolbox_is_the_embedded_world() -> None:
    # The workspace is on by default, beside whatever else is served (workspace=False: none).
    assert sorted(build_toolbox(None).sources) == ["crm", "docs", "records", "tracker", "workspace"]
    assert list(build_toolbox(None, [PythonTools("mine")]).sources) == ["mine", "workspace"]
    assert list(build_toolbox(parse_config({}), [PythonTools("mine")]).sources) == ["mine", "workspace"]
    assert list(build_toolbox(None, [PythonTools("mine")], workspace=False).sources) == ["mine"]
    disabled = parse_config({"codemode": {"workspace": {"enabled": False}}})
    assert list(build_toolbox(disabled, [PythonTools("mine")]).sources) == ["mine"]


def test_the_limits_section_maps_onto_the_sandbox_limits() -> None:
    config = parse_config(
        {"codemode": {"token_budget": 500, "limits": {"timeout_s": 5, "max_output_bytes": 4096, "cpu_s": 2}}}
    )
    assert sandbox_limits(config) == Limits(wall_s=5, result_bytes=4096, cpu_s=2)
    assert sandbox_limits(None) == Limits()
    settings = engine_settings(config)
    assert (settings.token_budget, settings.limits.wall_s) == (500, 5)


@pytest.fixture
def tools_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An importable module with a PythonTools object and a factory."""
    (tmp_path / "sample_tools.py").write_text(
        textwrap.dedent(
            """
            from codemode.sources.python import PythonTools

            VERSION = 3
            notes = PythonTools("notes")

            @notes.tool
            def count(text: str) -> int:
                return len(text)

            def make_clock():
                clock = PythonTools("clock")
                clock.add(lambda: "12:00", name="now")
                return clock
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return "sample_tools"


@pytest.mark.anyio
async def test_a_config_builds_python_and_upstream_sources(tools_module: str) -> None:
    config = parse_config(
        {
            "mcpServers": {
                "changing-server": {"command": sys.executable, "args": [str(FIXTURES / "changing_server.py")]}
            },
            "codemode": {"python": [f"{tools_module}:notes", f"{tools_module}:make_clock"]},
        }
    )
    async with open_toolbox(config, sources=[PythonTools("crm")]) as toolbox:
        assert list(toolbox.sources) == ["crm", "notes", "clock", "changing_server", "workspace"]
        assert await toolbox.call("notes", "count", {"text": "four"}) == 4
        assert await toolbox.call("clock", "now", {}) == "12:00"
        assert await toolbox.call("changing_server", "echo", {"text": "hi"}) == {"echo": "hi"}


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param(
            "no_such_module_xyz:tools",
            "no module `no_such_module_xyz` beside the config file",
            id="no-module",
        ),
        pytest.param(
            "sample_tools:nothing", "module `sample_tools` has no attribute `nothing`", id="no-attribute"
        ),
        pytest.param("sample_tools:VERSION", "got int", id="not-a-source"),
    ],
)
def test_bad_python_entries_are_config_errors(tools_module: str, target: str, message: str) -> None:
    config = parse_config({"codemode": {"python": [target]}}, source="c.json")
    with pytest.raises(ConfigError, match=f"c.json: codemode.python entry '{target}'.*{message}"):
        build_toolbox(config)
