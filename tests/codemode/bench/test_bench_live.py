"""`codemode bench --live` against the fake API server with a scripted model (no network)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from codemode.agent.fakeapi import FakeAPI, Reply, ToolCall, Usage
from codemode.bench.tasks import all_tasks
from codemode.commands.bench import add_token_arguments, run_tokens
from codemode.world import World


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_token_arguments(parser)
    return parser.parse_args(argv)


def code_of(task_id: str) -> str:
    return next(t.code for t in all_tasks() if t.id == task_id)


def test_live_runs_both_modes_and_the_oracle_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = World.generate(0)
    city = world.crm.customers["C-0042"].address.city
    order = world.records.orders["O-10420"]
    script = [
        # customer-city, classic: one tool call, then the answer.
        Reply(tool_calls=[ToolCall("crm__get_customer", {"customer_id": "C-0042"})], usage=Usage(1000, 30)),
        Reply(text=f"C-0042 is billed in {city}.", usage=Usage(1800, 12)),
        # customer-city, code mode: the program, then the answer.
        Reply(tool_calls=[ToolCall("code", {"code": code_of("customer-city")})], usage=Usage(2000, 40)),
        Reply(text=city, usage=Usage(2100, 4)),
        # order-status, classic: right.
        Reply(tool_calls=[ToolCall("records__get_order", {"order_id": "O-10420"})], usage=Usage(1000, 30)),
        Reply(text=f"{order.status}, ${order.total_usd:,.2f}", usage=Usage(1300, 9)),
        # order-status, code mode: the program is right but the final answer leaves out the total.
        Reply(tool_calls=[ToolCall("code", {"code": code_of("order-status")})], usage=Usage(2000, 50)),
        Reply(text=f"It is {order.status}.", usage=Usage(2200, 6)),
    ]
    out = tmp_path / "live.json"
    with FakeAPI(script) as api:
        for name, value in api.environment().items():
            monkeypatch.setenv(name, value)
        status = run_tokens(
            parse(
                "--live",
                "--provider",
                "anthropic",
                "--model",
                "claude-fake",
                "--tasks",
                "customer-city,order-status",
                "--json",
                str(out),
                "--plot",
                str(tmp_path / "live.svg"),
            )
        )
        requests = api.requests
    assert status == 0
    assert api.remaining == 0
    # Classic runs offer every tool directly; code-mode runs offer the one `code` tool.
    classic_tools = {t["name"] for t in requests[0].body["tools"]}
    assert "crm__get_customer" in classic_tools
    assert [t["name"] for t in requests[2].body["tools"]] == ["code"]
    # The code run's tool result went back to the model.
    assert city in json.dumps(requests[3].body["messages"][-1])

    assert (tmp_path / "live.svg").read_text(encoding="utf-8").startswith("<svg")
    data = json.loads(out.read_text(encoding="utf-8"))
    tasks = {t["id"]: t for t in data["tasks"]}
    assert tasks["customer-city"]["passed_classic"] and tasks["customer-city"]["passed_code"]
    assert tasks["order-status"]["passed_classic"]
    assert not tasks["order-status"]["passed_code"]
    assert "should mention" in tasks["order-status"]["reason"]
    # Tokens come from the API's usage fields, summed over the turns.
    assert tasks["customer-city"]["classic"]["input"] == 1000 + 1800
    assert tasks["customer-city"]["code"]["output"] == 40 + 4
    assert tasks["customer-city"]["code"]["turns"] == 2
    summary = data["summary"]
    assert summary["passed_code"] == 1
    assert summary["passed_classic"] == 2
    assert summary["modes"]["code"]["success_rate"] == 0.5
    assert summary["modes"]["classic"]["total_tokens"] == 1000 + 30 + 1800 + 12 + 1000 + 30 + 1300 + 9


def test_live_without_a_key_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    assert run_tokens(parse("--live", "--model", "claude-fake", "--tasks", "customer-city")) == 2


def test_live_without_a_model_is_a_usage_error() -> None:
    assert run_tokens(parse("--live", "--tasks", "customer-city")) == 2
