"""Workspace files as MCP resources: `workspace:///reports/q3.md`, listed and read, text or binary.

Independent of the MCP SDK's types: the server maps `ResourceEntry` and `ResourceContent` onto its
own. A URI is `workspace://` + the path, percent-encoded (`workspace:///My%20Notes/a.md`); reading
one goes through the same path rules as a program's call, so a URI cannot reach outside the workspace.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.paths import ROOT, WorkspacePath, check_path, name_of
from codemode.sources.workspace.store import Store

__all__ = [
    "SCHEME",
    "ResourceContent",
    "ResourceEntry",
    "list_resources",
    "path_of",
    "read_resource",
    "uri_of",
]

SCHEME = "workspace"
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/x-yaml")


@dataclass(frozen=True)
class ResourceEntry:
    """One file as `resources/list` shows it."""

    uri: str
    name: str
    """The file's path in the workspace."""
    mime_type: str
    size: int


@dataclass(frozen=True)
class ResourceContent:
    """One file as `resources/read` returns it: `text`, or `data` for binary content (sent as base64)."""

    uri: str
    mime_type: str
    text: str | None = None
    data: bytes | None = None


def uri_of(path: WorkspacePath) -> str:
    """`/reports/q3.md` -> `workspace:///reports/q3.md`."""
    return f"{SCHEME}://{quote(path, safe='/')}"


def path_of(uri: str) -> WorkspacePath:
    """The workspace path a `workspace:` URI names; EINVAL for any other URI."""
    parts = urlsplit(uri)
    if parts.scheme != SCHEME or parts.netloc or parts.query or parts.fragment:
        raise WorkspaceError(
            "EINVAL", uri, f"is not a workspace URI; they look like {SCHEME}:///reports/q3.md"
        )
    return check_path(unquote(parts.path, errors="strict"))


def list_resources(store: Store, limit: int = 1000) -> list[ResourceEntry]:
    """The first `limit` files, by path."""
    return [
        ResourceEntry(uri_of(entry.path), entry.path, _mime_type(entry.path), entry.size)
        for entry in store.walk(ROOT)[:limit]
    ]


def read_resource(store: Store, uri: str) -> ResourceContent:
    """A file's content: text when it is UTF-8 with a textual type, bytes otherwise."""
    path = path_of(uri)
    data = store.read(path)
    mime_type = _mime_type(path)
    if mime_type.startswith("text/") or mime_type in _TEXT_TYPES:
        try:
            return ResourceContent(uri, mime_type, text=data.decode("utf-8"))
        except UnicodeDecodeError:
            mime_type = "application/octet-stream"
    return ResourceContent(uri, mime_type, data=data)


def _mime_type(path: WorkspacePath) -> str:
    guessed, _ = mimetypes.guess_type(name_of(path), strict=False)
    if guessed:
        return guessed
    return (
        "text/plain"
        if "." not in name_of(path) or name_of(path).endswith((".log", ".txt"))
        else ("application/octet-stream")
    )
