"""What each workspace method does, on any `Store`: paths checked here, then one or more store calls.

Every function is synchronous (the tool source runs it in a worker thread) and raises
`WorkspaceError` for anything it refuses. Reads that return content are capped at `MAX_READ_BYTES`,
the most one result can carry back into a program.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

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
from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.globbing import Glob, compile_glob
from codemode.sources.workspace.paths import ROOT, WorkspacePath, check_path, is_within, name_of
from codemode.sources.workspace.store import MIB, Entry, Store, format_size
from codemode.sources.workspace.text import (
    Deadline,
    compile_query,
    decode,
    js_replacement,
    replace_all,
    search_lines,
    unified_diff,
)

__all__ = [
    "MAX_DIFF_BYTES",
    "MAX_READ_BYTES",
    "append_file",
    "copy",
    "diff",
    "exists",
    "glob",
    "mkdir",
    "move",
    "read_file",
    "read_file_bytes",
    "read_json",
    "readdir",
    "remove",
    "replace_in_files",
    "search_text",
    "stat",
    "to_stat",
    "write_file",
    "write_file_bytes",
    "write_json",
]

MAX_READ_BYTES = 10 * MIB
"""Largest file a program reads in one call (results travel as one frame of at most 16 MiB)."""
MAX_DIFF_BYTES = 2 * MIB
"""Largest file `diff` compares."""


def read_file(store: Store, args: PathArgs) -> str:
    path = check_path(args.path)
    return decode(path, _read(store, path))


def write_file(store: Store, args: ContentArgs) -> None:
    store.write(check_path(args.path), args.content.encode("utf-8"))


def append_file(store: Store, args: ContentArgs) -> None:
    store.write(check_path(args.path), args.content.encode("utf-8"), append=True)


def read_file_bytes(store: Store, args: PathArgs) -> str:
    path = check_path(args.path)
    return base64.b64encode(_read(store, path)).decode("ascii")


def write_file_bytes(store: Store, args: BytesArgs) -> None:
    path = check_path(args.path)
    try:
        data = base64.b64decode(args.base64, validate=True)
    except (binascii.Error, ValueError):
        raise WorkspaceError("EINVAL", path, "was given `base64` that is not valid base64") from None
    store.write(path, data)


def read_json(store: Store, args: PathArgs) -> object:
    path = check_path(args.path)
    text = decode(path, _read(store, path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise WorkspaceError(
            "EINVAL", path, f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


def write_json(store: Store, args: JsonArgs) -> None:
    path = check_path(args.path)
    text = json.dumps(args.value, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    store.write(path, text.encode("utf-8"))


def exists(store: Store, args: PathArgs) -> bool:
    return store.stat(check_path(args.path)) is not None


def stat(store: Store, args: PathArgs) -> Stat:
    path = check_path(args.path)
    entry = store.stat(path)
    if entry is None:
        raise WorkspaceError("ENOENT", path, "does not exist")
    return to_stat(entry)


def mkdir(store: Store, args: MkdirArgs) -> None:
    store.mkdir(check_path(args.path), recursive=args.recursive)


def readdir(store: Store, args: OptionalPathArgs) -> list[DirEntry]:
    return [
        DirEntry(name=name_of(entry.path), type=entry.type, size=entry.size)
        for entry in store.list_dir(check_path(args.path))
    ]


def glob(store: Store, args: GlobArgs) -> list[WorkspacePath]:
    return _glob(store, compile_glob(args.pattern))


def remove(store: Store, args: RemoveArgs) -> None:
    store.remove(check_path(args.path), recursive=args.recursive)


def copy(store: Store, args: CopyArgs) -> None:
    store.copy(
        check_path(args.source, what="`from`"), check_path(args.target, what="`to`"), recursive=args.recursive
    )


def move(store: Store, args: MoveArgs) -> None:
    store.move(check_path(args.source, what="`from`"), check_path(args.target, what="`to`"))


def search_text(store: Store, args: SearchArgs) -> list[SearchHit]:
    path = check_path(args.path)
    pattern = compile_query(args.query, is_regex=args.regex, case_sensitive=args.case_sensitive)
    files = _files(store, path, args.glob)
    deadline = Deadline(args.query)
    hits: list[SearchHit] = []
    for entry, data in store.iter_files(files):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # binary files have no lines to show
        for line, shown in search_lines(pattern, text, deadline):
            hits.append(SearchHit(path=entry.path, line=line, text=shown))
            if len(hits) >= args.max_results:
                return hits
    return hits


def replace_in_files(store: Store, args: ReplaceArgs) -> list[Replacement]:
    pattern = compile_query(args.search, is_regex=args.regex, case_sensitive=True)
    replacement = js_replacement(args.replace, is_regex=args.regex)
    files = _files(store, ROOT, args.glob)
    deadline = Deadline(args.search)
    changed: list[tuple[WorkspacePath, bytes]] = []
    counts: list[Replacement] = []
    for entry, data in store.iter_files(files):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        new_text, count = replace_all(pattern, replacement, text, deadline)
        if count:
            counts.append(Replacement(path=entry.path, replacements=count))
            changed.append((entry.path, new_text.encode("utf-8")))
    if changed and not args.dry_run:
        store.write_many(changed)
    return counts


def diff(store: Store, args: MoveArgs) -> str:
    source = check_path(args.source, what="`from`")
    target = check_path(args.target, what="`to`")
    texts = []
    for path in (source, target):
        entry = store.stat(path)
        if entry is not None and entry.size > MAX_DIFF_BYTES:
            raise WorkspaceError(
                "EFBIG", path, f"is over {MAX_DIFF_BYTES // MIB} MiB, the most diff compares"
            )
        texts.append(decode(path, store.read(path)))
    return unified_diff(source, texts[0], target, texts[1])


def to_stat(entry: Entry) -> Stat:
    """An entry as `stat` returns it."""
    mtime = datetime.fromtimestamp(entry.mtime, UTC).isoformat(timespec="milliseconds")
    return Stat(path=entry.path, type=entry.type, size=entry.size, mtime=mtime.replace("+00:00", "Z"))


def _read(store: Store, path: WorkspacePath) -> bytes:
    entry = store.stat(path)
    if entry is not None and entry.size > MAX_READ_BYTES:
        raise WorkspaceError(
            "EFBIG",
            path,
            f"is {format_size(entry.size)}; a program reads at most {format_size(MAX_READ_BYTES)} at once "
            "(search it with searchText, or get it with `codemode workspace get`)",
        )
    return store.read(path)


def _files(store: Store, path: WorkspacePath, pattern: str) -> list[WorkspacePath]:
    """The files at or below `path` that match `pattern`."""
    compiled = compile_glob(pattern)
    if is_within(compiled.base, path):
        return _glob(store, compiled)
    if is_within(path, compiled.base):
        return _glob(store, compiled, path)
    return []  # disjoint: nothing below `path` can match


def _glob(store: Store, compiled: Glob, below: WorkspacePath | None = None) -> list[WorkspacePath]:
    """The files matching `compiled` (at or below `below`, when given, else its base): the store's
    `GLOB` match, then the regular expression where that is not exact."""
    base = compiled.base if below is None else below
    found = store.find_files(base, compiled.sql, children_of=compiled.children_of)
    return found if compiled.exact else [WorkspacePath(path) for path in compiled.filter(found)]
