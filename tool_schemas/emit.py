"""Stage 3, emit: the type IR as TypeScript text, in one of two styles.

`compact` (the default, what the model reads, since it pays for every token): no indentation, `//`
comments, and undocumented members packed on the line of the member before them. `jsdoc` (for people
and editors): 2-space indents and `/** */` blocks an editor shows on hover. Both state the same facts:
an object on one line when none of its members has a doc; a one-line comment whenever the
description is one line, however long; `Record<string, T>` for objects that are only an index
signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tool_schemas.identifiers import property_key
from tool_schemas.ir import (
    Alias,
    ArrayType,
    Doc,
    Intersection,
    Keyword,
    ObjectType,
    Reference,
    ToolDecl,
    TSType,
    TupleType,
    Union,
)
from tool_schemas.ir import Literal as LiteralType

__all__ = ["STYLES", "Emitter", "Style"]

Style = Literal["compact", "jsdoc"]
"""How declarations are laid out; see the module docstring."""

STYLES: tuple[Style, ...] = ("compact", "jsdoc")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _comment_lines(text: str, block: bool) -> list[str]:
    """Text safe inside a comment, as lines: line breaks unified, control characters and lone
    surrogates dropped, trailing spaces stripped; in a `/** */` block, `*/` broken."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _SURROGATES.sub("\ufffd", _CONTROL.sub("", text.replace("\t", "  ")))
    if block:
        text = text.replace("*/", "*\\/")
    text = text.strip("\n")
    return [line.rstrip() for line in text.split("\n")] if text else []


@dataclass(frozen=True)
class _Layout:
    """The spacing one style uses."""

    indent: str
    """One level of indentation."""
    colon: str
    """After a property name or the `args` parameter."""
    bar: str
    """Between union members."""
    ampersand: str
    """Between intersection members."""


_LAYOUTS: dict[Style, _Layout] = {
    "compact": _Layout(indent="", colon=":", bar="|", ampersand="&"),
    "jsdoc": _Layout(indent="  ", colon=": ", bar=" | ", ampersand=" & "),
}


class Emitter:
    """Writes IR as text in one style."""

    def __init__(self, style: Style = "compact") -> None:
        self.style = style
        self._layout = _LAYOUTS[style]

    def comment(self, doc: Doc, indent: str) -> str:
        """The comment for `doc` (with a trailing newline), or '' when there is nothing to say."""
        if not doc:
            return ""
        block = self.style == "jsdoc"
        description = _comment_lines(doc.description, block)
        tags = [" ".join([f"@{tag}", *_comment_lines(value, block)]).rstrip() for tag, value in doc.tags]
        if len(description) <= 1:
            one = " ".join([*description, *tags])
            return f"{indent}/** {one} */\n" if block else f"{indent}// {one}\n"
        lines = [*description, *tags]
        if not block:
            return "".join(f"{indent}//{' ' + line if line else ''}\n" for line in lines)
        body = "".join(f"{indent} *{' ' + line if line else ''}\n" for line in lines)
        return f"{indent}/**\n{body}{indent} */\n"

    def _wrapped(self, node: TSType, indent: str) -> str:
        """A type in a position that binds tighter than `|` and `&` (an array element)."""
        text = self.type(node, indent)
        return f"({text})" if isinstance(node, Union | Intersection) else text

    def _object(self, node: ObjectType, indent: str) -> str:
        if not node.properties and (node.index is None or not node.index.doc):
            value = "never" if node.index is None else self.type(node.index.type, indent)
            return f"Record<string, {value}>"
        members: list[tuple[Doc, str]] = []
        inner = indent + self._layout.indent
        colon = self._layout.colon
        for prop in node.properties:
            key = f"{property_key(prop.name)}{'?' if prop.optional else ''}"
            members.append((prop.doc, f"{key}{colon}{self.type(prop.type, inner)}"))
        if node.index is not None:
            members.append((node.index.doc, f"[key{colon}string]{colon}{self.type(node.index.type, inner)}"))
        if not any(doc for doc, _ in members):
            flat = "; ".join(text for _, text in members)
            if "\n" not in flat:
                return f"{{ {flat} }}"
        body = "".join(f"{self.comment(doc, inner)}{inner}{text};\n" for doc, text in members)
        return f"{{\n{body}{indent}}}"

    def _tuple(self, node: TupleType, indent: str) -> str:
        parts = [
            f"{self._wrapped(element, indent)}?" if i >= node.required else self.type(element, indent)
            for i, element in enumerate(node.elements)
        ]
        if node.rest is not None:
            parts.append(f"...{self._wrapped(node.rest, indent)}[]")
        return f"[{', '.join(parts)}]"

    def type(self, node: TSType, indent: str = "") -> str:
        """A type expression; `indent` is the indentation of the line it starts on."""
        if isinstance(node, Keyword):
            return node.name
        if isinstance(node, LiteralType):
            return node.text
        if isinstance(node, Reference):
            return node.name
        if isinstance(node, ArrayType):
            return f"{self._wrapped(node.items, indent)}[]"
        if isinstance(node, TupleType):
            return self._tuple(node, indent)
        if isinstance(node, ObjectType):
            return self._object(node, indent)
        if isinstance(node, Union):
            return self._layout.bar.join(self.type(member, indent) for member in node.members)
        return self._layout.ampersand.join(
            f"({self.type(m, indent)})" if isinstance(m, Union) else self.type(m, indent)
            for m in node.members
        )

    def alias(self, alias: Alias) -> str:
        """`type Name = T;` with its comment."""
        return f"{self.comment(alias.doc, '')}type {alias.name} = {self.type(alias.type)};\n"

    def _tool(self, tool: ToolDecl) -> str:
        mark = "?" if tool.params_optional else ""
        indent, colon = self._layout.indent, self._layout.colon
        params = self.type(tool.params, indent)
        returns = self.type(tool.returns, indent)
        head = f"{self.comment(tool.doc, indent)}{indent}"
        return f"{head}{tool.name}(args{mark}{colon}{params}){colon}Promise<{returns}>;\n"

    def namespace(self, name: str, tools: list[ToolDecl]) -> str:
        """`declare const name: { ... };` with one member function per tool."""
        if not tools:
            return f"declare const {name}: {{}};\n"
        return f"declare const {name}: {{\n{''.join(self._tool(t) for t in tools)}}};\n"
