"""The Python rendering: the same tool schemas as a `.pyi` stub a model writes Python against.

Same pipeline as the TypeScript rendering up to the IR (spec -> normalize + parse), then its own
emitter, since Python has no anonymous object types: every object with named properties becomes a
`TypedDict` class (named after where it appears: `GetCustomerArgs`, `GetCustomerResultAddress`, or
its `$defs` alias), enums become `Literal[...]`, and each namespace becomes a class whose tools are
`async def` static methods taking keyword arguments.

How the IR maps (what Python cannot say is said more loosely, never more strictly):
- `number` (integers too) -> `float` (an `int` is accepted where `float` is declared);
- a tuple -> `list[A | B]`, since JSON arrays arrive as lists;
- an index signature beside named properties is dropped from a `TypedDict` (extra keys are allowed
  only as a tool's `**kwargs`); an object with only an index signature -> `dict[str, T]`;
- an intersection of objects -> one merged `TypedDict`; any other intersection -> `Any`;
- property names that cannot be keyword arguments (`from`, `x-id`) -> the tool takes one dict,
  declared with the functional `TypedDict("Name", {...})` form.

Tool and namespace identifiers follow `identifiers.sanitize_identifier`, then `python_identifier`
(a `$` becomes `_`, a Python keyword gets a `_` suffix), so nearly every name is the same in both
languages. Output is deterministic, like the TypeScript rendering.
"""

from __future__ import annotations

import json
import keyword
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tool_schemas.docs import tool_doc
from tool_schemas.errors import NameCollisionError
from tool_schemas.identifiers import sanitize_identifier
from tool_schemas.ir import (
    UNKNOWN,
    Alias,
    ArrayType,
    Doc,
    Intersection,
    Keyword,
    Literal,
    ObjectType,
    Property,
    Reference,
    TSType,
    TupleType,
    Union,
)
from tool_schemas.parse import AliasTable, SchemaParser
from tool_schemas.refs import used_definitions
from tool_schemas.spec import ToolLike, ToolSpec, read_tool

__all__ = ["python_identifier", "render_python_stubs", "render_python_tool"]

INDENT = "    "

_TYPING_NAMES = ("Any", "Literal", "NoReturn", "NotRequired", "TypeAlias", "TypedDict")
RESERVED_PY_TYPE_NAMES = frozenset((*_TYPING_NAMES, "None", "True", "False"))
"""Names a generated class or alias must not take: the `typing` names the stub imports."""

_KEYWORD_TYPES = {
    "string": "str",
    "number": "float",
    "boolean": "bool",
    "null": "None",
    "unknown": "Any",
    "never": "NoReturn",
}
_DOCSTRING_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def python_identifier(name: str) -> str:
    """The Python identifier for a tool or namespace name: `sanitize_identifier`'s, with `$` as `_`
    and a `_` suffix on a Python keyword (`from` -> `from_`), so it is the TypeScript one almost always."""
    ident = sanitize_identifier(name).replace("$", "_")
    if keyword.iskeyword(ident):
        ident = f"{ident}_"
    return ident


