"""The config file: `mcpServers` exactly as Claude Desktop and Cursor write it, plus our own settings.

```json
{
  "mcpServers": {
    "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
    "github": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ${GITHUB_TOKEN}"}}
  },
  "codemode": {"token_budget": 1000, "python": ["my_tools:crm"]}
}
```

Each server becomes a namespace named by its key (sanitized like tool names). `${VAR}` (or Cursor's
`${env:VAR}`) in command, args, env, cwd, url and headers is replaced from the host environment.
A file with mistakes is rejected as a whole at load time, with every problem listed; servers that fail
later, at run time, never take the others down (that is the Toolbox's job). Top-level keys other than
`mcpServers` and `codemode` are ignored, so a whole Claude Desktop config file can be used as is.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, ValidationError

from codemode.errors import ConfigError
from codemode.sources.protocol import namespace_identifier
from codemode.validation_messages import describe_problems

__all__ = [
    "CodemodeSection",
    "Config",
    "HttpServerConfig",
    "LimitsSection",
    "ServerConfig",
    "StdioServerConfig",
    "load_config",
    "parse_config",
]

logger = logging.getLogger(__name__)

_VARIABLE = re.compile(r"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}")
_PYTHON_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_FOREIGN_KEYS = frozenset({"autoApprove", "alwaysAllow", "description"})
"""Per-server keys other clients write that mean nothing to us: ignored, with a debug log."""
_HTTP_TYPES = frozenset({"http", "streamable-http", "streamableHttp", "streamable_http"})


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class StdioServerConfig(_Strict):
    """An upstream server we start as a child process and talk to over its stdin/stdout."""

    command: str = Field(min_length=1)
    """The executable, e.g. `npx`, `uvx`, `node`."""
    args: tuple[str, ...] = ()
    """Its arguments."""
    env: dict[str, str] = Field(default_factory=dict)
    """Extra environment variables, merged over a minimal inherited environment (PATH, HOME, ...)."""
    cwd: str | None = None
    """The working directory; default: ours."""
    timeout: PositiveFloat | None = None
    """Seconds one tool call may take; None: the Toolbox default."""
    disabled: bool = False
    """Skip this server without deleting its entry."""


class HttpServerConfig(_Strict):
    """An upstream server reached over streamable HTTP."""

    url: str = Field(pattern=r"^https?://")
    """The MCP endpoint, e.g. `http://127.0.0.1:8000/mcp`."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra HTTP headers sent with every request (authorization, ...)."""
    timeout: PositiveFloat | None = None
    """Seconds one tool call may take; None: the Toolbox default."""
    disabled: bool = False
    """Skip this server without deleting its entry."""


ServerConfig = StdioServerConfig | HttpServerConfig
"""One `mcpServers` entry."""


class LimitsSection(_Strict):
    """The `codemode.limits` section: per-run sandbox limits in the config's words; a missing key keeps
    the sandbox's default. `codemode.app` maps them onto `sandbox.Limits`."""

    timeout_s: PositiveFloat | None = None
    """Wall-clock seconds one program may run."""
    cpu_s: PositiveFloat | None = None
    """CPU seconds one program may use."""
    memory_mib: PositiveInt | None = None
    """Heap limit of the sandbox, in MiB."""
    max_tool_calls: PositiveInt | None = None
    """Tool calls one program may make."""
    max_output_bytes: PositiveInt | None = None
    """Bytes of the JSON value one program may return (`sandbox.Limits.result_bytes`); console output
    has its own limits in the sandbox."""


class CodemodeSection(_Strict):
    """The `codemode` section: our own settings, beside `mcpServers`."""

    limits: LimitsSection = Field(default_factory=LimitsSection)
    """Per-run sandbox limits."""
    token_budget: PositiveInt = 1000
    """Tokens the tool listing may take in the `code` tool's description: the richest form that fits
    (declarations, else an index, else an overview, with search/describe); see docs/benchmarks.md."""
    max_result_chars: PositiveInt = 20000
    """Characters of a run's result returned to the model; longer results are truncated with a note."""
    publish_tools: bool = False
    """Also publish every tool as a classic MCP tool beside `code`."""
    python: tuple[str, ...] = ()
    """`module:attribute` names of PythonTools objects (or functions returning them) to load."""

    def limits_dict(self) -> dict[str, float | int]:
        """The limits that are set, as a plain dict for the sandbox."""
        return {key: value for key, value in self.limits.model_dump().items() if value is not None}


@dataclass(frozen=True)
class Config:
    """A loaded config file."""

    servers: dict[str, ServerConfig] = field(default_factory=dict)
    """Enabled `mcpServers` entries, by their key as written (the namespace is the sanitized key)."""
    settings: CodemodeSection = field(default_factory=CodemodeSection)
    """The `codemode` settings."""
    source: str = "<config>"
    """Where the config came from, for messages."""
    disabled: tuple[str, ...] = ()
    """Keys of entries marked `"disabled": true`."""


