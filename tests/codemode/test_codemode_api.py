"""The public surface of each package is explicit and pinned."""

from __future__ import annotations

import codemode


def test_codemode_public_api_is_pinned() -> None:
    assert sorted(codemode.__all__) == [
        "AgentResult",
        "CodeMode",
        "CodeModeServer",
        "CodeOutcome",
        "CodemodeError",
        "Config",
        "ConfigError",
        "EngineSettings",
        "HttpOptions",
        "PythonTools",
        "ToolError",
        "ToolInfo",
        "ToolSource",
        "Toolbox",
        "build_server",
        "load_config",
        "open_engine",
        "parse_config",
        "run_agent",
        "serve",
    ]


def test_every_public_name_resolves() -> None:
    for name in codemode.__all__:
        assert getattr(codemode, name) is not None, name
