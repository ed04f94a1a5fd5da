"""TypeScript to JavaScript in the host process: the types of a program blanked out, no process hop.

A typed program cannot compile as a JavaScript function body. Asking the type stripper process
(strip.py) costs two process hops and a third process waking on a 2-core machine: about 2 ms per
run. Most programs models write use only *erasable* syntax (annotations, interfaces, type aliases,
generics, `as`, `satisfies`, `!`), so the host parses the body with tree-sitter's TypeScript grammar
and replaces every type by blanks, keeping each line and column where the model wrote it. Enums
whose members are literals become a plain object in place (same lines; only columns on the enum's
own lines move, and literal members cannot throw). The harness compiles the result like plain
JavaScript, after trying the body as JavaScript itself.

Anything else returns None and the run takes the complete path (the stripper process, then Deno's
own TypeScript import): syntax tree-sitter cannot parse, namespaces, parameter properties, `this`
parameters, enums with computed members, imports and exports, and any blank that would change how
the next line attaches (`x as T` at a line's end followed by a line starting with `(`). A wrong
guess only costs speed: a blanked body that does not compile as JavaScript makes the harness ask
the stripper process as before. This module parses and prints text; it never runs the program.

tree-sitter is loaded once per process (about 50 ms, in a background thread when a server's executor
starts, else on the first typed program): until it is loaded, runs take the complete path.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Query, QueryCursor

__all__ = ["TypeBlanker", "blank_types", "load"]

MAX_BODY_CHARS = 16_000
"""Longer bodies are left to the stripper process: blanking holds the host's event loop, about 0.3 ms
per KB of typed code here (1.6 ms for 5 KB, 6.8 ms for 20 KB), which the process does not."""

_QUERY = """
[(interface_declaration) (type_alias_declaration) (ambient_declaration) (function_signature)
 (abstract_method_signature) (index_signature) (method_signature)] @whole
(public_field_definition ["declare" "abstract"]) @whole
[(type_annotation) (type_predicate_annotation) (asserts_annotation) (type_arguments) (type_parameters)
 (implements_clause) (accessibility_modifier) (override_modifier)] @span
(as_expression "as" @cast)
(satisfies_expression "satisfies" @cast)
(non_null_expression "!" @bang)
(public_field_definition ["?" "!" "readonly"] @token)
(method_definition "?" @token)
(optional_parameter "?" @token)
(variable_declarator "!" @token)
(abstract_class_declaration "abstract" @token)
(type_assertion) @assertion
(enum_declaration) @enum
[(internal_module) (module) (import_statement) (export_statement) (import_alias)
 (import_require_clause) (decorator)] @refused
(required_parameter [(accessibility_modifier) (override_modifier) "readonly"]) @refused
(optional_parameter [(accessibility_modifier) (override_modifier) "readonly"]) @refused
(required_parameter pattern: (this)) @refused
(optional_parameter pattern: (this)) @refused
"""
"""What is type syntax, by tree-sitter-typescript's node names:

- `whole`: declarations with no runtime part, blanked whole with a `;` in their first column (the
  previous line stays separate from the next, as it was while the declaration stood between them).
  Index and method signatures count only in a class body; elsewhere they sit inside a blanked type.
- `span`: type syntax inside runtime code, blanked where it stands.
- `cast` / `bang`: the `as T` / `satisfies T` of an expression from its keyword on; a non-null `!`.
- `token`: `?`, `!`, `readonly`, `abstract` that belong to a member, parameter or declarator.
- `assertion`: `<T>x`, whose type arguments blank (refused when they span lines).
- `enum`: rewritten as an object (literal members only).
- `refused`: syntax that generates code or that a function body cannot hold (namespaces, imports,
  exports, decorators, parameter properties, `this` parameters): the complete path.
