"""The public surface of tool_schemas: names, errors, determinism, the index and standalone forms."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import mcp.types
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field, TypeAdapter, create_model

import tool_schemas
from tool_schemas import (
    DeclarationError,
    NameCollisionError,
    render_declarations,
    render_index,
    render_overview,
    render_tool,
    sanitize_identifier,
)
from tool_schemas.identifiers import RESERVED_WORDS

ISSUE = {
    "name": "create-issue",
    "description": "Create an issue in a repository. Needs push.",
    "inputSchema": {
        "type": "object",
        "properties": {
            "owner": {"type": "string", "description": "Repository owner"},
            "repo": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string"},
        },
        "required": ["owner", "repo", "title"],
    },
    "outputSchema": {
        "type": "object",
        "description": "The created issue",
        "properties": {"number": {"type": "integer"}, "url": {"type": "string"}},
        "required": ["number", "url"],
    },
    "annotations": {"destructiveHint": True},
}


def test_public_names_are_pinned() -> None:
    assert tool_schemas.__all__ == [
        "DeclarationError",
        "NameCollisionError",
        "Style",
        "python_identifier",
        "render_declarations",
        "render_index",
        "render_overview",
        "render_python_stubs",
        "render_python_tool",
        "render_tool",
        "sanitize_identifier",
    ]
    assert issubclass(NameCollisionError, DeclarationError)


@pytest.mark.parametrize(
    ("name", "identifier"),
    [
        pytest.param("create_issue", "create_issue", id="plain"),
        pytest.param("create-issue", "create_issue", id="dash"),
        pytest.param("repo.list files", "repo_list_files", id="dot-and-space"),
        pytest.param("get/issue!", "getissue", id="invalid-dropped"),
        pytest.param("3d_print", "_3d_print", id="leading-digit"),
        pytest.param("delete", "delete_", id="reserved-word"),
        pytest.param("await", "await_", id="module-reserved"),
        pytest.param("__proto__", "__proto___", id="proto"),
        pytest.param("$ref", "$ref", id="dollar-kept"),
        pytest.param("café", "café", id="unicode-letter-kept"),
        pytest.param("!!!", "_", id="nothing-left"),
    ],
)
def test_sanitize_identifier(name: str, identifier: str) -> None:
    assert sanitize_identifier(name) == identifier


def test_declaration_shape() -> None:
    text = render_declarations({"github": [ISSUE]})
    assert text == (
        "declare const github: {\n"
        "// Create an issue in a repository. Needs push. @destructive @returns The created issue\n"
        "create_issue(args:{\n"
        "// Repository owner\n"
        "owner:string;\n"
        "repo:string;\n"
        "title:string;\n"
        "body?:string;\n"
        "}):Promise<{ number:number; url:string }>;\n"
        "};\n"
    )


def test_default_and_multiple_namespaces_keep_their_order() -> None:
    read_graph = {"name": "read_graph", "description": "Read it", "inputSchema": {"type": "object"}}
    text = render_declarations({"memory": [read_graph], "github": [ISSUE]})
    assert text.index("declare const memory") < text.index("declare const github")
    assert "\nread_graph(args?:Record<string, unknown>):Promise<unknown>;\n" in text


def test_mcp_tool_objects_render_like_dicts() -> None:
    tool = mcp.types.Tool.model_validate(ISSUE)
    assert render_declarations({"github": [tool]}) == render_declarations({"github": [ISSUE]})


def test_deterministic_and_input_untouched() -> None:
    tools = [copy.deepcopy(ISSUE), {"name": "x", "inputSchema": {"$ref": "#", "$defs": {"A": {}}}}]
    before = copy.deepcopy(tools)
    first = render_declarations({"ns": tools})
    assert render_declarations({"ns": tools}) == first
    assert render_declarations({"ns": copy.deepcopy(tools)}) == first
    assert tools == before


@pytest.mark.parametrize(
    ("namespaces", "names"),
    [
        pytest.param({"ns": [{"name": "a-b"}, {"name": "a.b"}]}, ("a-b", "a.b"), id="tools"),
        pytest.param({"git-hub": [], "git.hub": []}, ("git-hub", "git.hub"), id="namespaces"),
    ],
)
def test_name_collisions_name_both(namespaces: dict[str, list[Any]], names: tuple[str, str]) -> None:
    with pytest.raises(NameCollisionError) as caught:
        render_declarations(namespaces)
    message = str(caught.value)
    assert f"`{names[0]}`" in message
    assert f"`{names[1]}`" in message
    assert "rename one" in message
    assert (caught.value.first, caught.value.second) == names


@pytest.mark.parametrize(
    "tool",
    [
        pytest.param({"description": "no name"}, id="no-name"),
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param(42, id="not-a-tool"),
    ],
)
def test_unusable_tool_is_a_declaration_error(tool: Any) -> None:
    with pytest.raises(DeclarationError, match=r"name|tool definition"):
        render_declarations({"ns": [tool]})


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param("not a schema", id="string"),
        pytest.param({"type": "mystery", "properties": 5, "required": "x"}, id="garbage-keywords"),
        pytest.param({"$ref": 7, "anyOf": "x", "items": {"$ref": "#/nope/~2"}}, id="bad-refs"),
    ],
)
def test_odd_schemas_fall_back_rather_than_fail(schema: Any) -> None:
    text = render_tool("ns", {"name": "t", "inputSchema": schema})
    assert text.startswith("declare const ns: {\nt(args")


def test_depth_cap_falls_back_to_unknown() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(40):
        schema = {"type": "object", "properties": {"x": schema}, "required": ["x"]}
    text = render_tool("ns", {"name": "deep", "inputSchema": schema})
    assert "x:unknown" in text
    assert "string" not in text


def test_index_form() -> None:
    tools = [ISSUE, {"name": "noop", "inputSchema": {"type": "object"}}]
    assert render_index({"github": tools}) == (
        "github.create_issue(owner, repo, title, body?) — Create an issue in a repository.\ngithub.noop()\n"
    )


def test_overview_form() -> None:
    """One line per namespace: every tool with its argument names, required first; no descriptions."""
    tools = [ISSUE, {"name": "noop", "inputSchema": {"type": "object"}}]
    other = [{"name": "ping", "description": "Ping.", "inputSchema": {"type": "object"}}]
    text = render_overview({"github": tools, "net-tools": other})
    assert text == "github: create_issue(owner, repo, title, body?), noop()\nnet_tools: ping()\n"
    assert "Create" not in text
    short = render_overview({"github": tools}, optional_args=0)
    assert short == "github: create_issue(owner, repo, title, …), noop()\n"
    names = render_overview({"github": tools, "net-tools": other}, arguments=False)
    assert names == "github: create_issue noop\nnet_tools: ping\n"  # a name holds no space
    with pytest.raises(NameCollisionError):
        render_overview({"ns": [{"name": "a-b"}, {"name": "a.b"}]})


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="compact, jsdoc"):
        render_declarations({"github": [ISSUE]}, style="pretty")  # type: ignore[arg-type]


def test_index_summary_is_cut() -> None:
    tool = {"name": "t", "description": "word " * 60, "inputSchema": {"type": "object"}}
    line = render_index({"ns": [tool]}).rstrip("\n")
    assert line.endswith("…")
    assert len(line) <= len("ns.t() — ") + 100


def test_render_tool_is_standalone_with_its_aliases() -> None:
    tool = {
        "name": "walk",
        "inputSchema": {
            "type": "object",
            "properties": {"root": {"$ref": "#/$defs/Node"}},
            "$defs": {
                "Node": {
                    "type": "object",
                    "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
                }
            },
        },
    }
    text = render_tool("tree", tool)
    assert text.startswith("type Node = { kids?:Node[] };\n")
    assert "declare const tree: {\nwalk(args?:{ root?:Node }):Promise<unknown>;\n};\n" in text


def test_aliases_from_two_tools_do_not_clash() -> None:
    def tool(name: str, leaf: str) -> dict[str, Any]:
        node = {"type": "object", "properties": {"v": {"type": leaf}, "next": {"$ref": "#/$defs/Node"}}}
        return {"name": name, "inputSchema": {"$ref": "#/$defs/Node", "$defs": {"Node": node}}}

    text = render_declarations({"ns": [tool("a", "string"), tool("b", "number")]})
    assert "type Node = { v?:string; next?:Node };\n" in text
    assert "type Node2 = { v?:number; next?:Node2 };\n" in text
    assert "a(args?:Node)" in text
    assert "b(args?:Node2)" in text


def test_alias_names_avoid_the_types_declarations_use() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/Promise"}, "b": {"$ref": "#/$defs/Promise"}},
        "$defs": {"Promise": {"type": "string"}},
    }
    text = render_tool("ns", {"name": "t", "inputSchema": schema})
    assert "type PromiseType = string;\n" in text
    assert "Promise<unknown>" in text


def test_deno_check_fixture_catches_errors(deno_check) -> None:
    """The proof tool itself: a type error and an unused @ts-expect-error both fail the batch."""
    good = "const a: string = 'x';\nexport {};\n"
    assert deno_check({"good.ts": good}).ok
    result = deno_check(
        {
            "good.ts": good,
            "bad.ts": "const b: number = 'x';\nexport {};\n",
            "unused.ts": "// @ts-expect-error\nconst c: number = 1;\nexport {};\n",
        }
    )
    assert not result.ok
    assert "bad.ts" in result.output
    assert "Unused '@ts-expect-error' directive" in result.output


def test_corpus_smoke_via_fixture(corpus_dir: Path) -> None:
    tools = json.loads((corpus_dir / "server-memory.tools.json").read_text(encoding="utf-8"))
    assert "\nread_graph(args?:Record<string, unknown>):Promise<{ entities:Entity[]; " in render_declarations(
        {"memory": tools}
    )


def test_jsdoc_does_not_repeat_what_the_description_says() -> None:
    per_page = {"type": "integer", "description": "Per page (default: 30, max: 100)", "default": 30}
    per_page |= {"minimum": 1, "maximum": 100}
    text = render_tool(
        "ns", {"name": "t", "inputSchema": {"type": "object", "properties": {"per_page": per_page}}}
    )
    assert "// Per page (default: 30, max: 100) @minimum 1\n" in text


def test_pydantic_models_shared_by_tools_are_declared_once() -> None:
    """Schemas as pydantic writes them (titles, `$defs`, `anyOf` with null, a recursive model used by
    the input and the output of two tools) give one alias per model and no title noise."""

    class Address(BaseModel):
        """A postal address."""

        city: str = Field(description="City name")

    class Customer(BaseModel):
        id: int
        email: str | None = None
        home: Address
        work: Address | None = None
        parent: Customer | None = None

    args = create_model("Args", customer=(Customer, ...), limit=(int, 20)).model_json_schema()
    result = TypeAdapter(list[Customer]).json_schema()
    tools = [{"name": n, "inputSchema": args, "outputSchema": result} for n in ("find", "get")]
    text = render_declarations({"crm": tools})
    assert text.startswith(
        "// A postal address.\n"
        "type Address = {\n"
        "// City name\n"
        "city:string;\n"
        "};\n"
        "type Customer = { id:number; email?:string|null; home:Address; work?:Address|null; "
        "parent?:Customer|null };\n"
        "declare const crm: {\n"
    )
    assert text.count("type ") == 2
    assert (
        "find(args:{\ncustomer:Customer;\n// @default 20\nlimit?:number;\n}):Promise<Customer[]>;\n" in text
    )


@given(st.text(max_size=20))
def test_sanitized_names_are_identifiers_and_stable(name: str) -> None:
    identifier = sanitize_identifier(name)
    assert identifier.replace("$", "_").isidentifier()
    assert identifier not in RESERVED_WORDS
    assert sanitize_identifier(identifier) == identifier


def test_a_definition_used_by_several_tools_becomes_one_alias() -> None:
    point = {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}

    def tool(name: str, content: dict[str, Any]) -> dict[str, Any]:
        schema = {
            "type": "object",
            "properties": {"at": {"$ref": "#/$defs/Point"}},
            "$defs": {"Point": content},
        }
        return {"name": name, "inputSchema": schema}

    text = render_declarations({"geo": [tool("a", point), tool("b", point)]})
    assert text.startswith("type Point = { x:number };\ndeclare const geo: {\n")
    assert text.count("at?:Point") == 2
    alone = render_declarations({"geo": [tool("a", point)]})
    assert "at?:{ x:number }" in alone  # used once: inlined
    other = {**point, "properties": {"x": {"type": "string"}}}
    different = render_declarations({"geo": [tool("a", point), tool("b", other)]})
    assert "type " not in different  # same name, different content: each inlined


def test_a_model_returned_whole_by_one_tool_and_nested_by_another_is_one_alias(deno_check) -> None:
    """Rule lift-titled-root: `get` returns `Order` as its root, `page` returns it under `$defs`."""

    class Order(BaseModel):
        """One order."""

        id: str
        total: float

    class OrderPage(BaseModel):
        rows: list[Order]
        next_offset: int | None

    tools = [
        {"name": "get", "inputSchema": {"type": "object"}, "outputSchema": Order.model_json_schema()},
        {"name": "page", "inputSchema": {"type": "object"}, "outputSchema": OrderPage.model_json_schema()},
    ]
    text = render_declarations({"shop": tools})
    assert text.startswith("// One order.\ntype Order = { id:string; total:number };\n")
    assert "get(args?:Record<string, unknown>):Promise<Order>;" in text
    assert "rows:Order[];" in text
    assert text.count("id:string") == 1
    alone = render_declarations({"shop": tools[:1]})
    assert "type " not in alone  # used once: inlined as before
    assert deno_check({"lifted.ts": text + "export {};\n"}).ok


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"type": "object", "properties": {"a": {"type": "string"}}}, id="untitled"),
        pytest.param({"title": "Word", "type": "string"}, id="not-an-object"),
        pytest.param(
            {"title": "Node", "type": "object", "properties": {"next": {"$ref": "#"}}}, id="refers-to-root"
        ),
        pytest.param({"title": "not an identifier", "type": "object", "properties": {}}, id="odd-title"),
    ],
)
def test_lift_titled_root_leaves_other_roots_alone(schema: dict[str, Any]) -> None:
    from tool_schemas.refs import lift_titled_root

    assert lift_titled_root(schema) is schema
