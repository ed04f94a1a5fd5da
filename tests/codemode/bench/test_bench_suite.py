"""The offline benchmark end to end on a few tasks, through `codemode bench`'s entry point."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

import pytest

from codemode import cli
from codemode.bench.results import TaskResult
from codemode.bench.suite import discovery_program, oracle_verdict
from codemode.bench.tasks import Env, all_tasks, select_tasks
from codemode.bench.trace import ToolCall
from codemode.commands.bench import add_token_arguments, run_tokens
from codemode.world import World

#: One task per kind of oracle: an answer, a computed aggregate, a file written, a graph and a file.
TASKS = "customer-city,revenue-by-region-2025,export-orders-csv,critical-digest"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_token_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture(scope="module")
def bench_json(tmp_path_factory: pytest.TempPathFactory, node_modules: Path) -> dict:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("bench")
    # Through the front door: the `codemode` command line, with the npm servers' folder named.
    # A budget under the catalog's declarations, so both forms are measured: the index (default
    # column, with its describe turn) and every declaration (the full column). Both languages: the
    # top level is TypeScript's (the default's keys), Python's figures are in `languages`.
    argv = ["bench", "--tasks", TASKS, "--token-budget", "2000", "--node-modules", str(node_modules)]
    argv += ["--language", "both"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = cli.main([*argv, "--json", str(out / "b.json"), "--plot", str(out / "b.svg")])
    data = json.loads((out / "b.json").read_text(encoding="utf-8"))
    data["_status"] = status
    data["_printed"] = printed.getvalue()
    data["_svg"] = (out / "b.svg").read_text(encoding="utf-8")
    return data


def test_every_oracle_passes_in_both_modes(bench_json: dict) -> None:  # type: ignore[type-arg]
    tasks = {t["id"]: t for t in bench_json["tasks"]}
    assert sorted(tasks) == sorted(TASKS.split(","))
    for task in tasks.values():
        assert task["status"] == "ok", task["reason"]
        assert task["passed_code"], task["reason"]
        assert task["passed_classic"], task["reason"]
    assert bench_json["_status"] == 0


def test_summary_has_the_headline_keys(bench_json: dict) -> None:  # type: ignore[type-arg]
    summary = bench_json["summary"]
    for key in ("tasks", "passed_code", "passed_classic", "median_saving_multistep", "median_saving_single",
                "definitions_ratio", "tokenizer"):  # fmt: skip
        assert key in summary
    assert summary["tasks"] == 4
    assert summary["passed_code"] == summary["passed_classic"] == 4
    assert summary["tokenizer"].startswith("o200k_base (bpe-openai ")
    assert summary["upstream_servers"] == "ran"
    for key in ("median_saving_multistep_cached", "median_saving_single_cached", "search_recall_at_10",
                "github_description_ratio", "infeasible_classic_tasks"):  # fmt: skip
        assert key in summary
    assert 0 < summary["github_description_ratio"] < 0.5
    assert 0 < summary["search_recall_at_10"] <= 1
    # revenue-by-region's classic plan re-sends ~1,900 order rows: its last request is over 200k.
    assert summary["infeasible_classic_tasks"] == 1
    assert summary["infeasible"] == {"revenue-by-region-2025": ["classic"]}
    assert summary["measured"] == 3  # left out of the medians


def test_both_languages_pass_every_oracle_side_by_side(bench_json: dict) -> None:  # type: ignore[type-arg]
    assert bench_json["meta"]["languages"] == ["typescript", "python"]
    languages = bench_json["languages"]
    assert list(languages) == ["typescript", "python"]
    assert languages["typescript"]["summary"] == bench_json["summary"]
    python = languages["python"]
    assert python["summary"]["passed_code"] == python["summary"]["passed_classic"] == 4
    assert [t["id"] for t in python["tasks"]] == [t["id"] for t in bench_json["tasks"]]
    typescript = {t["id"]: t for t in languages["typescript"]["tasks"]}
    for task in python["tasks"]:
        assert task["status"] == "ok" and task["passed_code"] and task["passed_classic"], task["reason"]
        # The same plan: the same calls in the same waves, so the classic replay is within a few
        # tokens of TypeScript's (paths carry each run's randomly named scratch directory).
        same_plan = typescript[task["id"]]
        assert (task["tool_calls"], task["waves"]) == (same_plan["tool_calls"], same_plan["waves"])
        same = same_plan["classic_total"]
        assert abs(task["classic_total"] - same) <= same * 0.01
        assert task["code_total"] > 0 and task["code_full_total"] > 0
    # The Python `code` tool has its own description (Python stubs with every declaration).
    typescript_defs, python_defs = (languages[k]["summary"]["definitions"] for k in ("typescript", "python"))
    assert python_defs["code_anthropic"] != typescript_defs["code_anthropic"]
    assert python_defs["classic_anthropic"] == typescript_defs["classic_anthropic"]
    printed = bench_json["_printed"]
    assert "per language" in printed and "Python" in printed and "TypeScript" in printed
    assert "Tokens per task: the same plan" in printed  # the default language's full report first


def test_the_discovery_program_searches_unless_the_prompt_names_every_tool() -> None:
    calls = [
        ToolCall(0, "crm", "get_customer", {}, None, None, 0),
        ToolCall(1, "crm", "get_customer", {}, None, None, 1),
        ToolCall(2, "memory", "create_entities", {}, None, None, 1),
    ]
    named = discovery_program(calls, "Use crm.get_customer and create_entities")
    assert named == 'return await describe(["crm.get_customer", "memory.create_entities"]);'
    searched = discovery_program(calls, 'Find the "big" customer')
    assert searched.startswith('const hits = await search("Find the \\"big\\" customer");')
    assert 'describe(["crm.get_customer", "memory.create_entities"])' in searched


def test_big_intermediate_results_cost_classic_and_not_code(bench_json: dict) -> None:  # type: ignore[type-arg]
    tasks = {t["id"]: t for t in bench_json["tasks"]}
    revenue = tasks["revenue-by-region-2025"]
    # ~1,900 order rows enter the classic context (and are re-sent); code mode returns four numbers.
    assert revenue["classic"]["total"] > 5 * revenue["code"]["total"]
    assert revenue["saving"] > 0.5
    # Over the token budget (2,000 here), code mode first describes the plan's tools, then runs it.
    assert revenue["extra"]["discovery"]
    assert revenue["code"]["turns"] == 3
    assert revenue["code_full"]["turns"] == 2
    assert revenue["saving_full"] > 0.5
    assert revenue["classic"]["turns"] == 1 + revenue["extra"]["waves"]
    # The classic input of the last turn carries every tool result before it.
    turns = revenue["classic"]["per_turn"]
    assert turns[-1]["input"] > turns[0]["input"] + 100_000


def test_the_chart_is_a_log_scale_svg_with_both_modes(bench_json: dict) -> None:  # type: ignore[type-arg]
    svg = bench_json["_svg"]
    assert svg.startswith("<svg")
    assert "classic tool calling" in svg
    assert "code mode" in svg
    assert "log scale" in svg
    assert svg.count("<rect x=") >= 3 * 4
    assert len(svg.encode()) < 200_000


def test_an_oracle_rejects_a_wrong_answer_and_a_wrong_state() -> None:
    world = World.generate(0)
    task = next(t for t in all_tasks() if t.id == "customer-city")
    env = Env("Paris", world, world, Path("/nonexistent"), Path("/nonexistent"))
    assert "billing city" in oracle_verdict(task, env) or "answer should be" in oracle_verdict(task, env)
    note = next(t for t in all_tasks() if t.id == "add-note")
    untouched = Env("N-00001", world, World.generate(0), Path("/nonexistent"), Path("/nonexistent"))
    assert "renewal note" in oracle_verdict(note, untouched)


def test_live_answers_must_mention_every_part_of_the_expected_answer() -> None:
    world = World.generate(0)
    task = next(t for t in all_tasks() if t.id == "order-status")
    order = world.records.orders["O-10420"]
    good = Env(
        f"It is {order.status}, total ${order.total_usd:,.2f}.", world, world, Path("."), Path("."), live=True
    )
    bad = Env(f"It is {order.status}.", world, world, Path("."), Path("."), live=True)
    assert oracle_verdict(task, good) == ""
    assert "should mention" in oracle_verdict(task, bad)


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        pytest.param(["single"], 5, id="category"),
        pytest.param(["customer-city"], 1, id="id"),
        pytest.param(None, len(all_tasks()), id="all"),
    ],
)
def test_select_tasks(patterns: list[str] | None, expected: int) -> None:
    assert len(select_tasks(patterns)) == expected


def test_the_suite_has_at_least_20_tasks_in_every_category() -> None:
    tasks = all_tasks()
    assert len(tasks) >= 20
    assert len({t.id for t in tasks}) == len(tasks)
    assert {t.category for t in tasks} == {
        *("single", "chained", "fanout", "analysis", "files", "workflow", "workspace")
    }
    assert all(
        isinstance(TaskResult(t.id, t.category, t.prompt, t.note, "ok").saving, type(None)) for t in tasks
    )


def test_an_unknown_task_is_a_usage_error() -> None:
    assert run_tokens(parse("--tasks", "no-such-task")) == 2


def test_a_png_plot_path_is_a_usage_error() -> None:
    assert run_tokens(parse("--plot", "chart.png")) == 2


@pytest.mark.anyio
async def test_without_the_npm_servers_their_tasks_are_skipped_with_the_reason(tmp_path: Path) -> None:
    from codemode.bench.suite import run_suite

    tasks = select_tasks(["customer-city", "csv-to-json"])
    run = await run_suite(tasks, node_modules=tmp_path)  # an empty directory: nothing installed
    by_id = {r.id: r for r in run.results}
    assert by_id["customer-city"].status == "ok"
    assert by_id["customer-city"].passed_code
    skipped = by_id["csv-to-json"]
    assert skipped.status == "skipped"
    assert "needs filesystem" in skipped.reason
    assert "npm ci" in skipped.reason
    assert "npm ci" in run.upstreams


def test_live_mode_with_python_is_a_usage_error() -> None:
    assert run_tokens(parse("--live", "--language", "python")) == 2


def test_python_without_the_runtime_is_a_usage_error_naming_the_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sandbox.pyodide_runtime

    monkeypatch.setattr(sandbox.pyodide_runtime, "find_pyodide", lambda root=None: None)
    assert run_tokens(parse("--language", "python", "--tasks", "customer-city")) == 2
    assert "codemode pyodide install" in capsys.readouterr().out
