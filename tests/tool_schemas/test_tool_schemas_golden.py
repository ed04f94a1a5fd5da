"""Golden cases: one per construct, the exact text a model reads for a tool with that input schema."""

# ruff: noqa: E501  (golden text is compared line for line)
from __future__ import annotations

from typing import Any

import pytest

from tool_schemas import render_declarations, render_tool

GOLDEN = [
    pytest.param(  # type arrays with null
        {"type": "object", "properties": {"a": {"type": ["string", "null"]}}, "required": ["a"]},
        ("declare const ns: {\ntype_array(args:{ a:string|null }):Promise<unknown>;\n};\n"),
        id="type_array",
    ),
    pytest.param(  # OpenAPI nullable, with a type and with an enum
        {
            "type": "object",
            "properties": {
                "a": {"type": "integer", "nullable": True},
                "b": {"enum": ["x", "y"], "nullable": True},
            },
        },
        ('declare const ns: {\nnullable(args?:{ a?:number|null; b?:"x"|"y"|null }):Promise<unknown>;\n};\n'),
        id="nullable",
    ),
    pytest.param(  # enum of mixed types and const as literal unions
        {"type": "object", "properties": {"a": {"enum": ["x", 1, True, None, 2.5]}, "b": {"const": "only"}}},
        (
            "declare const ns: {\n"
            'enum_mixed(args?:{ a?:"x"|1|true|null|2.5; b?:"only" }):Promise<unknown>;\n'
            "};\n"
        ),
        id="enum_mixed",
    ),
    pytest.param(  # enum values the type rules out are dropped
        {"type": "object", "properties": {"a": {"type": "string", "enum": ["x", 1]}}, "required": ["a"]},
        ('declare const ns: {\nenum_typed(args:{ a:"x" }):Promise<unknown>;\n};\n'),
        id="enum_typed",
    ),
    pytest.param(  # anyOf/oneOf as unions, allOf as a merged intersection
        {
            "type": "object",
            "properties": {
                "a": {"anyOf": [{"type": "string"}, {"type": "number"}]},
                "b": {"oneOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "string"}}]},
                "c": {
                    "allOf": [
                        {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]},
                        {"type": "object", "properties": {"y": {"type": "number"}}},
                    ]
                },
            },
        },
        (
            "declare const ns: {\n"
            "combinators(args?:{ a?:string|number; b?:boolean|string[]; c?:{ x:string; y?:number } }):Promise<unknown>;\n"
            "};\n"
        ),
        id="combinators",
    ),
    pytest.param(  # anyOf of required sets beside properties
        {
            "type": "object",
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            "anyOf": [{"required": ["id"]}, {"required": ["name"]}],
        },
        (
            "declare const ns: {\n"
            "required_branches(args:{ id?:string; name?:string }&({ id:string }|{ name:string })):Promise<unknown>;\n"
            "};\n"
        ),
        id="required_branches",
    ),
    pytest.param(  # an object type beside oneOf: the branches alone say which objects
        {
            "type": "object",
            "properties": {
                "field": {
                    "type": "object",
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {"id": {"type": "integer"}},
                            "required": ["id"],
                            "additionalProperties": False,
                        },
                        {
                            "type": "object",
                            "properties": {"name": {"type": "string"}},
                            "required": ["name"],
                            "additionalProperties": False,
                        },
                    ],
                }
            },
            "required": ["field"],
        },
        (
            "declare const ns: {\n"
            "object_branches(args:{ field:{ id:number }|{ name:string } }):Promise<unknown>;\n"
            "};\n"
        ),
        id="object_branches",
    ),
    pytest.param(  # a recursive $defs entry becomes a named alias
        {
            "type": "object",
            "properties": {"tree": {"$ref": "#/$defs/node"}},
            "$defs": {
                "node": {
                    "type": "object",
                    "description": "A tree node",
                    "properties": {
                        "value": {"type": "string"},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    },
                    "required": ["value"],
                }
            },
        },
        (
            "// A tree node\n"
            "type Node = { value:string; children?:Node[] };\n"
            "declare const ns: {\n"
            "recursive(args?:{ tree?:Node }):Promise<unknown>;\n"
            "};\n"
        ),
        id="recursive",
    ),
    pytest.param(  # $ref to the root
        {
            "type": "object",
            "properties": {"name": {"type": "string"}, "next": {"$ref": "#"}},
            "required": ["name"],
        },
        (
            "type RootRefArgs = { name:string; next?:RootRefArgs };\n"
            "declare const ns: {\n"
            "root_ref(args:RootRefArgs):Promise<unknown>;\n"
            "};\n"
        ),
        id="root_ref",
    ),
    pytest.param(  # draft-07 definitions inlined when used once
        {
            "type": "object",
            "properties": {"a": {"$ref": "#/definitions/Addr"}},
            "definitions": {"Addr": {"type": "object", "properties": {"city": {"type": "string"}}}},
        },
        ("declare const ns: {\ndefinitions(args?:{ a?:{ city?:string } }):Promise<unknown>;\n};\n"),
        id="definitions",
    ),
    pytest.param(  # a definition used twice becomes an alias
        {
            "type": "object",
            "properties": {"from": {"$ref": "#/$defs/Point"}, "to": {"$ref": "#/$defs/Point"}},
            "required": ["from", "to"],
            "$defs": {
                "Point": {
                    "type": "object",
                    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                    "required": ["x", "y"],
                }
            },
        },
        (
            "type Point = { x:number; y:number };\n"
            "declare const ns: {\n"
            "shared(args:{ from:Point; to:Point }):Promise<unknown>;\n"
            "};\n"
        ),
        id="shared",
    ),
    pytest.param(  # a reference cycle with nothing between falls back to unknown
        {
            "type": "object",
            "properties": {"a": {"$ref": "#/$defs/A"}},
            "$defs": {"A": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "string"}]}},
        },
        ("type A = unknown;\ndeclare const ns: {\nself_loop(args?:{ a?:A }):Promise<unknown>;\n};\n"),
        id="self_loop",
    ),
    pytest.param(  # a reference that cannot be followed is unknown
        {
            "type": "object",
            "properties": {"a": {"$ref": "#/$defs/Nope"}, "b": {"$ref": "https://example.com/schema.json"}},
        },
        ("declare const ns: {\nmissing_ref(args?:{ a?:unknown; b?:unknown }):Promise<unknown>;\n};\n"),
        id="missing_ref",
    ),
    pytest.param(  # additionalProperties true/false/schema and patternProperties
        {
            "type": "object",
            "properties": {
                "open": {"type": "object", "additionalProperties": True},
                "closed": {
                    "type": "object",
                    "properties": {"x": {"type": "string"}},
                    "additionalProperties": False,
                },
                "typed": {"type": "object", "additionalProperties": {"type": "number"}},
                "mixed": {
                    "type": "object",
                    "properties": {"x": {"type": "string"}},
                    "additionalProperties": {"type": "number"},
                },
                "pattern": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
            },
        },
        (
            "declare const ns: {\n"
            "additional(args?:{\n"
            "open?:Record<string, unknown>;\n"
            "closed?:{ x?:string };\n"
            "typed?:Record<string, number>;\n"
            "mixed?:{ x?:string; [key:string]:number|string|undefined };\n"
            "pattern?:{\n"
            "// keys matching /^x-/\n"
            "[key:string]:string;\n"
            "};\n"
            "}):Promise<unknown>;\n"
            "};\n"
        ),
        id="additional",
    ),
    pytest.param(  # prefixItems and draft-07 array items as tuples
        {
            "type": "object",
            "properties": {
                "p": {
                    "type": "array",
                    "prefixItems": [{"type": "string"}, {"type": "number"}],
                    "items": False,
                    "minItems": 1,
                },
                "d7": {
                    "type": "array",
                    "items": [{"type": "string"}, {"type": "boolean"}],
                    "additionalItems": {"type": "number"},
                    "minItems": 2,
                },
                "open": {"type": "array", "prefixItems": [{"type": "string"}]},
            },
        },
        (
            "declare const ns: {\n"
            "tuples(args?:{\n"
            "// @minItems 1\n"
            "p?:[string, number?];\n"
            "// @minItems 2\n"
            "d7?:[string, boolean, ...number[]];\n"
            "open?:[string?, ...unknown[]];\n"
            "}):Promise<unknown>;\n"
            "};\n"
        ),
        id="tuples",
    ),
    pytest.param(  # no type: inferred from keywords, else unknown
        {
            "type": "object",
            "properties": {
                "o": {"properties": {"x": {"type": "string"}}},
                "a": {"items": {"type": "string"}},
                "s": {"minLength": 1},
                "n": {"minimum": 0},
                "u": {"description": "anything"},
            },
        },
        (
            "declare const ns: {\n"
            "typeless(args?:{\n"
            "o?:{ x?:string };\n"
            "a?:string[];\n"
            "// @minLength 1\n"
            "s?:string;\n"
            "// @minimum 0\n"
            "n?:number;\n"
            "// anything\n"
            "u?:unknown;\n"
            "}):Promise<unknown>;\n"
            "};\n"
        ),
        id="typeless",
    ),
    pytest.param(  # boolean schemas and {}
        {"type": "object", "properties": {"t": True, "f": False, "e": {}}, "required": ["t"]},
        ("declare const ns: {\nbooleans(args:{ t:unknown; f?:never; e?:unknown }):Promise<unknown>;\n};\n"),
        id="booleans",
    ),
    pytest.param(  # property names that are not identifiers are quoted
        {
            "type": "object",
            "properties": {
                "kebab-case": {"type": "string"},
                "with space": {"type": "number"},
                "ok_name": {"type": "string"},
                "$dollar": {"type": "string"},
                "9lives": {"type": "string"},
            },
        },
        (
            "declare const ns: {\n"
            'keys(args?:{ "kebab-case"?:string; "with space"?:number; ok_name?:string; $dollar?:string; "9lives"?:string }):Promise<unknown>;\n'
            "};\n"
        ),
        id="keys",
    ),
    pytest.param(  # descriptions, comment breakers and schema facts in JSDoc at every depth
        {
            "type": "object",
            "properties": {
                "a": {
                    "type": "string",
                    "description": "Ends a comment */ here\r\nsecond line  ",
                    "format": "date-time",
                    "default": "2024-01-01T00:00:00Z",
                    "examples": ["2024-05-01T12:00:00Z"],
                    "deprecated": True,
                },
                "n": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100,
                    "default": 30,
                    "description": "Per page",
                },
                "nested": {
                    "type": "object",
                    "properties": {
                        "deep": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"deeper": {"type": "string", "description": "Deep doc"}},
                            },
                        }
                    },
                },
            },
        },
        (
            "declare const ns: {\n"
            "docs(args?:{\n"
            "// Ends a comment */ here\n"
            "// second line\n"
            "// @deprecated\n"
            '// @default "2024-01-01T00:00:00Z"\n'
            "// @format date-time\n"
            '// @example "2024-05-01T12:00:00Z"\n'
            "a?:string;\n"
            "// Per page @default 30 @minimum 1 @maximum 100\n"
            "n?:number;\n"
            "nested?:{\n"
            "deep?:{\n"
            "// Deep doc\n"
            "deeper?:string;\n"
            "}[];\n"
            "};\n"
            "}):Promise<unknown>;\n"
            "};\n"
        ),
        id="docs",
    ),
    pytest.param(  # an empty properties object takes an optional open argument
        {"type": "object", "properties": {}},
        ("declare const ns: {\nno_args(args?:Record<string, unknown>):Promise<unknown>;\n};\n"),
        id="no_args",
    ),
]