def _is_kwarg(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and name.isascii()


def _docstring(text: str, indent: str) -> str:
    """`text` as a docstring line (or block) at `indent`, with a trailing newline."""
    text = _DOCSTRING_UNSAFE.sub("", text.replace("\r\n", "\n").replace("\t", "  "))
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    if text.endswith('"'):
        text += " "
    lines = [line.rstrip() for line in text.split("\n")]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "".join(f"{indent}{line}\n" if line else "\n" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}{indent}"""\n'


def _doc_text(doc: Doc) -> str:
    """A field's or alias's doc in one string: the description, then its tags in parentheses."""
    tags = "; ".join(f"{tag}: {value}" if value else tag for tag, value in doc.tags)
    if not tags:
        return doc.description
    return f"{doc.description} ({tags})" if doc.description else f"({tags})"


def _default(doc: Doc) -> str:
    """The `= value` a keyword argument shows: the schema's default when a plain scalar, else `...`."""
    for tag, value in doc.tags:
        if tag == "default":
            try:
                parsed = json.loads(value)
            except ValueError:
                return "..."
            if isinstance(parsed, bool):
                return "True" if parsed else "False"
            if isinstance(parsed, int | float | str):
                return json.dumps(parsed, ensure_ascii=False)
    return "..."


@dataclass
class _Emitter:
    """Turns IR types into Python type expressions, hoisting object types into `TypedDict` classes."""

    table: AliasTable
    names: dict[str, str] = field(default_factory=dict)
    """Alias renames: IR alias name -> the name the stub uses."""
    classes: list[str] = field(default_factory=list)
    """The hoisted class definitions, in the order they were made."""
    hoisted: dict[ObjectType, str] = field(default_factory=dict)
    """Identical object types share one class."""
    used: set[str] = field(default_factory=set)
    """The `typing` names the text uses."""

    def typed(self, node: TSType, hint: str) -> str:
        """The Python type expression for `node`; `hint` names any class it needs."""
        if isinstance(node, Keyword):
            text = _KEYWORD_TYPES.get(node.name, "Any")
            if text in _TYPING_NAMES:
                self.used.add(text)
            return text
        if isinstance(node, Literal):
            return self._union((node,), hint)
        if isinstance(node, Reference):
            return self.names.get(node.name, node.name)
        if isinstance(node, ArrayType):
            return f"list[{self.typed(node.items, f'{hint} item')}]"
        if isinstance(node, TupleType):
            members = (*node.elements, *(() if node.rest is None else (node.rest,)))
            return f"list[{self._union(members, f'{hint} item')}]"
        if isinstance(node, ObjectType):
            return self._object(node, hint)
        if isinstance(node, Union):
            return self._union(node.members, hint)
        return self._intersection(node, hint)

    def _union(self, members: Sequence[TSType], hint: str) -> str:
        """Members in order; the literal ones gathered into one `Literal[...]` where the first stood."""
        literals: list[str] = []
        parts: list[str | None] = []  # None marks where the `Literal[...]` goes
        for member in members:
            if member == Keyword("undefined"):
                continue
            value = json.loads(member.text) if isinstance(member, Literal) else None
            if isinstance(member, Literal) and isinstance(value, str | int):
                if not literals:
                    parts.append(None)
                literals.append(member.text if isinstance(value, str) else repr(value))
                continue
            if isinstance(member, Literal):
                text = "float" if isinstance(value, float) else "None"
            else:
                text = self.typed(member, hint)
            if text == "Any":
                return "Any"
            if text not in parts:
                parts.append(text)
        if literals:
            self.used.add("Literal")
        texts = [f"Literal[{', '.join(literals)}]" if part is None else part for part in parts]
        return " | ".join(texts) if texts else "Any"

    def _intersection(self, node: Intersection, hint: str) -> str:
        objects = [member for member in node.members if isinstance(member, ObjectType)]
        if len(objects) == len(node.members):
            props: dict[str, Property] = {}
            for member in objects:
                for prop in member.properties:
                    props.setdefault(prop.name, prop)
            return self._object(ObjectType(tuple(props.values())), hint)
        self.used.add("Any")
        return "Any"

    def _object(self, node: ObjectType, hint: str) -> str:
        if not node.properties:
            value = "Any" if node.index is None else self.typed(node.index.type, f"{hint} value")
            if value == "Any":
                self.used.add("Any")
            return f"dict[str, {value}]"
        if node in self.hoisted:
            return self.hoisted[node]
        name = self.table.allocate(hint)
        self.hoisted[node] = name
        self.classes.append(self.typed_dict(name, node, Doc()))
        return name

    def typed_dict(self, name: str, node: ObjectType, doc: Doc) -> str:
        """`class Name(TypedDict)` with one documented field per property (or the functional form)."""
        self.used.add("TypedDict")
        fields = []
        for prop in node.properties:
            text = self.typed(prop.type, f"{name} {prop.name}")
            if prop.optional:
                self.used.add("NotRequired")
                text = f"NotRequired[{text}]"
            fields.append((prop, text))
        if not all(_is_kwarg(prop.name) for prop, _ in fields):
            items = ", ".join(f"{json.dumps(prop.name, ensure_ascii=False)}: {text}" for prop, text in fields)
            return f'{name} = TypedDict("{name}", {{{items}}})\n'
        lines = [f"class {name}(TypedDict):\n"]
        if doc:
            lines.append(_docstring(_doc_text(doc), INDENT))
        for prop, text in fields:
            lines.append(f"{INDENT}{prop.name}: {text}\n")
            if prop.doc:
                lines.append(_docstring(_doc_text(prop.doc), INDENT))
        return "".join(lines)

    def alias(self, alias: Alias) -> str:
        """A `$defs` alias: a `TypedDict` class when it is an object, else `Name: TypeAlias = ...`."""
        name = self.names.get(alias.name, alias.name)
        if isinstance(alias.type, ObjectType) and alias.type.properties:
            return self.typed_dict(name, alias.type, alias.doc)
        self.used.add("TypeAlias")
        text = f"{name}: TypeAlias = {self.typed(alias.type, name)}\n"
        return text + (_docstring(_doc_text(alias.doc), "") if alias.doc else "")


@dataclass(frozen=True)
class _Tool:
    """One tool, parsed."""

    identifier: str
    params: TSType
    params_optional: bool
    returns: TSType
    doc: Doc


def _read(namespaces: Mapping[str, Sequence[ToolLike]]) -> list[tuple[str, list[tuple[str, ToolSpec]]]]:
    out = []
    _check_unique([(name, python_identifier(name)) for name in namespaces], "namespace")
    for name, tools in namespaces.items():
        specs = [read_tool(tool) for tool in tools]
        pairs = [(spec.name, python_identifier(spec.name)) for spec in specs]
        _check_unique(pairs, "tool", name)
        identified = [(ident, spec) for (_, ident), spec in zip(pairs, specs, strict=True)]
        out.append((python_identifier(name), identified))
    return out


def _check_unique(pairs: list[tuple[str, str]], kind: str, where: str = "") -> None:
    seen: dict[str, str] = {}
    for original, identifier in pairs:
        if identifier in seen:
            raise NameCollisionError(kind, seen[identifier], original, identifier, where)
        seen[identifier] = original


def _parse(
    namespaces: list[tuple[str, list[tuple[str, ToolSpec]]]], table: AliasTable
) -> list[tuple[str, list[_Tool]]]:
    counts: Counter[str] = Counter()
    for _, specs in namespaces:
        for _, spec in specs:
            for document in (spec.input_schema, spec.output_schema):
                if isinstance(document, Mapping):
                    counts.update(used_definitions(document))
    shared = {key for key, count in counts.items() if count > 1}
    out = []
    for ns, specs in namespaces:
        tools = []
        for ident, spec in specs:
            params = SchemaParser(spec.input_schema, table, f"{ident} args", shared).parse_root()
            returns: TSType = UNKNOWN
            if spec.output_schema is not None:
                returns = SchemaParser(spec.output_schema, table, f"{ident} result", shared).parse_root()
            doc = tool_doc(spec.description, spec.annotations, spec.output_schema)
            required = isinstance(params, ObjectType) and any(not p.optional for p in params.properties)
            tools.append(_Tool(ident, params, not required, returns, doc))
        out.append((ns, tools))
    return out


def _tool_docstring(tool: _Tool, kwargs: tuple[Property, ...]) -> str:
    tags = dict(tool.doc.tags)
    parts = [tool.doc.description] if tool.doc.description else []
    if "readonly" in tags:
        parts.append("Read-only.")
    elif "destructive" in tags:
        parts.append("Destructive.")
    documented = [prop for prop in kwargs if prop.doc]
    if documented:
        lines = "".join(f"\n{INDENT}{prop.name}: {_doc_text(prop.doc)}" for prop in documented)
        parts.append(f"Args:{lines}")
    if tags.get("returns"):
        parts.append(f"Returns: {tags['returns']}")
    return "\n\n".join(parts)


def _method(emitter: _Emitter, tool: _Tool) -> str:
    hint = f"{tool.identifier} args"
    returns = emitter.typed(tool.returns, f"{tool.identifier} result")
    params = tool.params
    kwargs: tuple[Property, ...] = ()
    named = isinstance(params, ObjectType) and bool(params.properties)
    if isinstance(params, ObjectType) and named and all(_is_kwarg(p.name) for p in params.properties):
        kwargs = params.properties
        args = []
        for prop in kwargs:
            text = emitter.typed(prop.type, f"{hint} {prop.name}")
            args.append(f"{prop.name}: {text}" + (f" = {_default(prop.doc)}" if prop.optional else ""))
        if params.index is not None:
            args.append(f"**kwargs: {emitter.typed(params.index.type, f'{hint} value')}")
        signature = f"*, {', '.join(args)}"
    elif isinstance(params, ObjectType) and not params.properties and params.index is not None:
        value = emitter.typed(params.index.type, f"{hint} value")
        signature = f"**kwargs: {value}" if value != "NoReturn" else ""
    else:
        text = emitter.typed(params, hint)
        signature = f"args: {text}{' = ...' if tool.params_optional else ''}, /"
    doc = _tool_docstring(tool, kwargs)
    body = _docstring(doc, INDENT * 2) if doc else f"{INDENT * 2}...\n"
    return f"{INDENT}@staticmethod\n{INDENT}async def {tool.identifier}({signature}) -> {returns}:\n{body}"


def _namespace(emitter: _Emitter, name: str, tools: list[_Tool]) -> str:
    if not tools:
        return f"class {name}: ...\n"
    return f"class {name}:\n" + "".join(_method(emitter, tool) for tool in tools)


def _emit(namespaces: Mapping[str, Sequence[ToolLike]]) -> str:
    read = _read(namespaces)
    table = AliasTable()
    table.taken.update(RESERVED_PY_TYPE_NAMES, (ns for ns, _ in read))
    parsed = _parse(read, table)
    emitter = _Emitter(table)
    for old in table.aliases:
        emitter.names[old] = old
    aliases = [emitter.alias(Alias(a.name, table.resolve(a.type), a.doc)) for a in table.aliases.values()]
    blocks = [_namespace(emitter, ns, tools) for ns, tools in parsed]
    imports = sorted(emitter.used & set(_TYPING_NAMES))
    header = f"from typing import {', '.join(imports)}\n" if imports else ""
    sections = [header, *aliases, *emitter.classes, *blocks]
    return "\n".join(section for section in sections if section)


def render_python_stubs(namespaces: Mapping[str, Sequence[ToolLike]]) -> str:
    """A Python stub of every tool: `class <ns>:` per namespace with one `async def` per tool, after
    the `TypedDict` classes and aliases they use. Raises `NameCollisionError` when two tools of a
    namespace (or two namespaces) get the same Python identifier."""
    return _emit(namespaces)


def render_python_tool(namespace: str, tool: ToolLike) -> str:
    """The stub of one tool, standalone: its namespace with only this tool, and the types it uses."""
    return _emit({namespace: [tool]})
