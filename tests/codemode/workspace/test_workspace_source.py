"""The `workspace` namespace through the front door: real programs in the real sandbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import snapshot

from codemode.approvals import ApprovalPolicy
from codemode.engine import CodeMode, EngineSettings
from codemode.errors import ToolError
from codemode.sources.toolbox import Toolbox
from codemode.sources.workspace import SqliteStore, StoreLimits, WorkspaceSource, check_path
from codemode.sources.workspace import operations as operations_module
from codemode.sources.workspace import text as text_module
from sandbox import DenoExecutor, Limits, SandboxSettings
from tool_schemas import render_declarations

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
async def executor() -> AsyncIterator[DenoExecutor]:
    async with DenoExecutor(SandboxSettings(pool_size=1)) as executor:
        yield executor


class Workspace:
    """A workspace source in a toolbox, and a way to run programs against it."""

    def __init__(self, source: WorkspaceSource, engine: CodeMode) -> None:
        self.source = source
        self.engine = engine

    @property
    def store(self) -> SqliteStore:
        store = self.source.store
        assert isinstance(store, SqliteStore)
        return store

    async def run(self, code: str) -> Any:
        outcome = await self.engine.run(code)
        assert not outcome.is_error, outcome.text
        return outcome.result.value


async def _open(directory: Path, executor: DenoExecutor, limits: StoreLimits | None = None) -> Any:
    source = WorkspaceSource.open(directory, limits)
    toolbox = Toolbox([source])
    await toolbox.__aenter__()
    # Deleting needs a person's approval by default (rm is destructive); these tests are not about that.
    settings = EngineSettings(
        limits=Limits(tool_calls=5000), approvals=ApprovalPolicy(approve_destructive=False)
    )
    engine = CodeMode(toolbox, executor, settings)
    return toolbox, Workspace(source, engine)


@pytest.fixture
async def ws(tmp_path: Path, executor: DenoExecutor) -> AsyncIterator[Workspace]:
    toolbox, workspace = await _open(tmp_path / "ws", executor)
    try:
        yield workspace
    finally:
        await toolbox.__aexit__(None, None, None)


def test_the_declarations_are_exact_typescript_with_output_types() -> None:
    source = WorkspaceSource.open("/nonexistent-never-opened")
    text = render_declarations({"workspace": [tool.to_mcp_dict() for tool in source.tools()]})
    for line in [
        "declare const workspace: {",
        "readFile(args:{ path:string }):Promise<string>;",
        "writeFile(args:{ path:string; content:string }):Promise<null>;",
        "appendFile(args:{ path:string; content:string }):Promise<null>;",
        "readFileBytes(args:{ path:string }):Promise<string>;",
        "readJson(args:{ path:string }):Promise<unknown>;",
        "writeJson(args:{ path:string; value:unknown }):Promise<null>;",
        "exists(args:{ path:string }):Promise<boolean>;",
        'stat(args:{ path:string }):Promise<{ path:string; type:"file"|"dir"; size:number; mtime:string }>;',
        '}):Promise<{ name:string; type:"file"|"dir"; size:number }[]>;',
        "}):Promise<string[]>;",
        "mv(args:{ from:string; to:string }):Promise<null>;",
        "}):Promise<{ path:string; line:number; text:string }[]>;",
        "}):Promise<{ path:string; replacements:number }[]>;",
        "diff(args:{ from:string; to:string }):Promise<string>;",
        "caseSensitive?:boolean;",
        "dryRun?:boolean;",
        "base64:string;",
        "// Remove a file or directory. @destructive",
    ]:
        assert line in text.splitlines(), line
    assert [tool.name for tool in source.tools()] == [
        *("readFile", "writeFile", "appendFile", "readFileBytes", "writeFileBytes", "readJson"),
        *("writeJson", "exists", "stat", "mkdir", "readdir", "glob", "rm", "cp", "mv"),
        *("searchText", "replaceInFiles", "diff"),
    ]


async def test_every_method_from_a_program(ws: Workspace) -> None:
    result = await ws.run(
        r"""
        await workspace.writeFile({path: "/reports/q3.md", content: "# Q3\nAcme grew\n"});
        await workspace.appendFile({path: "reports/q3.md", content: "acme again\n"});
        await workspace.writeJson({path: "/data/orders.json", value: [{id: 1, total: 9.5}]});
        await workspace.writeFileBytes({path: "/bin/x.bin", base64: btoa("\x00\x01\xff")});
        await workspace.mkdir({path: "/empty/deep", recursive: true});
        const out = {
          text: await workspace.readFile({path: "/reports/q3.md"}),
          json: await workspace.readJson({path: "/data/orders.json"}),
          bytes: await workspace.readFileBytes({path: "/bin/x.bin"}),
          exists: [await workspace.exists({path: "/reports"}), await workspace.exists({path: "/nope"})],
          stat: await workspace.stat({path: "/reports/q3.md"}),
          root: await workspace.readdir({}),
          glob: await workspace.glob({pattern: "**/*.{md,json}"}),
          hits: await workspace.searchText({query: "ACME"}),
          exact: await workspace.searchText({query: "Acme", caseSensitive: true, path: "/reports"}),
          regex: await workspace.searchText({query: "^a\\w+", regex: true, caseSensitive: true,
                                             glob: "/reports/*.md"}),
        };
        await workspace.cp({from: "/reports/q3.md", to: "/reports/q3-copy.md"});
        await workspace.cp({from: "/reports", to: "/archive/reports", recursive: true});
        await workspace.mv({from: "/archive", to: "/old"});
        out.dry = await workspace.replaceInFiles({search: "(a|A)cme", replace: "$1CME", regex: true,
                                                  glob: "/reports/*.md", dryRun: true});
        out.afterDry = await workspace.readFile({path: "/reports/q3.md"});
        out.replaced = await workspace.replaceInFiles({search: "(a|A)cme", replace: "$1CME", regex: true,
                                                       glob: "/reports/*.md"});
        out.diff = await workspace.diff({from: "/old/reports/q3.md", to: "/reports/q3.md"});
        await workspace.rm({path: "/old", recursive: true});
        out.final = await workspace.glob({pattern: "/**"});
        return out;
        """
    )
    assert result["text"] == "# Q3\nAcme grew\nacme again\n"
    assert result["json"] == [{"id": 1, "total": 9.5}]
    assert result["bytes"] == "AAH/"
    assert result["exists"] == [True, False]
    assert result["stat"]["path"] == "/reports/q3.md"
    assert result["stat"]["type"] == "file"
    assert result["stat"]["size"] == 26
    assert result["stat"]["mtime"].endswith("Z")
    assert result["root"] == [
        {"name": "bin", "type": "dir", "size": 0},
        {"name": "data", "type": "dir", "size": 0},
        {"name": "empty", "type": "dir", "size": 0},
        {"name": "reports", "type": "dir", "size": 0},
    ]
    assert result["glob"] == ["/data/orders.json", "/reports/q3.md"]
    assert result["hits"] == [
        {"path": "/reports/q3.md", "line": 2, "text": "Acme grew"},
        {"path": "/reports/q3.md", "line": 3, "text": "acme again"},
    ]
    assert result["exact"] == [{"path": "/reports/q3.md", "line": 2, "text": "Acme grew"}]
    assert result["regex"] == [{"path": "/reports/q3.md", "line": 3, "text": "acme again"}]
    assert result["dry"] == [
        {"path": "/reports/q3-copy.md", "replacements": 2},
        {"path": "/reports/q3.md", "replacements": 2},
    ]
    assert result["afterDry"] == "# Q3\nAcme grew\nacme again\n"
    assert result["replaced"] == result["dry"]
    assert result["diff"] == (
        "--- /old/reports/q3.md\n+++ /reports/q3.md\n@@ -1,3 +1,3 @@\n # Q3\n"
        "-Acme grew\n-acme again\n+ACME grew\n+aCME again\n"
    )
    assert result["final"] == ["/bin/x.bin", "/data/orders.json", "/reports/q3-copy.md", "/reports/q3.md"]
    assert ws.store.verify() == []


async def test_files_persist_across_programs_and_restarts(tmp_path: Path, executor: DenoExecutor) -> None:
    toolbox, first = await _open(tmp_path / "ws", executor)
    try:
        await first.run('await workspace.writeJson({path: "/cache/orders.json", value: {n: 3000}})')
        assert await first.run('return (await workspace.readJson({path: "/cache/orders.json"})).n') == 3000
    finally:
        await toolbox.__aexit__(None, None, None)
    toolbox, second = await _open(tmp_path / "ws", executor)
    try:
        assert await second.run('return await workspace.readJson({path: "/cache/orders.json"})') == {
            "n": 3000
        }
    finally:
        await toolbox.__aexit__(None, None, None)


ERRORS = [
    ("enoent", 'readFile({path: "/reports/q3.md"})', "ENOENT: /reports/q3.md does not exist"),
    (
        "binary",
        'readFile({path: "/bin.bin"})',
        "EILSEQ: /bin.bin is not UTF-8 text (byte 0); read it with readFileBytes",
    ),
    (
        "bad-json",
        'readJson({path: "/bad.json"})',
        "EINVAL: /bad.json is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 2",
    ),
    (
        "bad-base64",
        'writeFileBytes({path: "/x", base64: "@@@"})',
        "EINVAL: /x was given `base64` that is not valid base64",
    ),
    (
        "rm-dir",
        'rm({path: "/dir"})',
        "ENOTEMPTY: /dir is not empty; remove it recursively (recursive: true; rm -r in the CLI)",
    ),
    ("stat-missing", 'stat({path: "/nope"})', "ENOENT: /nope does not exist"),
    (
        "unknown-argument",
        'mkdir({path: "/dir", recursiv: true})',
        "tool `workspace.mkdir`: unknown argument `recursiv` (did you mean `recursive`?); "
        "accepted: `path`, `recursive`",
    ),
    (
        "wrong-type",
        'writeFile({path: "/x", content: 5})',
        "tool `workspace.writeFile`: argument `content` must be a string, got 5",
    ),
    (
        "out-of-range",
        'searchText({query: "x", maxResults: 0})',
        "tool `workspace.searchText`: argument `maxResults`: "
        "input should be greater than or equal to 1, got 0",
    ),
    (
        "bad-regex",
        'searchText({query: "(", regex: true})',
        "EINVAL: ( is not a valid regular expression: missing ) at position 1",
    ),
    ("bad-glob", 'glob({pattern: "/a/[b"})', "EINVAL: /a/[b has a `[` without its `]`; escape it as [[]"),
    (
        "cp-dir",
        'cp({from: "/dir", to: "/dir2"})',
        "EISDIR: /dir is a directory; pass recursive: true to copy it",
    ),
]


@pytest.mark.parametrize(("call", "message"), [pytest.param(c, m, id=i) for i, c, m in ERRORS])
async def test_errors_throw_in_the_program_with_code_and_path(ws: Workspace, call: str, message: str) -> None:
    await ws.run(
        r"""
        await workspace.writeFileBytes({path: "/bin.bin", base64: btoa("\xff\xfe")});
        await workspace.writeFile({path: "/bad.json", content: "{nope"});
        await workspace.writeFile({path: "/dir/f.txt", content: "x"});
        """
    )
    thrown = await ws.run(f"try {{ await workspace.{call}; return null; }} catch (e) {{ return e.message; }}")
    assert thrown == message


async def test_escape_attempts_from_a_program_are_refused(ws: Workspace, tmp_path: Path) -> None:
    await ws.run('await workspace.writeFile({path: "/inside.txt", content: "x"})')
    _write_host_file(tmp_path / "outside.txt", "host secret")
    before = snapshot(ws.store)
    host_before = _host_files(tmp_path)
    attacks = [
        "../outside.txt", "/../outside.txt", "/a/../../outside.txt", "..\\outside.txt", "/..%2foutside.txt",
        "%2e%2e/outside.txt", "/inside.txt\u0000/../../outside.txt", "/..\u2215outside.txt", "/" + "a/" * 101,
        "/" + "x" * 4097, str(tmp_path / ".." / "outside.txt"),
    ]  # fmt: skip
    thrown = await ws.run(
        """
        const out = [];
        for (const path of ATTACKS) {
          const tries = [
            () => workspace.readFile({path}), () => workspace.writeFile({path, content: "pwned"}),
            () => workspace.readdir({path}), () => workspace.glob({pattern: path + "/*"}),
            () => workspace.cp({from: "/inside.txt", to: path}), () => workspace.mv({from: path, to: "/x"}),
            () => workspace.searchText({query: "secret", path}), () => workspace.rm({path, recursive: true}),
          ];
          for (const attempt of tries) {
            try { await attempt(); out.push("ALLOWED " + path); } catch (e) { out.push(e.message); }
          }
        }
        return out;
        """.replace("ATTACKS", json.dumps(attacks))
    )
    assert len(thrown) == 8 * len(attacks)
    reasons = (
        "contains `..`",
        "backslash",
        "encoded character",
        "NUL byte",
        "U+2215",
        "components",
        "longer",
    )
    for message in thrown:
        assert message.startswith(("EINVAL: ", "ENAMETOOLONG: ")), message
        assert any(reason in message for reason in reasons), message
    # A host path is only a name inside the workspace: the host file is never reached.
    host_path = json.dumps(str(tmp_path / "outside.txt"))
    missing = await ws.run(
        f"try {{ return await workspace.readFile({{path: {host_path}}}); }} catch (e) {{ return e.message; }}"
    )
    assert missing == f"ENOENT: {tmp_path / 'outside.txt'} does not exist"
    assert _host_files(tmp_path) == host_before
    assert _read_host_file(tmp_path / "outside.txt") == "host secret"
    after = snapshot(ws.store)
    assert after["entries"]["/inside.txt"] == before["entries"]["/inside.txt"]  # type: ignore[index]


async def test_the_sandbox_itself_cannot_touch_the_workspace_files(ws: Workspace) -> None:
    await ws.run('await workspace.writeFile({path: "/secret.txt", content: "only through the namespace"})')
    database = ws.store.directory / "workspace.db"
    result = await ws.run(
        """
        const out = [];
        for (const attempt of [
          () => Deno.readTextFile(DB),
          () => Deno.writeTextFile(DIR + "/x", "overwritten"),
          () => Deno.readDir(DIR)[Symbol.asyncIterator]().next(),
        ]) {
          try { await attempt(); out.push("ALLOWED"); } catch (e) { out.push(String(e && e.name)); }
        }
        return out;
        """.replace("DB", json.dumps(str(database))).replace("DIR", json.dumps(str(ws.store.directory)))
    )
    assert result == ["NotCapable", "NotCapable", "NotCapable"]  # Deno's permission refusal
    assert not (ws.store.directory / "x").exists()
    assert ws.store.read(check_path("/secret.txt")) == b"only through the namespace"
    assert ws.store.verify() == []


def _write_host_file(path: Path, text: str) -> None:
    path.write_text(text)


def _read_host_file(path: Path) -> str:
    return path.read_text()


def _host_files(root: Path) -> list[str]:
    """Every path under `root` outside the workspace directory `ws`."""
    return sorted(str(path) for path in root.rglob("*") if "ws" not in path.relative_to(root).parts)


async def test_concurrent_calls_from_one_program(ws: Workspace) -> None:
    result = await ws.run(
        """
        await Promise.all(Array.from({length: 30}, (_, i) => Promise.all([
          workspace.writeFile({path: `/many/${i}.txt`, content: String(i)}),
          workspace.appendFile({path: "/many.log", content: `${i}\\n`}),
        ])));
        const lines = (await workspace.readFile({path: "/many.log"})).trim().split("\\n");
        return {files: (await workspace.glob({pattern: "/many/*.txt"})).length, lines: lines.map(Number)};
        """
    )
    assert result["files"] == 30
    assert sorted(result["lines"]) == list(range(30))
    assert ws.store.verify() == []


async def test_replace_in_files_over_the_quota_changes_nothing(
    tmp_path: Path, executor: DenoExecutor
) -> None:
    toolbox, ws = await _open(tmp_path / "ws", executor, StoreLimits(quota_bytes=4000, max_file_bytes=4000))
    try:
        await ws.run(
            """
            await workspace.writeFile({path: "/a.txt", content: "x".repeat(1000)});
            await workspace.writeFile({path: "/b.txt", content: "x".repeat(1000)});
            """
        )
        before = snapshot(ws.store)
        thrown = await ws.run(
            """
            try { await workspace.replaceInFiles({search: "x", replace: "yyy"}); return null; }
            catch (e) { return e.message; }
            """
        )
        assert thrown.startswith("ENOSPC: /b.txt needs 2,000 bytes more")
        assert "(workspace.quota_mib)" in thrown
        assert snapshot(ws.store) == before
        too_big = await ws.run(
            """
            try { await workspace.appendFile({path: "/a.txt", content: "z".repeat(3001)}); return null; }
            catch (e) { return e.message; }
            """
        )
        assert too_big.startswith("EFBIG: /a.txt would be 4,001 bytes, over the limit of 4,000 bytes")
        assert snapshot(ws.store) == before
    finally:
        await toolbox.__aexit__(None, None, None)


async def test_reads_over_the_frame_budget_and_runaway_patterns_are_refused(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operations_module, "MAX_READ_BYTES", 1000)
    monkeypatch.setattr(text_module, "PATTERN_BUDGET_S", 0.2)
    await ws.run('await workspace.writeFile({path: "/x.txt", content: "x".repeat(5000)})')
    thrown = await ws.run(
        """
        const out = [];
        for (const call of [
          () => workspace.readFile({path: "/x.txt"}),
          () => workspace.searchText({query: "(x+x+)+y", regex: true}),
        ]) { try { await call(); out.push("ALLOWED"); } catch (e) { out.push(e.message); } }
        return out;
        """
    )
    assert thrown[0].startswith("EFBIG: /x.txt is 5,000 bytes; a program reads at most 1,000 bytes at once")
    assert (
        thrown[1] == "ETIMEDOUT: (x+x+)+y took more than 0.2 s to match; use a simpler pattern or fewer files"
    )


async def test_unknown_methods_and_an_unstarted_source_are_tool_errors(tmp_path: Path) -> None:
    source = WorkspaceSource.open(tmp_path / "ws")
    with pytest.raises(ToolError, match="the workspace is not available: `workspace` is not started"):
        await source.call("readFile", {"path": "/x"})
    with pytest.raises(
        ToolError, match=r"tool `workspace.readfile` does not exist; the workspace methods are: `readFile`"
    ):
        await source.call("readfile", {"path": "/x"})
    assert source.status().state == "starting"
    await source.start()
    try:
        assert source.status().state == "ready"
        assert await source.call("exists", {"path": "/x"}) is False
    finally:
        await source.aclose()


def test_the_public_surface() -> None:
    import codemode.sources.workspace

    assert set(codemode.sources.workspace.__all__) == {
        "MIB", "NAMESPACE", "Entry", "SqliteStore", "Store", "StoreLimits", "Usage", "WorkspaceError",
        "WorkspacePath", "WorkspaceSettings", "WorkspaceSource", "check_path", "current_session",
        "default_directory",
    }  # fmt: skip


async def test_deleting_needs_a_persons_approval_by_default(tmp_path: Path, executor: DenoExecutor) -> None:
    source = WorkspaceSource.open(tmp_path / "ws")
    async with Toolbox([source]) as toolbox:
        engine = CodeMode(toolbox, executor, EngineSettings())  # the default policy, nobody to ask
        outcome = await engine.run(
            """
            await workspace.writeFile({path: "/keep.txt", content: "kept"});
            try { await workspace.rm({path: "/keep.txt"}); return "removed"; } catch (e) { return e.message; }
            """
        )
        assert isinstance(source.store, SqliteStore)
        assert source.store.read(check_path("/keep.txt")) == b"kept"
    assert outcome.result.value.startswith("ApprovalDeclined: workspace.rm needs a person's approval")


async def test_a_quick_call_blocked_by_another_process_waits_off_the_event_loop(tmp_path: Path) -> None:
    """A write is tried on the event loop first; when another connection (as another process would)
    holds the database's write lock, it moves to a worker thread instead of blocking the loop. Here
    the lock is only released by this same event loop: had the call blocked it, the write would have
    given up after the store's 5 s busy timeout (EBUSY) instead of landing."""
    import functools
    import sqlite3

    import anyio
    import anyio.lowlevel

    from codemode.sources.workspace.sqlite_store import DB_NAME

    source = WorkspaceSource(functools.partial(SqliteStore, tmp_path, busy_timeout_s=5))
    async with Toolbox([source]) as toolbox:
        other = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        landed = anyio.Event()

        async def write() -> None:
            await toolbox.call("workspace", "writeFile", {"path": "/waited.txt", "content": "ok"})
            landed.set()

        async with anyio.create_task_group() as group:
            group.start_soon(write)
            await anyio.lowlevel.checkpoint()  # let the call start: it meets the lock, goes to a thread
            assert not landed.is_set()
            other.execute("COMMIT")
            other.close()
            await landed.wait()
        assert await toolbox.call("workspace", "readFile", {"path": "/waited.txt"}) == "ok"


