"""The built-in world of tools: a company's CRM, documents, issue tracker and sales records.

`codemode serve` with no config serves `default_sources()`; the benchmark builds a `World` per task,
serves `build_sources(world)` and checks the answer or `world.snapshot()` afterwards.
"""

from codemode.world.sources import build_sources, default_sources
from codemode.world.world import World

__all__ = ["World", "build_sources", "default_sources"]
