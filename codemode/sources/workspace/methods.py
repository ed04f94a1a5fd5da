"""The `workspace` namespace as the program sees it: every method's name, description and types.

The first method's description carries what holds for all of them (persistence, absolute paths), so
it is said once in the declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from codemode.sources.protocol import ToolInfo
from codemode.sources.workspace import operations as op
from codemode.sources.workspace.arguments import (
    BytesArgs,
    ContentArgs,
    CopyArgs,
    DirEntry,
    GlobArgs,
    JsonArgs,
    MkdirArgs,
    MoveArgs,
    OptionalPathArgs,
    PathArgs,
    RemoveArgs,
    ReplaceArgs,
    Replacement,
    SearchArgs,
    SearchHit,
    Stat,
)
from codemode.sources.workspace.store import Store

__all__ = ["METHODS", "Method", "tool_infos"]


@dataclass(frozen=True)
class Method:
    """One method of the namespace."""

    name: str
    """The name the program calls."""
    description: str
    """Shown above the declaration."""
    arguments: type[BaseModel]
    """Validates the one object argument; its JSON Schema is the input schema."""
    output: Any
    """The result type (its JSON Schema is the output schema)."""
    run: Callable[[Store, Any], Any]
    """The operation, given the store and the validated arguments."""
    read_only: bool
    """Changes nothing (the MCP `readOnlyHint`)."""
    destructive: bool = False
    """Deletes data (the MCP `destructiveHint`, which approvals ask a person about by default). Only
    `rm`: writes, copies and moves are the workspace's everyday work, and asking a person for each
    would make it unusable under `approve_destructive`."""


_M = Method
METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        _M(
            "readFile",
            "Read a UTF-8 text file. The workspace is a file system that persists across your programs "
            "(files written in one `code` call are there in the next). Paths are absolute, like "
            "/reports/q3.md. Errors name the code and path: `ENOENT: /x does not exist`.",
            PathArgs,
            str,
            op.read_file,
            True,
        ),
        _M(
            "writeFile",
            "Create or replace a text file; missing parent directories are created.",
            ContentArgs,
            None,
            op.write_file,
            False,
        ),
        _M(
            "appendFile",
            "Append text to a file, creating it if needed.",
            ContentArgs,
            None,
            op.append_file,
            False,
        ),
        _M("readFileBytes", "Read any file as base64.", PathArgs, str, op.read_file_bytes, True),
        _M(
            "writeFileBytes",
            "Create or replace a file from base64.",
            BytesArgs,
            None,
            op.write_file_bytes,
            False,
        ),
        _M("readJson", "Read and parse a JSON file.", PathArgs, Any, op.read_json, True),
        _M("writeJson", "Write a value as a JSON file.", JsonArgs, None, op.write_json, False),
        _M("exists", "Whether a file or directory exists.", PathArgs, bool, op.exists, True),
        _M(
            "stat", "A file's or directory's type, size and modification time.", PathArgs, Stat, op.stat, True
        ),
        _M("mkdir", "Create a directory.", MkdirArgs, None, op.mkdir, False),
        _M(
            "readdir", "List a directory, sorted by name.", OptionalPathArgs, list[DirEntry], op.readdir, True
        ),
        _M("glob", "Paths of the files matching a pattern, sorted.", GlobArgs, list[str], op.glob, True),
        _M("rm", "Remove a file or directory.", RemoveArgs, None, op.remove, False, True),
        _M(
            "cp",
            "Copy a file (replacing a file at `to`) or a directory (to a new path).",
            CopyArgs,
            None,
            op.copy,
            False,
        ),
        _M(
            "mv",
            "Move or rename a file (replacing a file at `to`) or a directory (to a new path).",
            MoveArgs,
            None,
            op.move,
            False,
        ),
        _M(
            "searchText",
            "Lines of text files that contain `query` (case-insensitive unless `caseSensitive`).",
            SearchArgs,
            list[SearchHit],
            op.search_text,
            True,
        ),
        _M(
            "replaceInFiles",
            "Replace every match in the files matching `glob` (case-sensitive); all files are written "
            "or none. Returns the files that change.",
            ReplaceArgs,
            list[Replacement],
            op.replace_in_files,
            False,
        ),
        _M("diff", "Unified diff of two text files (empty when equal).", MoveArgs, str, op.diff, True),
    )
}
"""Every method, in the order the declarations list them."""


class _NoTitles(GenerateJsonSchema):
    """Pydantic's schema without the `title`s it invents (noise in the declarations)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def tool_infos(namespace: str) -> list[ToolInfo]:
    """The methods as tools of `namespace`."""
    return [_info(namespace, method) for method in METHODS.values()]


def _info(namespace: str, method: Method) -> ToolInfo:
    input_schema = method.arguments.model_json_schema(by_alias=True, schema_generator=_NoTitles)
    input_schema.pop("title", None)
    output_schema = None
    if method.output is None:
        output_schema = {"type": "null"}
    elif method.output is not Any:
        output_schema = TypeAdapter(method.output).json_schema(
            mode="serialization", schema_generator=_NoTitles
        )
    hints = {"readOnlyHint": method.read_only}
    if not method.read_only:
        hints["destructiveHint"] = method.destructive
    return ToolInfo(
        namespace=namespace,
        name=method.name,
        original_name=method.name,
        description=method.description,
        input_schema=input_schema,
        output_schema=output_schema,
        annotations=hints,
    )
