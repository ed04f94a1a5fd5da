"""Upstream MCP servers as tool sources: one `mcpServers` entry each.

`server.py` keeps the connection and lists and calls the tools; `transport.py` opens the wire (a
child process over stdio, or streamable HTTP) and reports when it ends; `unwrap.py` turns a
`CallToolResult` into the value the guest program receives.
"""

from codemode.sources.upstream.server import UpstreamServer

__all__ = ["UpstreamServer"]
