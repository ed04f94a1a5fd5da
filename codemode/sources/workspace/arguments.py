"""The shapes programs see: one argument model per method and the result types, in JavaScript's casing.

Types are the schema: the JSON Schemas in the declarations come from these classes (pydantic), and the
same classes validate every call before it reaches the store. Models are strict (no coercion: `"1"`
is not a number) and refuse unknown keys, naming the accepted ones.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

__all__ = [
    "BytesArgs",
    "ContentArgs",
    "CopyArgs",
    "DirEntry",
    "GlobArgs",
    "JsonArgs",
    "MkdirArgs",
    "MoveArgs",
    "OptionalPathArgs",
    "PathArgs",
    "RemoveArgs",
    "ReplaceArgs",
    "Replacement",
    "SearchArgs",
    "SearchHit",
    "Stat",
]


class _Args(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True, populate_by_name=False
    )


class PathArgs(_Args):
    path: str


class OptionalPathArgs(_Args):
    path: str = "/"


class ContentArgs(_Args):
    path: str
    content: str


class BytesArgs(_Args):
    path: str
    base64: str
    """The bytes, base64-encoded (`btoa` of a binary string)."""


class JsonArgs(_Args):
    path: str
    value: Any


class MkdirArgs(_Args):
    path: str
    recursive: bool = False
    """Also create missing parents; no error if it exists."""


class RemoveArgs(_Args):
    path: str
    recursive: bool = False
    """Required to remove a non-empty directory."""


class CopyArgs(_Args):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    recursive: bool = False
    """Required to copy a directory."""


class MoveArgs(_Args):
    source: str = Field(alias="from")
    target: str = Field(alias="to")


class GlobArgs(_Args):
    pattern: str
    """Like `/reports/**/*.md`: `*` and `?` within a name, `**` any depth, `{a,b}`, `[abc]`."""


class SearchArgs(_Args):
    query: str
    path: str = "/"
    """A directory to search below, or one file."""
    glob: str = "/**"
    """Only files matching this pattern."""
    regex: bool = False
    """`query` is a regular expression (Python syntax)."""
    case_sensitive: bool = Field(False, alias="caseSensitive")
    max_results: Annotated[int, Field(ge=1, le=10_000)] = Field(100, alias="maxResults")


class ReplaceArgs(_Args):
    search: str
    replace: str
    """With `regex`, `$1`, `$<name>` and `$&` insert groups, as in JavaScript."""
    glob: str = "/**"
    """The files to change."""
    regex: bool = False
    dry_run: bool = Field(False, alias="dryRun")
    """Count the replacements without writing."""


class Stat(TypedDict):
    path: str
    type: Literal["file", "dir"]
    size: int
    mtime: str
    """ISO 8601, UTC."""


class DirEntry(TypedDict):
    name: str
    type: Literal["file", "dir"]
    size: int


class SearchHit(TypedDict):
    path: str
    line: int
    """From 1."""
    text: str


class Replacement(TypedDict):
    path: str
    replacements: int
