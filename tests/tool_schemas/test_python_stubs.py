"""The Python stubs: golden text per construct, and mypy as the judge of precision.

The precision check mirrors the TypeScript one: every stub type-checks under `mypy --strict`, a valid
call written against it passes, and each invalid call (missing argument, wrong type, outside an enum,
a key the result does not have) carries `# type: ignore`, which strict mypy reports as unused unless
the line really is an error. One batched mypy run per test.
"""

# ruff: noqa: E501  (golden text is compared line for line)
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from tool_schemas_calls import Unsupported, invalid_args, valid_args

from tool_schemas import NameCollisionError, python_identifier, render_python_stubs, render_python_tool

CORPUS = {
    "github": "github-mcp-server.tools.json",
    "filesystem": "server-filesystem.tools.json",
    "memory": "server-memory.tools.json",
}

CUSTOMER = {
    "name": "get_customer",
    "description": "Fetch one customer by id.",
    "inputSchema": {
        "type": "object",
        "properties": {
            "customer_id": {"type": "string", "description": "The id, e.g. C-00001"},
            "include": {"type": "array", "items": {"enum": ["orders", "notes"]}},
            "limit": {"type": "integer", "default": 30, "maximum": 100},
        },
        "required": ["customer_id"],
    },
    "outputSchema": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
            "tier": {"enum": ["gold", "silver", None]},
        },
        "required": ["id"],
    },
    "annotations": {"readOnlyHint": True},
}

GOLDEN = [
    pytest.param(
        CUSTOMER,
        'from typing import Literal, NotRequired, TypedDict\n\nclass GetCustomerResultAddress(TypedDict):\n    city: str\n\nclass GetCustomerResult(TypedDict):\n    id: str\n    address: NotRequired[GetCustomerResultAddress]\n    tier: NotRequired[Literal["gold", "silver"] | None]\n\nclass crm:\n    @staticmethod\n    async def get_customer(*, customer_id: str, include: list[Literal["orders", "notes"]] = ..., limit: float = 30) -> GetCustomerResult:\n        """Fetch one customer by id.\n\n        Read-only.\n\n        Args:\n            customer_id: The id, e.g. C-00001\n            limit: (default: 30; maximum: 100)\n        """\n',
        id="kwargs_defaults_enums_nested_result",
    ),
    pytest.param(
        {
            "name": "walk",
            "inputSchema": {
                "type": "object",
                "properties": {"tree": {"$ref": "#/$defs/node"}},
                "required": ["tree"],
                "$defs": {
                    "node": {
                        "type": "object",
                        "description": "A tree node.",
                        "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                    }
                },
            },
        },
        'from typing import Any, NotRequired, TypedDict\n\nclass Node(TypedDict):\n    """A tree node."""\n    kids: NotRequired[list[Node]]\n\nclass crm:\n    @staticmethod\n    async def walk(*, tree: Node) -> Any:\n        ...\n',
        id="recursive_alias",
    ),
    pytest.param(
        {
            "name": "from",
            "description": 'Keys that are not keyword arguments; a """quoted""" word.',
            "inputSchema": {
                "type": "object",
                "properties": {"from": {"type": "string"}, "x-id": {"type": "integer"}},
                "required": ["from"],
            },
        },
        'from typing import Any, NotRequired, TypedDict\n\nFromArgs = TypedDict("FromArgs", {"from": str, "x-id": NotRequired[float]})\n\nclass crm:\n    @staticmethod\n    async def from_(args: FromArgs, /) -> Any:\n        """Keys that are not keyword arguments; a \\"\\"\\"quoted\\"\\"\\" word."""\n',
        id="non_identifier_keys_and_keyword_tool_name",
    ),
    pytest.param(
        {
            "name": "tag",
            "inputSchema": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "additionalProperties": {"type": "string"},
            },
            "outputSchema": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
        "class crm:\n    @staticmethod\n    async def tag(*, name: str = ..., **kwargs: str) -> dict[str, float]:\n        ...\n",
        id="index_signatures",
    ),
    pytest.param(
        {
            "name": "pair",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "point": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]},
                    "both": {
                        "allOf": [
                            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                            {"type": "object", "properties": {"b": {"type": "boolean"}}},
                        ]
                    },
                    "ratio": {"enum": [0.5, 1, "x"]},
                },
            },
        },
        'from typing import Any, Literal, NotRequired, TypedDict\n\nclass PairArgsBoth(TypedDict):\n    a: str\n    b: NotRequired[bool]\n\nclass crm:\n    @staticmethod\n    async def pair(*, point: list[Any] = ..., both: PairArgsBoth = ..., ratio: float | Literal[1, "x"] = ...) -> Any:\n        ...\n',
        id="tuples_intersections_float_literals",
    ),
    pytest.param(
        {"name": "ping", "inputSchema": {"type": "object"}},
        "from typing import Any\n\nclass crm:\n    @staticmethod\n    async def ping(**kwargs: Any) -> Any:\n        ...\n",
        id="open_arguments",
    ),
]


