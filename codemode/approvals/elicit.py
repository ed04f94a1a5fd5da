"""Asking through an MCP client: the approval form, its answer, and `elicitation/create` (2025-11-25).

The question is a form elicitation: the message names the tool and shows its arguments, and one
required choice offers "Allow once" or "Allow <tool> for the rest of this run". Accept with a choice
allows; decline or cancel refuses. The same form goes out in both protocol eras: as a server request
here, inside an input-required result in `rounds.py`.
"""

from __future__ import annotations

import logging
from typing import Any

from mcp.server.mcpserver import Context
from mcp_types import ClientCapabilities, ElicitRequest, ElicitRequestFormParams, ElicitResult

from codemode.approvals.gate import Answer, Question

__all__ = ["CHOICE", "ElicitationAsker", "answer_of", "approval_request", "can_elicit"]

logger = logging.getLogger("codemode.approvals")

CHOICE = "allow"
"""The form's one field."""


def approval_request(question: Question) -> ElicitRequest:
    """The elicitation that asks `question`: the call shown, and the two ways to allow it."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            CHOICE: {
                "type": "string",
                "title": "Allow",
                "oneOf": [
                    {"const": "once", "title": "Allow once"},
                    {"const": "run", "title": f"Allow {question.tool} for the rest of this run"},
                ],
                "default": "once",
            }
        },
        "required": [CHOICE],
    }
    return ElicitRequest(params=ElicitRequestFormParams(message=question.text, requested_schema=schema))


def answer_of(result: ElicitResult) -> Answer:
    """The person's answer. Accept without a choice (a client that shows only accept/decline) is once."""
    if result.action == "decline":
        return Answer.DECLINE
    if result.action != "accept":
        return Answer.CANCEL
    choice = (result.content or {}).get(CHOICE, "once")
    if choice == "run":
        return Answer.RUN
    if choice == "once":
        return Answer.ONCE
    logger.warning("an approval came back with an unknown choice %r; taken as a decline", choice)
    return Answer.DECLINE


def can_elicit(capabilities: ClientCapabilities | None) -> bool:
    """Whether the client declared form elicitation (a bare `elicitation: {}` means form)."""
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


class ElicitationAsker:
    """Asks with `elicitation/create` on the request's own channel (protocol 2025-11-25 and before)."""

    def __init__(self, context: Context[Any, Any]) -> None:
        self._context = context

    async def ask(self, question: Question) -> Answer:
        params = approval_request(question).params
        assert isinstance(params, ElicitRequestFormParams)
        try:
            result = await self._context.session.elicit_form(
                message=params.message,
                requested_schema=params.requested_schema,
                related_request_id=self._context.request_id,
            )
        except Exception:  # the client failed to answer: nobody said yes
            logger.warning("the client could not be asked about %s", question.tool, exc_info=True)
            return Answer.CANCEL
        return answer_of(result)
