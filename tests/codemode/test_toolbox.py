"""Toolbox: routing, the checks of a call, failure isolation, change notification."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codemode.errors import NamespaceCollisionError, ToolError
from codemode.sources.protocol import ToolInfo
from codemode.sources.python import PythonTools
from codemode.sources.toolbox import Toolbox

FIXTURES = Path(__file__).parent / "fixtures"


def crm() -> PythonTools:
    tools = PythonTools("crm")

    @tools.tool
    def find_customers(query: str) -> list[str]:
        """Find customers."""
        return [query.upper()]

    @tools.tool
    def get_customer(customer_id: str) -> dict[str, str]:
        """Get one customer."""
        return {"id": customer_id}

    @tools.tool
    def crash() -> None:
        """Raise."""
        raise KeyError("missing")

    return tools


class BrokenSource:
    """A tool source whose start fails and whose calls raise something that is not a ToolError."""

    namespace = "broken"

    async def start(self) -> None:
        raise ConnectionRefusedError("no database at localhost:5432")

    async def aclose(self) -> None:
        pass

    def tools(self) -> list[ToolInfo]:
        return [ToolInfo("broken", "query", "query", "Run SQL.", {"type": "object"})]

    async def call(self, name: str, arguments: dict[str, Any]) -> Any:
        raise ConnectionRefusedError("still no database")

    def on_change(self, listener: Callable[[], None]) -> None:
        pass


def test_duplicate_namespaces_name_both() -> None:
    with pytest.raises(
        NamespaceCollisionError, match=r"`crm`: PythonTools `crm` and PythonTools `crm`; rename one"
    ):
        Toolbox([crm(), PythonTools("crm")])


@pytest.mark.anyio
async def test_routing_and_the_catalog() -> None:
    async with Toolbox([crm(), PythonTools("empty")]) as toolbox:
        assert list(toolbox.namespaces()) == ["crm"]
        assert [tool.qualified_name for tool in toolbox.tools()][:2] == [
            "crm.find_customers",
            "crm.get_customer",
        ]
        assert toolbox.get("crm", "get_customer").description == "Get one customer."
        assert await toolbox.call("crm", "find_customers", {"query": "acme"}) == ["ACME"]
        assert toolbox.status()["crm"].state == "ready"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("namespace", "name", "arguments", "message"),
    [
        pytest.param(
            "cmr",
            "find_customers",
            {},
            "tool `cmr.find_customers`: there is no namespace `cmr`; did you mean `crm`? (namespaces: `crm`)",
            id="unknown-namespace",
        ),
        pytest.param(
            "crm",
            "find_customer",
            {},
            "tool `crm.find_customer` does not exist; did you mean `crm.find_customers`",
            id="unknown-tool",
        ),
        pytest.param(
            "crm",
            "find_customers",
            ["acme"],
            "tool `crm.find_customers` takes one object argument, as in crm.find_customers({query: ...}); "
            "got an array",
            id="arguments-not-an-object",
        ),
        pytest.param("crm", "crash", None, "tool `crm.crash` failed: KeyError: 'missing'", id="tool-raises"),
    ],
)
async def test_mistakes_are_tool_errors_that_say_what_to_do(
    namespace: str, name: str, arguments: Any, message: str
) -> None:
    async with Toolbox([crm()]) as toolbox:
        with pytest.raises(ToolError) as caught:
            await toolbox.call(namespace, name, arguments)
        assert str(caught.value).startswith(message)


@pytest.mark.anyio
async def test_a_failing_source_never_takes_the_others_down() -> None:
    async with Toolbox([BrokenSource(), crm()]) as toolbox:
        status = toolbox.status()
        assert status["broken"].state == "failed"
        assert status["broken"].detail == "failed: ConnectionRefusedError: no database at localhost:5432"
        with pytest.raises(
            ToolError, match=r"^tool `broken.query` failed: ConnectionRefusedError: still no database"
        ):
            await toolbox.call("broken", "query", {})
        assert await toolbox.call("crm", "get_customer", {"customer_id": "C-1"}) == {"id": "C-1"}


@pytest.mark.anyio
async def test_changes_of_any_source_reach_toolbox_listeners() -> None:
    tools = crm()
    async with Toolbox([tools]) as toolbox:
        seen: list[str] = []
        toolbox.on_change(lambda: seen.append("changed"))
        tools.add(lambda: "pong", name="ping")
        assert seen == ["changed"]
        assert await toolbox.call("crm", "ping", {}) == "pong"
