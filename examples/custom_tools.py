"""Serve your own Python functions behind the `code` tool.

    uv run python examples/custom_tools.py                      # stdio, for an MCP client
    uv run python examples/custom_tools.py --http --port 8000   # streamable HTTP

Type hints become the JSON Schema (and so the TypeScript declaration), the docstring the
description; arguments are validated before the function runs.
"""

from __future__ import annotations

import argparse
from typing import Annotated, Literal

import anyio
from pydantic import BaseModel, Field

from codemode import HttpOptions, PythonTools, ToolError, serve

inventory = PythonTools("inventory", description="A tiny warehouse.")

_STOCK: dict[str, int] = {"apple": 12, "pear": 0, "plum": 7}


class StockLevel(BaseModel):
    item: str
    quantity: int = Field(description="Units on hand")


@inventory.tool
def stock(item: str) -> StockLevel:
    """How many units of `item` are on hand."""
    if item not in _STOCK:
        raise ToolError(f"unknown item `{item}`; items: {', '.join(sorted(_STOCK))}")
    return StockLevel(item=item, quantity=_STOCK[item])


@inventory.tool
async def restock(item: str, quantity: Annotated[int, Field(gt=0, description="Units to add")]) -> StockLevel:
    """Add units of `item` to the warehouse."""
    _STOCK[item] = _STOCK.get(item, 0) + quantity
    return StockLevel(item=item, quantity=_STOCK[item])


@inventory.tool
def items(order: Literal["name", "quantity"] = "name") -> list[str]:
    """Every item the warehouse knows."""
    if order == "quantity":
        return sorted(_STOCK, key=lambda item: -_STOCK[item])
    return sorted(_STOCK)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if args.http:
        anyio.run(lambda: serve([inventory], transport="http", http=HttpOptions(port=args.port)))
    else:
        anyio.run(lambda: serve([inventory]))


if __name__ == "__main__":
    main()
