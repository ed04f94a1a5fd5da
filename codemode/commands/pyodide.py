"""`codemode pyodide install | status`: the Pyodide runtime that runs Python programs.

`install` fetches the pinned release once into the user's cache (progress on stderr), checks it and
builds its memory snapshot; everything works offline afterwards. `status` says whether it is there
and, with `--verify`, whether every file still matches its recorded sha-256. Exit 0 when installed
and sound, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pyodide",
        help="install or check the Pyodide runtime for Python programs (fetched once, offline after)",
        description="The Pyodide runtime that runs Python programs in the sandbox.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser("install", help="fetch, check and snapshot the pinned release (once)")
    install.add_argument("--force", action="store_true", help="reinstall even when already installed")
    install.set_defaults(handler=run_install)
    status = actions.add_parser("status", help="is the runtime installed (and, with --verify, unchanged)?")
    status.add_argument("--verify", action="store_true", help="hash every file against the install record")
    status.set_defaults(handler=run_status)


def run_install(args: argparse.Namespace) -> int:
    from sandbox import SandboxError
    from sandbox.deno import find_deno
    from sandbox.pyodide_runtime import install_pyodide

    try:
        runtime = install_pyodide(find_deno(None), force=args.force)
    except SandboxError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(runtime.directory)
    return 0


def run_status(args: argparse.Namespace) -> int:
    from sandbox.pyodide_runtime import PYODIDE_VERSION, find_pyodide, verify_pyodide

    runtime = find_pyodide()
    if runtime is None:
        print(f"Pyodide {PYODIDE_VERSION}: not installed (run `codemode pyodide install`)")
        return 1
    problems = verify_pyodide(runtime) if args.verify else []
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"Pyodide {PYODIDE_VERSION}: {'broken' if problems else 'installed'} in {runtime.directory}")
    return 1 if problems else 0
