"""`TypeChecker`: a warm TypeScript 7 language server that checks a program before it runs.

One `tsc --lsp --stdio` child per checker, kept running. Its project is a private temporary
directory holding a `tsconfig.json` (policy.COMPILER_OPTIONS), `runtime.d.ts` (the sandbox's
globals), `declarations.d.ts` and `program.ts`. The last two are open documents: the declarations
change with the catalog (`set_declarations`, a `didChange`), the program with every check; the
server keeps everything else parsed and bound between checks, which is what makes a check take
milliseconds instead of a cold compile's 100+.

The program is only ever data to the compiler: it is parsed and type-checked, never run.

    checker = TypeChecker()
    await checker.start()                     # fetches the compiler on first use, then offline
    checker.set_declarations(declarations)    # exactly what the model was shown (set before start
                                              # or follow with warm_up() to load it ahead of a check)
    diagnostics = await checker.check(code)   # [] = nothing certainly wrong
    await checker.aclose()
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from anyio.abc import Process

from .errors import CheckerCrashedError
from .lsp import LspConnection
from .messages import namespaces_of, reword
from .policy import COMPILER_OPTIONS, blocks
from .program import CheckedSource, checked_sources
from .provision import checker_binary

__all__ = ["Diagnostic", "TypeChecker"]

logger = logging.getLogger(__name__)

_RUNTIME = (Path(__file__).parent / "runtime.d.ts").read_text(encoding="utf-8")
_START_TIMEOUT_S = 60.0
_CHECK_TIMEOUT_S = 20.0
_SUGGESTIBLE = {2304: "name", 2339: "property", 2353: "argument"}
"""Codes where TypeScript names no close match itself (it does for 2551/2552), so we ask for one."""
_LISTED = 30
"""At most this many tool names in the message for an unknown tool with no close match."""
_ASSIGNED = re.compile(r"\s*=(?![=>])")
"""After a property: it is assigned (`o.x = 1`), not read."""
_OWNER_END = re.compile(r"([\w$\])])\s*(?:\?\.|\.)\s*$")
"""Before a property: the last character of the object expression, then the dot."""
_KEYWORD = 14
"""LSP CompletionItemKind.Keyword: `catch` is never what a misspelt `fetch` meant."""
_QUOTED = re.compile(r"'([^']+)'")


@dataclass(frozen=True)
class Diagnostic:
    """One certain bug, located in the model's own code."""

    line: int
    """1-based line in the code the model sent."""
    column: int
    """1-based column (in characters) in that line."""
    code: int
    """TypeScript's error code (e.g. 2339 for an unknown property)."""
    message: str
    """TypeScript's message, with a close match appended when it is a typo ("Did you mean 'rows'?")."""

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "message": self.message}


