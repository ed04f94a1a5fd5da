"""Which tool calls a person must approve, and how a tool is marked for the model.

A call needs approval when the tool matches one of the config's `approve` glob patterns over
`namespace.tool`, when its MCP annotations say `destructiveHint: true` (unless
`approve_destructive` is false), or when a Python tool was registered with `approve=True`.

```python
policy = ApprovalPolicy(approve=("tracker.close_issue", "github.delete_*"))
policy.reason(tool)   # "it matches `approve` pattern `github.delete_*`", or None: no approval needed
```
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from codemode.sources.protocol import ToolInfo

__all__ = ["APPROVAL_GUIDE", "APPROVAL_TAG", "DEFAULT_TIMEOUT_S", "ApprovalPolicy", "Fallback"]

Fallback = Literal["deny", "allow"]
"""What happens to a gated call when the client cannot ask a person (no elicitation)."""

DEFAULT_TIMEOUT_S = 300.0
"""How long a question waits for its answer before the call is declined: five minutes."""

APPROVAL_TAG = "(needs approval)"
"""Leads the description of every tool that needs approval, so the model knows (the index too)."""

APPROVAL_GUIDE = (
    f"Tools marked {APPROVAL_TAG} ask a person before each call; if they refuse, the call throws "
    "`ApprovalDeclined` and nothing ran (catch it to go on without that call)."
)
"""Said once in the `code` tool's description when any tool needs approval."""


@dataclass(frozen=True)
class ApprovalPolicy:
    """The approval settings of one server or command (the config's `codemode` section)."""

    approve: tuple[str, ...] = ()
    """Glob patterns over `namespace.tool` (`tracker.close_issue`, `github.delete_*`) that need approval."""
    approve_destructive: bool = True
    """Also gate every tool whose MCP annotations say `destructiveHint: true`."""
    fallback: Fallback = "deny"
    """For clients that cannot ask a person: refuse the call (`deny`) or let it run (`allow`)."""
    timeout_s: float = DEFAULT_TIMEOUT_S
    """Seconds a question waits for an answer; no answer in time declines the call."""

    def __post_init__(self) -> None:
        if not self.timeout_s > 0:
            raise ValueError(
                f"the approval timeout must be a positive number of seconds, got {self.timeout_s}"
            )

    def reason(self, tool: ToolInfo) -> str | None:
        """Why a call of `tool` needs approval, in words for messages; None when it does not."""
        for pattern in self.approve:
            names = (tool.qualified_name, f"{tool.namespace}.{tool.original_name}")
            if any(fnmatchcase(name, pattern) for name in names):
                return f"it matches the `approve` pattern `{pattern}`"
        if tool.needs_approval:
            return "its Python definition asks for approval"
        if self.approve_destructive and (tool.annotations or {}).get("destructiveHint") is True:
            return "its server marks it destructive (`destructiveHint`)"
        return None

    def needs_approval(self, tool: ToolInfo) -> bool:
        """Whether a person is asked before each call of `tool`."""
        return self.reason(tool) is not None

    def how_to_allow(self, tool: ToolInfo) -> str:
        """The config change that lets `tool` run without a person, for the fallback message."""
        reason = self.reason(tool) or ""
        if "pattern" in reason:
            pattern = reason.rsplit("`", 2)[-2]
            way = f'remove "{pattern}" from "approve"'
        elif "destructive" in reason:
            way = 'set "approve_destructive": false'
        else:
            way = "change its Python definition (approve=False)"
        return f'in the `codemode` section of the config, {way} or set "approval_fallback": "allow"'

    def mark(self, tool: ToolInfo) -> ToolInfo:
        """`tool` with `APPROVAL_TAG` leading its description when it needs approval, else unchanged.

        The tag leads so that the one-line index, which shows a description's first sentence,
        carries it too.
        """
        if not self.needs_approval(tool):
            return tool
        return dataclasses.replace(tool, description=f"{APPROVAL_TAG} {tool.description}".rstrip())
