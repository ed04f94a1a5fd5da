"""The `code` tool's description: how to write a program, then the tools it can call.

The richest form that fits the token budget: every TypeScript declaration when they fit; else a
one-line index per tool plus the guest functions `search` and `describe`; else a line per namespace
naming every tool and its arguments (`render_overview`) plus the same two functions; else (very
large catalogs) a line per namespace with its most common words. The default budget and why it is
1,000 tokens: docs/benchmarks.md ("The default"). Sources that are down with no tools are named,
so the model is told rather than left to guess why a configured server is missing. Tools a person
must approve (`codemode.approvals`) are tagged, and the guide says once what the tag means.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codemode.approvals import APPROVAL_GUIDE, ApprovalPolicy
from codemode.discovery import Catalog
from codemode.rendering_cache import Rendered
from codemode.sources.protocol import SourceStatus, ToolInfo
from codemode.tokenizer import count_tokens

__all__ = ["DISCOVERY_GLOBALS", "Described", "describe", "unavailable"]

GUIDE = """\
Run TypeScript in a sandbox that can call the tools declared below, and get back only what the \
program returns. Write the body of an async function: call tools as \
`await namespace.tool({...})`, run independent calls together with `Promise.all`, filter and \
aggregate large results in code, and `return` just the answer (any JSON value). `console.log` \
lines come back as notes. There is no network, file system or import; only these tools. \
A failing tool call throws an Error with the tool's message."""

_DISCOVERY_GUIDE = """\
The catalog is too large to declare here, so it is {shown}. Two more functions exist in the code: \
`await search("what you need")` returns the best-matching tools as `{{name, summary}}[]`, and \
`await describe(["ns.tool", "ns.other"])` returns those tools' full TypeScript declarations as one \
text. Search, then describe the tools before calling them, all in one program when you can."""

DISCOVERY_GLOBALS: tuple[str, ...] = ("search", "describe")
"""Guest functions that exist only when the catalog is over the budget."""

_RETRY = re.compile(r";? *retrying in [\d.]+ s\.?$")
"""The retry countdown in a down source's status: stale by the time the model reads it."""


@dataclass(frozen=True)
class Described:
    """How a set of tools is presented to the model."""

    declarations: str
    """Full TypeScript declarations of every tool."""
    description: str
    """The `code` tool's description: the guide, then declarations or (over budget) the index."""
    discovery: bool
    """True when over the token budget: the guest gets `search` and `describe`."""
    guest_tools: Mapping[str, Sequence[str]]
    """Guest identifiers by namespace, for the sandbox."""
    catalog: Catalog
    """The search index behind `search` and `describe`."""
    tools: Mapping[tuple[str, str], ToolInfo] = field(default_factory=dict)
    """Every tool by (namespace, guest identifier), as its source lists it (untagged)."""


def unavailable(statuses: Mapping[str, SourceStatus]) -> dict[str, str]:
    """Namespaces whose source is down and offers no tools, with why (from `Toolbox.status()`)."""
    return {
        namespace: _RETRY.sub("", report.detail) or report.state
        for namespace, report in statuses.items()
        if report.state in ("failed", "starting") and report.tool_count == 0
    }


def describe(
    tools: Sequence[ToolInfo],
    token_budget: int,
    down: Mapping[str, str] | None = None,
    *,
    notice: str = "",
    approvals: ApprovalPolicy | None = None,
) -> Described:
    """Present `tools` to the model in the richest form that fits `token_budget` tokens.

    `down` names sources that are down with no tools (namespace -> why), from `unavailable`;
    `notice` is a paragraph the description starts with; tools that need approval under `approvals`
    are tagged.
    """
    shown = [approvals.mark(tool) for tool in tools] if approvals is not None else list(tools)
    guide = GUIDE
    if any(marked is not tool for marked, tool in zip(shown, tools, strict=True)):
        guide += " " + APPROVAL_GUIDE
    grouped: dict[str, list[dict[str, Any]]] = {}
    guest: dict[str, list[str]] = {}
    for tool in shown:
        grouped.setdefault(tool.namespace, []).append(tool.to_mcp_dict())
        guest.setdefault(tool.namespace, []).append(tool.name)
    rendered = Rendered(grouped)  # the same catalog as last time: from the cache
    declarations = rendered.declarations
    catalog = Catalog(shown)
    discovery = count_tokens(declarations) > token_budget
    if not discovery:
        body = f"{guide}\n\n```ts\n{declarations}```"
    else:
        index = rendered.index
        overview = rendered.overview
        if count_tokens(index) <= token_budget:
            form = "listed as a one-line index"
            listing = f"Index:\n{index}"
        elif count_tokens(overview) <= token_budget:
            form = "listed by namespace with each tool's argument names (`?`: optional)"
            listing = f"Tools:\n{overview}"
        else:
            form = "summarized by namespace"
            listing = catalog.overview()
        body = f"{guide}\n\n{_DISCOVERY_GUIDE.format(shown=form)}\n\n{listing}"
    if down:
        lines = "\n".join(f"- {namespace}: {why}" for namespace, why in sorted(down.items()))
        body += f"\n\nNot available right now (their tools are missing above; do not call them):\n{lines}"
        for namespace in down:
            # The namespace still exists in the program: a call throws the server's reason.
            guest.setdefault(namespace, [])
    if notice:
        body = f"{notice}\n\n{body}"
    return Described(
        declarations=declarations,
        description=body,
        discovery=discovery,
        guest_tools=guest,
        catalog=catalog,
        tools={(tool.namespace, tool.name): tool for tool in tools},
    )
