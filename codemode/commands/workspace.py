"""`codemode workspace`: see and move the files programs keep in the workspace.

    codemode workspace [--workspace DIR] [--config PATH] ls [PATH]   list a directory (default /)
    codemode workspace cat PATH                             print a file
    codemode workspace put LOCAL PATH                       store a local file (- reads stdin)
    codemode workspace get PATH LOCAL                       save a file locally (- writes stdout)
    codemode workspace rm [-r] PATH                         remove a file or directory
    codemode workspace export DIR                           copy every file into an empty local DIR
    codemode workspace import DIR [PATH]                    store every file under DIR (at PATH)

Without --workspace, the config's `workspace.dir`, else the default directory (the user's data
directory); the shared workspace, never a session's. Exit status: 0 done, 1 the
workspace refused (the message says why), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from codemode.commands._common import add_config_argument, add_workspace_argument, config_from_args, fail

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "workspace",
        help="list, read, write and export the files programs keep in the workspace",
        description="The workspace is the persistent file system programs see as `workspace`. "
        "These commands read and change it from the shell.",
    )
    add_workspace_argument(parser)
    add_config_argument(parser)
    actions = parser.add_subparsers(dest="workspace_action", metavar="ACTION")
    ls = actions.add_parser("ls", help="list a directory", description="List a directory (default /).")
    ls.add_argument("path", nargs="?", default="/", metavar="PATH")
    cat = actions.add_parser("cat", help="print a file", description="Print a file's bytes on stdout.")
    cat.add_argument("path", metavar="PATH")
    put = actions.add_parser("put", help="store a local file", description="Store LOCAL at PATH.")
    put.add_argument("local", metavar="LOCAL", help="a local file, or - for stdin")
    put.add_argument("path", metavar="PATH")
    get = actions.add_parser("get", help="save a file locally", description="Save PATH as LOCAL.")
    get.add_argument("path", metavar="PATH")
    get.add_argument("local", metavar="LOCAL", help="a local file, or - for stdout")
    rm = actions.add_parser("rm", help="remove a file or directory", description="Remove PATH.")
    rm.add_argument("-r", "--recursive", action="store_true", help="remove a directory with its contents")
    rm.add_argument("path", metavar="PATH")
    export = actions.add_parser(
        "export", help="copy every file into a local directory", description="Copy the workspace into DIR."
    )
    export.add_argument("dir", metavar="DIR", help="a new or empty local directory")
    imported = actions.add_parser(
        "import",
        help="store every file of a local directory",
        description="Store every regular file under DIR (symbolic links are skipped), replacing files "
        "of the same path.",
    )
    imported.add_argument("dir", metavar="DIR")
    imported.add_argument(
        "path", nargs="?", default="/", metavar="PATH", help="where to put them (default /)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from codemode.sources.workspace import SqliteStore, WorkspaceError, WorkspaceSettings

    action = getattr(args, "workspace_action", None)
    if action is None:
        fail("say what to do: codemode workspace {ls,cat,put,get,rm,export,import} ...")
    config = config_from_args(args)
    settings = config.settings.workspace if config is not None else WorkspaceSettings()
    directory = settings.directory(args.workspace)
    if directory.exists() and not directory.is_dir():
        fail(f"the workspace {directory} is not a directory")
    store = SqliteStore(directory, settings.limits())
    try:
        status: int = _ACTIONS[action](store, args)
        return status
    except WorkspaceError as error:
        print(f"codemode workspace: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _ls(store: Any, args: argparse.Namespace) -> int:
    from codemode.sources.workspace import check_path
    from codemode.sources.workspace.operations import to_stat

    path = check_path(args.path)
    entry = store.stat(path)
    entries = [entry] if entry is not None and entry.type == "file" else store.list_dir(path)
    for item in entries:
        stat = to_stat(item)
        name = item.path if item is entry else item.path.rpartition("/")[2]
        size = "-" if item.type == "dir" else f"{item.size:,}"
        print(f"{item.type:<4} {size:>14}  {stat['mtime']}  {name}{'/' if item.type == 'dir' else ''}")
    return 0


def _cat(store: Any, args: argparse.Namespace) -> int:
    from codemode.sources.workspace import check_path

    sys.stdout.buffer.write(store.read(check_path(args.path)))
    sys.stdout.buffer.flush()
    return 0


def _put(store: Any, args: argparse.Namespace) -> int:
    from codemode.sources.workspace import check_path

    path = check_path(args.path)
    if args.local == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(args.local).read_bytes()
        except OSError as error:
            fail(f"cannot read {args.local}: {error.strerror or error}")
    entry = store.write(path, data)
    print(f"{entry.path}: {entry.size:,} bytes", file=sys.stderr)
    return 0


def _get(store: Any, args: argparse.Namespace) -> int:
    from codemode.sources.workspace import check_path

    data = store.read(check_path(args.path))
    if args.local == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    _write_local(Path(args.local), data)
    return 0


def _rm(store: Any, args: argparse.Namespace) -> int:
    from codemode.sources.workspace import check_path

    store.remove(check_path(args.path), recursive=args.recursive)
    return 0


def _export(store: Any, args: argparse.Namespace) -> int:
    from codemode.sources.workspace import WorkspacePath
    from codemode.sources.workspace.paths import ROOT

    target = Path(args.dir)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        fail(f"export: {target} must be a new or empty directory")
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    pending: list[WorkspacePath] = [ROOT]
    while pending:
        directory = pending.pop()
        for entry in store.list_dir(directory):
            local = target / entry.path.lstrip("/")  # checked paths: no `..`, no absolute parts
            if entry.type == "dir":
                local.mkdir(exist_ok=True)
                pending.append(entry.path)
            else:
                _write_local(local, store.read(entry.path))
                count += 1
    print(f"exported {count} file(s) to {target}", file=sys.stderr)
    return 0


def _import(store: Any, args: argparse.Namespace) -> int:
    from codemode.sources.workspace import WorkspaceError, check_path

    source = Path(args.dir)
    if not source.is_dir():
        fail(f"import: {source} is not a directory")
    base = check_path(args.path)
    count = 0
    refused = 0
    for root, dirs, files in os.walk(source, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            local = Path(root) / name
            relative = local.relative_to(source).as_posix()
            if local.is_symlink() or not local.is_file():
                print(f"skipped {relative}: not a regular file", file=sys.stderr)
                continue
            try:
                store.write(check_path(f"{base.rstrip('/')}/{relative}"), local.read_bytes())
            except WorkspaceError as error:
                print(f"refused {relative}: {error}", file=sys.stderr)
                refused += 1
                continue
            count += 1
    print(f"imported {count} file(s) into {base}", file=sys.stderr)
    return 1 if refused else 0


def _write_local(path: Path, data: bytes) -> None:
    """Write a local file whole or not at all (a temporary file renamed over it)."""
    temp = path.with_name(f".{path.name}.codemode-tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        fail(f"cannot write {path}: {error.strerror or error}", status=1)


_ACTIONS = {
    "ls": _ls,
    "cat": _cat,
    "put": _put,
    "get": _get,
    "rm": _rm,
    "export": _export,
    "import": _import,
}