def test_inside_without_waiting_a_blob_write_is_refused_before_changing_anything(
    store: SqliteStore,
) -> None:
    """Files over the inline limit are fsynced blob files: never written on the event loop."""
    from codemode.sources.workspace.store import WouldWait, without_waiting

    store.write(check_path("/grow.txt"), b"x" * 1000)
    before = snapshot(store)
    with without_waiting(), pytest.raises(WouldWait):
        store.write(check_path("/big.bin"), b"y" * (2 * 1024 * 1024))
    with without_waiting(), pytest.raises(WouldWait):
        store.write(check_path("/grow.txt"), b"z" * (2 * 1024 * 1024), append=True)
    assert snapshot(store) == before
    with without_waiting():
        store.write(check_path("/small.txt"), b"fine")  # nothing to wait for: done at once
    assert store.read(check_path("/small.txt")) == b"fine"


@pytest.mark.parametrize(
    "program",
    [
        pytest.param("let n = 0;\nfor (const o of data) n += o.total;\nreturn n;", id="for-of"),
        pytest.param("return [...data].length;", id="spread"),
        pytest.param("return data.rows.filter((r) => r.ok).length;", id="property"),
        pytest.param("const { rows } = data;\nreturn rows;", id="destructure"),
        pytest.param("const rows = data as { id: string }[];\nreturn rows.map((r) => r.id);", id="cast"),
    ],
)
async def test_read_json_results_are_unknown_and_every_use_of_them_passes_the_type_check(
    typescript_binary: Path, program: str
) -> None:
    """`readJson` returns `unknown`, as every result without an output schema does: a file holds
    whatever was written. The checker must not block a program for using it (iterating, spreading,
    destructuring were blocked before: their messages say "Type 'unknown'" and "type '{}'"); a cast
    is how a program opts into checking."""
    from codemode.typecheck import TypeChecker, shown_declarations

    source = WorkspaceSource.open("/nonexistent-never-opened")
    text = render_declarations({"workspace": [tool.to_mcp_dict() for tool in source.tools()]})
    assert "readJson(args:{ path:string }):Promise<unknown>;" in text.splitlines()
    async with TypeChecker(typescript_binary) as checker:
        checker.set_declarations(shown_declarations(text, discovery=False))
        code = 'const data = await workspace.readJson({ path: "/a.json" });\n' + program
        assert await checker.check(code) == []
        typo = await checker.check('await workspace.readJsn({ path: "/a.json" });')
    assert [d.code for d in typo] == [2551]  # the checker is on: a misspelt method still blocks
