"""Tool sources: where the tools behind `code` come from, and the `Toolbox` that holds them all.

```
protocol.py        ToolInfo, the ToolSource protocol (with status), SourceStatus, change listeners,
                   and the naming rule for namespaces
toolbox.py         Toolbox: every source by namespace; routes a call and checks it on the way in
python.py          PythonTools: typed Python functions as one namespace (docstrings.py reads their docs)
upstream/          UpstreamServer: one `mcpServers` entry (server.py), its wire (transport.py) and
                   its results as guest values (unwrap.py)
workspace/         WorkspaceSource: the persistent file system programs see as `workspace` (SQLite)
```

A new kind of source (the workspace, an OpenAPI document) is one more sibling module that
implements `ToolSource`; `codemode.app` is where sources are built from the config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemode.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from codemode.sources.protocol import (
        ChangeListeners,
        SourceState,
        SourceStatus,
        ToolInfo,
        ToolSource,
        classic_tool_name,
        namespace_identifier,
    )
    from codemode.sources.python import PythonTools
    from codemode.sources.toolbox import Toolbox

# Names are imported on first use: importing any submodule (`codemode.sources.protocol`) runs this
# file first, and `PythonTools` brings pydantic, which `codemode exec` over the demo does not need.
_EXPORTS: dict[str, str] = {
    "PythonTools": "codemode.sources.python",
    "Toolbox": "codemode.sources.toolbox",
    **dict.fromkeys(
        (
            "ChangeListeners",
            "SourceState",
            "SourceStatus",
            "ToolInfo",
            "ToolSource",
            "classic_tool_name",
            "namespace_identifier",
        ),
        "codemode.sources.protocol",
    ),
}

__all__ = [
    "ChangeListeners",
    "PythonTools",
    "SourceState",
    "SourceStatus",
    "ToolInfo",
    "ToolSource",
    "Toolbox",
    "classic_tool_name",
    "namespace_identifier",
]


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