def _render(case_id: str, schema: Any) -> str:
    return render_tool("ns", {"name": case_id, "description": "", "inputSchema": schema})


@pytest.mark.parametrize(("schema", "expected"), GOLDEN)
def test_golden(request: pytest.FixtureRequest, schema: Any, expected: str) -> None:
    case_id = request.node.callspec.id
    assert _render(case_id, schema) == expected


def test_every_golden_output_type_checks(deno_check) -> None:
    """All golden outputs in one batched deno check (each file is its own module)."""
    files = {f"{p.id}.ts": _render(str(p.id), p.values[0]) + "export {};\n" for p in GOLDEN}
    result = deno_check(files)
    assert result.ok, result.output


def test_jsdoc_style_is_the_readable_form() -> None:
    """`style="jsdoc"` states the same facts with indents and `/** */` blocks (for people and editors)."""
    schema = next(p.values[0] for p in GOLDEN if p.id == "docs")
    text = render_tool("ns", {"name": "docs", "description": "", "inputSchema": schema}, style="jsdoc")
    assert text == (
        "declare const ns: {\n"
        "  docs(args?: {\n"
        "    /**\n"
        "     * Ends a comment *\\/ here\n"
        "     * second line\n"
        "     * @deprecated\n"
        '     * @default "2024-01-01T00:00:00Z"\n'
        "     * @format date-time\n"
        '     * @example "2024-05-01T12:00:00Z"\n'
        "     */\n"
        "    a?: string;\n"
        "    /** Per page @default 30 @minimum 1 @maximum 100 */\n"
        "    n?: number;\n"
        "    nested?: {\n"
        "      deep?: {\n"
        "        /** Deep doc */\n"
        "        deeper?: string;\n"
        "      }[];\n"
        "    };\n"
        "  }): Promise<unknown>;\n"
        "};\n"
    )


