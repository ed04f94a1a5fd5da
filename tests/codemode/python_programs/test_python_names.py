"""The names a Python program calls tools by, and the way back to the tools' own (pure, no sandbox)."""

from __future__ import annotations

import pytest

from codemode.description import describe
from codemode.python_guest import python_names
from codemode.sources.protocol import ToolInfo


def _tool(namespace: str, name: str) -> ToolInfo:
    return ToolInfo(namespace, name, name, f"Does {name}.", {"type": "object", "properties": {}})


@pytest.mark.parametrize(
    ("namespace", "name", "python"),
    [
        pytest.param("github", "get_issue", ("github", "get_issue"), id="same-as-typescript"),
        pytest.param("github", "from", ("github", "from_"), id="python-keyword"),
        pytest.param("shop", "price$usd", ("shop", "price_usd"), id="dollar"),
        pytest.param("fs", "list", ("fs", "list"), id="builtin-tool-name-is-an-attribute"),
        pytest.param("list", "all", ("list_", "all"), id="builtin-namespace"),
        pytest.param("ToolError", "x", ("ToolError_", "x"), id="tool-error-namespace"),
        pytest.param("search", "x", ("search_", "x"), id="discovery-namespace"),
        pytest.param("time", "get_current_time", ("time_", "get_current_time"), id="stdlib-module-namespace"),
    ],
)
def test_python_names(namespace: str, name: str, python: tuple[str, str]) -> None:
    names = python_names([_tool(namespace, name)])
    [renamed] = names.tools
    assert (renamed.namespace, renamed.name) == python
    assert names.namespaces == {python[0]: namespace}


def test_two_tools_on_one_python_name_are_kept_apart(caplog: pytest.LogCaptureFixture) -> None:
    names = python_names([_tool("github", "from"), _tool("github", "from_")])
    assert [tool.name for tool in names.tools] == ["from_", "from__2"]
    assert "two tools are both `from_` in Python" in caplog.text


def test_the_description_maps_python_names_back_to_the_tools() -> None:
    tools = [_tool("github", "from"), _tool("time", "now")]
    described = describe(tools, 10**6, {"weather": "failed: gone"}, language="python")
    assert described.tools[("github", "from_")] is tools[0]
    assert described.tools[("time_", "now")] is tools[1]
    assert described.namespaces == {"github": "github", "time_": "time", "weather": "weather"}
    assert described.guest_tools == {"github": ["from_"], "time_": ["now"], "weather": []}
    assert "class time_:" in described.declarations and "async def from_(" in described.declarations
