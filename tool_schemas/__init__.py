"""tool_schemas: MCP tool definitions (JSON Schema) in, TypeScript declarations out.

Pure: JSON in, text out; imports nothing else of ours. The pipeline, one module per stage:

    spec.read_tool      an MCP Tool or dict -> ToolSpec
    normalize           one schema node in any dialect -> its canonical form (named rules)
    parse               a schema document -> the TypeScript type IR (ir.py); refs.py picks the aliases
    emit                the IR -> text, with JSDoc from docs.py
    render              the public renderings over namespaces of tools

Names follow identifiers.py; errors.py holds the exception tree. `python -m tool_schemas TOOLS.json`
prints the declarations of a tools/list array.
"""

from tool_schemas.errors import DeclarationError, NameCollisionError
from tool_schemas.identifiers import sanitize_identifier
from tool_schemas.render import render_declarations, render_index, render_tool

__all__ = [
    "DeclarationError",
    "NameCollisionError",
    "render_declarations",
    "render_index",
    "render_tool",
    "sanitize_identifier",
]