class TypeChecker:
    """A warm type checker for programs against a set of declarations; one check at a time."""

    def __init__(self, binary: Path | None = None) -> None:
        self._binary = binary
        self._declarations = ""
        self._namespaces: frozenset[str] = frozenset()
        self._declarations_version = 0
        self._sent_version = -1
        self._program_version = 0
        self._process: Process | None = None
        self._lsp: LspConnection | None = None
        self._workdir: Path | None = None
        self._lock = anyio.Lock()

    @property
    def running(self) -> bool:
        """Whether the compiler process is up."""
        return self._process is not None and self._process.returncode is None

    @property
    def declarations(self) -> str:
        """The declarations programs are checked against (the latest `set_declarations`)."""
        return self._declarations

    @property
    def loaded(self) -> bool:
        """Whether the compiler holds the current declarations (no check has to load them first)."""
        return self.running and self._sent_version == self._declarations_version

    @property
    def pid(self) -> int | None:
        """The compiler's process id while it runs (for memory measurements)."""
        return self._process.pid if self.running and self._process is not None else None

    async def start(self) -> None:
        """Fetch the compiler if needed (blocking, at start-up only) and start it; idempotent."""
        async with self._lock:
            await self._start()

    def set_declarations(self, text: str) -> None:
        """The declarations the model was shown; takes effect at the next check (no restart)."""
        if text != self._declarations:
            self._declarations = text
            self._namespaces = namespaces_of(text)
            self._declarations_version += 1

    async def warm_up(self) -> None:
        """Load the current declarations now (about 50-150 ms), so the next check is fast.

        Call it after `set_declarations` when the catalog changes, in the background; without it the
        first check after a change pays that cost.
        """
        await self.check("return 0;")

    async def check(self, code: str) -> list[Diagnostic]:
        """The program's certain bugs (empty when it may run).

        A compiler that died since the last check is replaced and the check made once more; raises
        CheckerError when the checker itself fails twice (the caller decides whether to run unchecked).
        """
        async with self._lock:
            for attempt in (1, 2):
                try:
                    await self._start()
                    return await self._check(code)
                except CheckerCrashedError as exc:
                    await self._stop()  # the next attempt starts a fresh process
                    if attempt == 2:
                        raise
                    logger.warning("type checker failed (%s); restarting it", exc)
            raise AssertionError("unreachable")

    async def aclose(self) -> None:
        """Stop the compiler and remove its temporary project."""
        async with self._lock:
            await self._stop()

    async def __aenter__(self) -> TypeChecker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the process ---------------------------------------------------------------------------

    async def _start(self) -> None:
        if self.running:
            return
        await self._stop()
        if self._binary is None:
            self._binary = await anyio.to_thread.run_sync(checker_binary)
        self._workdir = Path(tempfile.mkdtemp(prefix="codemode-typecheck-"))
        _write_project(self._workdir)
        self._process = await anyio.open_process(
            [str(self._binary), "--lsp", "--stdio"],
            cwd=self._workdir,
            env=_child_env(),
            stderr=-3,  # DEVNULL: its log is not ours to print
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._lsp = LspConnection(self._process.stdin, self._process.stdout)
        root = self._workdir.as_uri()
        await self._lsp.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "codemode"}],
                "capabilities": {"textDocument": {"diagnostic": {}, "completion": {}}},
            },
            timeout_s=_START_TIMEOUT_S,
        )
        await self._lsp.notify("initialized", {})
        # The version of the text sent, not the one current after these awaits: declarations set
        # meanwhile (the engine describes its tools while the checker starts) go with the next check.
        declarations, version = self._declarations, self._declarations_version
        for name, text in (("declarations.d.ts", declarations), ("program.ts", "export {};\n")):
            document = {"uri": self._uri(name), "languageId": "typescript", "version": 0, "text": text}
            await self._lsp.notify("textDocument/didOpen", {"textDocument": document})
        self._sent_version = version
        self._program_version = 0
        await self._lsp.request(
            "textDocument/diagnostic",
            {"textDocument": {"uri": self._uri("program.ts")}},
            timeout_s=_START_TIMEOUT_S,
        )  # the first check loads the standard library: pay for it now, not on the first program

    async def _stop(self) -> None:
        process, self._process, self._lsp = self._process, None, None
        if process is not None:
            with anyio.CancelScope(shield=True):
                if process.returncode is None:
                    process.kill()
                with anyio.move_on_after(5):
                    await process.wait()
                await process.aclose()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def _uri(self, name: str) -> str:
        assert self._workdir is not None
        return (self._workdir / name).as_uri()

    # -- checking ------------------------------------------------------------------------------

    async def _check(self, code: str) -> list[Diagnostic]:
        lsp = self._lsp
        assert lsp is not None
        if self._sent_version != self._declarations_version:
            await self._change("declarations.d.ts", self._declarations, self._declarations_version + 1)
            self._sent_version = self._declarations_version
        sources = checked_sources(code)
        first: list[Diagnostic] | None = None
        for source in sources:
            items = await self._diagnose(source.text)
            if not any(_is_syntax(item) for item in items) or source.kind == "module":
                return await self._located(source, items)
            if first is None:
                first = await self._located(source, items)
        assert first is not None
        return first  # nothing parses: report the syntax errors of the body form

    async def _change(self, name: str, text: str, version: int) -> None:
        assert self._lsp is not None
        await self._lsp.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self._uri(name), "version": version},
                "contentChanges": [{"text": text}],
            },
        )

    async def _diagnose(self, text: str) -> list[dict[str, Any]]:
        assert self._lsp is not None
        self._program_version += 1
        await self._change("program.ts", text, self._program_version)
        report = await self._lsp.request(
            "textDocument/diagnostic",
            {"textDocument": {"uri": self._uri("program.ts")}},
            timeout_s=_CHECK_TIMEOUT_S,
        )
        items = report.get("items", []) if isinstance(report, dict) else []
        return [item for item in items if isinstance(item, dict) and item.get("severity", 1) == 1]

    async def _located(self, source: CheckedSource, items: list[dict[str, Any]]) -> list[Diagnostic]:
        syntax = [item for item in items if _is_syntax(item)]
        items = syntax or items  # in code that does not parse, the rest is noise
        out: list[Diagnostic] = []
        for item in items:
            code = int(item.get("code", 0))
            message = str(item.get("message", ""))
            if not blocks(code, message) or await self._own_property(source, item):
                continue
            if code == 2304 and _global_written(source.text, message):
                continue
            start = item["range"]["start"]
            line, column = int(start["line"]), int(start["character"])
            before = source.module_line(line)[: source.column_of(line, column)]
            name = _QUOTED.search(message)
            message = reword(code, message, before, self._namespaces)
            if code in _SUGGESTIBLE and name and "Did you mean" not in message:
                message += await self._suggestion(start, name.group(1), listing=" has no tool " in message)
            line, column = source.to_guest(line, column)
            out.append(Diagnostic(line, column, code, message))
        out.sort(key=lambda d: (d.line, d.column))
        return out

    async def _own_property(self, source: CheckedSource, item: dict[str, Any]) -> bool:
        """Whether an unknown property is on an object the program built itself (JavaScript's expando
        idiom, `const s = {}; s.total = 1`), or is only written: legal, so not certainly a bug.

        Properties of typed results (the declarations, the standard library, primitives) still block.
        """
        if int(item.get("code", 0)) not in (2339, 2551) or self._lsp is None:
            return False
        start, end = item["range"]["start"], item["range"]["end"]
        line = source.module_line(int(end["line"]))
        if _ASSIGNED.match(line[source.column_of(int(end["line"]), int(end["character"])) :]):
            return True
        before = source.module_line(int(start["line"]))[
            : source.column_of(int(start["line"]), int(start["character"]))
        ]
        owner = _OWNER_END.search(before)
        if owner is None:
            return False
        position = {"line": int(start["line"]), "character": _utf16(before[: owner.end(1)]) - 1}
        found = await self._lsp.request(
            "textDocument/typeDefinition",
            {"textDocument": {"uri": self._uri("program.ts")}, "position": position},
            timeout_s=_CHECK_TIMEOUT_S,
        )
        locations = found if isinstance(found, list) else [found] if isinstance(found, dict) else []
        program = self._uri("program.ts")
        return bool(locations) and all(
            isinstance(loc, dict) and (loc.get("uri") or loc.get("targetUri")) == program for loc in locations
        )

    async def _suggestion(self, position: dict[str, Any], wrong: str, *, listing: bool) -> str:
        """ " Did you mean 'x'?" from the names valid at `position`, when one is close to `wrong`.

        With `listing` (an unknown tool) and no close name, the namespace's tools instead.
        """
        if self._lsp is None:
            return ""
        completions = await self._lsp.request(
            "textDocument/completion",
            {"textDocument": {"uri": self._uri("program.ts")}, "position": position},
            timeout_s=_CHECK_TIMEOUT_S,
        )
        items = completions.get("items", []) if isinstance(completions, dict) else completions or []
        names = {
            str(item.get("label", "")).rstrip("?")  # optional properties are labelled `name?`
            for item in items
            if isinstance(item, dict) and item.get("kind") != _KEYWORD
        }
        close = difflib.get_close_matches(wrong, sorted(names - {wrong}), n=3, cutoff=0.6)
        if not close:
            if listing and names:
                shown = sorted(names)
                more = f" (and {len(shown) - _LISTED} more)" if len(shown) > _LISTED else ""
                return " Its tools: " + ", ".join(shown[:_LISTED]) + more + "."
            return ""
        return " Did you mean " + " or ".join(f"'{name}'" for name in close) + "?"


def _global_written(text: str, message: str) -> bool:
    """Whether the unknown name of a 2304 is one the program sets as `globalThis.name = ...`."""
    match = _QUOTED.search(message)
    if match is None:
        return False
    return re.search(rf"globalThis\.{re.escape(match.group(1))}\s*=(?!=)", text) is not None


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _is_syntax(item: dict[str, Any]) -> bool:
    """TypeScript numbers its parser's errors 1000-1999."""
    return 1000 <= int(item.get("code", 0)) < 2000


def _write_project(workdir: Path) -> None:
    config = {
        "compilerOptions": COMPILER_OPTIONS,
        "files": ["runtime.d.ts", "declarations.d.ts", "program.ts"],
    }
    (workdir / "tsconfig.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    (workdir / "runtime.d.ts").write_text(_RUNTIME, encoding="utf-8")
    (workdir / "declarations.d.ts").write_text("", encoding="utf-8")
    (workdir / "program.ts").write_text("export {};\n", encoding="utf-8")


def _child_env() -> dict[str, str]:
    """A small environment: the compiler needs none of ours (and no secrets)."""
    keep = ("PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT")
    return {name: os.environ[name] for name in keep if name in os.environ}
