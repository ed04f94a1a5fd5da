"""Stage 1: each named normalization rule, through `normalize` (one node, never the input itself)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tool_schemas.normalize import NULLABLE, RULES, normalize


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(True, {}, id="true-is-anything"),
        pytest.param(False, {"not": {}}, id="false-is-nothing"),
        pytest.param("junk", {}, id="non-schema-is-anything"),
        pytest.param({"type": "string"}, {"type": ["string"]}, id="type-list"),
        pytest.param({"type": ["string", "bogus", "string"]}, {"type": ["string"]}, id="type-list-cleaned"),
        pytest.param({"type": ["bogus"]}, {}, id="type-unusable-dropped"),
        pytest.param({"const": 3, "enum": [1]}, {"enum": [3]}, id="const-as-enum"),
        pytest.param(
            {"type": "integer", "nullable": True}, {"type": ["integer", "null"]}, id="nullable-type"
        ),
        pytest.param({"enum": ["a"], "nullable": True}, {"enum": ["a", None]}, id="nullable-enum"),
        pytest.param(
            {"$ref": "#/x", "nullable": True}, {"$ref": "#/x", NULLABLE: True}, id="nullable-marker"
        ),
        pytest.param(
            {"nullable": False, "type": "string"}, {"nullable": False, "type": ["string"]}, id="not-nullable"
        ),
        pytest.param(
            {"type": "array", "items": [{"type": "string"}], "additionalItems": False},
            {"type": ["array"], "prefixItems": [{"type": "string"}], "items": False},
            id="array-form-items",
        ),
        pytest.param(
            {
                "type": "number",
                "minimum": 1,
                "exclusiveMinimum": True,
                "maximum": 9,
                "exclusiveMaximum": False,
            },
            {"type": ["number"], "exclusiveMinimum": 1, "maximum": 9},
            id="draft4-exclusive-bounds",
        ),
        pytest.param({"properties": {}}, {"properties": {}, "type": ["object"]}, id="infer-object"),
        pytest.param({"prefixItems": []}, {"prefixItems": [], "type": ["array"]}, id="infer-array"),
        pytest.param({"pattern": "x"}, {"pattern": "x", "type": ["string"]}, id="infer-string"),
        pytest.param({"maximum": 1}, {"maximum": 1, "type": ["number"]}, id="infer-number"),
        pytest.param({"description": "d"}, {"description": "d"}, id="infer-nothing"),
        pytest.param(
            {"anyOf": [], "minimum": 1}, {"anyOf": [], "minimum": 1}, id="no-inference-beside-shape"
        ),
    ],
)
def test_normalize(schema: Any, expected: dict[str, Any]) -> None:
    before = copy.deepcopy(schema)
    assert normalize(schema) == expected
    assert schema == before


def test_rules_are_named_and_ordered() -> None:
    assert [rule.__name__ for rule in RULES] == [
        "type_list",
        "const_as_enum",
        "openapi_nullable",
        "array_form_items",
        "draft4_exclusive_bounds",
        "infer_type",
    ]