"""

_GAP = re.compile(rb"(?:\s|\xe2\x80[\xa8\xa9]|//[^\n\r]*|/\*.*?\*/)*", re.DOTALL)
"""Blanks, line breaks and comments, in UTF-8 bytes."""
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")
_NOT_A_LINE_BREAK = re.compile(r"[^\n\r\u2028\u2029]")
_BREAK = re.compile(rb"[\n\r]|\xe2\x80[\xa8\xa9]")
"""A line break (also one inside a block comment, which counts as one)."""
_CONTINUES = frozenset(b"([`+-/*%<>=.?!&|^")
"""What, first on the next line, would continue the expression a blanked type ended."""
_SAFE_INTEGER = 2**53

_parser: Parser | None = None
_query: Query | None = None
_cursor_type: type[QueryCursor] | None = None
_loading = threading.Lock()
_load_started = False


def load() -> None:
    """Load tree-sitter's TypeScript grammar (about 50 ms, once; any thread)."""
    global _parser, _query, _cursor_type
    with _loading:
        if _parser is not None:
            return
        import tree_sitter
        import tree_sitter_typescript

        language = tree_sitter.Language(tree_sitter_typescript.language_typescript())
        _query = tree_sitter.Query(language, _QUERY)
        _cursor_type = tree_sitter.QueryCursor
        _parser = tree_sitter.Parser(language)


class TypeBlanker:
    """Blanks the types out of one executor's typed runs (`blank`), once tree-sitter is loaded."""

    def __init__(self) -> None:
        self.answered = 0
        """Runs blanked so far (a figure for tests and the benchmark)."""

    def start(self) -> None:
        """Load tree-sitter in a daemon thread, once per process (a server's executor, when it starts)."""
        global _load_started
        with _loading:
            if _parser is not None or _load_started:
                return
            _load_started = True
        threading.Thread(target=load, name="codemode-blank-types", daemon=True).start()

    def blank(self, bodies: Sequence[str | None]) -> list[dict[str, Any] | None] | None:
        """The first body that blanks, in the harness's order, and None for the others; or None when
        none blanks, or tree-sitter is not loaded yet (it then starts loading, for the next run)."""
        if _parser is None:
            self.start()
            return None
        out: list[dict[str, Any] | None] = [None] * len(bodies)
        for i, body in enumerate(bodies):
            if body is not None and (blanked := blank_types(body)) is not None:
                out[i] = blanked
                self.answered += 1
                return out
        return None


class _Refused(Exception):
    """The body holds syntax this module leaves to the complete path."""


class _Edit(NamedTuple):
    start: int
    """Byte offsets of the span in the UTF-8 source."""
    end: int
    text: str = ""
    """Written in the span's first columns (a `;`), the rest of the span blank; or, with `replace`,
    instead of the whole span (an enum's object)."""
    replace: bool = False


def blank_types(body: str) -> dict[str, Any] | None:
    """`{"code": JavaScript, "map": None}` for a typed function body, or None (not loaded, or refused)."""
    parser = _parser
    if parser is None or len(body) > MAX_BODY_CHARS:
        return None
    source = body.encode("utf-8", "surrogatepass")
    tree = parser.parse(source)
    root = tree.root_node
    if root.has_error:
        return None
    edits: list[_Edit] = []
    try:
        _collect(root, source, edits)
    except _Refused:
        return None
    return {"code": _apply(source, edits), "map": None}  # no edits: JavaScript already


def _collect(root: Node, source: bytes, edits: list[_Edit]) -> None:
    """Append an edit for every type in `root`'s tree (nested ones are skipped when applied)."""
    assert _query is not None and _cursor_type is not None
    captures = _cursor_type(_query).captures(root)
    if captures.get("refused"):
        raise _Refused
    for node in captures.get("whole", ()):
        edits.append(_Edit(node.start_byte, node.end_byte, ";"))
    for node in captures.get("span", ()):
        _check_next_line(node.end_byte, source)
        edits.append(_Edit(node.start_byte, node.end_byte))
    for keyword in captures.get("cast", ()):
        end = keyword.parent.end_byte if keyword.parent is not None else keyword.end_byte
        _check_next_line(end, source)
        edits.append(_Edit(keyword.start_byte, end))
    for bang in captures.get("bang", ()):
        _check_next_line(bang.end_byte, source)
        edits.append(_Edit(bang.start_byte, bang.end_byte))
    for token in captures.get("token", ()):
        edits.append(_Edit(token.start_byte, token.end_byte))
    for node in captures.get("assertion", ()):
        if _LINE_BREAK.search(_text(node, source)):
            raise _Refused  # `return <T>` and its value on the next line
    enums = captures.get("enum", ())
    names = {_text(name, source) for node in enums if (name := node.child_by_field_name("name"))}
    if len(names) < len(enums):
        raise _Refused  # an enum declared twice merges its members
    for node in enums:
        edits.append(_Edit(node.start_byte, node.end_byte, _enum_object(node, source), replace=True))


