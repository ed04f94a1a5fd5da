"""Property-based: random JSON Schemas (every construct, hostile text) always give declarations that
type-check, and valid/invalid calls against them check/fail as they should.

Hypothesis generates the examples; all of them go to ONE `deno check` afterwards, so the suite stays fast.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tool_schemas_calls import Unsupported, call_lines

from tool_schemas import render_declarations, sanitize_identifier

EXAMPLES = 150

_HOSTILE = ["*/", "/* x */", "a */ b\n * c", "\r\n", "\\", "`${x}`", "@param x", "\u2028", "</script>", " "]
texts = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(_HOSTILE)
keys = texts.filter(lambda k: k != "__proto__")
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
json_values = st.recursive(
    scalars, lambda c: st.lists(c, max_size=2) | st.dictionaries(keys, c, max_size=2), max_leaves=4
)
TYPES = ["string", "number", "integer", "boolean", "null", "array", "object"]
REFS = [
    "#",
    "#/$defs/A",
    "#/$defs/B",
    "#/definitions/node-1",
    "#/$defs/Promise",
    "#/$defs/missing",
    "#/properties/x",
]


def _with_docs(schema: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    docs = st.fixed_dictionaries(
        {},
        optional={
            "description": texts,
            "title": texts,
            "default": json_values,
            "format": st.sampled_from(["date-time", "uri", "*/"]),
            "examples": st.lists(json_values, max_size=2),
            "deprecated": st.booleans(),
            "minimum": st.integers(-5, 5),
            "maxLength": st.integers(0, 5),
            "pattern": texts,
        },
    )
    return st.tuples(schema, docs).map(lambda p: {**p[1], **p[0]} if isinstance(p[0], dict) else p[0])


_leaves = st.one_of(
    st.booleans(),
    st.just({}),
    st.builds(lambda t: {"type": t}, st.sampled_from(TYPES)),
    st.builds(lambda ts: {"type": ts}, st.lists(st.sampled_from([*TYPES, "bogus"]), min_size=1, max_size=3)),
    st.builds(lambda v: {"enum": v}, st.lists(json_values, max_size=4)),
    st.builds(lambda v: {"const": v}, json_values),
    st.builds(lambda r: {"$ref": r}, st.sampled_from(REFS)),
    st.builds(lambda k: {k: 1}, st.sampled_from(["minLength", "minimum", "minItems", "required"])),
)


def _containers(child: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    props = st.dictionaries(keys, child, max_size=4)
    obj = st.builds(
        lambda p, req, extra, pattern, typed: {
            **({"type": "object"} if typed else {}),
            "properties": p,
            "required": [k for k in p if req] + (["extra-required"] if req and not p else []),
            **({"additionalProperties": extra} if extra is not None else {}),
            **({"patternProperties": pattern} if pattern else {}),
        },
        props,
        st.booleans(),
        st.none() | st.booleans() | child,
        st.dictionaries(texts, child, max_size=2),
        st.booleans(),
    )
    arrays = st.one_of(
        st.builds(lambda i: {"type": "array", "items": i}, child),
        st.builds(
            lambda pre, rest, n: {"type": "array", "prefixItems": pre, "minItems": n, **rest},
            st.lists(child, max_size=3),
            st.just({}) | st.builds(lambda i: {"items": i}, child | st.just(False)),
            st.integers(0, 4),
        ),
        st.builds(
            lambda pre, extra, n: {"items": pre, "maxItems": n, **extra},
            st.lists(child, max_size=3),
            st.just({}) | st.builds(lambda i: {"additionalItems": i}, child),
            st.integers(0, 4),
        ),
    )
    combos = st.builds(
        lambda k, bs: {k: bs}, st.sampled_from(["anyOf", "oneOf", "allOf"]), st.lists(child, max_size=3)
    )
    nullable = st.builds(lambda c: {**c, "nullable": True} if isinstance(c, dict) else c, child)
    return _with_docs(obj | arrays | combos | nullable)


schemas = st.recursive(_with_docs(_leaves), _containers, max_leaves=12)


def _document(root: dict[str, Any], a: Any, b: Any, node: Any) -> dict[str, Any]:
    return {**root, "$defs": {"A": a, "B": b, "Promise": {"type": "string"}}, "definitions": {"node-1": node}}


documents = st.builds(
    _document,
    st.builds(
        lambda p, req: {"type": "object", "properties": p, "required": [k for k in p if req]},
        st.dictionaries(keys, schemas, max_size=5),
        st.booleans(),
    ),
    schemas,
    schemas,
    schemas,
)
tools = st.builds(
    lambda name, desc, inp, out, ro: {
        "name": name,
        "description": desc,
        "inputSchema": inp,
        **({"outputSchema": out} if out is not None else {}),
        "annotations": {"readOnlyHint": ro, "destructiveHint": not ro},
    },
    texts.filter(bool),
    texts,
    documents,
    st.none() | documents,
    st.booleans(),
)


def test_random_schemas_type_check_and_are_exact(deno_check) -> None:
    files: dict[str, str] = {}
    precise = 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(tools)
    def collect(tool: dict[str, Any]) -> None:
        nonlocal precise
        text = render_declarations({"ns": [tool]})
        assert render_declarations({"ns": [json.loads(json.dumps(tool))]}) == text
        lines = [text, "export async function calls() {"]
        try:
            calls = call_lines(f"ns.{sanitize_identifier(tool['name'])}", tool["inputSchema"])
        except Unsupported:
            calls = []
        precise += any("@ts-expect-error" in line for line in calls)
        schema_comment = json.dumps(tool, ensure_ascii=True).replace("*/", "*\\/")
        files[f"ex{len(files):03}.ts"] = "\n".join([f"/* {schema_comment} */", *lines, *calls, "}", ""])

    collect()
    result = deno_check(files)
    assert result.ok, result.output[:6000]
    assert len(files) >= EXAMPLES // 2
    assert precise >= 10, f"only {precise} examples exercised invalid calls"
