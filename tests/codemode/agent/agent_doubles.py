"""Tiny real stand-ins for the engine and the toolbox (a unique module name: `conftest` is taken)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from codemode.engine import EngineSettings
from codemode.errors import ToolError


@dataclass(frozen=True)
class Outcome:
    text: str
    is_error: bool


class ScriptedEngine:
    """Stands in for `CodeMode`: programs containing `oops` fail like a guest TypeError; others return 42."""

    def __init__(self) -> None:
        self.programs: list[str] = []
        self.settings = EngineSettings()

    def description(self) -> str:
        return "Run TypeScript.\ndeclare const crm: { count_customers(args: {}): Promise<number>; };"

    def approval_gate(self, asker: Any, *, who: str, cannot_ask: str | None = None) -> Any:
        return (asker, who)

    async def run(self, code: str, approvals: Any = None) -> Outcome:
        self.programs.append(code)
        if "oops" in code:
            return Outcome("TypeError: oops is not defined\n    at main (guest.ts:1:1)", True)
        return Outcome('{"result": 42}', False)


@dataclass(frozen=True)
class Info:
    namespace: str
    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass
class SmallToolbox:
    """Stands in for the Toolbox (a `ToolProvider`): two CRM tools; `get_customer` fails for unknown ids."""

    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def tools(self) -> Sequence[Info]:
        return [
            Info(
                "crm",
                "get_customer",
                "Get one customer by id.",
                {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
            ),
            Info("crm", "count_customers", "How many customers there are.", {"type": "object"}),
        ]

    async def call(self, namespace: str, name: str, arguments: dict[str, Any]) -> Any:
        self.calls.append((namespace, name, arguments))
        if name == "count_customers":
            return 3
        if arguments.get("id") not in {"C-1", "C-2"}:
            raise ToolError(f"customer `{arguments.get('id')}` not found; ids look like `C-1`")
        return {"id": arguments["id"], "name": f"Customer {arguments['id']}"}
