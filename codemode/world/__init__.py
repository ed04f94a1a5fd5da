"""The built-in world of tools: a company's CRM, documents, issue tracker and sales records.

`codemode serve` with no config serves `default_sources()` (`codemode exec` the same tools, listed
from a cache: `demo.demo_sources()`); the benchmark builds a `World` per task, serves
`build_sources(world)` and checks the answer or `world.snapshot()` afterwards.

Names are imported on first use: `DEMO_NOTICE` and `demo_sources` come from `codemode.world.demo`,
which loads none of the world.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemode.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from codemode.world.demo import DEMO_NOTICE, demo_sources
    from codemode.world.sources import build_sources, default_sources
    from codemode.world.world import World

_EXPORTS: dict[str, str] = {
    "DEMO_NOTICE": "codemode.world.demo",
    "demo_sources": "codemode.world.demo",
    "World": "codemode.world.world",
    "build_sources": "codemode.world.sources",
    "default_sources": "codemode.world.sources",
}

__all__ = ["DEMO_NOTICE", "World", "build_sources", "default_sources", "demo_sources"]


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
