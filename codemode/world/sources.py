"""The world as tool sources: one `PythonTools` namespace per domain."""

from codemode.sources.python import PythonTools
from codemode.world.crm_tools import crm_tools
from codemode.world.docs_tools import docs_tools
from codemode.world.records_tools import records_tools
from codemode.world.tracker_tools import tracker_tools
from codemode.world.world import World

__all__ = ["build_sources", "default_sources"]


def build_sources(world: World) -> list[PythonTools]:
    """The `crm`, `docs`, `tracker` and `records` namespaces, all acting on `world`."""
    return [
        crm_tools(world.crm),
        docs_tools(world.docs),
        tracker_tools(world.tracker),
        records_tools(world.records),
    ]


def default_sources() -> list[PythonTools]:
    """The tools of a fresh default world (`World.generate(seed=0)`, kept between runs)."""
    from codemode.world.cache import cached_world

    return build_sources(cached_world(seed=0))
