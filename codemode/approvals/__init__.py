"""Approvals: a person says yes before a program runs a tool that needs it.

```
policy.py     which calls need approval (config `approve`, `destructiveHint`, `approve=True`)
render.py     the call as a person reads it; the arguments' digest for the log
gate.py       one run's gate: ask, remember "the rest of this run", time out, fall back, log
elicit.py     asking an MCP client: `elicitation/create` (2025-11-25) and its form
rounds.py     asking an MCP client of the 2026-07-28 era: input-required results, the run kept waiting
mcp.py        which way the MCP server asks a given client, who it is, the decisions it is told
terminal.py   asking in a terminal (`codemode agent`, `codemode exec`), or `--yes`
```
"""

from codemode.approvals.gate import Answer, ApprovalDecision, ApprovalGate, Asker, Question
from codemode.approvals.policy import APPROVAL_GUIDE, APPROVAL_TAG, DEFAULT_TIMEOUT_S, ApprovalPolicy
from codemode.approvals.render import arguments_digest, render_arguments

__all__ = [
    "APPROVAL_GUIDE",
    "APPROVAL_TAG",
    "DEFAULT_TIMEOUT_S",
    "Answer",
    "ApprovalDecision",
    "ApprovalGate",
    "ApprovalPolicy",
    "Asker",
    "Question",
    "arguments_digest",
    "render_arguments",
]
