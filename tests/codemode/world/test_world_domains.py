"""The domain operations: reads filter and page correctly, writes show in the snapshot, errors say the fix."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from codemode.errors import ToolError
from codemode.world import World
from codemode.world.crm import Address, CustomerUpdate
from codemode.world.errors import InvalidRequestError, NotFoundError


@pytest.fixture(scope="module")
def world() -> World:
    """Read-only: tests that write use `fresh`."""
    return World.generate(seed=0)


@pytest.fixture
def fresh() -> World:
    return World.generate(seed=0)


def test_find_customers_matches_contact_names_and_filters(world: World) -> None:
    customer = world.crm.customers["C-0010"]
    contact = customer.contacts[-1]
    found = world.crm.find_customers(contact.name, limit=500)
    assert customer.id in [c.id for c in found]
    assert all(c.tier == "enterprise" for c in world.crm.find_customers(tier="enterprise", limit=500))
    assert len(world.crm.find_customers(limit=500)) == len(world.crm.customers)


def test_search_documents_finds_a_mentioned_issue(world: World) -> None:
    doc = next(iter(world.docs.documents.values()))
    key = re.findall(r"\b(?:API|WEB|MOB|BILL|OPS)-\d+\b", doc.body)[0]
    hits = world.docs.search_documents(key, limit=100)
    assert doc.id in [hit.id for hit in hits]
    assert all(len(hit.snippet) <= 250 for hit in hits)


def test_query_orders_pages_cover_every_row_once(world: World) -> None:
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = world.records.query_orders(limit=1000, offset=offset)
        assert page.total == len(world.records.orders)
        seen += [order.id for order in page.rows]
        offset = page.next_offset
    assert seen == list(world.records.orders)


def test_query_orders_filters_combine(world: World) -> None:
    page = world.records.query_orders(sales_region="emea", date_from="2025-07-01", date_to="2025-09-30")
    assert page.rows
    assert all(o.sales_region == "emea" and "2025-07-01" <= o.order_date <= "2025-09-30" for o in page.rows)


def test_list_issues_by_customer(world: World) -> None:
    issue = next(i for i in world.tracker.issues.values() if i.customer_ids)
    page = world.tracker.list_issues(customer_id=issue.customer_ids[0], limit=200)
    assert issue.id in [item.id for item in page.issues]
    assert all(issue.customer_ids[0] in item.customer_ids for item in page.issues)


def test_writes_show_in_the_snapshot_and_tick_the_clock(fresh: World) -> None:
    before = fresh.snapshot()
    note = fresh.crm.add_note("c-0003", "Asked for a renewal quote.", "assistant")
    fresh.crm.update_customer("C-0003", CustomerUpdate(tier="enterprise", tags=["strategic"]))
    fresh.crm.update_deal("D-0001", stage="won")
    doc = fresh.docs.create_document("Q3 summary", "# Q3\n\nAll good.", "meeting-notes", ["q3"], "assistant")
    fresh.docs.update_document("DOC-0002", append="## Addendum\n\nOne more thing.")
    issue = fresh.tracker.create_issue(
        "API", "Webhook retries", "", "bug", "high", ["bug"], "chloe.wong", ["C-0003"], "assistant"
    )
    fresh.tracker.close_issue(issue.id, "fixed", "Shipped in 2.4.", "assistant")
    order = next(o for o in fresh.records.orders.values() if o.status == "pending")
    fresh.records.update_order_status(order.id, "paid")
    after = fresh.snapshot()

    customer = after["crm"]["customers"]["C-0003"]
    assert customer["notes"][-1] == note.model_dump()
    assert note.body == "Asked for a renewal quote."
    assert (customer["tier"], customer["tags"]) == ("enterprise", ["strategic"])
    assert after["crm"]["deals"]["D-0001"]["probability"] == 1.0
    assert after["docs"]["documents"][doc.id]["title"] == "Q3 summary"
    assert after["docs"]["documents"]["DOC-0002"]["body"].endswith("\n\n## Addendum\n\nOne more thing.")
    closed = after["tracker"]["issues"][issue.id]
    assert (closed["status"], closed["resolution"], closed["comments"][-1]["body"]) == (
        "closed",
        "fixed",
        "Shipped in 2.4.",
    )
    assert after["records"]["orders"][order.id]["status"] == "paid"
    assert after["now"] > before["now"]
    assert doc.id not in before["docs"]["documents"]


def test_same_calls_same_state(fresh: World) -> None:
    other = World.generate(seed=0)
    for world in (fresh, other):
        world.tracker.add_comment("WEB-3", "Seen again today.", "assistant")
        world.crm.add_note("C-0001", "Call back Monday.", "assistant")
    assert json.dumps(fresh.snapshot()) == json.dumps(other.snapshot())


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        pytest.param(
            lambda w: w.crm.get_customer("C-9999"), NotFoundError, ["C-9999", "find_customers"], id="customer"
        ),
        pytest.param(
            lambda w: w.crm.update_deal("D-9999", stage="won"),
            NotFoundError,
            ["D-9999", "list_deals"],
            id="deal",
        ),
        pytest.param(
            lambda w: w.docs.get_document("DOC-999"),
            NotFoundError,
            ["DOC-999", "list_documents"],
            id="document",
        ),
        pytest.param(
            lambda w: w.tracker.get_issue("API-9999"), NotFoundError, ["API-9999", "list_issues"], id="issue"
        ),
        pytest.param(
            lambda w: w.records.get_order("O-1"), NotFoundError, ["O-1", "query_orders"], id="order"
        ),
        pytest.param(
            lambda w: w.records.query_orders(limit=5000), InvalidRequestError, ["5000", "offset"], id="limit"
        ),
        pytest.param(
            lambda w: w.records.query_orders(date_from="July"),
            InvalidRequestError,
            ["date_from", "July"],
            id="date",
        ),
        pytest.param(
            lambda w: w.tracker.update_issue("API-1", assignee="bob"),
            InvalidRequestError,
            ["bob", "alice.morgan"],
            id="user",
        ),
        pytest.param(
            lambda w: w.tracker.update_issue("API-1", status="closed"),
            InvalidRequestError,
            ["close_issue"],
            id="close",
        ),
        pytest.param(
            lambda w: w.crm.update_customer("C-0001", CustomerUpdate()),
            InvalidRequestError,
            ["C-0001"],
            id="no-op",
        ),
        pytest.param(
            lambda w: w.docs.search_documents("  "),
            InvalidRequestError,
            ["query", "list_documents"],
            id="empty-search",
        ),
        pytest.param(
            lambda w: w.crm.update_customer("C-0001", CustomerUpdate(account_manager="bob")),
            InvalidRequestError,
            ["account manager `bob`", "alice.morgan"],
            id="manager",
        ),
        pytest.param(
            lambda w: w.crm.update_deal("D-0001", expected_close="next week"),
            InvalidRequestError,
            ["expected_close", "next week"],
            id="close-date",
        ),
        pytest.param(
            lambda w: w.docs.update_document("DOC-0001", body="x", append="y"),
            InvalidRequestError,
            ["body", "append"],
            id="both",
        ),
    ],
)
def test_errors_name_the_item_and_the_fix(
    world: World, call: Callable[[World], Any], error: type[Exception], names: list[str]
) -> None:
    with pytest.raises(error) as raised:
        call(world)
    assert isinstance(raised.value, ToolError)
    for name in names:
        assert name in str(raised.value)


def test_order_status_follows_the_workflow(fresh: World) -> None:
    order = next(o for o in fresh.records.orders.values() if o.status == "delivered")
    with pytest.raises(InvalidRequestError, match="allowed: `refunded`"):
        fresh.records.update_order_status(order.id, "pending")
    assert fresh.records.update_order_status(order.id, "refunded").status == "refunded"


def test_update_customer_replaces_the_address(fresh: World) -> None:
    address = Address(street="1 New Road", city="Lyon", region="Rhone", postal_code="69001", country="FR")
    updated = fresh.crm.update_customer("C-0002", CustomerUpdate(address=address))
    assert fresh.snapshot()["crm"]["customers"]["C-0002"]["address"]["city"] == "Lyon"
    assert updated.address == address
