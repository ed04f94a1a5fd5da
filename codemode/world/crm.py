"""The CRM domain: customers (with address, contacts and notes) and their deals.

Models double as the tools' input and output types, so every field carries a description the model
reads in the TypeScript declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from codemode.world.clock import Clock
from codemode.world.common import check_date, check_limit, check_user, lookup
from codemode.world.errors import InvalidRequestError

__all__ = [
    "CRM",
    "Address",
    "Contact",
    "Customer",
    "CustomerStatus",
    "CustomerSummary",
    "CustomerUpdate",
    "Deal",
    "DealStage",
    "Note",
    "SalesRegion",
    "Tier",
    "summary_of",
]

Tier = Literal["free", "standard", "premium", "enterprise"]
CustomerStatus = Literal["lead", "active", "churned"]
SalesRegion = Literal["north_america", "latam", "emea", "apac"]
DealStage = Literal["prospecting", "qualification", "proposal", "negotiation", "won", "lost"]

CUSTOMER_HINT = "find_customers(query) lists customer ids"
DEAL_HINT = "list_deals(customer_id) lists deal ids"


class Address(BaseModel):
    street: str = Field(description="Street and number")
    city: str = Field(description="City")
    region: str = Field(description="State, province or county")
    postal_code: str = Field(description="Postal code")
    country: str = Field(description="ISO 3166 alpha-2 country code, e.g. `DE`")


class Contact(BaseModel):
    id: str = Field(description="Contact id, e.g. `CT-0007`")
    name: str = Field(description="Full name")
    title: str = Field(description="Job title")
    email: str = Field(description="Work email")
    phone: str = Field(description="Phone number in international format")
    primary: bool = Field(description="True for the customer's main point of contact")


class Note(BaseModel):
    id: str = Field(description="Note id, e.g. `N-00012`")
    author: str = Field(description="Staff user name of the author")
    created_at: str = Field(description="ISO 8601 UTC timestamp")
    body: str = Field(description="Free text")


class Customer(BaseModel):
    id: str = Field(description="Customer id, e.g. `C-0042`")
    name: str = Field(description="Company name")
    industry: str = Field(description="Industry, e.g. `software`, `retail`")
    tier: Tier = Field(description="Subscription tier")
    status: CustomerStatus = Field(description="Lifecycle status")
    sales_region: SalesRegion = Field(description="Sales region of the billing address")
    website: str = Field(description="Company website URL")
    email: str = Field(description="Billing email")
    phone: str = Field(description="Main phone number")
    address: Address = Field(description="Billing address")
    account_manager: str = Field(description="Staff user name owning the account")
    annual_revenue_usd: int = Field(description="Estimated annual revenue in USD")
    employee_count: int = Field(description="Number of employees")
    created_at: str = Field(description="ISO 8601 UTC timestamp the customer was created")
    tags: list[str] = Field(description="Free-form tags, e.g. `at-risk`, `strategic`")
    contacts: list[Contact] = Field(description="People at the customer")
    notes: list[Note] = Field(description="Account notes, oldest first")


class CustomerSummary(BaseModel):
    id: str = Field(description="Customer id; pass it to get_customer for details")
    name: str = Field(description="Company name")
    industry: str = Field(description="Industry")
    tier: Tier = Field(description="Subscription tier")
    status: CustomerStatus = Field(description="Lifecycle status")
    city: str = Field(description="City of the billing address")
    country: str = Field(description="ISO country code of the billing address")
    account_manager: str = Field(description="Staff user name owning the account")


class CustomerUpdate(BaseModel):
    """Fields to change; omitted fields keep their value."""

    tier: Tier | None = Field(default=None, description="New subscription tier")
    status: CustomerStatus | None = Field(default=None, description="New lifecycle status")
    account_manager: str | None = Field(default=None, description="New owning staff user name")
    email: str | None = Field(default=None, description="New billing email")
    phone: str | None = Field(default=None, description="New main phone number")
    tags: list[str] | None = Field(default=None, description="Replaces the whole tag list")
    address: Address | None = Field(default=None, description="Replaces the billing address")


class Deal(BaseModel):
    id: str = Field(description="Deal id, e.g. `D-0101`")
    customer_id: str = Field(description="Customer the deal is with")
    title: str = Field(description="Short description of what is being sold")
    stage: DealStage = Field(description="Pipeline stage")
    amount_usd: float = Field(description="Deal value in USD")
    probability: float = Field(description="Chance of winning, 0.0 to 1.0")
    owner: str = Field(description="Staff user name owning the deal")
    expected_close: str = Field(description="Expected close date, YYYY-MM-DD")
    created_at: str = Field(description="ISO 8601 UTC timestamp")
    updated_at: str = Field(description="ISO 8601 UTC timestamp of the last change")


STAGE_PROBABILITY: dict[str, float] = {
    "prospecting": 0.1, "qualification": 0.25, "proposal": 0.5, "negotiation": 0.75, "won": 1.0, "lost": 0.0,
}  # fmt: skip


def summary_of(customer: Customer) -> CustomerSummary:
    """The short form of `customer` that searches and writes return."""
    return CustomerSummary(
        id=customer.id,
        name=customer.name,
        industry=customer.industry,
        tier=customer.tier,
        status=customer.status,
        city=customer.address.city,
        country=customer.address.country,
        account_manager=customer.account_manager,
    )


def haystack(customer: Customer) -> str:
    """The lowercase text find_customers matches against."""
    parts = [customer.id, customer.name, customer.email, customer.website, customer.industry]
    parts += [customer.address.city, customer.address.country, *customer.tags]
    parts += [f"{c.name} {c.email}" for c in customer.contacts]
    return " ".join(parts).lower()


@dataclass
class CRM:
    """Customers and deals, keyed by id, in id order."""

    clock: Clock
    """The world's clock, ticked by every write."""
    customers: dict[str, Customer] = field(default_factory=dict)
    """All customers by id."""
    deals: dict[str, Deal] = field(default_factory=dict)
    """All deals by id."""
    next_note: int = 1
    """Number of the next note id."""

    def find_customers(
        self, query: str = "", tier: Tier | None = None, status: CustomerStatus | None = None, limit: int = 20
    ) -> list[CustomerSummary]:
        """Customers whose name, email, website, city, tags or contacts contain every word of `query`."""
        check_limit(limit, 500)
        words = query.lower().split()
        found = []
        for customer in self.customers.values():
            if (tier and customer.tier != tier) or (status and customer.status != status):
                continue
            text = haystack(customer)
            if all(word in text for word in words):
                found.append(summary_of(customer))
                if len(found) == limit:
                    break
        return found

    def get_customer(self, customer_id: str) -> Customer:
        return lookup(self.customers, customer_id, "customer", CUSTOMER_HINT)

    def update_customer(self, customer_id: str, changes: CustomerUpdate) -> Customer:
        customer = self.get_customer(customer_id)
        updates = changes.model_dump(exclude_none=True)
        if not updates:
            raise InvalidRequestError(f"update of customer `{customer.id}` changes nothing; set a field")
        if changes.account_manager is not None:
            check_user(changes.account_manager, "account manager")
        for name in updates:
            setattr(customer, name, getattr(changes, name))
        self.clock.tick()
        return customer

    def add_note(self, customer_id: str, body: str, author: str) -> Note:
        customer = self.get_customer(customer_id)
        if not body.strip():
            raise InvalidRequestError(f"note for customer `{customer.id}` is empty; pass the text as `body`")
        note = Note(id=f"N-{self.next_note:05d}", author=author, created_at=self.clock.tick(), body=body)
        self.next_note += 1
        customer.notes.append(note)
        return note

    def list_deals(
        self,
        customer_id: str | None = None,
        stage: DealStage | None = None,
        owner: str | None = None,
        limit: int = 100,
    ) -> list[Deal]:
        check_limit(limit, 1000)
        if customer_id is not None:
            customer_id = self.get_customer(customer_id).id
        deals = [
            deal
            for deal in self.deals.values()
            if (customer_id is None or deal.customer_id == customer_id)
            and (stage is None or deal.stage == stage)
            and (owner is None or deal.owner == owner)
        ]
        return deals[:limit]

    def update_deal(
        self,
        deal_id: str,
        stage: DealStage | None = None,
        amount_usd: float | None = None,
        expected_close: str | None = None,
    ) -> Deal:
        deal = lookup(self.deals, deal_id, "deal", DEAL_HINT)
        if stage is None and amount_usd is None and expected_close is None:
            raise InvalidRequestError(f"update of deal `{deal.id}` changes nothing; set a field")
        check_date("expected_close", expected_close)
        if amount_usd is not None and amount_usd < 0:
            raise InvalidRequestError(f"deal `{deal.id}`: `amount_usd` must be 0 or more, got {amount_usd}")
        if stage is not None:
            deal.stage = stage
            deal.probability = STAGE_PROBABILITY[stage]
        if amount_usd is not None:
            deal.amount_usd = round(amount_usd, 2)
        if expected_close is not None:
            deal.expected_close = expected_close
        deal.updated_at = self.clock.tick()
        return deal
