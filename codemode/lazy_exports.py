"""A package's public names, imported on first use (PEP 562's module `__getattr__`).

`codemode`, `codemode.sources` and `codemode.world` re-export names from their submodules without
importing them up front: `codemode --help`, `codemode exec` over the demo and any import of one
submodule then pay only for what they touch (the MCP SDK, the model SDKs, pydantic, the world).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, exports: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The `__getattr__` of `package`: `exports` maps each name to the module that defines it; a name
    once imported is kept in `namespace` (the package's globals), so later lookups never come here."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
