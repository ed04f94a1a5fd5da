"""The `crm` namespace: thin typed wrappers over `CRM`, one per tool the model sees."""

from codemode.sources.python import PythonTools
from codemode.world.crm import (
    CRM,
    Customer,
    CustomerStatus,
    CustomerSummary,
    CustomerUpdate,
    Deal,
    DealStage,
    Note,
    Tier,
    summary_of,
)

__all__ = ["crm_tools"]


def crm_tools(crm: CRM) -> PythonTools:
    """The `crm` tools over `crm`."""
    tools = PythonTools(
        "crm", description="Customer relationship management: customers with contacts and notes, and deals."
    )

    @tools.tool
    async def find_customers(
        query: str = "", tier: Tier | None = None, status: CustomerStatus | None = None, limit: int = 20
    ) -> list[CustomerSummary]:
        """Search customers by company name, email domain, city, country code, tag or contact name.

        Returns summaries in id order; get_customer returns the full record with contacts and notes.

        Args:
            query: Words that must all appear (case-insensitive); empty matches every customer.
            tier: Only customers on this subscription tier.
            status: Only customers in this lifecycle status.
            limit: Maximum number of results, 1-500.
        """
        return crm.find_customers(query, tier, status, limit)

    @tools.tool
    async def get_customer(customer_id: str) -> Customer:
        """Get one customer's full record: address, account manager, tags, contacts and notes.

        Args:
            customer_id: Customer id, e.g. `C-0042`.
        """
        return crm.get_customer(customer_id)

    @tools.tool
    async def update_customer(customer_id: str, changes: CustomerUpdate) -> CustomerSummary:
        """Change fields of a customer; returns its summary (get_customer has the full record).

        Args:
            customer_id: Customer id, e.g. `C-0042`.
            changes: The fields to change; omitted fields keep their value.
        """
        return summary_of(crm.update_customer(customer_id, changes))

    @tools.tool
    async def add_note(customer_id: str, body: str, author: str = "assistant") -> Note:
        """Add a note to a customer's account history.

        Args:
            customer_id: Customer id, e.g. `C-0042`.
            body: The note text.
            author: Who wrote it.
        """
        return crm.add_note(customer_id, body, author)

    @tools.tool
    async def list_deals(
        customer_id: str | None = None,
        stage: DealStage | None = None,
        owner: str | None = None,
        limit: int = 100,
    ) -> list[Deal]:
        """List sales deals in id order, optionally filtered.

        Args:
            customer_id: Only deals with this customer.
            stage: Only deals in this pipeline stage.
            owner: Only deals owned by this staff user name.
            limit: Maximum number of results, 1-1000.
        """
        return crm.list_deals(customer_id, stage, owner, limit)

    @tools.tool
    async def update_deal(
        deal_id: str,
        stage: DealStage | None = None,
        amount_usd: float | None = None,
        expected_close: str | None = None,
    ) -> Deal:
        """Move a deal to another stage or change its amount or close date; returns the updated deal.

        Changing the stage also sets the probability that goes with it.

        Args:
            deal_id: Deal id, e.g. `D-0101`.
            stage: New pipeline stage.
            amount_usd: New deal value in USD.
            expected_close: New expected close date, YYYY-MM-DD.
        """
        return crm.update_deal(deal_id, stage, amount_usd, expected_close)

    return tools
