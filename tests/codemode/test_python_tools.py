"""PythonTools: schemas from type hints, host-side validation with precise messages, sync and async calls."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from codemode.errors import ToolDefinitionError, ToolError
from codemode.sources.protocol import ToolSource
from codemode.sources.python import PythonTools


class Customer(BaseModel):
    name: str
    tier: Literal["gold", "silver"] = "silver"


@dataclass
class Point:
    x: float
    y: float


def make_tools() -> PythonTools:
    tools = PythonTools("crm-tools", description="Customers.")

    @tools.tool
    async def find_customer(
        name: str,
        limit: int = 10,
        tier: Literal["gold", "silver"] | None = None,
        exclude: list[Customer] | None = None,
    ) -> list[Customer]:
        """Find customers by name.

        Returns at most `limit` of them.

        Args:
            name: Part of the company name.
            limit: Maximum results,
                at least 1.
        """
        return [Customer(name=f"{name} {i}", tier=tier or "silver") for i in range(limit)]

    @tools.tool(name="add-points", description="Add two points.")
    def add(a: Annotated[Point, Field(description="The first point.")], b: Point) -> Point:
        return Point(a.x + b.x, a.y + b.y)

    @tools.tool
    def where() -> str:
        """The name of the thread the function runs in."""
        return threading.current_thread().name

    @tools.tool
    def explode(reason: str) -> None:
        raise RuntimeError(reason)

    @tools.tool
    def refuse() -> None:
        raise ToolError("the record is locked; try again later")

    return tools


@pytest.fixture
def tools() -> PythonTools:
    return make_tools()


def test_it_is_a_tool_source_with_a_sanitized_namespace(tools: PythonTools) -> None:
    assert isinstance(tools, ToolSource)
    assert tools.namespace == "crm_tools"
    assert [t.name for t in tools.tools()] == ["find_customer", "add_points", "where", "explode", "refuse"]
    assert tools.status().state == "ready"


def test_schema_comes_from_hints_and_docstring(tools: PythonTools) -> None:
    info = tools.tools()[0]
    assert info.description == "Find customers by name.\n\nReturns at most `limit` of them."
    schema = info.input_schema
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert props["name"] == {"type": "string", "description": "Part of the company name."}
    assert props["limit"] == {"type": "integer", "default": 10, "description": "Maximum results, at least 1."}
    assert props["tier"]["anyOf"] == [{"enum": ["gold", "silver"], "type": "string"}, {"type": "null"}]
    assert props["exclude"]["anyOf"][0] == {"type": "array", "items": {"$ref": "#/$defs/Customer"}}
    assert schema["$defs"]["Customer"]["properties"]["tier"]["enum"] == ["gold", "silver"]
    assert info.output_schema is not None
    assert info.output_schema["type"] == "array"


def test_explicit_name_description_and_annotated_field(tools: PythonTools) -> None:
    info = tools.tools()[1]
    assert (info.name, info.original_name, info.description) == (
        "add_points",
        "add-points",
        "Add two points.",
    )
    assert info.to_mcp_dict()["name"] == "add-points"
    assert info.input_schema["properties"]["a"]["description"] == "The first point."
    assert info.output_schema == {
        "type": "object",
        "title": "Point",
        "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
        "required": ["x", "y"],
    }


@pytest.mark.parametrize(
    ("returns", "expected"),
    [
        pytest.param(int, {"type": "integer"}, id="scalar-not-wrapped"),
        pytest.param(
            dict[str, int], {"type": "object", "additionalProperties": {"type": "integer"}}, id="dict"
        ),
        pytest.param(None, None, id="none"),
        pytest.param(Any, None, id="any"),
    ],
)
def test_output_schema_is_the_return_type_as_is(returns: Any, expected: dict[str, Any] | None) -> None:
    tools = PythonTools("t")

    def f() -> None: ...

    f.__annotations__["return"] = returns
    tools.add(f)
    assert tools.tools()[0].output_schema == expected


@pytest.mark.anyio
async def test_async_call_returns_json(tools: PythonTools) -> None:
    result = await tools.call("find_customer", {"name": "Acme", "limit": "2", "tier": "gold"})
    assert result == [{"name": "Acme 0", "tier": "gold"}, {"name": "Acme 1", "tier": "gold"}]


@pytest.mark.anyio
async def test_sync_call_runs_in_a_worker_thread_and_converts_dataclasses(tools: PythonTools) -> None:
    assert await tools.call("add_points", {"a": {"x": 1, "y": 2}, "b": {"x": 0.5, "y": 0}}) == {
        "x": 1.5,
        "y": 2.0,
    }
    assert await tools.call("where", {}) != threading.current_thread().name


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            {"name": "x", "limit": "ten"},
            'tool `crm_tools.find_customer`: argument `limit` must be an integer, got "ten"',
            id="wrong-type",
        ),
        pytest.param(
            {"limit": 1},
            "tool `crm_tools.find_customer`: missing required argument `name`",
            id="missing",
        ),
        pytest.param(
            {"name": "x", "limt": 1},
            "tool `crm_tools.find_customer`: unknown argument `limt` (did you mean `limit`?); "
            "accepted: `name`, `limit`, `tier`, `exclude`",
            id="unknown-with-suggestion",
        ),
        pytest.param(
            {"name": "x", "tier": "bronze"},
            "tool `crm_tools.find_customer`: argument `tier` must be 'gold' or 'silver', got \"bronze\"",
            id="literal",
        ),
        pytest.param(
            {"name": 3, "exclude": [{"tier": "gold"}]},
            "tool `crm_tools.find_customer`: argument `name` must be a string, got 3; "
            "missing required argument `exclude[0].name`",
            id="several-and-nested",
        ),
    ],
)
async def test_bad_arguments_name_each_field(
    tools: PythonTools, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ToolError) as caught:
        await tools.call("find_customer", arguments)
    assert str(caught.value) == message


@pytest.mark.anyio
async def test_exceptions_become_tool_errors(tools: PythonTools, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ToolError, match=r"^tool `crm_tools.explode` failed: RuntimeError: disk on fire$"):
        await tools.call("explode", {"reason": "disk on fire"})
    assert "crm_tools.explode" in caplog.text
    assert "Traceback" in caplog.text
    with pytest.raises(ToolError, match=r"^the record is locked; try again later$"):
        await tools.call("refuse", {})


def test_registering_notifies_listeners() -> None:
    tools = PythonTools("t")
    calls: list[int] = []
    tools.on_change(lambda: calls.append(1))
    tools.add(lambda: 1, name="one")
    assert calls == [1]


@pytest.mark.parametrize(
    ("define", "message"),
    [
        pytest.param("def f(*args: int) -> int: ...", "variadic", id="varargs"),
        pytest.param(
            "def f(x: 'Undefined') -> int: ...", "cannot read its signature or type hints", id="bad-hint"
        ),
        pytest.param(
            "import threading\ndef f(x: threading.Event) -> int: ...",
            "cannot be turned into JSON Schema",
            id="no-schema",
        ),
    ],
)
def test_unsupported_functions_are_refused_with_the_reason(define: str, message: str) -> None:
    namespace: dict[str, Any] = {}
    exec(define, namespace)
    with pytest.raises(ToolDefinitionError, match=message):
        PythonTools("t").add(namespace["f"])


def test_duplicate_names_are_refused() -> None:
    tools = PythonTools("t")
    tools.add(lambda: 1, name="get-item")
    with pytest.raises(
        ToolDefinitionError, match=r"`t.get_item` is registered twice \('get-item' and 'get_item'\)"
    ):
        tools.add(lambda: 2, name="get_item")


def test_numpy_style_docstrings_describe_arguments() -> None:
    tools = PythonTools("geo")

    @tools.tool
    def distance(a: float, b: float = 0.0) -> float:
        """Distance between two points on a line.

        Parameters
        ----------
        a : float
            The first point,
            in metres.
        b : float
            The second point.

        Returns
        -------
        float
        """
        return abs(a - b)

    info = tools.tools()[0]
    assert info.description == "Distance between two points on a line."
    assert info.input_schema["properties"]["a"]["description"] == "The first point, in metres."
    assert info.input_schema["properties"]["b"]["description"] == "The second point."


@pytest.mark.anyio
async def test_field_defaults_as_fastmcp_writes_them() -> None:
    """`quantity: int = Field(gt=0)` and `limit: int = Field(10, le=100)` both work."""
    from pydantic import Field

    tools = PythonTools("shop")

    @tools.tool
    def order(quantity: int = Field(gt=0, description="Units"), limit: int = Field(10, le=100)) -> int:
        return quantity * limit

    schema = tools.tools()[0].input_schema
    assert schema["required"] == ["quantity"]
    assert schema["properties"]["quantity"]["description"] == "Units"
    assert schema["properties"]["limit"]["default"] == 10
    assert await tools.call("order", {"quantity": 2}) == 20
    with pytest.raises(ToolError, match="quantity"):
        await tools.call("order", {"quantity": 0})


def test_read_only_and_destructive_become_mcp_annotations() -> None:
    tools = PythonTools("files")

    @tools.tool(read_only=True)
    def read(path: str) -> str:
        return path

    @tools.tool(destructive=True)
    def remove(path: str) -> None:
        del path

    @tools.tool
    def touch(path: str) -> None:
        del path

    by_name = {tool.name: tool.annotations for tool in tools.tools()}
    assert by_name == {"read": {"readOnlyHint": True}, "remove": {"destructiveHint": True}, "touch": None}
