"""The `records` namespace: thin typed wrappers over `Records`."""

from codemode.sources.python import PythonTools
from codemode.world.crm import SalesRegion
from codemode.world.records import (
    Category,
    Order,
    OrderPage,
    OrderStatus,
    Product,
    Records,
    TableName,
    TableSchema,
)

__all__ = ["records_tools"]


def records_tools(records: Records) -> PythonTools:
    """The `records` tools over `records`."""
    tools = PythonTools("records", description="Sales records: the products table and the orders table.")

    @tools.tool
    async def get_table_schema(table: TableName) -> TableSchema:
        """Describe a table: its columns with types and meaning, and its row count.

        Args:
            table: Table name.
        """
        return records.get_table_schema(table)

    @tools.tool
    async def query_products(category: Category | None = None, active: bool | None = None) -> list[Product]:
        """List products (the whole table, a few dozen rows), optionally filtered.

        Args:
            category: Only products of this category.
            active: Only active (true) or discontinued (false) products.
        """
        return records.query_products(category, active)

    @tools.tool
    async def query_orders(
        customer_id: str | None = None,
        product_id: str | None = None,
        status: OrderStatus | None = None,
        sales_region: SalesRegion | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> OrderPage:
        """Query the orders table, oldest first: whole rows, at most 1000 per page.

        Args:
            customer_id: Only orders of this CRM customer id.
            product_id: Only orders of this product id.
            status: Only orders in this status.
            sales_region: Only orders from customers in this sales region.
            date_from: First order date to include, YYYY-MM-DD.
            date_to: Last order date to include, YYYY-MM-DD.
            limit: Page size, 1-1000.
            offset: Number of matching rows to skip; use `next_offset` of the previous page.
        """
        return records.query_orders(
            customer_id, product_id, status, sales_region, date_from, date_to, limit, offset
        )

    @tools.tool
    async def get_order(order_id: str) -> Order:
        """Get one order.

        Args:
            order_id: Order id, e.g. `O-10042`.
        """
        return records.get_order(order_id)

    @tools.tool
    async def update_order_status(order_id: str, status: OrderStatus) -> Order:
        """Move an order to a new status (pending -> paid -> shipped -> delivered; cancel or refund).

        Args:
            order_id: Order id, e.g. `O-10042`.
            status: New status.
        """
        return records.update_order_status(order_id, status)

    return tools
