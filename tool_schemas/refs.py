"""`$ref` inside one schema document: resolving pointers, and choosing which targets become aliases.

A target becomes a named type alias when it is recursive (it can reach itself through `$ref`s, so
inlining it would never end) or when it is used more than once, in this document or, with the same
name and content, in other documents of the rendering (an alias is then shorter than repeating it;
pydantic models shared by several tools). Every other target is inlined where it is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping, Set
from typing import Any
from urllib.parse import unquote

__all__ = [
    "REF_KEYS",
    "aliased_refs",
    "definition_key",
    "lift_titled_root",
    "reaches",
    "resolve",
    "used_definitions",
]

REF_KEYS = ("$ref", "$recursiveRef", "$dynamicRef")
"""Keywords that point at another schema; the 2019/2020 dynamic ones are read as plain `$ref`."""

_DEFINITION_KEYS = ("$defs", "definitions")


def _pointer_of(document: Any, ref: str) -> str | None:
    """The local JSON pointer a `$ref` names (`#` for the root), or None when it points elsewhere."""
    base, hash_, fragment = ref.partition("#")
    if base:
        own_id = document.get("$id") if isinstance(document, Mapping) else None
        if base != own_id:
            return None
    if not hash_ or fragment in ("", "/"):
        return "#"
    if not fragment.startswith("/"):
        return None
    return f"#{fragment}"


def resolve(document: Any, ref: Any) -> tuple[str, Any] | None:
    """`(pointer, target schema)` for a `$ref` value in `document`, or None when it cannot be followed."""
    if not isinstance(ref, str):
        return None
    pointer = _pointer_of(document, ref)
    if pointer is None:
        return None
    node = document
    if pointer != "#":
        for raw in pointer[2:].split("/"):
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
    return pointer, node


def _refs_in(node: Any, *, skip_definitions: bool) -> Iterator[Any]:
    """Every `$ref`-like value under `node`, in document order, not following them."""
    stack = [(node, skip_definitions)]
    while stack:
        current, skip = stack.pop()
        if isinstance(current, Mapping):
            children = []
            for key, value in current.items():
                if key in REF_KEYS:
                    yield value
                elif not (skip and key in _DEFINITION_KEYS) and isinstance(value, Mapping | list):
                    children.append(value)
            stack.extend((child, False) for child in reversed(children))
        elif isinstance(current, list):
            stack.extend((child, False) for child in reversed(current))


def _graph(document: Any) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The `$ref` graph reachable from the root: pointer -> pointers it uses, and use counts."""
    edges: dict[str, list[str]] = {}
    uses: dict[str, int] = {}
    pending = ["#"]
    while pending:
        pointer = pending.pop()
        if pointer in edges:
            continue
        found = resolve(document, pointer)
        target = found[1] if found else None
        targets: list[str] = []
        for ref in _refs_in(target, skip_definitions=pointer == "#"):
            hit = resolve(document, ref)
            if hit is not None:
                targets.append(hit[0])
                uses[hit[0]] = uses.get(hit[0], 0) + 1
        edges[pointer] = targets
        pending.extend(reversed(targets))
    return edges, uses


def definition_key(document: Any, pointer: str) -> str | None:
    """What identifies a definition across documents: its name and its content."""
    found = resolve(document, pointer)
    if found is None or pointer == "#":
        return None
    try:
        content = json.dumps(found[1], sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return f"{pointer.rsplit('/', 1)[-1]}\n{content}"


def used_definitions(document: Any) -> set[str]:
    """The `definition_key`s of the definitions `document` refers to."""
    keys = (definition_key(document, pointer) for pointer in _graph(document)[1])
    return {key for key in keys if key is not None}


def aliased_refs(document: Any, shared: Set[str] = frozenset()) -> dict[str, bool]:
    """The pointers in `document` whose targets become named aliases, each mapped to whether it is
    recursive (must be an alias) rather than only shared: used twice here, or (by `definition_key`
    in `shared`) also used by other documents of the same rendering. An alias is then shorter."""
    edges, uses = _graph(document)
    chosen = {
        pointer: False
        for pointer, count in uses.items()
        if count > 1 or (shared and definition_key(document, pointer) in shared)
    }
    for pointer in edges:
        if pointer in uses and reaches(edges, pointer, pointer):
            chosen[pointer] = True
    return chosen


_ROOT_ONLY_KEYS = frozenset({"$defs", "definitions", "$schema", "$id", "$anchor"})
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def lift_titled_root(document: Any) -> Any:
    """Rule `lift-titled-root`: a titled object root becomes a definition of that name.

    `get_order` returning `Order` has `Order` as its root, while `query_orders` returning a page
    has it under `$defs/Order`: the same model, which only looks shared once both are definitions.
    `{"title": "Order", ...}` becomes `{"$ref": "#/$defs/Order", "$defs": {"Order": {...}}}`, so
    `aliased_refs` declares it once when several documents use it (and inlines it otherwise).
    Left as is: untitled or non-object roots, a root that refers to itself (`$ref: "#"`), and a
    title that already names a different definition. Returns a new document; never mutates.
    """
    if not isinstance(document, Mapping):
        return document
    title = document.get("title")
    if not isinstance(title, str) or not _IDENTIFIER_LIKE.match(title):
        return document
    if document.get("type") != "object" or not isinstance(document.get("properties"), Mapping):
        return document
    if any(resolve(document, ref) == ("#", document) for ref in _refs_in(document, skip_definitions=False)):
        return document
    key = "$defs" if "$defs" in document or "definitions" not in document else "definitions"
    definitions = document.get(key)
    definitions = dict(definitions) if isinstance(definitions, Mapping) else {}
    body = {k: v for k, v in document.items() if k not in _ROOT_ONLY_KEYS}
    if title in definitions and definitions[title] != body:
        return document
    definitions[title] = body
    lifted: dict[str, Any] = {k: v for k, v in document.items() if k in _ROOT_ONLY_KEYS and k != key}
    lifted[key] = definitions
    lifted["$ref"] = f"#/{key}/{title}"
    return lifted


def reaches(edges: Mapping[str, Collection[str]], start: str, goal: str) -> bool:
    """Whether `goal` can be reached from `start` along `edges` (one step at least)."""
    seen: set[str] = set()
    stack = sorted(edges.get(start, ()))
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(sorted(edges.get(current, ())))
    return False
