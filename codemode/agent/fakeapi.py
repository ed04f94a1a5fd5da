"""A scripted stand-in for the Anthropic Messages and OpenAI Responses / Chat Completions APIs.

Tests and the benchmark's `--live` self-check point the *real* SDKs at it through the environment
(`ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`) with dummy keys, so the whole production code path runs
(request building, retries, response parsing) without reaching the internet.

One provider-neutral script drives all three APIs: each entry is a `Reply` (text and tool calls plus
usage numbers), a `Failure` (an HTTP error status, to exercise the SDK's retries), or a callable
that builds a `Reply` from the request body (for replies that depend on what the agent sent).
Entries are consumed one per request, whatever the endpoint; every request is recorded.

    script = [
        Reply(tool_calls=[ToolCall("code", {"code": "return 1 + 1"})], usage=Usage(100, 20)),
        Failure(500),
        Reply(text="It is 2.", usage=Usage(130, 5, cache_read_tokens=100)),
    ]
    with FakeAPI(script) as api:
        env = api.environment()   # {"ANTHROPIC_BASE_URL": ..., "OPENAI_BASE_URL": ..., dummy keys}
        ...
    api.requests[0].body["tools"]  # what the SDK sent

Usage numbers are given in the normalized form the agent reports (`input_tokens` excludes cached
and cache-written tokens); the server translates them to each API's own usage fields, so the same
script yields the same totals through either provider.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = [
    "Failure",
    "FakeAPI",
    "RecordedRequest",
    "Reply",
    "ScriptEntry",
    "ToolCall",
    "Usage",
    "iter_tool_results",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Usage:
    """Token counts for one scripted reply, in the agent's normalized form."""

    input_tokens: int = 0
    """Input tokens neither read from nor written to the prompt cache."""
    output_tokens: int = 0
    """Generated tokens."""
    cache_read_tokens: int = 0
    """Input tokens read from the prompt cache."""
    cache_write_tokens: int = 0
    """Input tokens written to the prompt cache."""


@dataclass(frozen=True)
class ToolCall:
    """One tool call the scripted model makes."""

    name: str
    """The tool's name as the model sees it (`code`, or `namespace__tool` in classic mode)."""
    arguments: Mapping[str, Any] = field(default_factory=dict)
    """The call's arguments (sent as `input` to Anthropic, as a JSON string to OpenAI)."""
    id: str | None = None
    """The call id; None = generated (`toolu_fake_N` / `call_fake_N`)."""


@dataclass(frozen=True)
class Reply:
    """One model turn: optional text, then zero or more tool calls (several = parallel tool use)."""

    text: str | None = None
    """Text the model says before its tool calls, or its final answer when there are none."""
    tool_calls: Sequence[ToolCall] = ()
    """Tool calls, in order."""
    usage: Usage = Usage(10, 5)
    """What the reply's `usage` field reports."""


@dataclass(frozen=True)
class Failure:
    """An HTTP error instead of a reply; the SDKs retry 429 and 5xx (told to wait 1 ms)."""

    status: int = 500
    """The HTTP status to answer with."""
    message: str = "scripted failure"
    """The error message in the body."""


