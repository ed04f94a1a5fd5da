"""Small helpers shared by the domains: id lookup and argument checks with messages that say the fix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

from codemode.world import vocabulary as v
from codemode.world.errors import InvalidRequestError, NotFoundError

__all__ = ["check_date", "check_limit", "check_user", "lookup"]

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

T = TypeVar("T")


def lookup(items: Mapping[str, T], item_id: str, kind: str, hint: str) -> T:
    """`items[item_id]`, forgiving case and spaces, or a NotFoundError naming the id and the `hint`."""
    key = item_id.strip().upper()
    if key in items:
        return items[key]
    raise NotFoundError(f"{kind} `{item_id}` not found; {hint}")


def check_limit(limit: int, maximum: int, offset: int = 0) -> None:
    """Reject a page size outside 1..maximum or a negative offset, saying how to page instead."""
    if not 1 <= limit <= maximum:
        raise InvalidRequestError(
            f"`limit` must be between 1 and {maximum}, got {limit}; fetch more with `offset`"
        )
    if offset < 0:
        raise InvalidRequestError(f"`offset` must be 0 or more, got {offset}")


def check_date(name: str, value: str | None) -> None:
    """Reject a date argument that is not YYYY-MM-DD (None passes: the argument was not given)."""
    if value is not None and not DATE.fullmatch(value):
        raise InvalidRequestError(f"`{name}` must be a date like `2025-07-01`, got {value!r}")


def check_user(name: str, role: str) -> None:
    """Reject a user name that is not on the staff, listing the staff (a dozen names)."""
    if name not in v.STAFF:
        raise InvalidRequestError(f"{role} `{name}` is not a user; users are: {', '.join(v.STAFF)}")
