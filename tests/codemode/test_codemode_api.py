"""The public surface of each package is explicit and pinned."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

import codemode
from codemode.code_tool import program_of
from codemode.errors import ToolError
from codemode.model_text import format_value
from codemode.tokenizer import count_tokens, default_tokenizer


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


SURFACES: dict[str, list[str]] = {
    "codemode.app": [
        "build_toolbox",
        "config_sources",
        "engine_settings",
        "load_python_target",
        "open_engine",
        "open_toolbox",
        "sandbox_limits",
        "sandbox_settings",
        "serve",
        "workspace_source",
    ],
    "codemode.engine": ["CodeMode", "CodeOutcome", "EngineSettings", "ToolProvider"],
    "codemode.code_tool": [
        "CODE_TOOL_INPUT_SCHEMA",
        "CODE_TOOL_NAME",
        "code_tool_input_schema",
        "program_of",
    ],
    "codemode.description": [
        "DIALECTS",
        "DISCOVERY_GLOBALS",
        "LISTINGS",
        "TYPESCRIPT",
        "Described",
        "Listing",
        "describe",
        "unavailable",
    ],
    "codemode.dialect": ["LANGUAGES", "Dialect", "GuestNames", "Language", "Renderer", "same_names"],
    "codemode.python_guest": ["PYTHON", "PYTHON_GUIDE", "python_names"],
    "codemode.model_text": ["format_outcome", "format_value", "tool_result_text"],
    "codemode.tokenizer": ["Tokenizer", "count_tokens", "default_tokenizer"],
    "codemode.mcp_server": ["CodeModeServer", "build_server"],
}


@pytest.mark.parametrize("module", sorted(SURFACES))
def test_module_surfaces_are_pinned(module: str) -> None:
    assert sorted(importlib.import_module(module).__all__) == sorted(SURFACES[module])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param({}, "got no arguments", id="none"),
        pytest.param({"source": "x"}, "got keys ['source']", id="wrong-key"),
        pytest.param({"code": 1}, "got `code` as int", id="not-a-string"),
        pytest.param({"code": "  "}, "got an empty program", id="blank"),
    ],
)
def test_the_code_argument_is_checked_in_one_place(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ToolError) as caught:
        program_of(arguments)
    assert (
        str(caught.value) == f'tool `code` takes {{"code": "<TypeScript>"}}, a non-empty program; {message}'
    )
    assert program_of({"code": "return 1"}) == "return 1"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("as is", "as is", id="string"),
        pytest.param({"a": [1, 2], "é": None}, '{"a":[1,2],"é":null}', id="compact-json"),
    ],
)
def test_one_value_to_text_rule(value: Any, text: str) -> None:
    assert format_value(value) == text


def test_the_tokenizer_counts_special_token_text_as_text() -> None:
    assert count_tokens("") == 0
    assert count_tokens("<|endoftext|>") > 1
    tokenizer = default_tokenizer()
    assert tokenizer.count("hello world") == count_tokens("hello world") == 2
    assert tokenizer.name.startswith("o200k_base (bpe-openai ")
