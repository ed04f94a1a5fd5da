"""The built-in world of tools: a company's CRM, documents, issue tracker and sales records."""

from codemode.world.world import World

__all__ = ["World"]