ScriptEntry = Reply | Failure | Callable[[dict[str, Any]], Reply]
"""A script step; a callable receives the decoded request body and returns the reply."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    path: str
    """The request path, e.g. `/v1/messages` or `/v1/responses`."""
    headers: dict[str, str]
    """Request headers, names lower-cased."""
    body: dict[str, Any]
    """The decoded JSON body."""


class FakeAPI:
    """The scripted server: a context manager that serves on 127.0.0.1 on a free port in a thread."""

    def __init__(self, script: Sequence[ScriptEntry]) -> None:
        self._script = list(script)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.requests: list[RecordedRequest] = []
        """Every request received, in order (failed ones included)."""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> FakeAPI:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Bind 127.0.0.1 port 0 and serve in a daemon thread."""
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakeapi", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    # -- addresses -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`, the Anthropic SDK's base URL."""
        if self._server is None:
            raise RuntimeError("FakeAPI is not running: use it as a context manager or call start()")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`, the OpenAI SDK's base URL."""
        return f"{self.url}/v1"

    def environment(self) -> dict[str, str]:
        """Environment variables that point both SDKs here, with dummy keys."""
        return {
            "ANTHROPIC_BASE_URL": self.url,
            "ANTHROPIC_API_KEY": "sk-ant-fake",
            "OPENAI_BASE_URL": self.openai_url,
            "OPENAI_API_KEY": "sk-fake",
        }

    @property
    def remaining(self) -> int:
        """Script entries not consumed yet."""
        with self._lock:
            return len(self._script)

    # -- request handling (runs in server threads) -----------------------------------------------

    def _next_entry(self, request: RecordedRequest) -> ScriptEntry | None:
        with self._lock:
            self.requests.append(request)
            return self._script.pop(0) if self._script else None

    def _handle(self, request: RecordedRequest) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Status, extra headers and JSON body for one request."""
        kind = _endpoint(request.path)
        if kind is None:
            return 404, {"x-should-retry": "false"}, _error_body(f"fake API: no endpoint {request.path}")
        entry = self._next_entry(request)
        if entry is None:
            used = len(self.requests) - 1
            message = f"fake API script exhausted: {used} entries were used, add more Reply entries"
            return 500, {"x-should-retry": "false"}, _error_body(message)
        if isinstance(entry, Failure):
            return entry.status, {"retry-after-ms": "1"}, _error_body(entry.message)
        reply = entry if isinstance(entry, Reply) else entry(request.body)
        n = next(self._ids)
        model = str(request.body.get("model", "fake-model"))
        if kind == "anthropic":
            return 200, {}, _anthropic_message(reply, model, n)
        if kind == "openai-chat":
            return 200, {}, _chat_completion(reply, model, n)
        return 200, {}, _openai_response(reply, model, n)


def _endpoint(path: str) -> str | None:
    path = path.split("?", 1)[0].rstrip("/")
    if path.endswith("/v1/messages"):
        return "anthropic"
    if path.endswith("/v1/responses"):
        return "openai"
    if path.endswith("/v1/chat/completions"):
        return "openai-chat"
    return None


def _error_body(message: str) -> dict[str, Any]:
    # Both SDKs read `error.message`; Anthropic also wants the outer type.
    return {"type": "error", "error": {"type": "api_error", "message": message}}


def _anthropic_message(reply: Reply, model: str, n: int) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if reply.text is not None:
        content.append({"type": "text", "text": reply.text})
    for i, call in enumerate(reply.tool_calls):
        call_id = call.id or f"toolu_fake_{n}_{i}"
        content.append({"type": "tool_use", "id": call_id, "name": call.name, "input": dict(call.arguments)})
    u = reply.usage
    return {
        "id": f"msg_fake_{n}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "cache_creation_input_tokens": u.cache_write_tokens,
            "cache_read_input_tokens": u.cache_read_tokens,
        },
    }


def _openai_response(reply: Reply, model: str, n: int) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if reply.text is not None:
        output.append(
            {
                "type": "message",
                "id": f"msg_fake_{n}",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": reply.text, "annotations": []}],
            }
        )
    for i, call in enumerate(reply.tool_calls):
        output.append(
            {
                "type": "function_call",
                "id": f"fc_fake_{n}_{i}",
                "call_id": call.id or f"call_fake_{n}_{i}",
                "name": call.name,
                "arguments": json.dumps(dict(call.arguments)),
                "status": "completed",
            }
        )
    u = reply.usage
    total_input = u.input_tokens + u.cache_read_tokens + u.cache_write_tokens
    return {
        "id": f"resp_fake_{n}",
        "object": "response",
        "created_at": time.time(),
        "model": model,
        "status": "completed",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": total_input,
            "input_tokens_details": {
                "cached_tokens": u.cache_read_tokens,
                "cache_write_tokens": u.cache_write_tokens,
            },
            "output_tokens": u.output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": total_input + u.output_tokens,
        },
    }


def _chat_completion(reply: Reply, model: str, n: int) -> dict[str, Any]:
    calls = [
        {
            "id": call.id or f"call_fake_{n}_{i}",
            "type": "function",
            "function": {"name": call.name, "arguments": json.dumps(dict(call.arguments))},
        }
        for i, call in enumerate(reply.tool_calls)
    ]
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if calls:
        message["tool_calls"] = calls
    u = reply.usage
    prompt = u.input_tokens + u.cache_read_tokens + u.cache_write_tokens
    return {
        "id": f"chatcmpl-fake-{n}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": u.output_tokens,
            "total_tokens": prompt + u.output_tokens,
            "prompt_tokens_details": {
                "cached_tokens": u.cache_read_tokens,
                "cache_write_tokens": u.cache_write_tokens,
            },
        },
    }


def _make_handler(api: FakeAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"_undecodable": raw.decode("utf-8", "replace")}
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = RecordedRequest(path=self.path, headers=headers, body=body)
            try:
                status, extra, payload = api._handle(request)
            except Exception as exc:  # a broken script callable: answer, don't hang the client
                logger.exception("fake API: script entry failed")
                status, extra, payload = 500, {"x-should-retry": "false"}, _error_body(repr(exc))
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("fake API: " + format, *args)

    return Handler


def iter_tool_results(body: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The tool results in a recorded request body, in a provider-neutral form.

    Yields `{"id", "content", "is_error"}` for Anthropic `tool_result` blocks (content flattened to
    text), OpenAI `function_call_output` items and Chat Completions `tool` messages (`is_error` is
    always False for OpenAI: its APIs have no error flag).
    """
    for message in body.get("messages", []):
        if message.get("role") == "tool":
            call_id = message.get("tool_call_id")
            yield {"id": call_id, "content": message.get("content", ""), "is_error": False}
            continue
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for block in content:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                text = block.get("content", "")
                if isinstance(text, list):
                    text = "".join(part.get("text", "") for part in text if isinstance(part, dict))
                is_error = bool(block.get("is_error"))
                yield {"id": block.get("tool_use_id"), "content": text, "is_error": is_error}
    for item in body.get("input", []) if isinstance(body.get("input"), list) else []:
        if isinstance(item, dict) and item.get("type") == "function_call_output":
            yield {"id": item.get("call_id"), "content": item.get("output", ""), "is_error": False}