def load_config(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate a JSON config file; raise `ConfigError` listing every problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {source} does not exist; create it or pass another path") from None
    except OSError as error:
        raise ConfigError(f"config file {source} cannot be read: {error}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{source}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    return parse_config(data, source=source, environ=environ)


def parse_config(data: Any, source: str = "<config>", environ: Mapping[str, str] | None = None) -> Config:
    """Validate an already-decoded config; raise `ConfigError` listing every problem."""
    env = os.environ if environ is None else environ
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the config must be a JSON object with `mcpServers`, got {_kind(data)}")
    problems: list[str] = []
    settings = _settings(data.get("codemode", {}), problems)
    servers: dict[str, ServerConfig] = {}
    disabled: list[str] = []
    raw_servers = data.get("mcpServers", {})
    if not isinstance(raw_servers, dict):
        problems.append(f"`mcpServers` must be an object of name -> server, got {_kind(raw_servers)}")
        raw_servers = {}
    for name, entry in raw_servers.items():
        server = _server(name, entry, env, problems)
        if server is None:
            continue
        if server.disabled:
            disabled.append(name)
        else:
            servers[name] = server
    _check_namespaces(servers, problems)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise ConfigError(f"{source}: {len(problems)} problem(s) in the config:\n{listed}")
    return Config(servers=servers, settings=settings, source=source, disabled=tuple(disabled))


def _settings(raw: Any, problems: list[str]) -> CodemodeSection:
    if not isinstance(raw, dict):
        problems.append(f"`codemode` must be an object of settings, got {_kind(raw)}")
        return CodemodeSection()
    try:
        settings = CodemodeSection.model_validate(raw)
    except ValidationError as error:
        accepted = list(CodemodeSection.model_fields) + [
            f"limits.{key}" for key in LimitsSection.model_fields
        ]
        problems.extend(f"codemode: {line}" for line in describe_problems(error, accepted, subject="setting"))
        return CodemodeSection()
    for target in settings.python:
        if not _PYTHON_TARGET.match(target):
            problems.append(
                f"codemode.python: {target!r} is not a `module:attribute` name; "
                "write it like `my_package.tools:crm`"
            )
    return settings


def _server(name: str, entry: Any, environ: Mapping[str, str], problems: list[str]) -> ServerConfig | None:
    """One `mcpServers` entry -> its config, or None with the problems recorded."""
    where = f"mcpServers.{name}"
    if not isinstance(entry, dict):
        problems.append(
            f"{where}: must be an object with `command` (stdio) or `url` (HTTP), got {_kind(entry)}"
        )
        return None
    entry = dict(entry)
    for key in _FOREIGN_KEYS & entry.keys():
        logger.debug("%s: ignoring `%s` (a setting of other MCP clients)", where, key)
        del entry[key]
    kind = entry.pop("type", None)
    model: type[StdioServerConfig] | type[HttpServerConfig]
    if kind == "sse":
        problems.append(
            f"{where}: the SSE transport is not supported; if the server also speaks streamable HTTP, "
            'set "type": "http" and point `url` at its MCP endpoint (often /mcp)'
        )
        return None
    if kind is not None and kind != "stdio" and kind not in _HTTP_TYPES:
        problems.append(f'{where}: unknown `type` {kind!r}; use "stdio" or "http"')
        return None
    if "command" in entry and "url" in entry:
        problems.append(f"{where}: has both `command` and `url`; keep `command` for stdio or `url` for HTTP")
        return None
    if kind == "stdio" or (kind is None and "command" in entry):
        model = StdioServerConfig
    elif kind in _HTTP_TYPES or "url" in entry:
        model = HttpServerConfig
    else:
        problems.append(
            f"{where}: needs `command` (a server started as a child process, e.g. "
            '"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]) '
            'or `url` (a streamable HTTP server, e.g. "url": "http://127.0.0.1:8000/mcp")'
        )
        return None
    missing: list[str] = []
    entry = _expand(entry, missing, environ)
    for variable in dict.fromkeys(missing):
        problems.append(
            f"{where}: refers to ${{{variable}}}, which is not set in the environment; "
            "export it before starting codemode or write the value in the config"
        )
    if missing:
        return None
    try:
        return model.model_validate(entry)
    except ValidationError as error:
        accepted = [*model.model_fields, "type"]
        problems.extend(f"{where}: {line}" for line in describe_problems(error, accepted, subject="key"))
        return None


def _expand(value: Any, missing: list[str], env: Mapping[str, str]) -> Any:
    """Replace `${VAR}` in every string of `value`; record variables that are not set."""
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            variable = match.group(1)
            if variable not in env:
                missing.append(variable)
                return match.group(0)
            return env[variable]

        return _VARIABLE.sub(replace, value)
    if isinstance(value, list):
        return [_expand(item, missing, env) for item in value]
    if isinstance(value, dict):
        return {key: _expand(item, missing, env) for key, item in value.items()}
    return value


def _check_namespaces(servers: Mapping[str, ServerConfig], problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in servers:
        namespace = namespace_identifier(name)
        if namespace in seen:
            problems.append(
                f"mcpServers: `{seen[namespace]}` and `{name}` both become the namespace `{namespace}`; "
                "rename one of them"
            )
        else:
            seen[namespace] = name


def _kind(value: Any) -> str:
    """How a JSON value is described in messages."""
    names: dict[type, str] = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else type(value).__name__)
