"""The MCP server: one tool, `code`, in place of all the tools behind it.

Built on the official SDK's `MCPServer`. The `code` tool's description is the engine's (how to
write the code, then the TypeScript declarations), so it is listed live from the engine rather
than registered once: when an upstream server's tools change, the next `tools/list` shows the new
declarations and connected clients are sent `notifications/tools/list_changed`.

During a run, guest `console` lines are also sent as MCP log messages (at or above the level a
client chose with `logging/setLevel`; 2026-07-28 clients opt in per request), and a progress
notification goes out every second (for clients that asked for progress), so a long run is never
silent. The declared capabilities say so: `logging`, and `tools.listChanged`. Cancelling the
request (`notifications/cancelled`) cancels the run: the sandbox kills the Deno process group and
in-flight tool calls are cancelled with it.

`structuredContent` is not sent for `code`. Its value has no fixed schema (each program returns
its own shape), and clients that forward both content and structured content to the model would
make it pay for the result twice. The first text block is the return value as JSON on its own,
so a program-driven client can still parse it; logs and stats follow in a second block.

When the workspace is on, its files are also MCP resources (`workspace:///reports/q3.md`), and every
request runs as its MCP session (`sources/workspace/mcp_resources.py`), so that in session scope a
program, a listing and a read reach only that session's files.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server import NotificationOptions
from mcp.server.context import CallNext, ServerRequestContext
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError as SDKToolError
from mcp.shared.subscriptions import ToolsListChanged
from mcp.types import (
    CallToolResult,
    ContentBlock,
    EmptyResult,
    InputRequiredResult,
    ListResourcesResult,
    PaginatedRequestParams,
    SetLevelRequestParams,
    TextContent,
    ToolAnnotations,
)
from mcp.types import Resource as MCPResource
from mcp.types import Tool as MCPTool
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import AnyUrl

from codemode.approvals import ApprovalDecision
from codemode.approvals import mcp as approvals
from codemode.approvals.rounds import WaitingRun, WaitingRuns
from codemode.code_tool import CODE_TOOL_NAME, code_tool_input_schema, program_of
from codemode.engine import CodeMode, CodeOutcome, ToolProvider
from codemode.errors import ToolError
from codemode.model_text import format_value
from codemode.sources.protocol import classic_tool_name
from codemode.sources.workspace import mcp_resources
from codemode.sources.workspace.source import WorkspaceSource
from sandbox import LogEntry

__all__ = ["CodeModeServer", "build_server"]

logger = logging.getLogger(__name__)

_LOG_LEVELS = {"debug": "debug", "log": "info", "info": "info", "warn": "warning", "error": "error"}
_SEVERITY = {
    level: rank
    for rank, level in enumerate(
        ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
    )
}
#: How often a running program reports progress.
PROGRESS_INTERVAL_S = 1.0
#: How long one log line may take to reach a client before forwarding stops (the result has them all).
_LOG_SEND_TIMEOUT_S = 5.0
_LANGUAGE_NAMES = {"typescript": "TypeScript", "python": "Python"}
"""How the server instructions name the language the model writes."""


class CodeModeServer(MCPServer[Any]):
    """An `MCPServer` whose tools are `code` (and, optionally, the original tools beside it)."""

    def __init__(
        self,
        engine: CodeMode,
        *,
        publish_tools: ToolProvider | None = None,
        workspace: WorkspaceSource | None = None,
        name: str = "codemode",
        instructions: str | None = None,
    ) -> None:
        self._sessions: dict[int, Any] = {}
        """A session per open connection of the handshake era, for `notifications/tools/list_changed`."""
        self._log_levels: dict[int, str] = {}
        """The level each handshake-era connection asked for with `logging/setLevel`."""
        super().__init__(
            name=name,
            version=_version(),
            instructions=instructions
            or f"Call the `code` tool with a short {_LANGUAGE_NAMES[engine.settings.language]} program "
            "that uses the declared tools.",
            log_level="WARNING",
            middleware=[self._remember_client],
        )
        self.engine = engine
        self.workspace = workspace
        """The workspace whose files are listed as resources (`workspace:///...`), if any."""
        self._published = publish_tools
        self._waiting = WaitingRuns()
        self._run_logs: dict[str, MemoryObjectReceiveStream[LogEntry]] = {}
        """Log streams of runs waiting across input-required rounds, by run id."""
        engine.on_change(self._tools_changed)
        # The SDK derives capabilities from the handlers registered, and takes `tools.listChanged`
        # only as an argument at initialization; we subclass its server, so we set both here.
        lowlevel = self._lowlevel_server
        lowlevel.add_request_handler("logging/setLevel", SetLevelRequestParams, self._set_log_level)
        lowlevel.create_initialization_options = functools.partial(  # type: ignore[method-assign]
            lowlevel.create_initialization_options, NotificationOptions(tools_changed=True)
        )

    # -- tools/list ------------------------------------------------------------------------

    async def list_tools(self) -> list[MCPTool]:
        tools = [
            MCPTool(
                name=CODE_TOOL_NAME,
                title="Run code against the tools",
                description=self.engine.description(),
                input_schema=code_tool_input_schema(self.engine.settings.language),
                annotations=ToolAnnotations(
                    title="Run code against the tools",
                    read_only_hint=False,
                    destructive_hint=True,
                    open_world_hint=True,
                ),
            )
        ]
        if self._published is not None:
            for info in self._published.tools():
                annotations = info.annotations or {}
                tools.append(
                    MCPTool(
                        name=classic_tool_name(info.namespace, info.name),
                        description=info.description or "",
                        input_schema=info.input_schema or {"type": "object"},
                        output_schema=_object_schema(info.output_schema),
                        annotations=ToolAnnotations.model_validate(annotations) if annotations else None,
                    )
                )
        return tools

    # -- tools/call ------------------------------------------------------------------------

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        with mcp_resources.in_session(context.headers if context is not None else None):
            return await self._call(name, arguments, context)

    async def _call(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None
    ) -> CallToolResult | InputRequiredResult:
        if name == CODE_TOOL_NAME:
            try:
                code = program_of(arguments)
            except ToolError as error:
                raise SDKToolError(str(error)) from None
            if context is None:
                return _to_call_result(await self.engine.run(code))
            if approvals.uses_rounds(context) and self._any_gated():
                return await self._run_in_rounds(code, context)
            return _to_call_result(await self._run_code(code, context))
        return await self._call_published(name, arguments)

    async def _run_code(self, code: str, context: Context[Any, Any]) -> CodeOutcome:
        """One run within this request; approvals are asked by `elicitation/create`, or not at all."""
        gate = self.engine.approval_gate(
            approvals.asker_for(context),
            who=approvals.client_label(context),
            on_decision=functools.partial(approvals.send_decision, context),
            cannot_ask=approvals.cannot_ask(context),
        )
        send, receive = anyio.create_memory_object_stream[LogEntry](max_buffer_size=1000)
        outcome: CodeOutcome | None = None
        async with anyio.create_task_group() as group:
            level = self._log_levels.get(_connection_key(context.session), "debug")
            group.start_soon(_forward_logs, receive, context, _SEVERITY.get(level, 0))
            progress = anyio.CancelScope()
            group.start_soon(_report_progress, context, progress)
            try:
                outcome = await self.engine.run(code, on_log=_sender(send), approvals=gate)
            finally:
                # Closing the stream ends the forwarder once it has sent every buffered line;
                # the task group waits for that before the result goes out.
                send.close()
                progress.cancel()
        assert outcome is not None
        return outcome

    async def _run_in_rounds(
        self, code: str, context: Context[Any, Any]
    ) -> CallToolResult | InputRequiredResult:
        """One round of a run that asks in input-required results (2026-07-28; approvals/rounds.py)."""
        if context.request_state is None:
            waiting = self._start_waiting(code, approvals.client_label(context))
        else:
            found = self._waiting.get(context.request_state)
            if found is None or found.code != code:
                return _error_result(
                    "this approval answer belongs to a run that is over or unknown here (answered too "
                    "late, or the server restarted); call `code` again to run the program anew"
                )
            waiting = found
            waiting.answer(context.input_responses)
        logs = self._run_logs[waiting.token]
        waiting.attach(context)
        try:
            async with anyio.create_task_group() as group:
                level = self._log_levels.get(_connection_key(context.session), "debug")
                group.start_soon(_forward_logs, logs, context, _SEVERITY.get(level, 0), False)
                progress = anyio.CancelScope()
                group.start_soon(_report_progress, context, progress)
                try:
                    step = await waiting.next_step()
                finally:
                    progress.cancel()
                    if not waiting.done:  # more rounds to come: the rest of the lines wait for them
                        group.cancel_scope.cancel()
        except BaseException:
            waiting.cancel()  # the client cancelled or went away: the program stops too
            self._waiting.discard(waiting)
            raise
        finally:
            waiting.detach()
        if isinstance(step, CodeOutcome):
            self._waiting.discard(waiting)
            return _to_call_result(step)
        return InputRequiredResult(input_requests=dict(step), request_state=waiting.token)

    def _start_waiting(self, code: str, who: str) -> WaitingRun[CodeOutcome]:
        send, receive = anyio.create_memory_object_stream[LogEntry](max_buffer_size=1000)

        async def run(waiting: WaitingRun[CodeOutcome]) -> CodeOutcome:
            sink = functools.partial(_send_to_attached, waiting)
            gate = self.engine.approval_gate(waiting, who=who, on_decision=sink)
            with send:  # closed when the run ends: the last round's forwarder drains, then stops
                return await self.engine.run(code, on_log=_sender(send), approvals=gate)

        keep_s = self.engine.settings.approvals.timeout_s
        waiting = self._waiting.start(code, run, keep_s=keep_s)
        self._run_logs[waiting.token] = receive
        waiting.on_close(functools.partial(self._drop_logs, waiting.token))
        return waiting

    def _drop_logs(self, token: str) -> None:
        logs = self._run_logs.pop(token, None)
        if logs is not None:
            logs.close()

    def _any_gated(self) -> bool:
        policy = self.engine.settings.approvals
        return any(policy.needs_approval(tool) for tool in self.engine.tools.tools())

    async def _call_published(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        if self._published is not None:
            for info in self._published.tools():
                if classic_tool_name(info.namespace, info.name) == name:
                    try:
                        value = await self._published.call(info.namespace, info.name, arguments)
                    except ToolError as exc:
                        return CallToolResult(
                            content=[TextContent(type="text", text=str(exc))], is_error=True
                        )
                    structured = (
                        value if _object_schema(info.output_schema) and isinstance(value, dict) else None
                    )
                    return CallToolResult(
                        content=[TextContent(type="text", text=format_value(value))],
                        structured_content=structured,
                    )
        raise SDKToolError(f"unknown tool `{name}`; this server has `{CODE_TOOL_NAME}`")

    # -- resources: the workspace's files ---------------------------------------------------

    async def list_resources(self) -> list[MCPResource]:
        listed = await super().list_resources()
        if self.workspace is not None:
            listed += await mcp_resources.list_mcp_resources(self.workspace)
        return listed

    async def _handle_list_resources(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        # The public `list_resources()` is given no request; the list depends on the session.
        with mcp_resources.in_session(getattr(ctx.request, "headers", None)):
            return await super()._handle_list_resources(ctx, params)

    async def read_resource(
        self, uri: AnyUrl | str, context: Context[Any, Any] | None = None
    ) -> Iterable[ReadResourceContents] | InputRequiredResult:
        if self.workspace is None or not mcp_resources.handles(str(uri)):
            return await super().read_resource(uri, context)
        with mcp_resources.in_session(context.headers if context is not None else None):
            return await mcp_resources.read_mcp_resource(self.workspace, str(uri))

    # -- list_changed ----------------------------------------------------------------------

    async def _remember_client(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
        """Middleware: a client that sent anything (`tools/list`, ...) is told when the tools change."""
        if ctx.method != "initialize":  # the connection holds its `initialize` parameters only after it
            self._remember_session(ctx.session, ctx.protocol_version)
        return await call_next(ctx)

    async def _set_log_level(
        self, ctx: ServerRequestContext[Any, Any], params: SetLevelRequestParams
    ) -> EmptyResult:
        """`logging/setLevel`: this connection gets guest console lines at `params.level` and above."""
        self._log_levels[_connection_key(ctx.session)] = params.level
        return EmptyResult()

    def _remember_session(self, session: Any, protocol_version: str | None) -> None:
        """Keep one session per handshake-era connection, to tell it when the tools change.

        The SDK builds a session object per request and offers no public handle on the connection
        beneath. Held weakly, the session would be gone by the time an upstream's re-listing lands
        after the call that caused it; held strongly per request, a connection would be told once per
        call it ever made. So one session is kept per connection, recognized by the `initialize`
        parameters the connection holds for its whole life, and dropped when sending to it fails.
        """
        if protocol_version in MODERN_PROTOCOL_VERSIONS:
            return  # these clients listen on `subscriptions/listen`
        self._sessions.setdefault(_connection_key(session), session)

    async def _notify_session(self, key: int, session: Any) -> None:
        try:
            await session.send_tool_list_changed()
        except Exception:
            logger.debug("could not send tools/list_changed; forgetting the session", exc_info=True)
            self._sessions.pop(key, None)
            self._log_levels.pop(key, None)

    def _tools_changed(self) -> None:
        # Two audiences: 2026-07-28 clients listening on `subscriptions/listen`, and clients of
        # the handshake era, which get `notifications/tools/list_changed` on their session.
        _spawn(lambda: self._subscriptions.publish(ToolsListChanged()))
        for key, session in list(self._sessions.items()):
            _spawn(functools.partial(self._notify_session, key, session))


def build_server(
    engine: CodeMode, *, publish_tools: ToolProvider | None = None, workspace: WorkspaceSource | None = None
) -> CodeModeServer:
    """The MCP server for an engine; pass the toolbox as `publish_tools` to list its tools too, and
    the workspace source to list its files as resources."""
    return CodeModeServer(engine, publish_tools=publish_tools, workspace=workspace)


def _object_schema(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """MCP output schemas describe an object; a tool returning a list or a scalar declares none."""
    return schema if schema is not None and schema.get("type") == "object" else None


def _to_call_result(outcome: CodeOutcome) -> CallToolResult:
    content: list[ContentBlock] = [TextContent(type="text", text=block) for block in outcome.blocks if block]
    return CallToolResult(content=content, is_error=outcome.is_error)


def _error_result(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def _sender(send: MemoryObjectSendStream[LogEntry]) -> Callable[[LogEntry], None]:
    """The run's `on_log`: a slow client loses live lines, never the run (the result has them too)."""

    def on_log(entry: LogEntry) -> None:
        with contextlib.suppress(anyio.WouldBlock, anyio.BrokenResourceError, anyio.ClosedResourceError):
            send.send_nowait(entry)

    return on_log


