"""`UpstreamServer`: one `mcpServers` entry as a kept-open, self-healing tool source.

One connection per server, kept: `start()` launches a supervisor task and returns at once (the MCP
server answers its clients while upstreams connect, in parallel); `settled()` waits for the first
attempt. The supervisor connects, lists the tools within the entry's `startup_timeout`, then waits for
the connection to end. When it ends (the child exited, the HTTP server went away) or never comes up,
calls fail at once with `server NAME is not connected: <reason>; its tools are unavailable until it
reconnects`, and the supervisor reconnects with exponential backoff (1 s, 2 s, 4 s, ... capped at
30 s), re-listing the tools each time. The reason is one line, the same in `status()` and in the `code`
tool's description: "starting", "failed: <what went wrong>" or "timed out after N s, retrying"; every
change of it notifies `on_change` listeners, like a changed tool list. `tools/list_changed` (the
legacy notification, or a 2026-07-28 `subscriptions/listen`
event) re-lists the tools and notifies `on_change` listeners.

`start()` and `aclose()` must be called from the same task (the Toolbox does), or use `async with`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any

import anyio
import anyio.abc
import mcp_types as types
from mcp import Client
from mcp.client import IncomingMessage
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from codemode.config import ServerConfig, StdioServerConfig
from codemode.errors import ToolError
from codemode.sources.protocol import (
    ChangeListeners,
    SourceState,
    SourceStatus,
    ToolInfo,
    namespace_identifier,
    not_connected,
)
from codemode.sources.upstream.transport import StderrCapture, WatchedTransport, open_transport
from codemode.sources.upstream.unwrap import unwrap_result
from tool_schemas import sanitize_identifier

__all__ = ["UpstreamServer"]

logger = logging.getLogger(__name__)

_CLIENT_INFO = types.Implementation(name="codemode", version="0.1.0")
_MAX_PAGES = 100
_LOST_ERRORS = (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream)


class UpstreamServer:
    """One upstream MCP server (stdio or streamable HTTP); implements `ToolSource`."""

    def __init__(
        self,
        name: str,
        config: ServerConfig,
        *,
        call_timeout: float = 60.0,
        connect_timeout: float | None = None,
        initial_backoff: float = 1.0,
        max_backoff: float = 30.0,
    ) -> None:
        self.name = name
        """The key of the `mcpServers` entry, as written."""
        self.namespace = namespace_identifier(name)
        """The guest identifier of the namespace."""
        self.config = config
        """The entry's settings."""
        self.call_timeout = config.timeout or call_timeout
        """Seconds one tool call may take."""
        self.connect_timeout = connect_timeout or config.startup_timeout
        """Seconds to start the server, initialize the session and list the tools (`startup_timeout`)."""
        self.initial_backoff = initial_backoff
        """First reconnect delay in seconds; doubles after each failed attempt."""
        self.max_backoff = max_backoff
        """Longest reconnect delay in seconds."""
        self._tools: dict[str, ToolInfo] = {}
        self._client: Client | None = None
        self._lost: anyio.Event | None = None
        self._dirty = anyio.Event()
        self._state: SourceState = "starting"
        self._last_error = ""
        self._reason = "starting"
        self._retry_at: float | None = None
        self._first_attempt = anyio.Event()
        self._listeners = ChangeListeners(f"upstream `{name}`")
        self._stack: AsyncExitStack | None = None
        self._stderr: StderrCapture | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the supervisor, which connects in the background; returns at once.

        Never raises for a server that fails to come up: that is recorded in `status()` and retried.
        """
        if self._stack is not None:
            raise RuntimeError(f"upstream `{self.name}` is already started")
        self._stack = AsyncExitStack()
        task_group = await self._stack.enter_async_context(anyio.create_task_group())
        self._stack.callback(task_group.cancel_scope.cancel)
        task_group.start_soon(self._supervise, name=f"upstream {self.name}")

    async def settled(self) -> None:
        """Wait until the first connection attempt has ended: connected, failed or timed out."""
        await self._first_attempt.wait()

    async def aclose(self) -> None:
        """Disconnect and stop reconnecting (the child process is stopped, bounded)."""
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()
        self._client = None
        self._state = "closed"
        if self._stderr is not None:
            self._stderr.close()

    async def __aenter__(self) -> UpstreamServer:
        await self.start()
        await self.settled()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- ToolSource --------------------------------------------------------------------------------

    def tools(self) -> list[ToolInfo]:
        """The tools from the last successful listing (kept while reconnecting)."""
        return list(self._tools.values())

    def on_change(self, listener: Callable[[], None]) -> None:
        """`listener` runs whenever a listing differs from the previous one."""
        self._listeners.add(listener)

    def status(self) -> SourceStatus:
        """State, tool count and, when not ready, the last error and the retry delay."""
        detail = "" if self._state == "ready" else self._reason
        return SourceStatus(self.namespace, self._state, len(self._tools), detail)

    async def call(self, name: str, arguments: dict[str, Any]) -> Any:
        """Call tool `name` (guest identifier) upstream; return the unwrapped result or raise `ToolError`."""
        info = self._tools[name]  # the Toolbox checked the name
        qualified = info.qualified_name
        client = self._client
        if client is None or self._state != "ready":
            raise ToolError(self._why_not_ready())
        try:
            with anyio.fail_after(self.call_timeout):
                result = await client.call_tool(info.original_name, arguments)
        except TimeoutError:
            raise ToolError(
                f"tool `{qualified}` timed out after {self.call_timeout:g} s "
                f"waiting for upstream `{self.name}`; "
                'raise the server\'s "timeout" in the config if it is just slow'
            ) from None
        except MCPError as error:
            if error.code == types.CONNECTION_CLOSED:
                self._connection_lost()
                raise ToolError(
                    f"tool `{qualified}`: upstream `{self.name}` closed the connection; "
                    "reconnecting, try again shortly"
                ) from None
            raise ToolError(f"tool `{qualified}` failed: {error.message}") from None
        except _LOST_ERRORS as error:
            self._connection_lost()
            raise ToolError(
                f"tool `{qualified}`: upstream `{self.name}` connection failed: {error}"
            ) from None
        except Exception as error:
            logger.warning("upstream `%s`: tool %s failed", self.name, info.original_name, exc_info=True)
            raise ToolError(f"tool `{qualified}` failed: {type(error).__name__}: {error}") from None
        return unwrap_result(qualified, result)

    # -- supervisor --------------------------------------------------------------------------------

    async def _supervise(self) -> None:
        """Connect, serve until the connection ends, wait out the backoff, repeat."""
        failures = 0
        while True:
            timed_out = False
            try:
                await self._connect_and_serve()
                error = "the connection closed" + (
                    " (the server process exited)" if isinstance(self.config, StdioServerConfig) else ""
                )
            except _StartupTimeout:
                timed_out = True
                error = f"no answer within {self.connect_timeout:g} s"
            except Exception as exc:
                error = _describe(exc, self.config)
            if self._state == "ready":
                failures = 0
            self._client = None
            self._lost = None
            delay = min(self.initial_backoff * 2**failures, self.max_backoff)
            failures += 1
            tail = self._stderr.tail() if self._stderr is not None else ""
            self._last_error = f"{error}; its stderr ends with: {tail}" if tail else error
            reason = (
                f"timed out after {self.connect_timeout:g} s, retrying"
                if timed_out
                else "failed: " + _one_line(self._last_error)
            )
            self._set_state("failed", reason)
            self._retry_at = anyio.current_time() + delay
            self._first_attempt.set()
            logger.warning(
                "upstream `%s` is down (%s); retrying in %.3g s", self.name, self._last_error, delay
            )
            await anyio.sleep(delay)
            self._retry_at = None

    async def _connect_and_serve(self) -> None:
        """One connection: open, list tools, then wait for the end while refreshing on change."""
        lost = anyio.Event()
        if self._stderr is not None:
            self._stderr.close()
        self._stderr = StderrCapture() if isinstance(self.config, StdioServerConfig) else None
        transport = WatchedTransport(open_transport(self.config, self._stderr), lost.set)
        client = Client(transport, cache=None, message_handler=self._on_message, client_info=_CLIENT_INFO)
        with anyio.CancelScope(deadline=anyio.current_time() + self.connect_timeout) as connecting:
            async with client, anyio.create_task_group() as task_group:
                tools_capability = client.server_capabilities.tools
                if client.protocol_version in MODERN_PROTOCOL_VERSIONS and tools_capability is not None:
                    # Subscribe before listing, so no change can fall between the two.
                    await task_group.start(self._listen, client)
                await self._refresh(client)
                connecting.deadline = math.inf
                self._client, self._lost = client, lost
                self._set_state("ready", "")
                self._first_attempt.set()
                logger.info("upstream `%s` connected: %d tools", self.name, len(self._tools))
                task_group.start_soon(self._refresh_when_dirty, client)
                await lost.wait()
                task_group.cancel_scope.cancel()
        if connecting.cancelled_caught:
            raise _StartupTimeout

    def _set_state(self, state: SourceState, reason: str) -> None:
        """Record where the server is; a change of what the model is told notifies the listeners."""
        changed = (state, reason) != (self._state, self._reason)
        self._state, self._reason = state, reason
        if changed:
            self._listeners.notify()

    def _connection_lost(self) -> None:
        if self._lost is not None:
            self._lost.set()

    async def _on_message(self, message: IncomingMessage) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            self._dirty.set()
        elif isinstance(message, Exception):
            logger.debug("upstream `%s`: transport reported %r", self.name, message)

    async def _listen(
        self, client: Client, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """On 2026-07-28 connections, list changes arrive on a `subscriptions/listen` stream."""
        subscribed = False
        try:
            async with client.listen(tools_list_changed=True) as subscription:
                task_status.started()
                subscribed = True
                async for _event in subscription:
                    self._dirty.set()
        except Exception as error:
            logger.debug("upstream `%s`: tools/list_changed subscription ended: %r", self.name, error)
        if not subscribed:
            task_status.started()

    async def _refresh_when_dirty(self, client: Client) -> None:
        while True:
            await self._dirty.wait()
            self._dirty = anyio.Event()
            try:
                with anyio.fail_after(self.connect_timeout):
                    await self._refresh(client)
            except Exception as error:
                logger.warning("upstream `%s`: re-listing tools failed: %s", self.name, _describe(error))

    async def _refresh(self, client: Client) -> None:
        """List every page of tools; notify listeners when the list differs."""
        listed: list[types.Tool] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = await client.list_tools(cursor=cursor)
            listed.extend(page.tools)
            cursor = page.next_cursor
            if cursor is None:
                break
        tools: dict[str, ToolInfo] = {}
        for tool in listed:
            info = self._tool_info(tool)
            if info.name in tools:
                logger.warning(
                    "upstream `%s`: tools %r and %r both become `%s`; keeping the first",
                    self.name,
                    tools[info.name].original_name,
                    tool.name,
                    info.name,
                )
                continue
            tools[info.name] = info
        changed = tools != self._tools
        self._tools = tools
        if changed:
            self._listeners.notify()

    def _tool_info(self, tool: types.Tool) -> ToolInfo:
        annotations = (
            tool.annotations.model_dump(by_alias=True, exclude_none=True) if tool.annotations else None
        )
        return ToolInfo(
            namespace=self.namespace,
            name=sanitize_identifier(tool.name),
            original_name=tool.name,
            description=tool.description or tool.title or "",
            input_schema=tool.input_schema,
            output_schema=tool.output_schema,
            annotations=annotations or None,
        )

    def _why_not_ready(self) -> str:
        if self._state == "closed":
            return f"server {self.name} is shut down; its tools are unavailable"
        reason = self._reason or self._state
        if self._retry_at is not None and not reason.startswith("timed out"):
            reason += f" (retrying in {max(0.0, self._retry_at - anyio.current_time()):.2g} s)"
        return not_connected(self.name, reason)


class _StartupTimeout(Exception):
    """The server did not start, initialize and list its tools within its `startup_timeout`."""


_ONE_LINE_CHARS = 300


def _one_line(text: str) -> str:
    """`text` on one line, shortened: what a description or an error message can carry."""
    line = " ".join(text.split())
    return line if len(line) <= _ONE_LINE_CHARS else line[: _ONE_LINE_CHARS - 1] + "…"


def _describe(error: BaseException, config: ServerConfig | None = None) -> str:
    """A one-line description of a connection failure, digging into exception groups."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(_describe(inner, config) for inner in error.exceptions)
    if isinstance(error, FileNotFoundError) and isinstance(config, StdioServerConfig):
        return f"command `{config.command}` not found; install it or give its full path in `command`"
    if isinstance(error, PermissionError) and isinstance(config, StdioServerConfig):
        return f"command `{config.command}` cannot be run (permission denied)"
    if isinstance(error, OSError) and error.strerror and config is not None:
        where = config.command if isinstance(config, StdioServerConfig) else config.url
        return f"{where}: {error.strerror}"
    if isinstance(error, MCPError):
        if error.code == types.CONNECTION_CLOSED:
            return "the server closed the connection while starting (a stdio server: its process exited)"
        return f"MCP error {error.code}: {error.message}"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
