"""`python -m tool_schemas TOOLS.json [--namespace NAME] [--jsdoc | --index | --overview]
[--language python]`: print the declarations of a `tools/list` array (compact TypeScript by default,
or a Python stub), or one of its short forms.

Exit 0 with the declarations on stdout; 2 for unreadable input (the file, its JSON, not an array); 1
for a tool that cannot be declared (two names that sanitize to one identifier, a tool without a name).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from tool_schemas.errors import DeclarationError
from tool_schemas.listing import render_index, render_overview
from tool_schemas.python_stubs import render_python_stubs
from tool_schemas.render import render_declarations


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tool_schemas",
        description="Print TypeScript declarations for a JSON array of MCP tools (as tools/list returns).",
    )
    parser.add_argument(
        "tools", metavar="TOOLS.json", help="a JSON array of MCP tool objects ('-' for stdin)"
    )
    parser.add_argument(
        "--namespace", default="codemode", help="the namespace to declare (default: codemode)"
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument(
        "--jsdoc", action="store_true", help="readable declarations: indented, with /** */ comments"
    )
    form.add_argument("--index", action="store_true", help="print the one-line-per-tool index instead")
    form.add_argument(
        "--overview", action="store_true", help="print one line per namespace: tool and argument names"
    )
    form.add_argument("--names", action="store_true", help="print one line per namespace: tool names only")
    parser.add_argument(
        "--language",
        choices=("typescript", "python"),
        default="typescript",
        help="the language of the declarations (default: typescript; python prints a .pyi stub)",
    )
    return parser


def _render(args: argparse.Namespace, tools: list[object]) -> str:
    namespaces = {args.namespace: tools}
    if args.index:
        return render_index(namespaces)
    if args.overview:
        return render_overview(namespaces)
    if args.names:
        return render_overview(namespaces, arguments=False)
    if args.language == "python":
        return render_python_stubs(namespaces)
    return render_declarations(namespaces, style="jsdoc" if args.jsdoc else "compact")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.tools == "-":
            text = sys.stdin.read()
        else:
            with open(args.tools, encoding="utf-8") as handle:
                text = handle.read()
        tools = json.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {args.tools}: {error}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as error:
        print(
            f"error: {args.tools} is not valid JSON ({error}); expected an array of MCP tools",
            file=sys.stderr,
        )
        return 2
    if isinstance(tools, dict) and isinstance(tools.get("tools"), list):
        tools = tools["tools"]
    if not isinstance(tools, list):
        print(
            f"error: {args.tools} holds a JSON {type(tools).__name__}, expected an array of MCP tool objects "
            '(or a tools/list result {"tools": [...]})',
            file=sys.stderr,
        )
        return 2
    try:
        sys.stdout.write(_render(args, tools))
    except DeclarationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
