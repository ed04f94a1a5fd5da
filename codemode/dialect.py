"""The language a server's model writes programs in, and what changes with it.

One server speaks one language (`EngineSettings.language`): the `code` tool's description is
written for it, its declarations rendered in it, and every program run in it. A `Dialect` holds
what differs: the guide at the top of the description, the discovery guide, the renderer of
declarations, and the names a program calls tools by. The TypeScript dialect is
`codemode.description.TYPESCRIPT`; the Python one is `codemode.python_guest.PYTHON`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from codemode.sources.protocol import ToolInfo

__all__ = ["LANGUAGES", "Dialect", "GuestNames", "Language", "Renderer", "same_names"]

Language = Literal["typescript", "python"]
"""The languages a program can be written in (`"language"` in the config, `--language`)."""

LANGUAGES: tuple[Language, ...] = get_args(Language)

Renderer = Callable[[Mapping[str, Sequence[Any]]], str]
"""Namespace -> MCP tool dicts, to the declarations text (`tool_schemas.render_declarations`)."""


@dataclass(frozen=True)
class GuestNames:
    """The tools as a program names them, and the way back to the tools' own names."""

    tools: list[ToolInfo]
    """Every tool, in order, renamed as the program calls it (name and namespace)."""
    namespaces: dict[str, str]
    """Namespace as the program writes it -> the toolbox's namespace (every namespace named)."""


@dataclass(frozen=True)
class Dialect:
    """What the description and the engine need to know about one language."""

    language: Language
    guide: str
    """The paragraph that tells the model how to write a program."""
    discovery_guide: str
    """How `search` and `describe` work, with `{shown}` for the form the listing takes."""
    fence: str
    """The code fence's info string around the declarations (`ts`, `python`)."""
    render: Renderer
    """The declarations of every tool (also what `describe()` returns in a program)."""
    names: Callable[[Sequence[ToolInfo], Iterable[str]], GuestNames]
    """The tools (and extra namespaces: sources that are down) as a program names them."""
    approval_guide: str
    """What a refused approval looks like in the program (said when a tool needs approval)."""
    comment: str = "//"
    """How a line comment starts (`describe()` leads with the approval note as one)."""


def same_names(tools: Sequence[ToolInfo], namespaces: Iterable[str] = ()) -> GuestNames:
    """The tools under their own names (TypeScript: the toolbox's names are the guest's)."""
    spaces = {tool.namespace: tool.namespace for tool in tools}
    spaces.update((namespace, namespace) for namespace in namespaces)
    return GuestNames(list(tools), spaces)
