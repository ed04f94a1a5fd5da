"""Small helpers shared by the domains: id lookup and limit checks with messages that say the fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from codemode.world.errors import InvalidRequestError, NotFoundError

__all__ = ["check_limit", "lookup"]

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
