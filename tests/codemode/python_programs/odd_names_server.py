"""A tiny stdio MCP server whose tool names are not Python identifiers (or not the TypeScript ones).

`from` and `lambda` are Python keywords (`from_`, `lambda_` in a Python program), `get-item` has a
dash, `price$usd` a `$` (`price_usd` in Python), `listItems` is camelCase, `list` shadows a built-in
as a name. Each tool answers with its own name and the arguments it got, so a test sees which tool
a program's call reached. `ODD_NAMES_START_DELAY_S` makes it wait that long before it answers.
"""

from __future__ import annotations

import os
import time
from typing import Any

from mcp.server.mcpserver import MCPServer

server = MCPServer("odd-names")


def _answering(name: str) -> Any:
    def tool(item_id: str = "", count: int = 1) -> dict[str, Any]:
        return {"tool": name, "item_id": item_id, "count": count}

    return tool


for _name in ("from", "lambda", "get-item", "price$usd", "listItems", "list"):
    server.add_tool(_answering(_name), name=_name, description=f"Answers as `{_name}`.")


if __name__ == "__main__":
    time.sleep(float(os.environ.get("ODD_NAMES_START_DELAY_S", "0")))  # a server that takes its time
    server.run("stdio")
