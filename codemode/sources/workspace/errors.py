"""The one error of the workspace: a POSIX-style code, the path it concerns, and what is wrong.

```
CodemodeError
└── WorkspaceError             ENOENT, EEXIST, EISDIR, ENOTDIR, ENOTEMPTY, EINVAL, ENAMETOOLONG,
                               ENOSPC (quota), EFBIG (file size), EILSEQ (not UTF-8 text),
                               EPERM (the root), EBUSY (store locked too long), ETIMEDOUT (pattern)
```

`str(error)` is what a program sees as `Error.message`: `ENOENT: /reports/q3.md does not exist`.
The tool source turns it into a `ToolError`; the CLI prints it.
"""

from __future__ import annotations

from typing import Literal

from codemode.errors import CodemodeError

__all__ = ["ErrorCode", "WorkspaceError"]

ErrorCode = Literal[
    "ENOENT",
    "EEXIST",
    "EISDIR",
    "ENOTDIR",
    "ENOTEMPTY",
    "EINVAL",
    "ENAMETOOLONG",
    "ENOSPC",
    "EFBIG",
    "EILSEQ",
    "EPERM",
    "EBUSY",
    "ETIMEDOUT",
]


class WorkspaceError(CodemodeError):
    """A workspace operation was refused; nothing was changed."""

    def __init__(self, code: ErrorCode, path: str, problem: str) -> None:
        self.code: ErrorCode = code
        """The POSIX-style code, also the message's first word."""
        self.path = path
        """The path (or pattern) concerned, as the program wrote it or as normalized."""
        self.problem = problem
        """What is wrong, and what to do, after the path."""
        super().__init__(f"{code}: {path} {problem}" if path else f"{code}: {problem}")
