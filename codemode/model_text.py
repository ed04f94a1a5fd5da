"""What the model reads back: a value, or one run of the `code` tool, as compact text.

`format_value` is the value-to-text rule for what codemode itself returns: the `code` tool's return
value, a tool published beside `code`, tool arguments in the benchmark's transcripts. Strings go as
they are; anything else as JSON without spaces (indentation would cost the model tokens on every
nested level).

A run is two blocks. The first is the return value (by that rule), or on failure the error with a
stack in the model's own line numbers. The second holds the console lines, then one line of stats:

    {"open":3,"oldest":"T-0042"}          TypeError: x.map is not a function
                                              at <code>:4:12
    [log] checked 40 issues               [log] lines up to the failure
    (12 ms, 3 tool calls)                 (12 ms, 3 tool calls)

A text longer than the limit is cut, with a marker that says how to ask for less and which config
key raises the limit; the stats line always survives. A run that broke a sandbox limit says which
config key raises it (`codemode.limits.timeout_s`), from the limit the sandbox names, never from the
guest's text.

Classic tool calling is the exception: there the model reads each tool's result as the tool's own MCP
server sends it, which `tool_result_text` reproduces (indented JSON, as both the MCP Python SDK and the
npm reference servers write it), so that the agent's classic mode and the benchmark's classic
transcripts cost what a real classic client costs.
"""

from __future__ import annotations

import json
from typing import Any

from codemode.limit_keys import config_key
from sandbox import Limits, RunResult

__all__ = ["format_outcome", "format_value", "tool_result_text"]

_UNDEFINED_TEXT = "(the program returned nothing: `return` the answer)"


def format_value(value: Any) -> str:
    """A returned value as the model reads it: strings as they are, everything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def tool_result_text(value: Any, *, sdk: str = "python") -> str:
    """A tool's result as its MCP server's text content: what a classic client shows the model.

    `sdk="python"`: the MCP Python SDK's conversion (`mcp.server.mcpserver.utilities.func_metadata.
    _convert_to_content`): a string as it is, a list as one text block per item, anything else as
    `pydantic_core.to_json(value, indent=2)`; blocks are joined by a newline here. `sdk="typescript"`:
    the npm reference servers' `JSON.stringify(value, null, 2)` (a string as it is).
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if sdk == "typescript":
        return json.dumps(value, ensure_ascii=False, indent=2, default=str)
    if isinstance(value, list | tuple):
        return "\n".join(tool_result_text(item) for item in value)
    import pydantic_core  # here, not above: only classic tool calling needs it, and it is slow to load

    return pydantic_core.to_json(value, fallback=str, indent=2).decode()


def format_outcome(result: RunResult, *, max_chars: int, limits: Limits | None = None) -> tuple[str, str]:
    """The value (or error) block and the logs-and-stats block, together at most `max_chars`.

    `limits` are the run's sandbox limits, for the figures in the messages (default: the sandbox's).
    """
    limits = limits or Limits()
    if result.error is None:
        head = _UNDEFINED_TEXT if result.value is None else format_value(result.value)
    else:
        head = _error_text(result, limits)
    stats = _stats_line(result)
    logs = "\n".join(f"[{entry.level}] {entry.message}" for entry in result.logs)
    logs = _cut(logs, max(0, max_chars // 4 - len(stats) - 1), what="characters of log lines") if logs else ""
    tail = f"{logs}\n{stats}" if logs else stats
    whole = None
    if result.truncated and result.error is None:
        # The sandbox cut the value first; its real size is past what reached us.
        whole = (
            f"more than {limits.result_bytes:,} bytes of JSON (cut first at `{config_key('result_bytes')}`)"
        )
    head = _cut(head, max(200, max_chars - len(tail) - 1), what="characters", whole=whole)
    return head, tail


def _error_text(result: RunResult, limits: Limits) -> str:
    error = result.error
    assert error is not None
    head = f"{error.name}: {error.message}" if error.name else error.message
    stack = (error.stack or "").strip()
    if stack.startswith(head):
        stack = stack[len(head) :].lstrip("\n")
    text = f"{head}\n{stack}" if stack else head
    if error.limit is not None:  # set by the host that enforced it, never parsed from the guest's text
        value = getattr(limits, error.limit, None)
        now = f", now {value:g}" if isinstance(value, int | float) else ""
        key = config_key(error.limit)
        text += f"\n(sandbox limit `{key}`{now}: raise it in the config file if the work needs more)"
    return text


def _stats_line(result: RunResult) -> str:
    stats = result.stats
    calls = f"{stats.tool_calls} tool call{'' if stats.tool_calls == 1 else 's'}"
    return f"({stats.wall_ms:.0f} ms, {calls})"


def _cut(text: str, max_chars: int, *, what: str, whole: str | None = None) -> str:
    if len(text) <= max_chars:
        return text
    marker = (
        f"\n... [cut at {max_chars:,} {what} of {whole or f'{len(text):,}'}; the limit is "
        "`codemode.max_result_chars`. Return less: select the fields you need, filter or aggregate in "
        "code, or return a count and a sample.]"
    )
    return text[: max(0, max_chars - len(marker))] + marker
