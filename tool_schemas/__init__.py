"""tool_schemas: MCP tool definitions (JSON Schema) in, TypeScript declarations out.

Pure: JSON in, text out; imports nothing else of ours. The pipeline, one module per stage:

    spec.read_tool      an MCP Tool or dict -> ToolSpec
    normalize           one schema node in any dialect -> its canonical form (named rules)
    parse               a schema document -> the TypeScript type IR (ir.py); refs.py picks the aliases
    share               repeated property docs and object types stated once (compact style)
    emit                the IR -> text, compact or jsdoc style, with the docs from docs.py
    render              the full renderings over namespaces of tools
    listing             the short forms: a one-line-per-tool index, a one-line-per-namespace overview

Names follow identifiers.py; errors.py holds the exception tree. `python -m tool_schemas TOOLS.json`
prints the declarations of a tools/list array. python_stubs.py renders the same IR as a Python stub
(`--language python`).
"""

from tool_schemas.emit import Style
from tool_schemas.errors import DeclarationError, NameCollisionError
from tool_schemas.identifiers import sanitize_identifier
from tool_schemas.listing import render_index, render_overview
from tool_schemas.python_stubs import python_identifier, render_python_stubs, render_python_tool
from tool_schemas.render import render_declarations, render_tool

__all__ = [
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
