"""The listings harness: it forces the engine's listing while open, and only then."""

from __future__ import annotations

from codemode import engine
from codemode.bench.environment import UPSTREAM_NAMESPACES
from codemode.bench.forms import world_catalog
from codemode.bench.listings import forced_listing


def test_a_forced_listing_is_what_the_engine_describes_until_the_block_ends() -> None:
    tools = [tool for tools in world_catalog().values() for tool in tools]
    assert not set(UPSTREAM_NAMESPACES) & {tool.namespace for tool in tools}
    by_default = engine.describe(tools, 1_000).description
    with forced_listing("index"):
        forced = engine.describe(tools, 1_000).description
    after = engine.describe(tools, 1_000).description
    assert "tracker.close_issue(issue_id, " in forced and "tracker.close_issue(" not in by_default
    assert after == by_default
