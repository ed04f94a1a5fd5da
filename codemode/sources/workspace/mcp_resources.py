"""The workspace in the MCP server: which session a request belongs to, and files as MCP resources.

`in_session(headers)` sets `sessions.current_session` for the request: the HTTP transport's
`mcp-session-id` (the session manager has already refused unknown ids), `NO_SESSION` for an HTTP
request without one, nothing at all on stdio (one client, the default session). `resources/list`
and `resources/read` then see the files of that session's workspace (or the shared one).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import anyio.to_thread
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.types import Resource as MCPResource

from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.resources import SCHEME, list_resources, read_resource
from codemode.sources.workspace.sessions import NO_SESSION, current_session
from codemode.sources.workspace.source import WorkspaceSource

__all__ = ["handles", "in_session", "list_mcp_resources", "read_mcp_resource", "session_key"]

_SESSION_HEADER = "mcp-session-id"


def session_key(headers: Mapping[str, str] | None) -> str | None:
    """The session a request belongs to: None on stdio, `NO_SESSION` for HTTP without a session."""
    if headers is None:
        return None
    return headers.get(_SESSION_HEADER) or NO_SESSION


@contextmanager
def in_session(headers: Mapping[str, str] | None) -> Iterator[None]:
    """Run the block as the request's session (on stdio, as the default session)."""
    key = session_key(headers)
    if key is None:
        yield
        return
    token = current_session.set(key)
    try:
        yield
    finally:
        current_session.reset(token)


def handles(uri: str) -> bool:
    """Whether `uri` names a workspace file."""
    return uri.startswith(f"{SCHEME}:")


async def list_mcp_resources(source: WorkspaceSource) -> list[MCPResource]:
    """The current session's files (none for a request without a session in session scope)."""
    session = current_session.get()
    try:
        entries = await anyio.to_thread.run_sync(lambda: list_resources(source.store_for(session)))
    except WorkspaceError:
        return []
    return [
        MCPResource(uri=entry.uri, name=entry.name, mime_type=entry.mime_type, size=entry.size)
        for entry in entries
    ]


async def read_mcp_resource(source: WorkspaceSource, uri: str) -> list[ReadResourceContents]:
    """One file of the current session's workspace, as text or bytes."""
    session = current_session.get()
    try:
        content = await anyio.to_thread.run_sync(lambda: read_resource(source.store_for(session), uri))
    except WorkspaceError as error:
        raised = ResourceNotFoundError if error.code == "ENOENT" else ResourceError
        raise raised(str(error)) from None
    body = content.text if content.text is not None else content.data or b""
    return [ReadResourceContents(content=body, mime_type=content.mime_type)]
