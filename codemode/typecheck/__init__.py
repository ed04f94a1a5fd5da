"""Type-check a program against the declarations the model was shown, before anything runs.

The benchmark is `codemode.typecheck.bench.measure_typecheck`.

A warm TypeScript 7 language server (the native compiler, pinned and fetched once into the user's
cache) checks each program in milliseconds; only errors that are certainly bugs are reported (see
`policy`). The checker parses and checks the program; it never runs it. docs/typecheck.md has the
measurements behind every choice.

    async with TypeChecker() as checker:
        checker.set_declarations(shown_declarations(declarations, discovery=False))
        for diagnostic in await checker.check(code):
            print(diagnostic.line, diagnostic.column, diagnostic.message)
"""

from .checker import Diagnostic, TypeChecker
from .declarations import DISCOVERY_DECLARATIONS, shown_declarations
from .errors import CheckerCrashedError, CheckerError, CheckerUnavailableError
from .policy import COMPILER_OPTIONS, IGNORED_CODES
from .provision import TYPESCRIPT_VERSION, cache_dir, checker_binary, installed_binary
from .report import ERROR_NAME, error_json, rejected_result, rejection_text

__all__ = [
    "COMPILER_OPTIONS",
    "DISCOVERY_DECLARATIONS",
    "ERROR_NAME",
    "IGNORED_CODES",
    "TYPESCRIPT_VERSION",
    "CheckerCrashedError",
    "CheckerError",
    "CheckerUnavailableError",
    "Diagnostic",
    "TypeChecker",
    "cache_dir",
    "checker_binary",
    "error_json",
    "installed_binary",
    "rejected_result",
    "rejection_text",
    "shown_declarations",
]
