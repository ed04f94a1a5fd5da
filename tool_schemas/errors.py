"""The errors `tool_schemas` raises.

```
DeclarationError            a tool definition that cannot be declared at all (no name, not a tool)
 └── NameCollisionError     two tools (or two namespaces) whose names sanitize to the same identifier
```

Schemas themselves never raise: a keyword we cannot express falls back to `unknown`.
"""

from __future__ import annotations

__all__ = ["DeclarationError", "NameCollisionError"]


class DeclarationError(ValueError):
    """A tool definition that cannot be turned into a declaration."""


class NameCollisionError(DeclarationError):
    """Two names that sanitize to the same identifier, so the guest could not tell them apart."""

    def __init__(self, kind: str, first: str, second: str, identifier: str, where: str = "") -> None:
        self.kind = kind
        """`"tool"` or `"namespace"`."""
        self.first = first
        """The original name seen first."""
        self.second = second
        """The original name that collided with it."""
        self.identifier = identifier
        """The identifier both sanitize to."""
        place = f" in namespace `{where}`" if where else ""
        super().__init__(
            f"{kind}s `{first}` and `{second}`{place} both sanitize to the identifier `{identifier}`; "
            f"rename one of them (or move it to another namespace) so each {kind} has its own identifier"
        )