@pytest.mark.parametrize(("tool", "expected"), GOLDEN)
def test_golden(tool: dict[str, Any], expected: str) -> None:
    assert render_python_tool("crm", tool) == expected


def test_python_identifier_follows_the_typescript_rule() -> None:
    assert [python_identifier(n) for n in ("get-customer", "$x", "from", "delete", "2fa", "None")] == [
        "get_customer",
        "_x",
        "from_",
        "delete_",
        "_2fa",
        "None_",
    ]


def test_collisions_are_reported_as_in_typescript() -> None:
    tools = [{"name": "a-b", "inputSchema": {}}, {"name": "a.b", "inputSchema": {}}]
    with pytest.raises(NameCollisionError, match=r"`a-b` and `a\.b`"):
        render_python_stubs({"ns": tools})


def test_a_type_never_shadows_a_namespace_or_typing_name() -> None:
    tool = {
        "name": "any",
        "inputSchema": {
            "type": "object",
            "properties": {"x": {"$ref": "#/$defs/Crm"}},
            "$defs": {"Crm": {"type": "array", "items": {"$ref": "#/$defs/Crm"}}},
        },
        "outputSchema": {"type": "object", "properties": {"v": {"type": "string"}}},
    }
    text = render_python_stubs({"Crm": [tool]})
    assert "class Crm:" in text
    assert "Crm2: TypeAlias = list[Crm2]" in text
    assert "class AnyResult(TypedDict)" in text


# ---------------------------------------------------------------- mypy, the judge


def _mypy(files: Mapping[str, str], folder: Path) -> tuple[bool, str]:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-version",
            "3.11",
            "--no-error-summary",
            "--cache-dir",
            str(folder / ".mypy_cache"),
            *sorted(files),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode == 0, done.stdout + done.stderr


def _call(target: str, kwargs: bool, value: Any) -> str:
    if kwargs and isinstance(value, dict):
        return f"await {target}({', '.join(f'{k}={v!r}' for k, v in value.items())})"
    return f"await {target}({value!r})"


def _uses_kwargs(stub: str, ident: str) -> bool:
    return f"async def {ident}(*," in stub or f"async def {ident}(**" in stub


def _call_lines(target: str, schema: Any, kwargs: bool) -> list[str]:
    valid = valid_args(schema)
    lines = [f"    {_call(target, kwargs, valid)}"]
    if isinstance(valid, dict):
        for why, args in invalid_args(schema, valid):
            lines.append(f"    {_call(target, kwargs, args)}  # type: ignore  # {why}")
    return lines


def test_golden_stubs_type_check_and_calls_are_exact(tmp_path: Path) -> None:
    files = {}
    for param in GOLDEN:
        files[f"{param.id}.pyi"] = render_python_tool("crm", param.values[0])
    files["calls.py"] = (
        "from kwargs_defaults_enums_nested_result import crm\n\n"
        "async def calls() -> None:\n"
        '    found = await crm.get_customer(customer_id="C-1", include=["orders"], limit=3)\n'
        '    print(found["id"].upper(), found.get("tier"))\n'
        "    await crm.get_customer(customer_id=1)  # type: ignore  # wrong type\n"
        '    await crm.get_customer(customer_id="C-1", include=["bills"])  # type: ignore  # outside the enum\n'
        "    await crm.get_customer()  # type: ignore  # missing argument\n"
        '    await crm.get_customer(customer_id="C-1", nope=1)  # type: ignore  # unknown argument\n'
        '    found["nope"]  # type: ignore  # the result is exact\n'
    )
    ok, output = _mypy(files, tmp_path)
    assert ok, output


def test_corpus_stubs_type_check_and_calls_are_exact(corpus_dir: Path, tmp_path: Path) -> None:
    """The real corpus: all stubs together, each tool standalone with a valid call and invalid ones."""
    corpus = {ns: json.loads((corpus_dir / name).read_text(encoding="utf-8")) for ns, name in CORPUS.items()}
    files = {"all_tools.pyi": render_python_stubs(corpus)}
    covered = expected_failures = 0
    for ns, tools in corpus.items():
        for tool in tools:
            ident = python_identifier(tool["name"])
            module = f"{ns}_{ident}"
            stub = render_python_tool(ns, tool)
            files[f"{module}_stub.pyi"] = stub
            try:
                calls = _call_lines(f"{ns}.{ident}", tool["inputSchema"], _uses_kwargs(stub, ident))
            except Unsupported:
                continue
            covered += 1
            expected_failures += sum("# type: ignore" in line for line in calls)
            files[f"{module}_calls.py"] = (
                f"from {module}_stub import {ns}\n\nasync def calls() -> None:\n" + "\n".join(calls) + "\n"
            )
    ok, output = _mypy(files, tmp_path)
    assert ok, output[:5000]
    assert covered >= 130, covered
    assert expected_failures >= 250, expected_failures


def test_cli_language_python(corpus_dir: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tool_schemas",
            str(corpus_dir / "server-memory.tools.json"),
            "--namespace",
            "memory",
            "--language",
            "python",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "class memory:\n" in done.stdout
    assert done.stdout.count("    async def ") == 9