async def _send_to_attached(waiting: WaitingRun[Any], decision: ApprovalDecision) -> None:
    """A decision of a run kept across rounds goes to the request attached to it right now."""
    await approvals.send_decision(waiting.context, decision)


async def _forward_logs(receive: Any, context: Context[Any, Any], threshold: int, owned: bool = True) -> None:
    """Send each guest console line at or above `threshold` as an MCP log message, until the run
    closes the stream.

    `owned=False`: the stream outlives this request (a run across input-required rounds)."""
    async with receive if owned else contextlib.nullcontext():
        async for entry in receive:
            level = _LOG_LEVELS.get(entry.level, "info")
            if _SEVERITY[level] < threshold:
                continue
            try:
                with anyio.fail_after(_LOG_SEND_TIMEOUT_S):
                    await context.log(level, entry.message, logger_name="guest")  # type: ignore[arg-type]
            except TimeoutError:  # a client that stopped reading: the result carries the logs
                logger.debug(
                    "a guest log line was not taken in %s s; not forwarding more", _LOG_SEND_TIMEOUT_S
                )
                return
            except Exception:  # the client may not accept logs; the result still carries them
                logger.debug("could not forward a guest log line", exc_info=True)


async def _report_progress(context: Context[Any, Any], scope: anyio.CancelScope) -> None:
    """A progress notification every `PROGRESS_INTERVAL_S`, until `scope` is cancelled."""
    with scope:
        await _progress_loop(context)


async def _progress_loop(context: Context[Any, Any]) -> None:
    elapsed = 0.0
    while True:
        await anyio.sleep(PROGRESS_INTERVAL_S)
        elapsed += PROGRESS_INTERVAL_S
        try:
            await context.report_progress(elapsed, None, f"running for {elapsed:.0f} s")
        except Exception:
            logger.debug("could not report progress", exc_info=True)
            return


def _connection_key(session: Any) -> int:
    """One key per client connection: the SDK makes a session object per request, but each holds the
    connection's `initialize` parameters, the same object for the connection's whole life."""
    return id(session.client_params) if session.client_params is not None else id(session)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codemode")
    except PackageNotFoundError:
        return "0"


def _spawn(send: Callable[[], Awaitable[None]]) -> None:
    """Send a notification from a synchronous listener, on the running event loop."""
    import asyncio

    async def guarded() -> None:
        try:
            await send()
        except Exception:
            logger.debug("could not send tools/list_changed", exc_info=True)

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = loop.create_task(guarded())
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


_BACKGROUND: set[Any] = set()
