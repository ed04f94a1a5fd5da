"""Config files as other clients write them: VS Code's `servers`, Claude Code's `${VAR:-default}`,
misspelt keys, and every sandbox limit reachable by a `codemode.limits` key."""

from __future__ import annotations

import dataclasses

import pytest

from codemode.config import DEFAULT_STARTUP_TIMEOUT_S, LimitsSection, StdioServerConfig, parse_config
from codemode.errors import ConfigError
from codemode.limit_keys import LIMIT_KEYS, config_key, limits_from_config
from sandbox import Limits as SandboxLimits

VS_CODE = {
    "inputs": [{"type": "promptString", "id": "token", "description": "API token", "password": True}],
    "servers": {
        "memory": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
        "remote": {"type": "http", "url": "https://example.com/mcp"},
    },
}


def test_the_vs_code_shape_is_read() -> None:
    config = parse_config(VS_CODE, environ={})
    assert list(config.servers) == ["memory", "remote"]
    assert isinstance(config.servers["memory"], StdioServerConfig)


def test_vs_code_input_variables_are_rejected_with_what_to_write_instead() -> None:
    data = {
        "servers": {"gh": {"url": "https://x/mcp", "headers": {"Authorization": "Bearer ${input:token}"}}}
    }
    with pytest.raises(ConfigError) as raised:
        parse_config(data, environ={})
    assert "servers.gh: ${input:token} is not a variable codemode can fill in" in str(raised.value)
    assert "${ENV_VAR:-default}" in str(raised.value)


def test_both_shapes_at_once_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"both `mcpServers` .* and `servers`"):
        parse_config({"mcpServers": {}, "servers": {}}, environ={})


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({}, "info", id="unset-takes-default"),
        pytest.param({"LEVEL": ""}, "info", id="empty-takes-default"),
        pytest.param({"LEVEL": "debug"}, "debug", id="set-wins"),
    ],
)
def test_a_default_after_colon_dash_fills_an_unset_variable(environ: dict[str, str], expected: str) -> None:
    data = {
        "mcpServers": {"s": {"command": "x", "args": ["--level=${LEVEL:-info}", "${env:HOME_DIR:-/tmp}"]}}
    }
    server = parse_config(data, environ=environ).servers["s"]
    assert isinstance(server, StdioServerConfig)
    assert server.args == (f"--level={expected}", "/tmp")


def test_an_unset_variable_without_default_says_how_to_give_one() -> None:
    with pytest.raises(ConfigError, match=r"\$\{TOKEN:-value\}"):
        parse_config({"mcpServers": {"s": {"command": "x", "env": {"T": "${TOKEN}"}}}}, environ={})


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(
            {"mcpservers": {}}, "unknown top-level key `mcpservers` (did you mean `mcpServers`?)", id="top"
        ),
        pytest.param(
            {"codemod": {}}, "unknown top-level key `codemod` (did you mean `codemode`?)", id="ours"
        ),
        pytest.param(
            {"codemode": {"limits": {"timeout": 3}}},
            "unknown setting `limits.timeout` (did you mean `limits.timeout_s`?)",
            id="limits",
        ),
        pytest.param(
            {"mcpServers": {"s": {"command": "x", "startup_timout": 3}}},
            "unknown key `startup_timout` (did you mean `startup_timeout`?)",
            id="server",
        ),
    ],
)
def test_misspelt_keys_are_errors_with_did_you_mean(data: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(data, environ={})
    assert problem in str(raised.value)


def test_other_clients_top_level_settings_are_ignored() -> None:
    config = parse_config({"globalShortcut": "Ctrl+Space", "mcpServers": {}}, environ={})
    assert config.servers == {}


def test_startup_timeout_per_server_with_a_stated_default() -> None:
    data = {"mcpServers": {"slow": {"command": "x", "startup_timeout": 5}, "quick": {"url": "http://a/mcp"}}}
    config = parse_config(data, environ={})
    assert config.servers["slow"].startup_timeout == 5
    assert config.servers["quick"].startup_timeout == DEFAULT_STARTUP_TIMEOUT_S == 30


def test_every_sandbox_limit_has_a_config_key() -> None:
    assert set(LIMIT_KEYS) == {field.name for field in dataclasses.fields(SandboxLimits)}
    assert set(LIMIT_KEYS.values()) == set(LimitsSection.model_fields)
    assert config_key("wall_s") == "codemode.limits.timeout_s"
    assert config_key("log_bytes") == "codemode.limits.max_log_bytes"


def test_config_limits_reach_the_sandbox() -> None:
    config = parse_config({"codemode": {"limits": {"timeout_s": 7, "max_log_bytes": 4096}}}, environ={})
    limits = limits_from_config(config.settings.limits_dict())
    assert (limits.wall_s, limits.log_bytes, limits.tool_calls) == (7, 4096, SandboxLimits().tool_calls)
