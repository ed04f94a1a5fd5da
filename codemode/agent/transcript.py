"""The run as JSON: the exchange as sent, plus usage per turn, for the benchmark and debugging.

Format (version 1):

    {"version": 1, "task", "provider", "model", "mode", "stopped", "final_text", "wall_s",
     "usage": {"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"},
     "cost_usd": float | null, "tool_calls": int,
     "turns": [{"turn", "usage": {...}, "text", "stop_reason", "wall_s",
                "tool_calls": [{"id", "name", "arguments", "result", "is_error"}]}],
     "exchange": {provider-native request: "system"/"instructions", "tools", "messages"/"input"}}
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from codemode.agent.loop import AgentResult

__all__ = ["TRANSCRIPT_VERSION", "transcript_json", "write_transcript"]

TRANSCRIPT_VERSION = 1
"""Bumped when the format changes incompatibly."""


def transcript_json(result: AgentResult) -> dict[str, Any]:
    """The transcript of `result` as a JSON-able dict (format in the module docstring)."""
    return {
        "version": TRANSCRIPT_VERSION,
        "task": result.task,
        "provider": result.provider,
        "model": result.model,
        "mode": result.mode,
        "stopped": result.stopped,
        "final_text": result.final_text,
        "wall_s": round(result.wall_s, 3),
        "usage": result.total.to_json(),
        "cost_usd": result.cost_usd,
        "tool_calls": result.tool_calls,
        "turns": [{**asdict(record), "wall_s": round(record.wall_s, 3)} for record in result.turns],
        "exchange": result.exchange,
    }


def write_transcript(result: AgentResult, path: Path) -> None:
    """Write the transcript of `result` to `path` (UTF-8, indented), creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(transcript_json(result), indent=2, ensure_ascii=False, default=str)
    path.write_text(text + "\n", encoding="utf-8")
