"""Errors of the built-in world.

```
ToolError (codemode.errors)
 └── WorldError             a request the world refuses; its message is what the caller sees
     ├── NotFoundError      an id that names nothing ("customer `C-0042` not found; ...")
     └── InvalidRequestError   an argument the operation cannot accept (unknown column, bad state change)
```
`WorldError` is a `codemode.errors.ToolError`, so a tool wrapper lets it through unchanged and the
guest program sees the message, which names the offending item and says how to find a valid one.
"""

from __future__ import annotations

from codemode.errors import ToolError

__all__ = ["InvalidRequestError", "NotFoundError", "WorldError"]


class WorldError(ToolError):
    """A request the world refuses; the message is written for the model that made it."""


class NotFoundError(WorldError):
    """An id that names nothing in the world."""


class InvalidRequestError(WorldError):
    """An argument the operation cannot accept."""
