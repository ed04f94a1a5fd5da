"""The benchmark's two program languages: which solution a task runs, and the `code` tool the model reads.

TypeScript is what `codemode serve` speaks by default; Python is the same server with
`"language": "python"` (issue #15): the same tools, run in Pyodide inside the same sandbox. A task's
plan is the same in both (`Task.code`, `Task.python`), and so are its oracles and its classic replay;
what differs is the program text and the `code` tool's description, which is what this module gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal, get_args

from codemode.bench.tasks import Task
from codemode.bench.trace import ToolCall
from codemode.description import GUIDE
from codemode.engine import CodeMode
from tool_schemas.python_stubs import render_python_stubs

__all__ = ["LANGUAGES", "Language", "code_description", "discovery_program", "solution"]

Language = Literal["typescript", "python"]
"""A program language of the engine (`EngineSettings.language`)."""

LANGUAGES: tuple[Language, ...] = get_args(Language)
"""Every language, in report order."""

#: Stand-in for the Python guide until the engine describes Python itself (see `code_description`).
_PYTHON_GUIDE = """\
Run Python in a sandbox that can call the tools declared below, and get back only the program's \
answer. Call tools as `await namespace.tool(key=value)` (top-level `await` works); results are plain \
dicts and lists. Run independent calls together with `asyncio.gather`, filter and aggregate large \
results in code, and end with an expression holding just the answer (any JSON-ready value), or \
`return` it. `print()` and `logging` lines come back as notes. There is no network, file system or \
package install; only these tools and the standard library. A failing tool call raises an exception \
with the tool's message."""


def solution(task: Task, language: Language) -> str:
    """The task's solution program in `language` (empty when the task has none in it)."""
    return task.python if language == "python" else task.code


def code_description(engine: CodeMode) -> str:
    """The `code` tool's description as the model reads it in the engine's language.

    TypeScript: the engine's own. Python: a stand-in until the engine describes Python itself (the
    Python description is being written with `EngineSettings.language`; once it is, this returns
    `engine.description()` for both): the Python guide, then every tool as Python stubs when the
    engine shows every declaration, or the engine's index unchanged when it is in discovery mode.
    """
    described = engine.description()
    if engine.settings.language == "typescript":
        return described
    if engine.discovery:
        return described.replace(GUIDE, _PYTHON_GUIDE, 1)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for tool in engine.tools.tools():
        grouped.setdefault(tool.namespace, []).append(engine.settings.approvals.mark(tool).to_mcp_dict())
    return f"{_PYTHON_GUIDE}\n\n```python\n{render_python_stubs(grouped)}```"


def discovery_program(calls: Sequence[ToolCall], prompt: str, language: Language = "typescript") -> str:
    """The program a model writes first under the discovery index, returning plain text.

    It describes every tool the plan uses (their names are in the index it read). When the prompt
    does not name all of them, the model cannot be sure from the index alone, so the program first
    searches the prompt and returns the hits above the declarations.
    """
    names = list(dict.fromkeys(f"{call.namespace}.{call.name}" for call in calls))
    listed = ", ".join(json.dumps(name) for name in names)
    named = all(name in prompt or name.split(".", 1)[1] in prompt for name in names)
    if language == "python":
        if named:
            return f"await describe(names=[{listed}])"
        return (
            f"hits = await search(query={json.dumps(prompt)})\n"
            f"declarations = await describe(names=[{listed}])\n"
            '"\\n".join(f"{h[\'name\']}: {h[\'summary\']}" for h in hits) + "\\n\\n" + declarations'
        )
    if named:
        return f"return await describe([{listed}]);"
    return (
        f"const hits = await search({json.dumps(prompt)});\n"
        f"const declarations = await describe([{listed}]);\n"
        'return hits.map((h) => `${h.name}: ${h.summary}`).join("\\n") + "\\n\\n" + declarations;'
    )
