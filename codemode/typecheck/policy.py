"""What blocks a run: the compiler options and the diagnostics we ignore, each with its reason.

The rule: only what is certainly a bug blocks (an unknown namespace or tool, a wrong argument type, a
missing required argument, an unknown property of a typed result, calling a non-function, a syntax
error). Loose typing never blocks. The options switch the loose-typing checks off at the source; the
ignored codes catch what the options cannot. docs/typecheck.md explains the measurements behind them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["COMPILER_OPTIONS", "IGNORED_CODES", "blocks"]

COMPILER_OPTIONS: dict[str, Any] = {
    # The runtime's standard library: Deno runs the latest ECMAScript. No "dom" (there is no
    # document), no @types (no Node): runtime.d.ts adds the few web globals the sandbox has.
    "target": "esnext",
    "lib": ["esnext"],
    "types": [],
    "module": "esnext",
    "moduleResolution": "bundler",
    # Off: implicit any, possibly-null, `unknown` in catch, definite assignment: loose typing the
    # model writes on purpose and the runtime does not care about.
    "strict": False,
    "noImplicitAny": False,
    "strictNullChecks": False,
    "useUnknownInCatchVariables": False,
    # Dead code, a stray label, unused names, missing returns are style, not bugs.
    "allowUnreachableCode": True,
    "allowUnusedLabels": True,
    "noUnusedLocals": False,
    "noUnusedParameters": False,
    "noImplicitReturns": False,
    "noFallthroughCasesInSwitch": False,
    # Our declarations are trusted (and were checked when rendered): do not re-check them.
    "skipLibCheck": True,
    "noEmit": True,
}

IGNORED_CODES: dict[int, str] = {
    # Not certainly bugs: the value's type is unknown to the checker, not wrong.
    18046: "'x' is of type 'unknown': a tool without an output schema returns unknown; using it is legal",
    2571: "Object is of type 'unknown' (older wording of 18046)",
    # Operators on loosely typed values: JavaScript coerces (`{}`-typed accumulators give `unknown`
    # values through Object.entries), it never throws.
    2362: "left-hand side of an arithmetic operation must be a number",
    2363: "right-hand side of an arithmetic operation must be a number",
    2365: "operator cannot be applied to these types",
    2356: "an arithmetic operand (++/--) must be a number",
    # Narrowing the checker cannot follow.
    2367: "this comparison appears to be unintentional: often a narrowing the checker cannot follow",
    # Modules: the sandbox decides what imports do (it denies them); the checker cannot resolve them.
    2307: "cannot find module: imports are the sandbox's business, not the type checker's",
    2792: "cannot find module (did you mean moduleResolution): same as 2307",
    7016: "no declaration file for a module: same as 2307",
    # Implicit any and friends, in case an option above does not cover a form.
    7005: "implicit any (variable)",
    7006: "implicit any (parameter)",
    7008: "implicit any (member)",
    7031: "implicit any (binding element)",
    7034: "implicit any (variable in some locations)",
    7053: "element implicitly has an 'any' type (indexing by a string)",
    # Possibly null or undefined: narrowing the checker cannot follow.
    2531: "object is possibly null",
    2532: "object is possibly undefined",
    2533: "object is possibly null or undefined",
    18047: "'x' is possibly null",
    18048: "'x' is possibly undefined",
    18049: "'x' is possibly null or undefined",
    2454: "variable used before being assigned",
    # Unused and missing returns (only reported as errors under options we leave off).
    6133: "declared but never used",
    6196: "declared but never used (type)",
    7030: "not all code paths return a value",
    7027: "unreachable code",
    7028: "unused label",
}
"""Diagnostic codes that never block a run, with the reason for each."""

_VAGUE_TYPES = ("'unknown'", "'never'", "'{}'")
"""A diagnostic about a value of these types is about what the checker could not know, not a bug.
`{}` is what destructuring an `unknown` value (a tool without an output schema, `readJson`) and an
empty object literal give: `const { rows } = await tool()` and `const by = {}; by.x = 1` are legal."""


def blocks(code: int, message: str) -> bool:
    """Whether an error diagnostic (code, message) is certainly a bug, so the run must not start."""
    if code in IGNORED_CODES:
        return False
    first_line = message.split("\n", 1)[0].lower()  # "Type 'unknown' must have a '[Symbol.iterator]()'"
    return not any(f"type {vague}" in first_line for vague in _VAGUE_TYPES)