def _check_next_line(end: int, source: bytes) -> None:
    """Refuse a blank at a line's end when the next line starts with what would continue the
    expression once the type is gone (`x as T` / `(y)` would become the call `x(y)`)."""
    gap = _GAP.match(source, end)
    after = gap.end() if gap is not None else end
    if after < len(source) and source[after] in _CONTINUES and _BREAK.search(source, end, after):
        raise _Refused


def _enum_object(node: Node, source: bytes) -> str:
    """`enum E { A, B = 5, C = "c" }` as `var E = {"A": 0, "0": "A", ...};`, then the enum's line
    breaks, so every later line keeps its number. Only literal members (numbers, strings)."""
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    if name is None or body is None:
        raise _Refused
    entries: list[str] = []
    next_value: int | None = 0
    for member in body.named_children:
        if member.type == "comment":
            continue
        key_node = member.child_by_field_name("name") if member.type == "enum_assignment" else member
        if key_node is None or key_node.type not in ("property_identifier", "string"):
            raise _Refused
        key = _text(key_node, source)
        if key_node.type == "property_identifier":
            key = '"' + key + '"'
        value_node = member.child_by_field_name("value") if member.type == "enum_assignment" else None
        if value_node is None:
            if next_value is None:
                raise _Refused  # after a string member TypeScript needs an initializer
            value: int | str = next_value
        elif value_node.type == "string":
            value = _text(value_node, source)
        else:
            value = _integer(value_node, source)
        if isinstance(value, int):
            entries.append(f'{key}: {value}, "{value}": {key}')
            next_value = value + 1
        else:
            entries.append(f"{key}: {value}")
            next_value = None
    text = _text(node, source)
    breaks = "".join(_LINE_BREAK.findall(text))
    return f"var {_text(name, source)} = {{{', '.join(entries)}}};{breaks}"


def _integer(node: Node, source: bytes) -> int:
    """An enum member's integer literal (`5`, `-1`, `0x10`), or refused."""
    text = _text(node, source).replace(" ", "")
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if node.type not in ("number", "unary_expression") or not re.fullmatch(
        r"[0-9]+|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+", digits
    ):
        raise _Refused
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        raise _Refused  # a legacy octal literal
    value = int(digits, 0)
    if value >= _SAFE_INTEGER:
        raise _Refused
    return -value if negative else value


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")


def _apply(source: bytes, edits: list[_Edit]) -> str:
    """The source with each edit applied: a replacement text at the start of its span, the rest of the
    span blank (one space per UTF-16 unit, line breaks kept) so positions after it do not move."""
    out: list[str] = []
    at = 0
    for start, end, text, replace in sorted(edits, key=lambda e: (e.start, -e.end)):
        if start < at:
            continue  # inside a span already blanked
        out.append(source[at:start].decode("utf-8", "surrogatepass"))
        span = source[start:end].decode("utf-8", "surrogatepass")
        if replace:
            out.append(text)  # an enum: its own line breaks, columns on its lines move
        else:
            out.append(text + _blank(span)[len(text) :])
        at = end
    out.append(source[at:].decode("utf-8", "surrogatepass"))
    return "".join(out)


def _blank(span: str) -> str:
    """One space per UTF-16 unit (V8's columns), line breaks kept."""
    if span.isascii():
        return _NOT_A_LINE_BREAK.sub(" ", span) if "\n" in span or "\r" in span else " " * len(span)
    return _NOT_A_LINE_BREAK.sub(lambda m: " " * (2 if ord(m.group()) > 0xFFFF else 1), span)
