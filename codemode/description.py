"""The `code` tool's description: how to write a program, then the tools it can call.

Every TypeScript declaration when they fit the token budget; else a line per namespace naming its
tools (`render_overview` without arguments) plus the guest functions `search` and `describe`; else
(very large catalogs) a line per namespace with its most common words. Over the budget the model
describes the tools it needs before it calls them anyway (that is where their result types are),
so a richer listing (arguments, a summary per tool) is paid on every turn for what one `describe`
returns once: docs/benchmarks.md ("The default") has the measurements, and why the budget is 1,000
tokens. Sources that are down with no tools are named, so the model is told rather than left to
guess why a configured server is missing. Tools a person must approve (`codemode.approvals`) are
tagged, and what the tag means is said once where the model reads tags: in the guide beside the
declarations or the index; in `describe`'s output beside the names listing, which shows no tag.
The language (`codemode.dialect`) picks the guide, the renderer and the names: TypeScript here,
Python in `codemode.python_guest`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from codemode.approvals import APPROVAL_GUIDE, ApprovalPolicy
from codemode.dialect import Dialect, Language, same_names
from codemode.discovery import Catalog
from codemode.python_guest import PYTHON
from codemode.rendering_cache import Rendered
from codemode.sources.protocol import SourceStatus, ToolInfo
from codemode.tokenizer import count_tokens
from tool_schemas import render_declarations

__all__ = [
    "DIALECTS",
    "DISCOVERY_GLOBALS",
    "LISTINGS",
    "TYPESCRIPT",
    "Described",
    "Listing",
    "describe",
    "unavailable",
]

GUIDE = """\
Run TypeScript in a sandbox that can call the tools below; only what the program returns comes \
back. Write the body of an async function: call tools as `await namespace.tool({...})`, \
independent calls together with `Promise.all`; filter and aggregate large results in code and \
`return` just the answer (any JSON value). `console.log` lines come back as notes. No network, \
file system or import: only these tools. A failing call throws an Error with the tool's message."""

TYPECHECK_CLAUSE = "Programs are type-checked before they run."
"""Added to the guide when the engine checks programs first (a type error means nothing ran)."""

_DISCOVERY_GUIDE = """\
{shown} In the code, `await search("what you need")` returns the best matches as \
`{{name, summary}}[]`, `await describe(["ns.tool", "ns.other"])` their TypeScript declarations \
(arguments and results) as one text: search and describe what you need, in one program, before \
calling it."""

Listing = Literal["names", "arguments", "index", "namespaces"]
"""How the catalog is listed over the budget: tool names by namespace (the default), the same with
each tool's argument names, a line per tool with its first sentence, or each namespace's commonest
words. Only `names` and `namespaces` are chosen by budget; the others are there to be measured."""

LISTINGS: tuple[Listing, ...] = ("names", "arguments", "index", "namespaces")

_SHOWN: dict[Listing, str] = {
    "names": "Only the tools' names are listed.",
    "arguments": "The tools are listed with their argument names (`?`: optional).",
    "index": "The tools are listed one per line.",
    "namespaces": "There are too many tools to list: each namespace is summarized.",
}
_HEADINGS: dict[Listing, str] = {"names": "Tools:\n", "arguments": "Tools:\n", "index": "Index:\n"}

TYPESCRIPT = Dialect(
    language="typescript",
    guide=GUIDE,
    discovery_guide=_DISCOVERY_GUIDE,
    fence="ts",
    render=render_declarations,
    names=same_names,
    approval_guide=APPROVAL_GUIDE,
)
"""TypeScript programs: the default."""

DIALECTS: dict[Language, Dialect] = {"typescript": TYPESCRIPT, "python": PYTHON}
"""Each language's dialect, by the name the config and `--language` use."""

DISCOVERY_GLOBALS: tuple[str, ...] = ("search", "describe")
"""Guest functions that exist only when the catalog is over the budget."""

_RETRY = re.compile(r";? *retrying in [\d.]+ s\.?$")
"""The retry countdown in a down source's status: stale by the time the model reads it."""


