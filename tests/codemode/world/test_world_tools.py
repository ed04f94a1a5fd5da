"""The world through its front door: `PythonTools` namespaces, their schemas and declarations, real calls."""

from __future__ import annotations

import json
from typing import Any

import pytest

import codemode.world
from codemode.errors import ToolError
from codemode.sources.python import PythonTools
from codemode.world import World, build_sources, default_sources
from tool_schemas import render_declarations

TOOLS = {
    "crm": ["find_customers", "get_customer", "update_customer", "add_note", "list_deals", "update_deal"],
    "docs": ["list_documents", "search_documents", "get_document", "create_document", "update_document"],
    "tracker": [
        "list_projects",
        "list_issues",
        "get_issue",
        "create_issue",
        "add_comment",
        "update_issue",
        "close_issue",
    ],
    "records": ["get_table_schema", "query_products", "query_orders", "get_order", "update_order_status"],
}


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(seed=0)


@pytest.fixture(scope="module")
def sources(world: World) -> dict[str, PythonTools]:
    return {source.namespace: source for source in build_sources(world)}


async def call(sources: dict[str, PythonTools], namespace: str, tool: str, **arguments: Any) -> Any:
    return await sources[namespace].call(tool, arguments)


def test_public_api_is_pinned() -> None:
    assert sorted(codemode.world.__all__) == [
        "DEMO_NOTICE",
        "World",
        "build_sources",
        "default_sources",
        "demo_sources",
    ]


def test_namespaces_and_tools(sources: dict[str, PythonTools]) -> None:
    assert {ns: [tool.name for tool in source.tools()] for ns, source in sources.items()} == TOOLS
    assert all(source.description for source in sources.values())


def test_default_sources_serve_a_fresh_world() -> None:
    assert [source.namespace for source in default_sources()] == list(TOOLS)


def test_schemas_are_described_and_typed(sources: dict[str, PythonTools]) -> None:
    for source in sources.values():
        for tool in source.tools():
            assert tool.description, tool.qualified_name
            assert tool.input_schema["type"] == "object", tool.qualified_name
            assert tool.output_schema is not None, tool.qualified_name
            for name, spec in tool.input_schema.get("properties", {}).items():
                assert spec.get("description"), f"{tool.qualified_name}({name}) has no description"


def test_declarations_render(sources: dict[str, PythonTools]) -> None:
    text = render_declarations({ns: [t.to_mcp_dict() for t in s.tools()] for ns, s in sources.items()})
    for namespace, tools in TOOLS.items():
        assert f"declare const {namespace}:" in text
        assert all(f"{tool}(args" in text for tool in tools)
    assert '"enterprise"' in text  # Literal types become string unions


@pytest.mark.anyio
async def test_read_tools_return_realistic_payloads(sources: dict[str, PythonTools]) -> None:
    document = await call(sources, "docs", "get_document", document_id="DOC-0001")
    assert len(json.dumps(document)) > 5000
    orders = await call(sources, "records", "query_orders")
    assert (len(orders["rows"]), orders["total"], orders["next_offset"]) == (1000, 3000, 1000)
    issues = await call(sources, "tracker", "list_issues")
    assert len(json.dumps(issues)) > 20_000
    customer = await call(sources, "crm", "get_customer", customer_id="C-0001")
    assert {"address", "contacts", "notes", "account_manager"} <= set(customer)


@pytest.mark.anyio
async def test_a_chained_workflow_changes_the_world() -> None:
    world = World.generate(seed=0)
    sources = {source.namespace: source for source in build_sources(world)}
    page = await call(sources, "tracker", "list_issues", status="open", label="customer-reported", limit=200)
    issue = page["issues"][0]
    customer = await call(sources, "crm", "get_customer", customer_id=issue["customer_ids"][0])
    await call(sources, "crm", "add_note", customer_id=customer["id"], body=f"Following up on {issue['id']}.")
    await call(sources, "tracker", "add_comment", issue_id=issue["id"], body=f"Told {customer['name']}.")
    snapshot = world.snapshot()
    assert (
        snapshot["crm"]["customers"][customer["id"]]["notes"][-1]["body"] == f"Following up on {issue['id']}."
    )
    assert snapshot["tracker"]["issues"][issue["id"]]["comments"][-1]["body"] == f"Told {customer['name']}."


@pytest.mark.anyio
async def test_writes_return_short_forms() -> None:
    """Writes confirm with a short form (cheap in the declarations); the read tools have the rest."""
    world = World.generate(seed=0)
    sources = {source.namespace: source for source in build_sources(world)}
    created = await call(sources, "tracker", "create_issue", project="OPS", title="Disk full on db-2")
    closed = await call(sources, "tracker", "close_issue", issue_id=created["id"], resolution="duplicate")
    assert created["id"].startswith("OPS-")
    assert (created["status"], closed["status"]) == ("open", "closed")
    assert "description" not in closed
    assert world.tracker.issues[created["id"]].resolution == "duplicate"
    summary = await call(sources, "crm", "update_customer", customer_id="C-0005", changes={"tier": "premium"})
    assert (summary["tier"], "contacts" in summary) == ("premium", False)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("namespace", "tool", "arguments", "expected"),
    [
        pytest.param(
            "crm", "get_customer", {"customer_id": "C-9999"}, "customer `C-9999` not found", id="not-found"
        ),
        pytest.param("records", "get_table_schema", {"table": "invoices"}, "table", id="bad-literal"),
        pytest.param("tracker", "create_issue", {"project": "API"}, "title", id="missing-argument"),
        pytest.param(
            "records", "query_orders", {"limit": 0}, "`limit` must be between 1 and 1000", id="limit"
        ),
    ],
)
async def test_errors_reach_the_caller_as_tool_errors(
    sources: dict[str, PythonTools], namespace: str, tool: str, arguments: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ToolError, match=expected):
        await sources[namespace].call(tool, arguments)