_OWNER = {"type": "string", "description": "Repository owner (username or organization)"}
_ENTITY = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "The name of the entity"},
        "observations": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "observations"],
}
REPEATS = [
    {
        "name": "get",
        "description": "Get entities.",
        "inputSchema": {"type": "object", "properties": {"owner": _OWNER}, "required": ["owner"]},
        "outputSchema": {
            "type": "object",
            "properties": {"entities": {"type": "array", "items": _ENTITY}},
            "required": ["entities"],
        },
    },
    {
        "name": "put",
        "description": "Put entities.",
        "inputSchema": {
            "type": "object",
            "properties": {"owner": _OWNER, "entities": {"type": "array", "items": _ENTITY}},
            "required": ["owner", "entities"],
        },
    },
]


def test_repeats_are_stated_once() -> None:
    """A documented property and an object type that recur become aliases, named after the property
    (an array's element in the singular); the tools' own argument objects stay written out."""
    text = render_declarations({"ns": REPEATS})
    assert text == (
        "// Repository owner (username or organization)\n"
        "type Owner = string;\n"
        "type Entity = {\n"
        "// The name of the entity\n"
        "name:string;\n"
        "observations:string[];\n"
        "};\n"
        "declare const ns: {\n"
        "// Get entities.\n"
        "get(args:{ owner:Owner }):Promise<{ entities:Entity[] }>;\n"
        "// Put entities.\n"
        "put(args:{ owner:Owner; entities:Entity[] }):Promise<unknown>;\n"
        "};\n"
    )
    alone = render_tool("ns", REPEATS[1])
    assert "type " not in alone  # once in this rendering: written out in place
    assert "// Repository owner (username or organization)\nowner:string;" in alone


def test_repeats_keep_the_checks(deno_check) -> None:
    """Aliases are exact: a wrong type behind an alias still fails to check."""
    calls = (
        "export async function calls() {\n"
        '  await ns.put({ owner: "o", entities: [{ name: "n", observations: [] }] });\n'
        "  // @ts-expect-error owner is a string\n"
        "  await ns.get({ owner: 1 });\n"
        "  // @ts-expect-error observations is required\n"
        '  await ns.put({ owner: "o", entities: [{ name: "n" }] });\n'
        "  // @ts-expect-error no such field\n"
        '  (await ns.get({ owner: "o" })).entities[0].nope;\n'
        "}\n"
    )
    result = deno_check({"repeats.ts": render_declarations({"ns": REPEATS}) + calls})
    assert result.ok, result.output
