"""Which way the MCP server asks a given client, who that client is, and the decisions it is told.

```
client declared form elicitation?   protocol          how
no                                  any               nobody can be asked: the fallback decides
yes                                 2025-11-25        `elicitation/create` during the call (elicit.py)
yes                                 2026-07-28        input-required rounds, the run kept waiting (rounds.py)
```
A 2025-11-25 request whose channel cannot carry a server request (stateless HTTP) cannot be asked
either. Every decision also goes to the client as an MCP log message (logger `codemode.approvals`).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, Literal

from mcp.server.mcpserver import Context
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp_types.version import is_version_at_least

from codemode.approvals.elicit import ElicitationAsker, can_elicit
from codemode.approvals.gate import NO_ELICITATION, ApprovalDecision, Asker

__all__ = ["asker_for", "cannot_ask", "client_label", "send_decision", "uses_rounds"]

logger = logging.getLogger("codemode.approvals")

ROUNDS_VERSION = "2026-07-28"
"""The first protocol version that asks through input-required results instead of server requests."""


def uses_rounds(context: Context[Any, Any]) -> bool:
    """Whether this client is asked in input-required rounds (2026-07-28 and declared elicitation)."""
    version = context.protocol_version
    modern = version is not None and is_version_at_least(version, ROUNDS_VERSION)
    return modern and can_elicit(context.client_capabilities)


def asker_for(context: Context[Any, Any]) -> Asker | None:
    """The asker for a client of the handshake era; None when it cannot be asked."""
    if not can_elicit(context.client_capabilities) or not context.session.can_send_request:
        return None
    return ElicitationAsker(context)


def cannot_ask(context: Context[Any, Any]) -> str:
    """Why `asker_for` found no way to ask this client, for the fallback's message."""
    if can_elicit(context.client_capabilities):
        return "this client cannot be asked during a call (the connection is stateless: no way back to it)"
    return NO_ELICITATION


def client_label(context: Context[Any, Any]) -> str:
    """Who answers, for the decision log: the client's name, and its session when there is one."""
    params = context.session.client_params
    name = params.client_info.name if params is not None and params.client_info is not None else "unnamed"
    session = (context.headers or {}).get("mcp-session-id")
    return f"client {name}" + (f", session {session}" if session else "")


async def send_decision(context: Context[Any, Any] | None, decision: ApprovalDecision) -> None:
    """Tell the client about a decision as a log message (warning when the call did not run)."""
    if context is None:
        return
    level: Literal["info", "warning"] = "info" if decision.allowed else "warning"
    with warnings.catch_warnings():
        # Deprecated in 2026-07-28 (SEP-2577) but what today's clients show; chosen, as for guest logs.
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        await context.log(level, decision.to_json(), logger_name="codemode.approvals")
