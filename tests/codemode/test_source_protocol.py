"""ToolInfo and the public surface of the tool-source modules."""

from __future__ import annotations

import importlib

import pytest

from codemode.sources.protocol import ChangeListeners, ToolInfo, namespace_identifier


def test_to_mcp_dict_uses_the_original_name_and_omits_what_is_absent() -> None:
    bare = ToolInfo("gh", "create_issue", "create-issue", "Open an issue.", {"type": "object"})
    assert bare.qualified_name == "gh.create_issue"
    assert bare.to_mcp_dict() == {
        "name": "create-issue",
        "description": "Open an issue.",
        "inputSchema": {"type": "object"},
    }
    full = ToolInfo("gh", "x", "x", "", {"type": "object"}, {"type": "string"}, {"readOnlyHint": True})
    assert full.to_mcp_dict()["outputSchema"] == {"type": "string"}
    assert full.to_mcp_dict()["annotations"] == {"readOnlyHint": True}


def test_a_raising_listener_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    listeners = ChangeListeners("test")
    seen: list[str] = []

    def bad() -> None:
        raise RuntimeError("boom")

    listeners.add(bad)
    listeners.add(lambda: seen.append("ok"))
    listeners.notify()
    assert seen == ["ok"]
    assert "boom" in caplog.text


@pytest.mark.parametrize(
    ("module", "names"),
    [
        pytest.param(
            "codemode.sources.protocol",
            [
                "ChangeListeners",
                "SourceState",
                "SourceStatus",
                "ToolInfo",
                "ToolSource",
                "classic_tool_name",
                "namespace_identifier",
                "not_connected",
            ],
            id="tools",
        ),
        pytest.param(
            "codemode.limit_keys", ["LIMIT_KEYS", "config_key", "limits_from_config"], id="limit-keys"
        ),
        pytest.param(
            "codemode.self_reference", ["DEPTH_ENV", "MAX_DEPTH", "starts_codemode"], id="self-reference"
        ),
        pytest.param(
            "codemode.errors",
            [
                "ApprovalDeclined",
                "CodemodeError",
                "ConfigError",
                "NamespaceCollisionError",
                "ToolDefinitionError",
                "ToolError",
            ],
            id="errors",
        ),
        pytest.param("codemode.sources.python", ["PythonTools"], id="python_tools"),
        pytest.param(
            "codemode.config",
            [
                "Config",
                "HttpServerConfig",
                "LimitsSection",
                "ServerConfig",
                "CodemodeSection",
                "StdioServerConfig",
                "load_config",
                "parse_config",
            ],
            id="config",
        ),
        pytest.param("codemode.sources.upstream.server", ["UpstreamServer"], id="upstream"),
        pytest.param(
            "codemode.sources.upstream.transport",
            ["StderrCapture", "WatchedTransport", "open_transport"],
            id="transport",
        ),
        pytest.param("codemode.sources.upstream.unwrap", ["unwrap_result"], id="unwrap"),
        pytest.param("codemode.sources.toolbox", ["Toolbox"], id="toolbox"),
        pytest.param(
            "codemode.validation_messages",
            ["describe_problems", "describe_validation_error"],
            id="validation",
        ),
        pytest.param("codemode.sources.docstrings", ["ParsedDocstring", "parse_docstring"], id="docstrings"),
    ],
)
def test_public_surface_is_pinned(module: str, names: list[str]) -> None:
    assert sorted(importlib.import_module(module).__all__) == sorted(names)


@pytest.mark.parametrize(
    ("name", "identifier"),
    [
        pytest.param("my-server", "my_server", id="sanitized"),
        pytest.param("console", "console_", id="would-hide-console"),
        pytest.param("Math", "Math_", id="would-hide-Math"),
        pytest.param("search", "search_", id="would-hide-discovery"),
        pytest.param("github", "github", id="plain"),
    ],
)
def test_namespaces_never_hide_a_global_the_program_needs(name: str, identifier: str) -> None:
    assert namespace_identifier(name) == identifier


def test_every_discovery_function_is_kept_from_namespaces() -> None:
    from codemode.description import DISCOVERY_GLOBALS

    assert all(namespace_identifier(name) == f"{name}_" for name in DISCOVERY_GLOBALS)


def test_a_server_named_like_a_global_still_works() -> None:
    from codemode.config import parse_config
    from codemode.sources.python import PythonTools

    assert PythonTools("crypto").namespace == "crypto_"
    assert "console" in parse_config({"mcpServers": {"console": {"command": "x"}}}).servers
