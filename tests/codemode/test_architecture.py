"""The shape of the code: no import cycle in our three packages, and the arrows point one way.

The import graph is read from the source with `ast`: every `import` and `from ... import`, at module
level or inside a function (a lazy import is still an arrow), except those under `if TYPE_CHECKING:`
(never run). `from package import name` points at the submodule when `name` is one, else at the
package. Importing `a.b.c` also runs `a/__init__` and `a/b/__init__` first, so each import points at
those packages too, unless the importer lives inside them (then their `__init__` is already running:
the usual re-export pattern, not a cycle). That catches a package `__init__` that pulls in a module
importing it back. The entry points are then imported first in a fresh interpreter state.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("codemode", "sandbox", "tool_schemas")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            yield from (n for other in child.orelse for n in _import_nodes_of(other))
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _import_nodes(child)


def _import_nodes_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    yield from _import_nodes(node)


def _imports(module: str, path: Path) -> set[str]:
    """The modules of ours that `module` imports."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in MODULES else base)
    ours = {target for target in targets if target in MODULES}
    for target in list(ours):
        parts = target.split(".")
        for depth in range(1, len(parts)):
            ancestor = ".".join(parts[:depth])
            if ancestor in MODULES and not module.startswith(ancestor + ".") and module != ancestor:
                ours.add(ancestor)
    return ours - {module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycle() -> list[str] | None:
    """One import cycle, as the path of modules that closes it; None when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (found := visit(module)) is not None:
            return found
    return None


def test_the_graph_sees_the_modules_and_their_imports() -> None:
    # A reader that found nothing would pass every test below: check it reads real arrows.
    assert len(MODULES) > 100
    assert "codemode.engine" in GRAPH["codemode.app"]
    assert "sandbox.limits" in GRAPH["sandbox"]  # a relative import, resolved
    assert "codemode.sources.upstream.server" in GRAPH["codemode.sources.upstream"]


def test_there_is_no_import_cycle() -> None:
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("package", ["sandbox", "tool_schemas"])
def test_the_libraries_import_nothing_of_the_product(package: str) -> None:
    for module, targets in GRAPH.items():
        if module.split(".")[0] == package:
            assert not {t for t in targets if t.split(".")[0] not in (package,)}, module


def test_the_engine_is_given_its_parts_and_builds_none() -> None:
    """Config, sources and the world are wired in `codemode.app`; the engine only runs programs."""
    forbidden = ("codemode.app", "codemode.config", "codemode.world", "codemode.sources.toolbox")
    forbidden += ("codemode.sources.python", "codemode.sources.upstream")
    for module in ("codemode.engine", "codemode.description", "codemode.mcp_server"):
        reached = {t for t in GRAPH[module] if any(t == f or t.startswith(f + ".") for f in forbidden)}
        assert not reached, f"{module} imports {sorted(reached)}"


def test_product_code_never_reads_the_tests() -> None:
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8").replace(" ", "")
        assert '/"tests"' not in text and '"tests"/' not in text, f"{module} builds a path into tests/"


#: Where a program starts importing us: each must work first, with nothing of ours loaded yet.
ENTRY_POINTS = (
    "codemode",
    "codemode.cli",
    "codemode.app",
    "codemode.config",
    "codemode.engine",
    "codemode.sources.protocol",
    "codemode.sources.upstream",
    "codemode.agent",
    "codemode.world",
    "sandbox",
    "tool_schemas",
)


def test_every_entry_point_imports_on_its_own() -> None:
    script = (
        "import importlib, sys\n"
        f"for name in {ENTRY_POINTS!r}:\n"
        f"    for loaded in [m for m in sys.modules if m.split('.')[0] in {PACKAGES!r}]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
