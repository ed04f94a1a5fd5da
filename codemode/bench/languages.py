"""The benchmark's two program languages: which solution a task runs, and the `code` tool the model reads.

TypeScript is what `codemode serve` speaks by default; Python is the same server with
`"language": "python"` (issue #15): the same tools, run in Pyodide inside the same sandbox. A task's
plan is the same in both (`Task.code`, `Task.python`), and so are its oracles and its classic replay;
what differs is the program text and the `code` tool's description, which is what this module gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from codemode.bench.tasks import Task
from codemode.bench.trace import ToolCall
from codemode.dialect import LANGUAGES, Language
from codemode.engine import CodeMode

__all__ = ["LANGUAGES", "Language", "code_description", "discovery_program", "solution", "turn_programs"]


def turn_programs(task: Task, language: Language) -> list[tuple[str, str]]:
    """Each turn's (prompt, solution program in `language`), the first turn first; a program is
    empty when the task has none in that language."""
    return [(prompt, python if language == "python" else code) for prompt, code, python in task.turns()]


def solution(task: Task, language: Language) -> str:
    """The task's first solution program in `language` (empty when the task has none in it)."""
    return turn_programs(task, language)[0][1]


def code_description(engine: CodeMode) -> str:
    """The `code` tool's description as the model reads it, in the engine's language (Python: the
    Python guide and Python stubs at every budget form)."""
    return engine.description()


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
