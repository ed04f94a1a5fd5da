"""Asking in a terminal (`codemode agent`, `codemode exec`), and `--yes`.

```
codemode: the program wants to call tracker.close_issue with:
  issue_id: "ISS-12"
Allow it? [o]nce, for the [r]est of this run, [N]o:
```

Questions go to stderr (stdout carries the program's result) and are asked one at a time. The answer
is read on a daemon thread, so a question nobody answers (the approval timeout declines it) never
keeps the process alive after it is done.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from typing import TextIO

import anyio
import anyio.lowlevel
from anyio.from_thread import run_sync as run_in_loop
from anyio.streams.memory import MemoryObjectReceiveStream

from codemode.approvals.gate import Answer, Asker, Question

__all__ = ["NO_TERMINAL", "AllowAll", "TerminalAsker", "command_line_asker"]

_ANSWERS = {
    "o": Answer.ONCE,
    "once": Answer.ONCE,
    "y": Answer.ONCE,
    "yes": Answer.ONCE,
    "r": Answer.RUN,
    "rest": Answer.RUN,
    "a": Answer.RUN,
    "all": Answer.RUN,
}


class TerminalAsker:
    """Asks the person at the terminal; anything but once/rest (an empty line, end of input) is no."""

    def __init__(self, read: TextIO | None = None, write: TextIO | None = None) -> None:
        self._read = read or sys.stdin
        self._write = write or sys.stderr
        self._lock = anyio.Lock()
        self._lines: MemoryObjectReceiveStream[str | None] | None = None

    async def ask(self, question: Question) -> Answer:
        async with self._lock:
            text = question.text.replace("\nAllow it?", "")
            self._write.write(
                f"codemode: {text[0].lower()}{text[1:]}\nAllow it? [o]nce, for the [r]est of this run, [N]o: "
            )
            self._write.flush()
            line = await self._readline()
        if line is None:
            self._write.write("\n")
            return Answer.CANCEL
        return _ANSWERS.get(line.strip().lower(), Answer.DECLINE)

    async def _readline(self) -> str | None:
        """One line from the terminal; None at end of input.

        A read that outlived its question (timed out) is not lost: the next question takes its line.
        """
        if self._lines is None:
            send, self._lines = anyio.create_memory_object_stream[str | None](1)
            token = anyio.lowlevel.current_token()

            def deliver(line: str | None) -> None:
                with send:
                    send.send_nowait(line)

            def read() -> None:
                line = self._read.readline()
                with contextlib.suppress(Exception):  # the event loop is gone: nobody waits any more
                    run_in_loop(deliver, line or None, token=token)

            threading.Thread(target=read, name="codemode approval prompt", daemon=True).start()
        line = await self._lines.receive()
        self._lines.close()
        self._lines = None
        return line


NO_TERMINAL = "there is no terminal to ask on (run it in one, or pass --yes to allow every call)"
"""Why a command run without a terminal cannot ask: said in the fallback's message."""


def command_line_asker(yes: bool) -> tuple[Asker | None, str]:
    """`--yes`: allow all; a terminal on stdin: ask there; else nobody (the fallback). And who."""
    if yes:
        return AllowAll(), "--yes"
    if sys.stdin.isatty():
        return TerminalAsker(), "the terminal user"
    return None, "nobody (no terminal)"


class AllowAll:
    """`--yes`: every call is allowed, without asking (each one still goes to the decision log)."""

    async def ask(self, question: Question) -> Answer:
        return Answer.ONCE
