"""The benchmark's public surface, pinned; and the chart on hand-made results."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from codemode.bench.accounting import ModeTokens
from codemode.bench.plot import render_svg
from codemode.bench.results import TaskResult


@pytest.mark.parametrize(
    ("module", "names"),
    [
        pytest.param(
            "codemode.bench.suite",
            ["ENGINE_SETTINGS", "SuiteRun", "discovery_program", "oracle_verdict", "run_suite", "run_suites"],
            id="suite",
        ),
        pytest.param(
            "codemode.bench.languages",
            ["LANGUAGES", "Language", "code_description", "discovery_program", "solution", "turn_programs"],
            id="languages",
        ),
        pytest.param("codemode.bench.side_by_side", ["languages_json", "print_side_by_side"], id="sides"),
        pytest.param("codemode.bench.live", ["live_summary", "run_live", "run_live_command"], id="live"),
        pytest.param("codemode.bench.trace", ["Recorder", "ToolCall", "group_waves"], id="trace"),
        pytest.param(
            "codemode.bench.accounting",
            [
                "CACHE_READ",
                "CACHE_WRITE",
                "CONTEXT_WINDOW",
                "TOOL_USE_SYSTEM_PROMPT",
                "ModeTokens",
                "TurnTokens",
                "count_blocks",
                "count_definitions",
                "count_transcript",
            ],
            id="accounting",
        ),
        pytest.param("codemode.bench.github", ["github_description_ratio", "github_tools"], id="github"),
        pytest.param(
            "codemode.bench.tasks",
            ["Env", "FollowUp", "OracleFailure", "Task", "all_tasks", "expect", "select_tasks"],
            id="tasks",
        ),
    ],
)
def test_public_names(module: str, names: list[str]) -> None:
    assert sorted(importlib.import_module(module).__all__) == sorted(names)


def test_the_npm_servers_folder_comes_from_the_caller(tmp_path: Path) -> None:
    from codemode.bench import NODE_MODULES_ENV
    from codemode.bench.environment import node_modules_from_env

    assert node_modules_from_env({}) is None
    assert node_modules_from_env({NODE_MODULES_ENV: str(tmp_path)}) == tmp_path


def tokens(total: int) -> ModeTokens:
    return ModeTokens(input=total - 10, output=10, turns=2, definitions=0, per_turn=())


def test_the_chart_marks_where_code_mode_costs_more() -> None:
    results = [
        TaskResult("cheap", "single", "p", "", "ok", code=tokens(2_000), classic=tokens(1_000)),
        TaskResult("big", "analysis", "p", "", "ok", code=tokens(5_000), classic=tokens(500_000)),
        TaskResult("skipped", "files", "p", "", "skipped", "no node"),
    ]
    svg = render_svg(results, title="T", subtitle="S")
    assert ">+100%</text>" in svg  # code mode used twice the tokens
    assert ">−99%</text>" in svg
    assert "skipped" not in svg  # unmeasured tasks are left out of the chart, not drawn as zero
    assert ">1k</text>" in svg
    assert ">1M</text>" in svg
    # Log scale: the 500k bar is 2.4 decades longer than the 2k one's, not 250 times as long.
    bars = [float(w) for w in re.findall(r'<rect x="250" y="[\d.]+" width="([\d.]+)" height="9"', svg)]
    assert len(bars) == 4
    assert max(bars) < 4 * min(bars)
