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
`${env:VAR}`, or Claude Code's `${VAR:-default}`) in command, args, env, cwd, url and headers is
replaced from the host environment. VS Code's shape (`servers` in place of `mcpServers`) is read too.
A file with mistakes is rejected as a whole at load time, with every problem listed; servers that fail
later, at run time, never take the others down (that is the Toolbox's job). Other top-level keys are
other clients' settings and are ignored (a whole Claude Desktop file works as is), unless they look
like a misspelling of ours. An entry that would start codemode itself is skipped with a warning
(see `codemode.self_reference`).
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, ValidationError

from codemode.dialect import Language
from codemode.errors import ConfigError
from codemode.self_reference import DEPTH_ENV, MAX_DEPTH, starts_codemode
from codemode.sources.protocol import namespace_identifier
from codemode.sources.workspace.settings import WorkspaceSettings
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

_VARIABLE = re.compile(r"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_ANY_VARIABLE = re.compile(r"\$\{[^}]*\}")
_TOP_LEVEL = ("mcpServers", "servers", "codemode")
DEFAULT_STARTUP_TIMEOUT_S = 30.0
"""Seconds an upstream server may take to start and list its tools before it counts as timed out."""
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
    startup_timeout: PositiveFloat = DEFAULT_STARTUP_TIMEOUT_S
    """Seconds to start, initialize and list tools before it counts as timed out (and is retried)."""
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
    startup_timeout: PositiveFloat = DEFAULT_STARTUP_TIMEOUT_S
    """Seconds to start, initialize and list tools before it counts as timed out (and is retried)."""
    disabled: bool = False
    """Skip this server without deleting its entry."""


ServerConfig = StdioServerConfig | HttpServerConfig
"""One `mcpServers` entry."""


class LimitsSection(_Strict):
    """The `codemode.limits` section: per-run sandbox limits in the config's words; a missing key keeps
    the sandbox's default. `codemode.limit_keys` maps them onto `sandbox.Limits`."""

    timeout_s: PositiveFloat | None = None
    """Wall-clock seconds one program may run."""
    cpu_s: PositiveFloat | None = None
    """CPU seconds one program may use."""
    memory_mib: PositiveInt | None = None
    """Heap limit of the sandbox, in MiB."""
    max_tool_calls: PositiveInt | None = None
    """Tool calls one program may make."""
    max_output_bytes: PositiveInt | None = None
    """Bytes of the JSON value one program may return (`sandbox.Limits.result_bytes`); a larger one is
    cut, with a marker."""
    max_log_bytes: PositiveInt | None = None
    """Characters of console output kept per run; later output is dropped after a marker."""
    max_log_entries: PositiveInt | None = None
    """Console entries kept per run; later ones are dropped after a marker."""
    max_concurrent_calls: PositiveInt | None = None
    """Tool calls one program may have in flight at once."""
    max_raw_output_bytes: PositiveInt | None = None
    """Bytes the sandbox process may write outside the bridge (raw stdout/stderr) before it is killed."""
    max_frame_bytes: PositiveInt | None = None
    """Largest single tool call, argument set or result crossing the bridge, in bytes."""
    max_read_bytes: PositiveInt | None = None
    """Bytes the host may read from the sandbox in one run, frames and raw output together."""


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
    language: Language = "typescript"
    """The language the model writes programs in, "typescript" or "python" (docs/python.md); the
    `code` tool's description is written for it. `--language` on the command line wins."""
    typecheck: bool = True
    """Type-check each program against the declarations before it runs (docs/typecheck.md);
    TypeScript programs only."""
    python: tuple[str, ...] = ()
    """`module:attribute` names of PythonTools objects (or functions returning them) to load."""
    approve: tuple[str, ...] = ()
    """`namespace.tool` globs (`tracker.close_issue`, `github.delete_*`) a person approves per call."""
    approve_destructive: bool = True
    """Also ask before every tool whose server marks it `destructiveHint: true`."""
    approval_fallback: Literal["deny", "allow"] = "deny"
    """When the client cannot ask a person (no MCP elicitation): refuse such calls, or let them run."""
    approval_timeout_s: PositiveFloat = 300.0
    """Seconds a question waits for the person; no answer by then declines the call."""
    workspace: WorkspaceSettings = Field(default_factory=WorkspaceSettings)
    """The persistent file system programs see as `workspace` (dir, scope, quota_mib, max_file_mib)."""

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
    skipped: dict[str, str] = field(default_factory=dict)
    """Keys of entries not started, with why (an entry that would start codemode itself)."""

    @property
    def folder(self) -> Path | None:
        """The folder of the config file (where its `python` entries are imported from first)."""
        return None if self.source.startswith("<") else Path(self.source).resolve().parent


def load_config(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate a JSON config file; raise `ConfigError` listing every problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {source} does not exist; create it or pass another path") from None
    except OSError as error:
        raise ConfigError(
            f"config file {source} cannot be read ({(error.strerror or str(error)).lower()}); "
            "fix it or pass another --config"
        ) from None
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
    _check_top_level(data, problems)
    settings = _settings(data.get("codemode", {}), problems)
    servers: dict[str, ServerConfig] = {}
    disabled: list[str] = []
    key = "servers" if "servers" in data and "mcpServers" not in data else "mcpServers"
    raw_servers = data.get(key, {})
    if not isinstance(raw_servers, dict):
        problems.append(f"`{key}` must be an object of name -> server, got {_kind(raw_servers)}")
        raw_servers = {}
    for name, entry in raw_servers.items():
        server = _server(f"{key}.{name}", entry, env, problems)
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
    skipped = _self_references(servers, key, env)
    for name in skipped:
        del servers[name]
    return Config(
        servers=servers, settings=settings, source=source, disabled=tuple(disabled), skipped=skipped
    )


def _check_top_level(data: dict[str, Any], problems: list[str]) -> None:
    """A misspelling of one of our keys is a mistake; anything else is another client's setting."""
    if "servers" in data and "mcpServers" in data:
        problems.append(
            "has both `mcpServers` (Claude Desktop, Cursor) and `servers` (VS Code); keep one of them"
        )
    for key in data:
        if key in _TOP_LEVEL:
            continue
        lowered = {name.lower(): name for name in _TOP_LEVEL}
        close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.75)
        if close:
            problems.append(
                f"unknown top-level key `{key}` (did you mean `{lowered[close[0]]}`?); "
                "accepted: `mcpServers` (or VS Code's `servers`) and `codemode`"
            )
        else:
            logger.debug("ignoring top-level key `%s` (a setting of another MCP client)", key)


def _self_references(servers: Mapping[str, ServerConfig], key: str, env: Mapping[str, str]) -> dict[str, str]:
    """Entries that would start codemode itself, each with one warning naming it."""
    try:
        depth = int(env.get(DEPTH_ENV, "0"))
    except ValueError:
        depth = 0
    skipped: dict[str, str] = {}
    for name, server in servers.items():
        if not isinstance(server, StdioServerConfig):
            continue
        if starts_codemode(server.command, server.args):
            reason = "it starts codemode itself, which would read this file and start itself again"
        elif depth >= MAX_DEPTH:
            reason = (
                f"codemode is already nested {depth} deep under codemode ({DEPTH_ENV}={depth}), "
                "so something in this file starts codemode again"
            )
        else:
            continue
        command = " ".join([server.command, *server.args])
        logger.warning("skipping %s.%s (`%s`): %s", key, name, command, reason)
        skipped[name] = reason
    return skipped


def _settings(raw: Any, problems: list[str]) -> CodemodeSection:
    if not isinstance(raw, dict):
        problems.append(f"`codemode` must be an object of settings, got {_kind(raw)}")
        return CodemodeSection()
    try:
        settings = CodemodeSection.model_validate(raw)
    except ValidationError as error:
        accepted = [
            *CodemodeSection.model_fields,
            *(f"limits.{key}" for key in LimitsSection.model_fields),
            *(f"workspace.{key}" for key in WorkspaceSettings.model_fields),
        ]
        problems.extend(f"codemode: {line}" for line in describe_problems(error, accepted, subject="setting"))
        return CodemodeSection()
    for pattern in settings.approve:
        if "." not in pattern and "*" not in pattern:
            problems.append(
                f"codemode.approve: {pattern!r} names no namespace; write `namespace.tool` like "
                "`tracker.close_issue`, or a glob like `github.delete_*`"
            )
    for target in settings.python:
        if not _PYTHON_TARGET.match(target):
            problems.append(
                f"codemode.python: {target!r} is not a `module:attribute` name; "
                "write it like `my_package.tools:crm`"
            )
    return settings


def _server(where: str, entry: Any, environ: Mapping[str, str], problems: list[str]) -> ServerConfig | None:
    """One `mcpServers` entry (at `where`, e.g. `mcpServers.memory`) -> its config, or None with the
    problems recorded."""
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
        if variable.startswith("${"):
            problems.append(
                f"{where}: {variable} is not a variable codemode can fill in (VS Code's ${{input:...}} "
                "and ${workspaceFolder} need VS Code); write the value, or use ${ENV_VAR} or "
                "${ENV_VAR:-default} from the environment"
            )
        else:
            problems.append(
                f"{where}: refers to ${{{variable}}}, which is not set in the environment; export it "
                f"before starting codemode, write the value in the config, or give a default: "
                f"${{{variable}:-value}}"
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
            variable, default = match.group(1), match.group(2)
            if env.get(variable):
                return env[variable]
            if default is not None:  # `${VAR:-default}`: unset or empty takes the default
                return default
            if variable not in env:
                missing.append(variable)
            return env.get(variable, match.group(0))

        expanded = _VARIABLE.sub(replace, value)
        for match in _ANY_VARIABLE.finditer(_VARIABLE.sub("", value)):
            missing.append(match.group(0))
        return expanded
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
