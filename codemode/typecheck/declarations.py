"""The declarations the checker checks against: exactly what the model can call.

With the full catalog in the description, that is the rendered declarations. Over the token budget
the model reads an index and gets two global functions, `search` and `describe`; the checker still
holds every tool's full declaration (a misspelt tool or a wrong argument is a bug whether or not the
model looked it up first), plus those two functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["DISCOVERY_DECLARATIONS", "shown_declarations"]

DISCOVERY_DECLARATIONS = """\
/** The tools that best match what you need, best first. */
declare function search(query: string): Promise<{ name: string; summary: string }[]>;
/** The full TypeScript declarations of the named tools ("namespace.tool"), as one text. */
declare function describe(names: string | string[]): Promise<string>;
"""
"""The two guest functions of discovery mode (`codemode.discovery`), as TypeScript. `describe` takes
one name or a list (the list form is the discovery rework's): typed to accept both, never a false alarm."""


def shown_declarations(declarations: str, *, discovery: bool, untyped: Iterable[str] = ()) -> str:
    """What to give `TypeChecker.set_declarations` for a catalog rendered as `declarations`.

    `untyped`: namespaces the program can reach but whose tools are not declared (a server still
    starting or down: a call throws a message the program may catch), declared `any`.
    """
    text = declarations + "\n" + DISCOVERY_DECLARATIONS if discovery else declarations
    missing = [ns for ns in untyped if not re.search(rf"^declare const {re.escape(ns)}\b", text, re.M)]
    return text + "".join(f"declare const {ns}: any;\n" for ns in missing)
