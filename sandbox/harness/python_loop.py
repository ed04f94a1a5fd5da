"""Tool calls and the event loop of the Python harness, without Pyodide's per-step JavaScript costs.

Loaded by `python.js` next to `python_glue.py` (a text import, no permission involved), before any
guest code exists. Pure Python with no Pyodide import, so it also runs (and is tested) under CPython.

Why: Pyodide's event loop (`pyodide.webloop.WebLoop`) runs every `call_soon` callback through
`setTimeout(callback, 0)` with a fresh JavaScript proxy of a Python closure, and awaiting a JavaScript
Promise adds two more proxies and a `.then`. A tool call paid for all of that on every step: about
2 ms per `await ns.tool()` on this machine, seven times the TypeScript round trip. Here instead:

- `ToolCalls`: a tool call is a plain asyncio future (not the loop's `create_future`, whose futures
  carry Pyodide's bookkeeping callback: one more ready callback per call), keyed by a number;
  `send(id, ns, tool, args)` hands the call to the bridge (synchronous, returns nothing) and the
  JavaScript side answers with `settle(id, ok, text)`: one call into Python per reply, which also
  runs the program on; no proxies are made per call;
- `ReadyQueue`: the loop's `call_soon` appends to a queue of our own, drained in one call from
  JavaScript, scheduled as a microtask. So a reply and the program's next call happen in the same
  turn of Deno's event loop, as an `await` does in TypeScript. Every `MICROTASK_TURNS` drains in a
  row, one runs as a timer task instead, so a program that only yields (`await asyncio.sleep(0)` in a
  loop) still lets timers and the bridge's I/O in, as it did before. Delayed callbacks
  (`asyncio.sleep(0.1)`, `call_later`) stay on Pyodide's timers.

Guest code can reach and patch all of this (same interpreter); that gains it nothing: the host counts
and checks every frame itself, and a broken loop only breaks the guest's own run.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from contextvars import Context
from typing import Any

__all__ = ["MICROTASK_TURNS", "ReadyQueue", "ToolCalls"]

MICROTASK_TURNS = 100
"""Drains in a row run as microtasks before one runs as a timer task (lets I/O and timers in)."""

_PER_CALLBACK_SETUP = ("_install_asyncgen_hooks",)
"""`pyodide.webloop.WebLoop`'s per-callback set-up besides the running loop, which `drain` installs
itself (absent under CPython)."""

Send = Callable[[int, str, str, str], None]
"""`send(call_id, ns, tool, args_json)`: hand one call to the bridge; the answer comes to `settle`."""
Reply = tuple[bool, str]
"""A call's answer: `(True, the value's JSON text)` or `(False, the tool's error message)`."""
OnInput = Callable[[Callable[[Reply], None], Reply], None]
"""`on_input(action, reply)`: run `action(reply)` (it resolves a future), then whatever it made ready."""
_Held = tuple[Callable[..., Any], tuple[Any, ...], Context | None]
"""A callback `ReadyQueue` keeps as it is, without an `asyncio.Handle`."""
Schedule = Callable[[bool], None]
"""`schedule(as_timer)`: have JavaScript call `ReadyQueue.drain` soon (a microtask, or a timer task)."""


def _run_now(action: Callable[[Reply], None], reply: Reply) -> None:
    action(reply)


class ToolCalls:
    """Tool calls as asyncio futures, resolved by the bridge's answers.

    `calls(ns, tool, args_json)` sends the call and returns a future of its `Reply` (the glue's
    `CallTool`; `calls.request` is the same as a bound method, which costs less to call);
    `settle(call_id, ok, text)` resolves it and runs what became ready.
    """

    def __init__(self, send: Send, on_input: OnInput = _run_now) -> None:
        self._send = send
        self._on_input = on_input
        self._pending: dict[int, asyncio.Future[Reply]] = {}
        self._last = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def __call__(self, ns: str, tool: str, args_json: str) -> asyncio.Future[Reply]:
        loop = self._loop
        if loop is None:  # the loop a ToolCalls serves is the first one it is called from
            loop = self._loop = asyncio.get_running_loop()
        future: asyncio.Future[Reply] = asyncio.Future(loop=loop)
        self._last += 1
        call_id = self._last
        self._pending[call_id] = future
        try:
            self._send(call_id, ns, tool, args_json)
        except BaseException:
            del self._pending[call_id]
            raise
        return future

    def settle(self, call_id: int, ok: bool, text: str) -> None:
        """The bridge's answer to call `call_id` (ignored if unknown or the caller gave up waiting)."""
        future = self._pending.pop(call_id, None)
        if future is not None and not future.done():
            self._on_input(future.set_result, (ok, text))

    request = __call__

    def pending(self) -> int:
        """Calls sent and not answered yet."""
        return len(self._pending)


class ReadyQueue:
    """An event loop's `call_soon`, on a queue drained by one call from JavaScript."""

    def __init__(self, loop: asyncio.AbstractEventLoop, schedule: Schedule) -> None:
        self._loop = loop
        self._schedule = schedule
        # Pyodide's loop re-installs itself (running loop, async-generator hooks) before each callback:
        # with stack switching, each entry into Python may run on a thread state of its own.
        self._enter = [f for f in (getattr(loop, name, None) for name in _PER_CALLBACK_SETUP) if callable(f)]
        self._ready: deque[asyncio.Handle | _Held] = deque()
        self._scheduled = False
        self._turns = 0

    def install(self) -> None:
        """Take over the loop's `call_soon` (an instance attribute: asyncio's C code looks it up there).

        Called with a plain call from JavaScript, as `on_input` is: the loop's per-thread-state set-up
        done here holds for every `on_input` after it (Python entered without stack switching)."""
        self._loop.call_soon = self.call_soon  # type: ignore[method-assign,assignment]
        for enter in self._enter:
            enter()

    def call_soon(
        self, callback: Callable[..., Any], *args: Any, context: Context | None = None
    ) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self._loop, context)
        self._ready.append(handle)
        if not self._scheduled:
            self._request()
        return handle

    def _call_soon_held(
        self, callback: Callable[..., Any], *args: Any, context: Context | None = None
    ) -> None:
        """`call_soon` while `on_input` resolves a future: the future's callbacks, kept as they are (its
        C code drops the handle it gets back) for the run just after, without a `Handle` each."""
        self._ready.append((callback, args, context))

    def _request(self) -> None:
        self._scheduled = True
        self._turns += 1
        as_timer = self._turns >= MICROTASK_TURNS
        if as_timer:
            self._turns = 0
        self._schedule(as_timer)

    def on_input(self, action: Callable[[Reply], None], reply: Reply) -> None:
        """Input arrived (a new turn of Deno's event loop): run `action(reply)` (it resolves a future),
        then what became ready, now. Entered with a plain call (python.js): no per-entry set-up."""
        self._turns = 0
        loop = self._loop
        loop.call_soon = self._call_soon_held  # type: ignore[method-assign,assignment]
        try:
            action(reply)
        finally:
            loop.call_soon = self.call_soon  # type: ignore[method-assign,assignment]
            self._run_ready()

    def drain(self) -> None:
        """Run the callbacks ready now (a drain JavaScript scheduled, entered with stack switching)."""
        self._scheduled = False
        for enter in self._enter:
            enter()
        self._run_ready()

    def _run_ready(self) -> None:
        """Run the callbacks ready now; those they make ready run in a later drain.

        Not guarded against re-entry on purpose: a callback may suspend its drain (`time.sleep` and
        `run_sync` switch stacks under Pyodide) until a timer's callback has run in another drain.
        """
        ready = self._ready
        try:
            if asyncio._get_running_loop() is not self._loop:
                asyncio._set_running_loop(self._loop)
            for _ in range(len(ready)):
                if not ready:
                    break  # a drain that ran while this one was suspended took the rest
                item = ready.popleft()
                if isinstance(item, tuple):
                    self._run_held(*item)
                elif not item.cancelled():
                    item._run()
        finally:
            if ready and not self._scheduled:
                self._request()

    def _run_held(self, callback: Callable[..., Any], args: tuple[Any, ...], context: Context | None) -> None:
        """What `asyncio.Handle._run` does, for a callback `_call_soon_held` kept."""
        try:
            if context is None:
                callback(*args)
            else:
                context.run(callback, *args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop.call_exception_handler(
                {"message": f"Exception in callback {callback!r}", "exception": exc, "handle": None}
            )
