"""Return values: JSON round-trips; everything else converts in a documented, deterministic way."""

from __future__ import annotations

import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor

pytestmark = pytest.mark.anyio

# One guest run converts every case; each key is one documented rule (see harness.js `toJson`).
CODE = r"""
const circular = {name: "c"}; circular.self = circular;
const shared = {s: 1};
const err = new TypeError("bad", {cause: "why"});
return {
  json: {a: [1, 2.5, "s", true, null, {b: {}}], u: "\u00e9\u{1F600}"},
  undefinedProp: {a: undefined, b: 1},
  undefinedInArray: [undefined, 1],
  nan: [NaN, Infinity, -Infinity],
  bigint: 12345678901234567890n,
  map: new Map([["k", 1], [2, "two"]]),
  set: new Set([1, "a", 1]),
  date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  invalidDate: new Date("nope"),
  u8: new Uint8Array([1, 2, 255]),
  f64: new Float64Array([0.5]),
  bigArray: new BigInt64Array([1n]),
  buffer: new Uint8Array([9, 8]).buffer,
  error: err,
  circular,
  shared: [shared, shared],
  fn: () => 1,
  symbol: Symbol("s"),
  toJSON: {toJSON() { return "custom"; }},
  classInstance: new (class P { constructor() { this.x = 1; } })(),
  nested: [[[[1]]]],
};
"""

EXPECTED = {
    "json": {"a": [1, 2.5, "s", True, None, {"b": {}}], "u": "é😀"},
    "undefinedProp": {"b": 1},
    "undefinedInArray": [None, 1],
    "nan": [None, None, None],
    "bigint": "12345678901234567890",
    "map": {"k": 1, "2": "two"},
    "set": [1, "a"],
    "date": "2024-01-02T03:04:05.000Z",
    "invalidDate": None,
    "u8": [1, 2, 255],
    "f64": [0.5],
    "bigArray": ["1"],
    "buffer": [9, 8],
    "error": {"name": "TypeError", "message": "bad", "cause": "why"},
    "circular": {"name": "c", "self": "[Circular]"},
    "shared": [{"s": 1}, {"s": 1}],
    "toJSON": "custom",
    "classInstance": {"x": 1},
    "nested": [[[[1]]]],
}


async def test_value_conversions(executor: DenoExecutor) -> None:
    result = await run(executor, CODE)
    assert result.ok, result.error
    assert result.value == EXPECTED


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("return undefined", None, id="undefined"),
        pytest.param("return null", None, id="null"),
        pytest.param("return 'text'", "text", id="string"),
        pytest.param("return Promise.resolve(3)", 3, id="promise"),
        pytest.param("return 10n ** 30n", "1000000000000000000000000000000", id="big-bigint"),
    ],
)
async def test_top_level_values(executor: DenoExecutor, code: str, expected: object) -> None:
    result = await run(executor, code)
    assert result.ok, result.error
    assert result.value == expected


async def test_a_megabyte_result_round_trips(executor: DenoExecutor) -> None:
    result = await run(executor, "return Array.from({length: 17000}, (_, i) => ({i, s: 'x'.repeat(40)}))")
    assert result.ok, result.error
    assert len(result.value) == 17000
    assert result.value[-1] == {"i": 16999, "s": "x" * 40}


async def test_a_large_tool_result_reaches_the_guest(executor: DenoExecutor) -> None:
    big = "y" * 3_000_000

    async def callback(ns: str, tool: str, args: object) -> str:
        return big

    code = "const s = await t.f({}); return [s.length, s.slice(0, 3), s.slice(-3)]"
    result = await run(executor, code, tools={"t": ["f"]}, callback=callback)
    assert result.ok, result.error
    assert result.value == [3_000_000, "yyy", "yyy"]
