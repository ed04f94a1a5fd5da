"""The `code` tool as every front declares it: its name, its input schema, and the check of its argument.

The MCP server, the agent's code mode and the benchmark all publish this one tool; they take the
program out of the model's arguments with `program_of`, which is the only place that checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codemode.errors import ToolError

__all__ = ["CODE_TOOL_INPUT_SCHEMA", "CODE_TOOL_NAME", "code_tool_input_schema", "program_of"]

CODE_TOOL_NAME = "code"
"""The one tool the model sees."""

CODE_TOOL_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "TypeScript: the body of an async function that calls the tools "
            "and returns the answer.",
        }
    },
    "required": ["code"],
    "additionalProperties": False,
}
"""The arguments the `code` tool takes (a TypeScript server's)."""

_PYTHON_CODE = "Python: a script that calls the tools with `await`; its last expression is the answer."


def code_tool_input_schema(language: str = "typescript") -> dict[str, Any]:
    """The `code` tool's arguments, the program described in the server's language."""
    if language != "python":
        return CODE_TOOL_INPUT_SCHEMA
    code = {**CODE_TOOL_INPUT_SCHEMA["properties"]["code"], "description": _PYTHON_CODE}
    return {**CODE_TOOL_INPUT_SCHEMA, "properties": {"code": code}}


def program_of(arguments: Mapping[str, Any]) -> str:
    """The program in a `code` call's arguments; `ToolError` when there is none."""
    code = arguments.get("code")
    if isinstance(code, str) and code.strip():
        return code
    if isinstance(code, str):
        got = "an empty program"
    elif code is not None:
        got = f"`code` as {type(code).__name__}"
    else:
        got = f"keys {sorted(arguments)}" if arguments else "no arguments"
    raise ToolError(f'tool `code` takes {{"code": "<TypeScript>"}}, a non-empty program; got {got}')
