"""The names guest code sees the host's tools under: rules for namespaces and global functions.

`RESERVED_GLOBALS` is the one list of globals a namespace or global function may not take: the
harness relies on them or the guest needs them. The executor refuses such names, and the harness
receives the same list from the host at start-up and never installs over them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .errors import SettingsError

__all__ = ["RESERVED_GLOBALS", "check_names"]

RESERVED_GLOBALS: frozenset[str] = frozenset(
    {
        "AbortController",
        "Array",
        "ArrayBuffer",
        "Atomics",
        "BigInt",
        "Blob",
        "Boolean",
        "DataView",
        "Date",
        "Deno",
        "Error",
        "EvalError",
        "Function",
        "Headers",
        "Infinity",
        "Intl",
        "JSON",
        "Map",
        "Math",
        "NaN",
        "Number",
        "Object",
        "Promise",
        "Proxy",
        "RangeError",
        "ReferenceError",
        "Reflect",
        "RegExp",
        "Request",
        "Response",
        "Set",
        "SharedArrayBuffer",
        "String",
        "Symbol",
        "SyntaxError",
        "TextDecoder",
        "TextEncoder",
        "TypeError",
        "URIError",
        "URL",
        "URLSearchParams",
        "WeakMap",
        "WeakRef",
        "WeakSet",
        "WebAssembly",
        "atob",
        "btoa",
        "caches",
        "clearInterval",
        "clearTimeout",
        "console",
        "crypto",
        "fetch",
        "globalThis",
        "localStorage",
        "navigator",
        "performance",
        "process",
        "queueMicrotask",
        "self",
        "setInterval",
        "setTimeout",
        "structuredClone",
        "window",
    }
)
"""Globals a namespace or global function may not replace: the JavaScript built-ins a program
needs, and what the harness relies on (`console`, `Deno`, `fetch`)."""

_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")


def check_names(tools: Mapping[str, Sequence[str]], globals: Sequence[str]) -> None:
    """Raise SettingsError for a name the guest could not call or that would hide a built-in."""
    for ns in [*tools, *globals]:
        if ns in RESERVED_GLOBALS:
            raise SettingsError(f"namespace or global {ns!r} would hide the built-in {ns}; rename it")
    for ns in tools:
        if ns in globals:
            raise SettingsError(f"namespace {ns!r} would hide the global function {ns}; rename it")
    for ns, names in tools.items():
        if not _IDENTIFIER.match(ns):
            raise SettingsError(f"namespace {ns!r} is not a JavaScript identifier (sanitize it first)")
        for name in names:
            if not _IDENTIFIER.match(name):
                raise SettingsError(f"tool {ns}.{name!r} is not a JavaScript identifier (sanitize it first)")
    for name in globals:
        if not _IDENTIFIER.match(name):
            raise SettingsError(f"global function {name!r} is not a JavaScript identifier")
