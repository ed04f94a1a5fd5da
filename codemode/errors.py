"""The exceptions codemode raises, in one tree.

```
CodemodeError                  base of everything below
├── ConfigError                the config file is invalid: names the file, the entry and the fix
├── ToolDefinitionError        a Python function cannot become a tool (unsupported signature, duplicate name)
├── NamespaceCollisionError    two tool sources would share one namespace in the declarations
└── ToolError                  a tool call failed: bad arguments, the tool's own error, an unreachable
    │                          upstream. Its message is what the guest program sees as `Error.message`.
    └── ApprovalDeclined       a person (or the approval fallback) did not allow the call; it did not run
```

Infrastructure failures raise; a model's mistakes (bad arguments, a tool that throws) become `ToolError`
messages that the sandbox rethrows inside the guest program.
"""

from __future__ import annotations

__all__ = [
    "ApprovalDeclined",
    "CodemodeError",
    "ConfigError",
    "NamespaceCollisionError",
    "ToolDefinitionError",
    "ToolError",
]


class CodemodeError(Exception):
    """Base class of every error codemode raises on purpose."""


class ConfigError(CodemodeError):
    """The config file (or a dict given to `parse_config`) is invalid; the message lists every problem."""


class ToolDefinitionError(CodemodeError):
    """A Python function cannot be registered as a tool; the message names the function and the fix."""


class NamespaceCollisionError(CodemodeError):
    """Two tool sources sanitize to the same namespace; the message names both."""


class ToolError(CodemodeError):
    """A tool call failed. The message is written for the model: it names the tool and what to change."""


class ApprovalDeclined(ToolError):
    """A call that needs approval was not allowed (declined, cancelled, unanswered, or no way to ask).

    The message starts with `ApprovalDeclined:` and names the tool, so the program can tell it apart
    from the tool's own errors; nothing ran.
    """
