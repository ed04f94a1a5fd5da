"""A tool call as a person reads it before saying yes, and as the decision log records it.

```python
render_arguments({"issue_id": "ISS-12", "labels": ["done"]})
# '  issue_id: "ISS-12"\n  labels: ["done"]'
arguments_digest({"issue_id": "ISS-12"})   # '5f0c3b0e9a1d2c47': the same arguments, the same digest
```

The arguments come from the program, which the model wrote: they are shown, never interpreted.
Long values are cut (with the number of characters left out) so a question stays readable, and
control characters are escaped so a value cannot redraw the person's terminal.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["arguments_digest", "question_text", "render_arguments"]

VALUE_CHARS = 300
"""Longest value shown in full; longer ones are cut."""
MAX_KEYS = 20
"""Arguments shown; the rest are counted."""


def render_arguments(arguments: dict[str, Any]) -> str:
    """One indented `key: value` line per argument, values as JSON; `  (no arguments)` when empty."""
    if not arguments:
        return "  (no arguments)"
    lines = [f"  {_clean(str(key))}: {_value(value)}" for key, value in list(arguments.items())[:MAX_KEYS]]
    if len(arguments) > MAX_KEYS:
        lines.append(f"  ... and {len(arguments) - MAX_KEYS} more arguments")
    return "\n".join(lines)


def question_text(tool: str, arguments: dict[str, Any]) -> str:
    """The question a person is asked before `tool` runs with `arguments`."""
    return f"The program wants to call {tool} with:\n{render_arguments(arguments)}\nAllow it?"


def arguments_digest(arguments: Any) -> str:
    """A short, stable fingerprint of `arguments` for the decision log (the values stay out of it)."""
    canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=repr)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    if len(text) > VALUE_CHARS:
        text = f"{text[:VALUE_CHARS]}... ({len(text) - VALUE_CHARS} more characters)"
    return _clean(text)


def _clean(text: str) -> str:
    """Escape control characters (JSON already escapes them inside strings; keys are raw)."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode() for ch in text
    )
