"""`codemode serve` over HTTP as a real subprocess, for the tests of several folders that need one.

Importable as `http_serving` from any test: `tests/` is on `sys.path` through its conftest.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

__all__ = ["http_server_process", "serving_http"]

_URL = re.compile(r"at (http://\S+)")


@contextmanager
def http_server_process(
    *extra: str, env: Mapping[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """`codemode serve --transport http --port 0 EXTRA` (a free port); yields the process, its URL and
    what it printed on stderr up to the line naming it. When the block ends the process is stopped
    (SIGTERM, then killed), unless the test already ended it. `env` is added to this process's."""
    process = subprocess.Popen(
        [sys.executable, "-m", "codemode", "serve", "--transport", "http", "--port", "0", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stderr is not None
    try:
        seen: list[str] = []
        for line in process.stderr:
            seen.append(line)
            match = _URL.search(line)
            if match:
                yield process, match.group(1), "".join(seen)
                return
        raise AssertionError(f"the server exited before printing its URL: {''.join(seen)}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        finally:
            process.kill()
            process.stderr.close()


@contextmanager
def serving_http(*extra: str, env: Mapping[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """`http_server_process`'s URL and what it printed, for tests that only talk to it."""
    with http_server_process(*extra, env=env) as (_, url, printed):
        yield url, printed
