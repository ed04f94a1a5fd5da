"""Turn a pydantic `ValidationError` into messages in the reader's terms.

Used for a Python tool's arguments (the model reads ``tool `crm.find_customer`: argument `limit` must
be an integer, got "ten"``) and for the config file's keys (a person reads ``codemode: unknown setting
`token_budjet` (did you mean `token_budget`?)``): each bad field named, what was expected, what came.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

__all__ = ["describe_problems", "describe_validation_error"]

_EXPECTED: dict[str, str] = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a string",
    "bool_type": "a boolean",
    "bool_parsing": "a boolean",
    "list_type": "an array",
    "tuple_type": "an array",
    "set_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "dataclass_type": "an object",
    "none_required": "null",
    "date_type": "a date string (YYYY-MM-DD)",
    "date_parsing": "a date string (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date string (YYYY-MM-DD)",
    "datetime_type": "an ISO 8601 datetime string",
    "datetime_parsing": "an ISO 8601 datetime string",
    "datetime_from_date_parsing": "an ISO 8601 datetime string",
    "uuid_type": "a UUID string",
    "uuid_parsing": "a UUID string",
}
_MAX_SHOWN = 80


def describe_validation_error(
    tool: str, error: ValidationError, accepted: Sequence[str] = (), *, subject: str = "argument"
) -> str:
    """One message naming every bad field of the arguments of `tool` (`namespace.name`)."""
    return f"tool `{tool}`: " + "; ".join(describe_problems(error, accepted, subject=subject))


def describe_problems(error: ValidationError, accepted: Sequence[str] = (), *, subject: str) -> list[str]:
    """One line per bad field, without repeats; `subject` names what the fields are ("argument", "key")."""
    return list(dict.fromkeys(_problem(detail, accepted, subject) for detail in error.errors()))


def _problem(detail: ErrorDetails, accepted: Sequence[str], subject: str) -> str:
    where = _path(detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        return f"missing required {subject} `{where}`"
    if kind == "extra_forbidden":
        parent = where.rpartition(".")[0]
        siblings = [name for name in accepted if name.rpartition(".")[0] == parent]
        hint = ""
        if siblings:
            close = difflib.get_close_matches(where, siblings, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            hint += "; accepted: " + ", ".join(f"`{name.rpartition('.')[2]}`" for name in siblings)
        return f"unknown {subject} `{where}`{hint}"
    if kind in {"literal_error", "enum"}:
        expected = (detail.get("ctx") or {}).get("expected", "")
        return f"{subject} `{where}` must be {expected}, got {_show(detail['input'])}"
    if kind in _EXPECTED:
        return f"{subject} `{where}` must be {_EXPECTED[kind]}, got {_show(detail['input'])}"
    message = detail["msg"]
    message = message[:1].lower() + message[1:]
    return f"{subject} `{where}`: {message}, got {_show(detail['input'])}"


def _path(loc: tuple[int | str, ...]) -> str:
    """`items[0].name` from pydantic's location tuple."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(arguments)"


def _show(value: Any) -> str:
    """The offending value as JSON, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