@dataclass(frozen=True)
class Described:
    """How a set of tools is presented to the model."""

    declarations: str
    """Full declarations of every tool, in the program's language."""
    description: str
    """The `code` tool's description: the guide, then declarations or (over budget) the index."""
    discovery: bool
    """True when over the token budget: the guest gets `search` and `describe`."""
    guest_tools: Mapping[str, Sequence[str]]
    """Guest identifiers by namespace, for the sandbox."""
    catalog: Catalog
    """The search index behind `search` and `describe`."""
    tools: Mapping[tuple[str, str], ToolInfo] = field(default_factory=dict)
    """Every tool by (namespace, name) as the program calls it, as its source lists it (untagged,
    under its own names)."""
    namespaces: Mapping[str, str] = field(default_factory=dict)
    """Namespace as the program writes it -> the toolbox's (the same in TypeScript)."""


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
    language: Language = "typescript",
    typechecked: bool = False,
    listing: Listing | None = None,
) -> Described:
    """Present `tools` to the model: every declaration when they fit `token_budget` tokens, else a
    listing with `search` and `describe`.

    `down` names sources that are down with no tools (namespace -> why), from `unavailable`;
    `notice` is a paragraph the description starts with; tools that need approval under `approvals`
    are tagged; `language` picks the guide, the declarations and the names (`DIALECTS`);
    `typechecked` says that programs are type-checked before they run. `listing` forces a listing
    over the budget (for measuring); None: tool names by namespace when they fit the budget, else
    the namespace summary.
    """
    dialect = DIALECTS[language]
    shown = [approvals.mark(tool) for tool in tools] if approvals is not None else list(tools)
    names = dialect.names(shown, down or {})
    gated = [
        named.qualified_name
        for named, marked, tool in zip(names.tools, shown, tools, strict=True)
        if marked is not tool
    ]
    grouped: dict[str, list[dict[str, Any]]] = {}
    guest: dict[str, list[str]] = {}
    for tool in names.tools:
        grouped.setdefault(tool.namespace, []).append(tool.to_mcp_dict())
        guest.setdefault(tool.namespace, []).append(tool.name)
    rendered = Rendered(grouped)  # the same catalog as last time: from the cache
    if dialect.language == "typescript":  # the cache's own `declarations` form, not a second copy
        declarations = rendered.declarations
    else:
        declarations = rendered.form(f"declarations-{dialect.language}", dialect.render)
    catalog = Catalog(
        names.tools, dialect.render, gated=gated, approval_note=f"{dialect.comment} {dialect.approval_guide}"
    )
    discovery = count_tokens(declarations) > token_budget
    if not discovery:
        guide = _guide(dialect, tagged=bool(gated), typechecked=typechecked)
        body = f"{guide}\n\n```{dialect.fence}\n{declarations}```"
    else:
        form, text = _listing(rendered, catalog, token_budget, listing)
        # Only the index shows the tag; otherwise `describe` explains it where it is read.
        guide = _guide(dialect, tagged=bool(gated) and form == "index", typechecked=typechecked)
        shown_as = dialect.discovery_guide.format(shown=_SHOWN[form])
        body = f"{guide}\n\n{shown_as}\n\n{_HEADINGS.get(form, '')}{text}"
    if down:
        lines = "\n".join(f"- {namespace}: {why}" for namespace, why in sorted(down.items()))
        body += f"\n\nNot available right now (their tools are missing above; do not call them):\n{lines}"
        guest_namespace = {own: namespace for namespace, own in names.namespaces.items()}
        for namespace in down:
            # The namespace still exists in the program: a call throws the server's reason.
            guest.setdefault(guest_namespace[namespace], [])
    if notice:
        body = f"{notice}\n\n{body}"
    return Described(
        declarations=declarations,
        description=body,
        discovery=discovery,
        guest_tools=guest,
        catalog=catalog,
        tools={(named.namespace, named.name): tool for named, tool in zip(names.tools, tools, strict=True)},
        namespaces=names.namespaces,
    )


def _guide(dialect: Dialect, *, tagged: bool, typechecked: bool) -> str:
    """The guide, with what the approval tag means when the model reads tagged tools in it, and
    that programs are type-checked when they are."""
    guide = f"{dialect.guide} {TYPECHECK_CLAUSE}" if typechecked else dialect.guide
    return f"{guide} {dialect.approval_guide}" if tagged else guide


def _listing(
    rendered: Rendered,
    catalog: Catalog,
    token_budget: int,
    listing: Listing | None,
) -> tuple[Listing, str]:
    """The listing's form and text: `listing` if given, else names if they fit `token_budget`."""
    if listing is None:
        names = rendered.names
        return ("names", names) if count_tokens(names) <= token_budget else ("namespaces", catalog.overview())
    if listing == "names":
        return listing, rendered.names
    if listing == "arguments":
        return listing, rendered.overview
    if listing == "index":
        return listing, rendered.index
    return listing, catalog.overview()
