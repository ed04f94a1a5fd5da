"""The built-in demo as `codemode exec` and `serve` use it: its notice, and its tools, listed from a
cache and built on first use.

Importing this module loads none of the world (no pydantic): `demo_sources()` reads the listing of
the demo's tools from the user's cache (`codemode.sources.listing_cache`) and returns one
`DeferredSource` per namespace, which builds the world (`default_sources`) when a program first
calls one of its tools. Without a usable cache it builds the world at once and stores the listing.
"""

from __future__ import annotations

from codemode.sources.deferred import deferred_sources
from codemode.sources.protocol import ToolSource

__all__ = ["DEMO_NOTICE", "demo_sources"]

DEMO_NOTICE = (
    "These tools are codemode's built-in demo: a CRM, documents, an issue tracker and sales records "
    "of a made-up company, with made-up data. Say so if you answer from them. (To serve real tools, "
    "start codemode with --config and a file that lists MCP servers or Python tools.)"
)
"""What the model and the user are told when `codemode` serves the demo world (no config found)."""


def demo_sources() -> list[ToolSource]:
    """The demo's namespaces (`crm`, `docs`, `tracker`, `records`), built when first called."""
    return deferred_sources("demo", _build)


def _build() -> list[ToolSource]:
    from codemode.world.sources import default_sources

    return list(default_sources())
