"""World generation: deterministic, realistic in size, and consistent across domains."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Callable

import pytest

from codemode.world import World
from codemode.world.crm import Customer

ISSUE_KEY = re.compile(r"\b(?:API|WEB|MOB|BILL|OPS)-\d+\b")
CUSTOMER_ID = re.compile(r"\bC-\d{4}\b")


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(seed=0)


def dump(world: World) -> str:
    return json.dumps(world.snapshot(), sort_keys=True)


def test_same_seed_same_world_byte_for_byte() -> None:
    random.seed(1)  # the global generator must not matter
    first = dump(World.generate(seed=7))
    random.seed(2)
    second = dump(World.generate(seed=7))
    assert first == second


def test_world_does_not_depend_on_the_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED; the world must not."""
    script = (
        "import hashlib, json; from codemode.world import World; "
        "print(hashlib.sha256(json.dumps(World.generate(seed=3).snapshot()).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1


#: sha256 of the seed-0 snapshot. Benchmark prompts name things in this world ("Orbit Robotics",
#: DOC-0007) and results are compared across commits, so a change to generation must be deliberate:
#: update this digest in the same commit and say so in its message.
SEED_0_DIGEST = "60b705118e7d37aa95cdf6005e9c0a263107ae75db73e778444a84dc9ef4515b"


def test_the_default_world_is_pinned(world: World) -> None:
    assert world.crm.customers["C-0042"].name == "Orbit Robotics GmbH"
    digest = hashlib.sha256(json.dumps(world.snapshot(), sort_keys=True).encode()).hexdigest()
    assert digest == SEED_0_DIGEST, "generation changed: the benchmark's world is different now"


def test_other_seed_other_world(world: World) -> None:
    assert dump(World.generate(seed=1)) != dump(world)


@pytest.mark.parametrize(
    ("measure", "minimum"),
    [
        pytest.param(lambda w: len(w.crm.customers), 100, id="customers"),
        pytest.param(lambda w: len(w.crm.deals), 200, id="deals"),
        pytest.param(lambda w: len(w.records.orders), 3000, id="orders"),
        pytest.param(lambda w: len(w.records.products), 30, id="products"),
        pytest.param(lambda w: len(w.tracker.issues), 200, id="issues"),
        pytest.param(lambda w: sum(len(i.comments) for i in w.tracker.issues.values()), 400, id="comments"),
        pytest.param(lambda w: len(w.docs.documents), 30, id="documents"),
        pytest.param(
            lambda w: min(len(d.body) for d in w.docs.documents.values()), 5000, id="shortest-doc-chars"
        ),
        pytest.param(lambda w: len(Customer.model_fields), 15, id="customer-fields"),
        pytest.param(lambda w: min(len(c.contacts) for c in w.crm.customers.values()), 2, id="contacts-each"),
    ],
)
def test_realistic_sizes(world: World, measure: Callable[[World], int], minimum: int) -> None:
    assert measure(world) >= minimum


def test_documents_are_one_to_five_thousand_words(world: World) -> None:
    counts = [doc.word_count for doc in world.docs.documents.values()]
    assert min(counts) >= 1000
    assert max(counts) <= 5600  # the target is 5000; the last block may overshoot a little
    assert all(doc.body.startswith(f"# {doc.title}\n") for doc in world.docs.documents.values())


def test_references_between_domains_resolve(world: World) -> None:
    customers, products, issues = world.crm.customers, world.records.products, world.tracker.issues
    assert all(order.customer_id in customers for order in world.records.orders.values())
    assert all(order.product_id in products for order in world.records.orders.values())
    assert all(deal.customer_id in customers for deal in world.crm.deals.values())
    assert all(set(issue.customer_ids) <= set(customers) for issue in issues.values())
    mentioned = {key for doc in world.docs.documents.values() for key in ISSUE_KEY.findall(doc.body)}
    assert mentioned, "documents should mention tracker issues"
    assert mentioned <= set(issues)
    named = {cid for doc in world.docs.documents.values() for cid in CUSTOMER_ID.findall(doc.body)}
    assert named
    assert named <= set(customers)


def test_order_totals_follow_the_documented_formula(world: World) -> None:
    for order in world.records.orders.values():
        expected = round(order.quantity * order.unit_price_usd * (1 - order.discount_pct / 100), 2)
        assert order.total_usd == expected, order.id


def test_orders_are_oldest_first_and_tie_to_customer_regions(world: World) -> None:
    orders = list(world.records.orders.values())
    assert [o.order_date for o in orders] == sorted(o.order_date for o in orders)
    assert all(o.sales_region == world.crm.customers[o.customer_id].sales_region for o in orders)


def test_snapshot_is_json_and_a_copy(world: World) -> None:
    snapshot = world.snapshot()
    json.dumps(snapshot)
    snapshot["crm"]["customers"]["C-0001"]["name"] = "changed"
    assert world.crm.customers["C-0001"].name != "changed"
    assert set(snapshot) == {"seed", "now", "crm", "docs", "tracker", "records"}
