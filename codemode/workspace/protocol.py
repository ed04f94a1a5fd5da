"""The tool-source protocol, imported from here only, so that it can be re-pointed in one place."""

from codemode.tools import ChangeListeners, SourceStatus, ToolInfo, ToolSource, namespace_identifier

__all__ = ["ChangeListeners", "SourceStatus", "ToolInfo", "ToolSource", "namespace_identifier"]
