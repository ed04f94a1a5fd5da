"""`World`: all the state of the built-in toolset, generated from a seed, inspectable by oracles."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from codemode.world.clock import Clock, iso
from codemode.world.crm import CRM
from codemode.world.docs import DocumentStore
from codemode.world.generate_business import (
    generate_customers,
    generate_deals,
    generate_orders,
    generate_products,
)
from codemode.world.generate_text import generate_documents, generate_issues
from codemode.world.prose import Prose
from codemode.world.records import Records
from codemode.world.tracker import IssueTracker

__all__ = ["World"]


@dataclass
class World:
    """A company's CRM, documents, issue tracker and sales records, sharing one logical clock.

    Build one with `World.generate(seed)`; the same seed gives the same world, byte for byte, and the
    same calls on it give the same results. Writes change the state in place; `snapshot()` shows it.
    """

    seed: int
    """The seed the world was generated from."""
    clock: Clock
    """Logical time: ticks one minute per write, never reads the wall clock."""
    crm: CRM
    """Customers (with contacts and notes) and deals."""
    docs: DocumentStore
    """Long markdown documents in folders."""
    tracker: IssueTracker
    """Issues with labels, assignees, comments and affected customers."""
    records: Records
    """The products and orders tables."""

    @classmethod
    def generate(cls, seed: int = 0) -> World:
        """A fresh world; generation consumes one `random.Random(seed)` in a fixed order."""
        rng = random.Random(seed)
        prose = Prose(rng)
        clock = Clock()
        customers = generate_customers(rng, prose)
        products = generate_products(rng)
        deals = generate_deals(rng, customers, products)
        orders = generate_orders(rng, customers, products)
        issues = generate_issues(rng, prose, customers)
        documents = generate_documents(rng, prose, customers, issues)
        crm = CRM(clock, customers, deals, next_note=1 + sum(len(c.notes) for c in customers.values()))
        tracker = IssueTracker(clock, issues, next_comment=1 + sum(len(i.comments) for i in issues.values()))
        return cls(
            seed=seed,
            clock=clock,
            crm=crm,
            docs=DocumentStore(clock, documents),
            tracker=tracker,
            records=Records(clock, products, orders),
        )

    def snapshot(self) -> dict[str, Any]:
        """All state as plain JSON-able data, keyed by domain then collection then id.

        Oracles compare it (or parts of it) after a run; it is a copy, safe to keep.
        """
        return {
            "seed": self.seed,
            "now": iso(self.clock.now),
            "crm": {
                "customers": {k: c.model_dump(mode="json") for k, c in self.crm.customers.items()},
                "deals": {k: d.model_dump(mode="json") for k, d in self.crm.deals.items()},
            },
            "docs": {"documents": {k: d.model_dump(mode="json") for k, d in self.docs.documents.items()}},
            "tracker": {"issues": {k: i.model_dump(mode="json") for k, i in self.tracker.issues.items()}},
            "records": {
                "products": {k: p.model_dump(mode="json") for k, p in self.records.products.items()},
                "orders": {k: o.model_dump(mode="json") for k, o in self.records.orders.items()},
            },
        }
