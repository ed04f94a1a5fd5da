"""The built-in world of tools: a company's CRM, documents, issue tracker and sales records.

`codemode serve` with no config serves `default_sources()`; the benchmark builds a `World` per task,
serves `build_sources(world)` and checks the answer or `world.snapshot()` afterwards.
"""

from codemode.world.sources import build_sources, default_sources
from codemode.world.world import World

__all__ = ["DEMO_NOTICE", "World", "build_sources", "default_sources"]

DEMO_NOTICE = (
    "These tools are codemode's built-in demo: a CRM, documents, an issue tracker and sales records "
    "of a made-up company, with made-up data. Say so if you answer from them. (To serve real tools, "
    "start codemode with --config and a file that lists MCP servers or Python tools.)"
)
"""What the model and the user are told when `codemode` serves the demo world (no config found)."""
