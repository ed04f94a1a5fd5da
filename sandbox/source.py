"""Guest source normalization: accept every code form a model writes and wrap it as a module.

Pipeline, each stage a function:

1. `strip_fence` - take the code out of a markdown fence (```ts ... ```), if there is one.
2. `classify` - `module` when the code has a top-level `export default`; otherwise it is a body.
3. `candidates` - the wrapped module sources the harness tries in order. The harness imports each
   candidate (parsing it, running nothing), takes the first that parses, and calls its default export:

   - `expression`: `export default async () => (CODE);` - an `async () => {...}` arrow, a function
     expression or a single expression. When the value is a function, the harness calls it.
   - `last-expression`: a function body whose last top-level statement is an expression gets a
     `return (` in front of that statement, so `const x = 1; x + 1` returns 2.
   - `body`: the code as an async function body (`return` works, top-level `await` works).
   - `module`: the code itself (`export default async function ...`, static imports allowed).

Every candidate has exactly one prologue line, so guest line N is module line N + 1 (the harness
subtracts it when it maps stack traces back to the model's own lines). The harness compiles each
candidate's `body` as JavaScript first; when none compiles (TypeScript), the host's type stripper
(sandbox/strip.py) blanks the types out of the same bodies and the harness compiles those; only
when that fails too does it import `source` as a `data:application/typescript` module, where Deno
strips the types. Nothing here is type-checked (codemode/typecheck does that before a run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Candidate", "candidates", "classify", "looks_typed", "strip_fence"]

CandidateKind = Literal["expression", "last-expression", "body", "module"]

_FENCE = re.compile(r"```[ \t]*[\w+-]*[ \t]*\n(?P<code>.*?)\n[ \t]*```", re.DOTALL)
_EXPORT_DEFAULT = re.compile(r"^\s*export\s+default\b", re.MULTILINE)
_STATEMENT_KEYWORDS = frozenset(
    {
        *("const", "let", "var", "if", "for", "while", "do", "return", "throw", "function", "class"),
        *("try", "switch", "import", "export", "break", "continue", "async"),
        *("type", "interface", "enum", "declare", "namespace"),
    }
)
_NOT_AN_EXPRESSION = _STATEMENT_KEYWORDS - {"async", "function", "class"}
_STRICT = '"use strict";'
_REGEX_PRECEDERS = frozenset("(,=:[!&|?{};+-*%<>~^")
_TOKEN = re.compile(
    r"(?P<blank>\s+)|(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"
    r"|(?P<run>[^\s'\"`/()\[\]{};][^\n'\"`/()\[\]{};]*)|(?P<one>.)",
    re.DOTALL,
)
"""What `_last_statement_start` steps over at once: blanks, a comment, a run of ordinary characters
and spaces within one line, or one character it must look at (a quote, a backtick, a slash, a
bracket, a semicolon)."""
_TYPED_HINTS = re.compile(
    r"\b(?:interface|enum|namespace|satisfies|declare)\s"
    r"|\btype\s+[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\s*="
    r"|\bas\s+(?:const\b|[A-Za-z_$({\[])"
    r"|[\w$)\]]!\s*(?:[.;,)\]:]|$)"
    r"|[\w$)]\s*\??\s*:\s*(?:string|number|boolean|any|unknown|void|never|[A-Z][\w$]*)\b(?!\s*[.(])"
    r"|<\s*(?:[A-Z][\w$]*|string|number|boolean|any|unknown)(?:\[\])?\s*(?:,[^>]*)?>\s*[(\w$'\"`\[{]",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Candidate:
    """One way to read the guest code, as a module the harness can import."""

    kind: CandidateKind
    """Which code form this candidate assumes."""
    source: str
    """The module source: one prologue line, then the guest code line for line."""
    body: str | None
    """The same as an async function body (one prologue line), or None for the module form. The harness
    compiles plain JavaScript this way (fast) and imports `source` only when that fails (TypeScript)."""


def strip_fence(code: str) -> str:
    """The code inside the first markdown code fence, or the code itself when there is none."""
    match = _FENCE.search(code)
    return match.group("code") if match else code


def classify(code: str) -> Literal["module", "body"]:
    """`module` when the code has a top-level `export default`, else `body`."""
    return "module" if _EXPORT_DEFAULT.search(code) else "body"


def candidates(code: str) -> list[Candidate]:
    """The candidate modules for `code`, in the order the harness tries them."""
    code = strip_fence(code)
    if classify(code) == "module":
        return [Candidate("module", "\n" + code, None)]
    out: list[Candidate] = []
    expr = code.rstrip().rstrip(";")
    start = _last_statement_start(code)
    last_word = _first_word(code[start:]) if start is not None else ""
    # A program whose last statement starts with `return`, `const`, `interface`, ... is no expression:
    # skipping that candidate saves a failed compile (and, for TypeScript, a failed module import).
    if expr.strip() and last_word not in _NOT_AN_EXPRESSION:
        out.append(
            Candidate(
                "expression",
                "export default async () => (\n" + expr + "\n);",
                _STRICT + " return (\n" + expr + "\n);",
            )
        )
    if start is not None:
        tail = code[start:].rstrip().rstrip(";")
        if tail and _first_word(tail) not in _STATEMENT_KEYWORDS and not tail.startswith(("}", "{")):
            body = code[:start] + "return (" + tail + "\n);"
            out.append(
                Candidate(
                    "last-expression",
                    "export default async function () {\n" + body + "\n}",
                    _STRICT + "\n" + body,
                )
            )
    out.append(
        Candidate("body", "export default async function () {\n" + code + "\n}", _STRICT + "\n" + code)
    )
    return out


def looks_typed(code: str) -> bool:
    """A cheap guess that `code` has TypeScript syntax (annotations, interfaces, `as`, `satisfies`...).

    Only a hint for speed (the host starts stripping types before the harness asks): a wrong guess
    costs one unneeded strip, or the harness asks as usual. Never a decision about what runs."""
    return _TYPED_HINTS.search(code) is not None


def _first_word(text: str) -> str:
    match = re.match(r"[A-Za-z_$][\w$]*", text)
    return match.group(0) if match else ""


def _last_statement_start(code: str) -> int | None:
    """Offset of the last top-level statement: after a top-level `;` or at a top-level line start.

    A small scanner that skips strings, template literals, comments and regex literals and tracks
    bracket depth. Returns None when the code has no statement at depth 0. It steps over whole runs
    of blanks and of ordinary characters at a time (one regex match each), not character by character.
    """
    depth = 0
    i = 0
    n = len(code)
    last: int | None = None
    at_boundary = True
    prev_significant = ""
    while i < n:
        match = _TOKEN.match(code, i)
        assert match is not None  # every character matches some alternative
        kind = match.lastgroup
        if kind == "blank":
            if depth == 0 and "\n" in match.group():
                at_boundary = True
            i = match.end()
            continue
        if kind == "comment":
            i = match.end()
            continue
        if at_boundary and depth == 0:
            last = i
            at_boundary = False
        if kind == "run":
            prev_significant = match.group().rstrip()[-1]
            i = match.end()
            continue
        ch = code[i]
        if ch in "'\"":
            i = _skip_string(code, i, ch)
            prev_significant = "a"
            continue
        if ch == "`":
            i = _skip_template(code, i)
            prev_significant = "a"
            continue
        if ch == "/" and (prev_significant == "" or prev_significant in _REGEX_PRECEDERS):
            i = _skip_regex(code, i)
            prev_significant = "a"
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            at_boundary = True
        prev_significant = ch
        i += 1
    return last


def _skip_string(code: str, i: int, quote: str) -> int:
    i += 1
    while i < len(code) and code[i] != quote and code[i] != "\n":
        i += 2 if code[i] == "\\" else 1
    return i + 1


def _skip_template(code: str, i: int) -> int:
    i += 1
    while i < len(code) and code[i] != "`":
        if code[i] == "\\":
            i += 2
        elif code.startswith("${", i):
            depth = 1
            i += 2
            while i < len(code) and depth:
                if code[i] == "{":
                    depth += 1
                elif code[i] == "}":
                    depth -= 1
                elif code[i] in "'\"":
                    i = _skip_string(code, i, code[i]) - 1
                elif code[i] == "`":
                    i = _skip_template(code, i) - 1
                i += 1
        else:
            i += 1
    return i + 1


def _skip_regex(code: str, i: int) -> int:
    i += 1
    in_class = False
    while i < len(code) and code[i] != "\n":
        ch = code[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            i += 1
            while i < len(code) and (code[i].isalnum()):
                i += 1
            return i
        i += 1
    return i
