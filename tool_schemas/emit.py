"""Stage 3, emit: the type IR as TypeScript text.

Compact by design, since the model pays for every token: 2-space indents; an object on one line when
none of its members has a doc; single-line JSDoc whenever the description is one line, however long;
`Record<string, T>` for objects that are only an index signature.
"""

from __future__ import annotations

import re

from tool_schemas.identifiers import property_key
from tool_schemas.ir import (
    Alias,
    ArrayType,
    Doc,
    Intersection,
    Keyword,
    Literal,
    ObjectType,
    Reference,
    ToolDecl,
    TSType,
    TupleType,
    Union,
)

__all__ = ["emit_alias", "emit_jsdoc", "emit_namespace", "emit_type"]

INDENT = "  "
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _comment_text(text: str) -> str:
    """Text safe inside `/** */`: `*/` broken, line breaks unified, control characters and lone
    surrogates dropped, trailing spaces stripped."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _SURROGATES.sub("\ufffd", _CONTROL.sub("", text.replace("\t", "  ")))
    text = text.replace("*/", "*\\/")
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def emit_jsdoc(doc: Doc, indent: str) -> str:
    """The JSDoc block for `doc` (with a trailing newline), or '' when there is nothing to say."""
    if not doc:
        return ""
    tags = [f"@{tag} {_comment_text(value)}".rstrip() for tag, value in doc.tags]
    description = _comment_text(doc.description)
    lines = [*(description.split("\n") if description else []), *tags]
    if "\n" not in description:
        one = " ".join(lines)
        return f"{indent}/** {one} */\n"
    body = "".join(f"{indent} *{' ' + line if line else ''}\n" for line in lines)
    return f"{indent}/**\n{body}{indent} */\n"


def _wrapped(node: TSType, indent: str) -> str:
    """A type in a position that binds tighter than `|` and `&` (an array element)."""
    text = emit_type(node, indent)
    return f"({text})" if isinstance(node, Union | Intersection) else text


def _object(node: ObjectType, indent: str) -> str:
    if not node.properties and (node.index is None or not node.index.doc):
        value = "never" if node.index is None else emit_type(node.index.type, indent)
        return f"Record<string, {value}>"
    members: list[tuple[Doc, str]] = []
    inner = indent + INDENT
    for prop in node.properties:
        mark = "?" if prop.optional else ""
        members.append((prop.doc, f"{property_key(prop.name)}{mark}: {emit_type(prop.type, inner)}"))
    if node.index is not None:
        members.append((node.index.doc, f"[key: string]: {emit_type(node.index.type, inner)}"))
    if not any(doc for doc, _ in members):
        flat = "; ".join(text for _, text in members)
        if "\n" not in flat:
            return f"{{ {flat} }}"
    body = "".join(f"{emit_jsdoc(doc, inner)}{inner}{text};\n" for doc, text in members)
    return f"{{\n{body}{indent}}}"


def _tuple(node: TupleType, indent: str) -> str:
    parts = [
        f"{_wrapped(element, indent)}?" if i >= node.required else emit_type(element, indent)
        for i, element in enumerate(node.elements)
    ]
    if node.rest is not None:
        parts.append(f"...{_wrapped(node.rest, indent)}[]")
    return f"[{', '.join(parts)}]"


def emit_type(node: TSType, indent: str = "") -> str:
    """A type expression; `indent` is the indentation of the line it starts on."""
    if isinstance(node, Keyword):
        return node.name
    if isinstance(node, Literal):
        return node.text
    if isinstance(node, Reference):
        return node.name
    if isinstance(node, ArrayType):
        return f"{_wrapped(node.items, indent)}[]"
    if isinstance(node, TupleType):
        return _tuple(node, indent)
    if isinstance(node, ObjectType):
        return _object(node, indent)
    if isinstance(node, Union):
        return " | ".join(emit_type(member, indent) for member in node.members)
    return " & ".join(
        f"({emit_type(m, indent)})" if isinstance(m, Union) else emit_type(m, indent) for m in node.members
    )


def emit_alias(alias: Alias) -> str:
    """`type Name = T;` with its JSDoc."""
    return f"{emit_jsdoc(alias.doc, '')}type {alias.name} = {emit_type(alias.type)};\n"


def _tool(tool: ToolDecl) -> str:
    mark = "?" if tool.params_optional else ""
    params = emit_type(tool.params, INDENT)
    returns = emit_type(tool.returns, INDENT)
    return f"{emit_jsdoc(tool.doc, INDENT)}{INDENT}{tool.name}(args{mark}: {params}): Promise<{returns}>;\n"


def emit_namespace(name: str, tools: list[ToolDecl], doc: Doc | None = None) -> str:
    """`declare const name: { ... };` with one member function per tool."""
    header = emit_jsdoc(doc, "") if doc else ""
    if not tools:
        return f"{header}declare const {name}: {{}};\n"
    return f"{header}declare const {name}: {{\n{''.join(_tool(t) for t in tools)}}};\n"
