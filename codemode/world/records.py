"""Tabular records: a products table and an orders table of a few thousand rows.

Orders reference products and CRM customers. Queries return whole rows, up to 1,000 a page, so
answering "revenue per region last quarter" classically means reading every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from codemode.world.clock import Clock
from codemode.world.common import check_date, check_limit, lookup
from codemode.world.crm import SalesRegion
from codemode.world.errors import InvalidRequestError

__all__ = [
    "Category",
    "Channel",
    "Column",
    "Order",
    "OrderPage",
    "OrderStatus",
    "Product",
    "Records",
    "TableName",
    "TableSchema",
]

TableName = Literal["orders", "products"]
OrderStatus = Literal["pending", "paid", "shipped", "delivered", "cancelled", "refunded"]
Channel = Literal["web", "sales", "partner"]
Category = Literal["sensors", "gateways", "software", "services", "accessories"]

MAX_PAGE = 1000
ORDER_HINT = "query_orders() lists order ids"

#: Allowed status changes: refunds only after payment, nothing after cancel or refund.
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"shipped", "cancelled", "refunded"}),
    "shipped": frozenset({"delivered", "refunded"}),
    "delivered": frozenset({"refunded"}),
    "cancelled": frozenset(),
    "refunded": frozenset(),
}


class Product(BaseModel):
    id: str = Field(description="Product id, e.g. `P-017`")
    sku: str = Field(description="Stock keeping unit")
    name: str = Field(description="Product name")
    category: Category = Field(description="Product category")
    unit_price_usd: float = Field(description="List price per unit in USD")
    unit_cost_usd: float = Field(description="Our cost per unit in USD")
    stock_on_hand: int = Field(description="Units in the warehouse (0 for software and services)")
    active: bool = Field(description="False once discontinued")


class Order(BaseModel):
    id: str = Field(description="Order id, e.g. `O-10042`")
    customer_id: str = Field(description="CRM customer id")
    product_id: str = Field(description="Product id")
    order_date: str = Field(description="Date ordered, YYYY-MM-DD")
    status: OrderStatus = Field(description="Fulfilment status")
    channel: Channel = Field(description="Where the order came from")
    sales_region: SalesRegion = Field(description="Sales region of the customer")
    quantity: int = Field(description="Units ordered")
    unit_price_usd: float = Field(description="Price per unit charged, before discount")
    discount_pct: float = Field(description="Discount in percent, 0-40")
    total_usd: float = Field(
        description="quantity * unit_price_usd * (1 - discount_pct/100), rounded to cents"
    )
    updated_at: str = Field(description="ISO 8601 UTC timestamp of the last change")


class OrderPage(BaseModel):
    rows: list[Order] = Field(description="Matching orders of this page, oldest first")
    total: int = Field(description="Number of orders matching the filters, over all pages")
    next_offset: int | None = Field(description="`offset` for the next page, null on the last page")


class Column(BaseModel):
    name: str = Field(description="Column name")
    type: str = Field(description="`string`, `integer`, `number` or `boolean`")
    description: str = Field(description="What the column holds")


class TableSchema(BaseModel):
    name: TableName = Field(description="Table name")
    row_count: int = Field(description="Rows in the table")
    columns: list[Column] = Field(description="Columns in order")


def columns_of(model: type[BaseModel]) -> list[Column]:
    properties = model.model_json_schema()["properties"]
    return [
        Column(name=name, type=spec.get("type", "string"), description=spec.get("description", ""))
        for name, spec in properties.items()
    ]


@dataclass
class Records:
    """The products and orders tables."""

    clock: Clock
    """The world's clock, ticked by every write."""
    products: dict[str, Product] = field(default_factory=dict)
    """Products by id."""
    orders: dict[str, Order] = field(default_factory=dict)
    """Orders by id, oldest first."""

    def get_table_schema(self, table: TableName) -> TableSchema:
        if table == "orders":
            return TableSchema(name=table, row_count=len(self.orders), columns=columns_of(Order))
        if table == "products":
            return TableSchema(name=table, row_count=len(self.products), columns=columns_of(Product))
        raise InvalidRequestError(f"table `{table}` not found; tables are `orders` and `products`")

    def query_products(self, category: Category | None = None, active: bool | None = None) -> list[Product]:
        return [
            product
            for product in self.products.values()
            if (category is None or product.category == category)
            and (active is None or product.active == active)
        ]

    def query_orders(
        self,
        customer_id: str | None = None,
        product_id: str | None = None,
        status: OrderStatus | None = None,
        sales_region: SalesRegion | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        limit: int = MAX_PAGE,
        offset: int = 0,
    ) -> OrderPage:
        """Orders matching every given filter; dates are inclusive YYYY-MM-DD bounds."""
        check_limit(limit, MAX_PAGE, offset)
        check_date("date_from", date_from)
        check_date("date_to", date_to)
        customer = customer_id.strip().upper() if customer_id else None
        product = product_id.strip().upper() if product_id else None
        matching = [
            order
            for order in self.orders.values()
            if (customer is None or order.customer_id == customer)
            and (product is None or order.product_id == product)
            and (status is None or order.status == status)
            and (sales_region is None or order.sales_region == sales_region)
            and (date_from is None or order.order_date >= date_from)
            and (date_to is None or order.order_date <= date_to)
        ]
        more = offset + limit < len(matching)
        return OrderPage(
            rows=matching[offset : offset + limit],
            total=len(matching),
            next_offset=offset + limit if more else None,
        )

    def get_order(self, order_id: str) -> Order:
        return lookup(self.orders, order_id, "order", ORDER_HINT)

    def update_order_status(self, order_id: str, status: OrderStatus) -> Order:
        order = self.get_order(order_id)
        allowed = TRANSITIONS[order.status]
        if status not in allowed:
            options = ", ".join(f"`{s}`" for s in sorted(allowed)) or "none (final state)"
            raise InvalidRequestError(
                f"order `{order.id}` is `{order.status}` and cannot become `{status}`; allowed: {options}"
            )
        order.status = status
        order.updated_at = self.clock.tick()
        return order
