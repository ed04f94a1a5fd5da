"""The workspace: a persistent file system for programs, backed by SQLite (the namespace `workspace`).

Programs keep what they fetched or made across `code` calls (`await workspace.writeFile({...})`) and
users get the files back (`codemode workspace get`, MCP resources). See docs/workspace.md.

```
paths.py         every rule a path must pass, where paths enter
store.py         the `Store` interface a backend implements (SQLite today, a server database later)
sqlite_store.py  `SqliteStore`: WAL, one transaction per change, blobs beside the database
blobs.py         large files as blob files, written atomically
globbing.py      glob patterns; text.py: search, replace, diff
arguments.py     the argument and result types programs see; methods.py: the namespace's methods
operations.py    what each method does on a store; source.py: `WorkspaceSource`, the tool source
sessions.py      `session` scope: one store per MCP session; resources.py: files as MCP resources
settings.py      the config's `"workspace"` entry; location.py: the default directory
```
"""

from codemode.sources.workspace.errors import WorkspaceError
from codemode.sources.workspace.location import default_directory
from codemode.sources.workspace.paths import WorkspacePath, check_path
from codemode.sources.workspace.sessions import current_session
from codemode.sources.workspace.settings import WorkspaceSettings
from codemode.sources.workspace.source import NAMESPACE, WorkspaceSource
from codemode.sources.workspace.sqlite_store import SqliteStore
from codemode.sources.workspace.store import MIB, Entry, Store, StoreLimits, Usage

__all__ = [
    "MIB",
    "NAMESPACE",
    "Entry",
    "SqliteStore",
    "Store",
    "StoreLimits",
    "Usage",
    "WorkspaceError",
    "WorkspacePath",
    "WorkspaceSettings",
    "WorkspaceSource",
    "check_path",
    "current_session",
    "default_directory",
]
