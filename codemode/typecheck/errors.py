"""The exceptions the type checker raises, in one tree.

```
CodemodeError (codemode.errors)
└── CheckerError               base of the checker's infrastructure failures
    ├── CheckerUnavailableError  the pinned compiler is not installed and could not be fetched
    └── CheckerCrashedError      the compiler process died or broke the protocol
```

A program's type errors are never exceptions: `TypeChecker.check` returns them as diagnostics.
"""

from __future__ import annotations

from codemode.errors import CodemodeError

__all__ = ["CheckerCrashedError", "CheckerError", "CheckerUnavailableError"]


class CheckerError(CodemodeError):
    """The type checker itself failed (not the program it was checking)."""


class CheckerUnavailableError(CheckerError):
    """The pinned TypeScript compiler is missing and could not be fetched; the message says how to fix it."""


class CheckerCrashedError(CheckerError):
    """The compiler process exited, or answered something the protocol does not allow."""
