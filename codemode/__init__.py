"""codemode: Code Mode for LLM agents.

The model gets one MCP tool, `code`, whose description carries TypeScript declarations of every
real tool; it writes a short program that calls them; the program runs in a hardened Deno sandbox
and only its result goes back to the model.

    from codemode import PythonTools, serve       # serve your own Python functions as `code`
    from codemode import open_engine, run_agent    # run programs or agent loops from Python

Names are imported on first use, so that `codemode --help` and the subcommands that need little
do not pay for the MCP SDK and the model SDKs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemode.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from codemode.agent import AgentResult, run_agent
    from codemode.app import open_engine, serve
    from codemode.config import Config, load_config, parse_config
    from codemode.engine import CodeMode, CodeOutcome, EngineSettings
    from codemode.errors import CodemodeError, ConfigError, ToolError
    from codemode.http import HttpOptions
    from codemode.mcp_server import CodeModeServer, build_server
    from codemode.sources.protocol import ToolInfo, ToolSource
    from codemode.sources.python import PythonTools
    from codemode.sources.toolbox import Toolbox

_EXPORTS: dict[str, str] = {
    "AgentResult": "codemode.agent",
    "run_agent": "codemode.agent",
    "Config": "codemode.config",
    "load_config": "codemode.config",
    "parse_config": "codemode.config",
    "CodeMode": "codemode.engine",
    "CodeOutcome": "codemode.engine",
    "EngineSettings": "codemode.engine",
    "open_engine": "codemode.app",
    "CodemodeError": "codemode.errors",
    "ConfigError": "codemode.errors",
    "ToolError": "codemode.errors",
    "HttpOptions": "codemode.http",
    "PythonTools": "codemode.sources.python",
    "CodeModeServer": "codemode.mcp_server",
    "build_server": "codemode.mcp_server",
    "serve": "codemode.app",
    "Toolbox": "codemode.sources.toolbox",
    "ToolInfo": "codemode.sources.protocol",
    "ToolSource": "codemode.sources.protocol",
}

__all__ = [
    "AgentResult",
    "CodeMode",
    "CodeModeServer",
    "CodeOutcome",
    "CodemodeError",
    "Config",
    "ConfigError",
    "EngineSettings",
    "HttpOptions",
    "PythonTools",
    "ToolError",
    "ToolInfo",
    "ToolSource",
    "Toolbox",
    "build_server",
    "load_config",
    "open_engine",
    "parse_config",
    "run_agent",
    "serve",
]


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())


def __dir__() -> list[str]:
    return sorted(__all__)
