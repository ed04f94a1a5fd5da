"""The config file: Claude Desktop's `mcpServers` shape, our settings, ${VAR}, and errors naming the entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codemode.config import HttpServerConfig, StdioServerConfig, load_config, parse_config
from codemode.errors import ConfigError

CLAUDE_DESKTOP = {
    "globalShortcut": "Ctrl+Space",
    "mcpServers": {
        "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"],
            "env": {"DEBUG": "1"},
        },
        "remote-api": {"type": "http", "url": "https://example.com/mcp", "headers": {"X-Team": "blue"}},
    },
}


def test_the_claude_desktop_shape_loads_as_is(tmp_path: Path) -> None:
    path = tmp_path / "claude_desktop_config.json"
    path.write_text(json.dumps(CLAUDE_DESKTOP))
    config = load_config(path)
    assert config.source == str(path)
    assert list(config.servers) == ["memory", "filesystem", "remote-api"]
    assert config.servers["memory"] == StdioServerConfig(
        command="npx", args=("-y", "@modelcontextprotocol/server-memory")
    )
    filesystem = config.servers["filesystem"]
    assert isinstance(filesystem, StdioServerConfig) and filesystem.env == {"DEBUG": "1"}
    assert config.servers["remote-api"] == HttpServerConfig(
        url="https://example.com/mcp", headers={"X-Team": "blue"}
    )
    assert config.settings.token_budget == 1000
    assert config.settings.limits_dict() == {}


def test_our_settings_sit_beside_mcp_servers() -> None:
    config = parse_config(
        {
            "mcpServers": {
                "old": {"command": "x", "disabled": True},
                "slow": {"command": "y", "timeout": 90},
            },
            "codemode": {
                "limits": {"timeout_s": 10, "max_tool_calls": 50},
                "token_budget": 9000,
                "max_result_chars": 500,
                "publish_tools": True,
                "python": ["my_tools:crm", "pkg.mod:factory"],
            },
        }
    )
    assert list(config.servers) == ["slow"]
    assert config.disabled == ("old",)
    assert config.servers["slow"].timeout == 90
    settings = config.settings
    assert settings.limits_dict() == {"timeout_s": 10, "max_tool_calls": 50}
    assert (settings.token_budget, settings.max_result_chars, settings.publish_tools) == (9000, 500, True)
    assert settings.python == ("my_tools:crm", "pkg.mod:factory")


def test_variables_are_expanded_from_the_environment() -> None:
    config = parse_config(
        {
            "mcpServers": {
                "gh": {"command": "${TOOLS}/gh", "args": ["--token=${TOKEN}"], "env": {"T": "${env:TOKEN}"}},
                "api": {"url": "https://${HOST}/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}},
            }
        },
        environ={"TOKEN": "s3cret", "TOOLS": "/opt", "HOST": "example.com"},
    )
    gh = config.servers["gh"]
    assert isinstance(gh, StdioServerConfig)
    assert (gh.command, gh.args, gh.env) == ("/opt/gh", ("--token=s3cret",), {"T": "s3cret"})
    api = config.servers["api"]
    assert isinstance(api, HttpServerConfig)
    assert (api.url, api.headers) == ("https://example.com/mcp", {"Authorization": "Bearer s3cret"})


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(
            {"mcpServers": {"gh": {"command": "gh", "env": {"T": "${GH_TOKEN}"}}}},
            "mcpServers.gh: refers to ${GH_TOKEN}, which is not set in the environment",
            id="missing-variable",
        ),
        pytest.param(
            {"mcpServers": {"empty": {"args": ["x"]}}},
            "mcpServers.empty: needs `command` (a server started as a child process",
            id="neither-command-nor-url",
        ),
        pytest.param(
            {"mcpServers": {"both": {"command": "x", "url": "http://h/mcp"}}},
            "mcpServers.both: has both `command` and `url`",
            id="both",
        ),
        pytest.param(
            {"mcpServers": {"old": {"type": "sse", "url": "http://h/sse"}}},
            "mcpServers.old: the SSE transport is not supported",
            id="sse",
        ),
        pytest.param(
            {"mcpServers": {"typo": {"command": "x", "evn": {}}}},
            "mcpServers.typo: unknown key `evn` (did you mean `env`?)",
            id="unknown-key",
        ),
        pytest.param(
            {"mcpServers": {"args": {"command": "x", "args": "--flag"}}},
            'mcpServers.args: key `args` must be an array, got "--flag"',
            id="args-not-a-list",
        ),
        pytest.param(
            {"mcpServers": {"a-b": {"command": "x"}, "a.b": {"command": "y"}}},
            "mcpServers: `a-b` and `a.b` both become the namespace `a_b`; rename one of them",
            id="namespace-collision",
        ),
        pytest.param(
            {"codemode": {"tokn_budget": 1}},
            "codemode: unknown setting `tokn_budget` (did you mean `token_budget`?)",
            id="unknown-setting",
        ),
        pytest.param(
            {"codemode": {"limits": {"wall_seconds": 1}}},
            "codemode: unknown setting `limits.wall_seconds`",
            id="unknown-limit",
        ),
        pytest.param(
            {"codemode": {"python": ["my_tools.crm"]}},
            "codemode.python: 'my_tools.crm' is not a `module:attribute` name",
            id="python-target",
        ),
        pytest.param({"mcpServers": []}, "`mcpServers` must be an object", id="servers-not-object"),
    ],
)
def test_bad_entries_name_the_entry_and_the_fix(data: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, source="test.json", environ={})
    assert str(caught.value).startswith("test.json: 1 problem(s)")
    assert problem in str(caught.value)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"mcpServers": {"a": {}, "b": {"command": 1}}, "codemode": {"token_budget": -1}})
    message = str(caught.value)
    assert "3 problem(s)" in message
    assert "mcpServers.a:" in message and "mcpServers.b:" in message and "token_budget" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param('{"mcpServers": {', "not valid JSON at line 1, column 17", id="bad-json"),
        pytest.param("[1]", "the config must be a JSON object", id="not-an-object"),
    ],
)
def test_unreadable_files_say_where(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=problem):
        load_config(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope.json does not exist"):
        load_config(tmp_path / "nope.json")
