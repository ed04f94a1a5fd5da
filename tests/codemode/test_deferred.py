"""Tool sources listed from a cache and built on their first call: what keeps `codemode exec` quick.

The listing a deferred source shows is the real source's, a call reaches the real tool, a stale
listing is replaced (and announced) once the real source is built, a bad cache file only costs a
build, and `codemode exec` over the demo loads neither pydantic nor the world when its program calls
no tool (the start-up itself is measured by `bench_exec_startup.py`, not here).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codemode.sources.deferred import DeferredSource, SourceBuilder, deferred_sources
from codemode.sources.listing_cache import load_listing, store_listing
from codemode.sources.python import PythonTools
from codemode.sources.toolbox import Toolbox
from codemode.sources.workspace import WorkspaceSettings
from codemode.typecheck import cache_dir as checker_cache_dir
from codemode.user_cache import cache_folder
from codemode.world.demo import demo_sources

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty cache folder for the listings; the type checker stays where it is installed."""
    monkeypatch.setenv("CODEMODE_CACHE_DIR", str(checker_cache_dir()))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _tools(builds: list[str]) -> list[PythonTools]:
    builds.append("built")
    tools = PythonTools("math")

    @tools.tool
    def double(x: int) -> int:
        """Twice `x`."""
        return 2 * x

    return [tools]


async def test_the_first_run_builds_and_stores_then_a_call_builds_it_again() -> None:
    builds: list[str] = []
    first = deferred_sources("math", lambda: _tools(builds))
    assert builds == ["built"] and isinstance(first[0], PythonTools)  # no cache yet: built at once

    second = deferred_sources("math", lambda: _tools(builds))
    assert builds == ["built"] and isinstance(second[0], DeferredSource)
    assert second[0].tools() == first[0].tools()
    async with Toolbox(second) as toolbox:
        assert toolbox.status()["math"].state == "ready"
        assert builds == ["built"]  # listed and started, not built
        assert await toolbox.call("math", "double", {"x": 21}) == 42
        assert await toolbox.call("math", "double", {"x": 1}) == 2
    assert builds == ["built", "built"]  # once, on the first call


async def test_a_stale_listing_is_replaced_and_announced_when_the_source_is_built() -> None:
    real = _tools([])[0]
    stale = dataclasses.replace(real.tools()[0], description="an old description")
    source = DeferredSource("math", [stale], SourceBuilder(lambda: [real]))
    changes: list[str] = []
    source.on_change(lambda: changes.append("changed"))
    assert source.tools() == [stale]
    assert await source.call("double", {"x": 2}) == 4
    assert source.tools() == real.tools() and changes == ["changed"]
    await source.aclose()


@pytest.mark.parametrize("content", ["not json", "[{}]", '{"a": 1}', ""])
def test_a_bad_cache_file_only_costs_a_build(content: str) -> None:
    store_listing("math", _tools([])[0].tools())
    [path] = cache_folder().glob("listing-math-*.json")
    path.write_text(content)
    assert load_listing("math") is None
    builds: list[str] = []
    assert isinstance(deferred_sources("math", lambda: _tools(builds))[0], PythonTools)
    assert builds == ["built"] and load_listing("math") is not None  # and the file is good again


async def test_the_demo_lists_the_same_tools_deferred_and_a_call_reaches_the_world() -> None:
    built = demo_sources()  # no cache: the real sources
    deferred = demo_sources()
    assert all(isinstance(source, DeferredSource) for source in deferred)
    assert [t for s in deferred for t in s.tools()] == [t for s in built for t in s.tools()]
    async with Toolbox(deferred) as toolbox:
        customers = await toolbox.call("crm", "find_customers", {"query": "a"})
    assert customers


def test_the_deferred_workspace_is_the_default_one() -> None:
    """`build_toolbox(defer=True)` lists the workspace without reading its settings: this pins the
    defaults it relies on (on, one shared store)."""
    settings = WorkspaceSettings()
    assert settings.enabled and settings.scope == "shared"


def _exec_reporting(tmp_path: Path, program: str, report: str) -> subprocess.CompletedProcess[str]:
    """`codemode exec -` on `program` in a fresh process, printing `report` (an expression over
    `sys.modules`) to stderr after the run, with no config and no CODEMODE_ variables."""
    script = (
        "import sys\n"
        "from codemode.cli import main\n"
        "status = main(['exec', '-'])\n"
        f"print('REPORT', {report}, file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMODE_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "no-config-home")
    return subprocess.run(
        [sys.executable, "-c", script],
        input=program,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )


def test_exec_over_the_demo_loads_neither_pydantic_nor_the_world(tmp_path: Path) -> None:
    heavy = "sorted(m for m in sys.modules if m in ('pydantic', 'codemode.world.world'))"
    runs = [_exec_reporting(tmp_path, "return 1", heavy) for _ in range(2)]  # the first stores the listings
    for done in runs:
        assert done.returncode == 0 and done.stdout.strip() == "1", done.stderr
    assert "REPORT []" not in runs[0].stderr  # the first run built the world
    assert "REPORT []" in runs[1].stderr, runs[1].stderr


@pytest.mark.parametrize(
    ("program", "typed"), [("return 1", False), ("const x: number = 1;\nreturn x", True)], ids=["js", "ts"]
)
def test_exec_loads_the_type_blanker_only_for_a_typed_program(
    tmp_path: Path, program: str, typed: bool
) -> None:
    # Plain JavaScript needs neither tree-sitter (~50 ms to load) nor the type stripper process.
    done = _exec_reporting(tmp_path, program, "'tree_sitter' in sys.modules")
    assert done.returncode == 0 and done.stdout.strip() == "1", done.stderr
    assert f"REPORT {typed}" in done.stderr, done.stderr
