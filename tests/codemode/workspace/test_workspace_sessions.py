"""Session scope, settings and MCP resources, below the server: isolation, idle removal, URIs."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from codemode.app import workspace_source
from codemode.config import parse_config
from codemode.errors import ConfigError, ToolError
from codemode.sources.workspace import (
    MIB,
    SqliteStore,
    WorkspaceError,
    WorkspaceSettings,
    WorkspaceSource,
    current_session,
)
from codemode.sources.workspace import check_path as p
from codemode.sources.workspace.resources import list_resources, path_of, read_resource, uri_of
from codemode.sources.workspace.sessions import SessionStores


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_session_has_its_own_store_and_idle_ones_are_removed(tmp_path: Path) -> None:
    clock = FakeClock()
    stores = SessionStores(tmp_path, WorkspaceSettings().limits(), idle_s=60, clock=clock)
    stores.get("alice").write(p("/notes.md"), b"alice's")
    stores.get("../../bob").write(p("/notes.md"), b"bob's")
    assert stores.get("alice").read(p("/notes.md")) == b"alice's"
    assert stores.get("../../bob").read(p("/notes.md")) == b"bob's"
    bob_dir = stores.directory_of("../../bob")
    assert bob_dir.parent == tmp_path / "sessions"  # a session id never becomes a path
    assert len(bob_dir.name) == 32
    clock.now += 50
    stores.get("alice")  # alice is active again
    clock.now += 30
    assert stores.reap() == ["../../bob"]
    assert not bob_dir.exists()
    assert stores.sessions() == ["alice"]
    assert stores.get("../../bob").stat(p("/notes.md")) is None  # a new, empty workspace
    stores.clear()
    assert not (tmp_path / "sessions").exists()


@pytest.mark.anyio
async def test_the_session_source_serves_each_session_its_own_files(tmp_path: Path) -> None:
    (tmp_path / "sessions" / "stale").mkdir(parents=True)  # left by an earlier server process
    source = WorkspaceSource.per_session(tmp_path, WorkspaceSettings().limits())
    await source.start()
    try:
        assert not (tmp_path / "sessions" / "stale").exists()

        async def as_session(session: str, path: str, content: str) -> list[str]:
            token = current_session.set(session)
            try:
                await source.call("writeFile", {"path": path, "content": content})
                return await source.call("glob", {"pattern": "/**"})  # type: ignore[no-any-return]
            finally:
                current_session.reset(token)

        seen: dict[str, list[str]] = {}

        async def record(session: str, path: str) -> None:
            seen[session] = await as_session(session, path, session)

        async with anyio.create_task_group() as tg:
            tg.start_soon(record, "one", "/one.txt")
            tg.start_soon(record, "two", "/two.txt")
        assert seen == {"one": ["/one.txt"], "two": ["/two.txt"]}
        token = current_session.set("two")
        try:
            with pytest.raises(ToolError, match=r"ENOENT: /one\.txt does not exist"):
                await source.call("readFile", {"path": "/one.txt"})
        finally:
            current_session.reset(token)
    finally:
        await source.aclose()
    assert not (tmp_path / "sessions").exists()  # session workspaces are temporary


def test_settings() -> None:
    settings = WorkspaceSettings.model_validate({"dir": "~/ws", "scope": "session", "quota_mib": 5})
    assert settings.directory() == Path("~/ws").expanduser()
    assert settings.directory("/override") == Path("/override")
    assert settings.limits().quota_bytes == 5 * MIB
    assert settings.limits().max_file_bytes == 100 * MIB
    assert WorkspaceSettings().directory().parts[-2:] == ("codemode", "workspace")
    with pytest.raises(ValueError, match="scope"):
        WorkspaceSettings.model_validate({"scope": "global"})
    with pytest.raises(ValueError, match="quota_mib"):
        WorkspaceSettings.model_validate({"quota_mib": 0})


def test_resources_list_and_read_text_and_binary(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws")
    store.write(p("/reports/q3.md"), b"# Q3\n")
    store.write(p("/My Notes/été.txt"), "café".encode())
    store.write(p("/img/logo.png"), b"\x89PNG\r\n")
    store.write(p("/data.json"), b'{"a": 1}')
    store.write(p("/odd.md"), b"\xff\xfe")
    listed = list_resources(store)
    assert [(entry.uri, entry.mime_type, entry.size) for entry in listed] == [
        ("workspace:///My%20Notes/%C3%A9t%C3%A9.txt", "text/plain", 5),
        ("workspace:///data.json", "application/json", 8),
        ("workspace:///img/logo.png", "image/png", 6),
        ("workspace:///odd.md", "text/markdown", 2),
        ("workspace:///reports/q3.md", "text/markdown", 5),
    ]
    assert read_resource(store, "workspace:///reports/q3.md").text == "# Q3\n"
    assert read_resource(store, uri_of(p("/My Notes/été.txt"))).text == "café"
    png = read_resource(store, "workspace:///img/logo.png")
    assert (png.text, png.data, png.mime_type) == (None, b"\x89PNG\r\n", "image/png")
    odd = read_resource(store, "workspace:///odd.md")
    assert (odd.data, odd.mime_type) == (b"\xff\xfe", "application/octet-stream")
    store.close()


@pytest.mark.parametrize(
    ("uri", "problem"),
    [
        pytest.param("file:///etc/passwd", "is not a workspace URI", id="other-scheme"),
        pytest.param("workspace://host/x", "is not a workspace URI", id="with-a-host"),
        pytest.param("workspace:///%2e%2e/etc/passwd", "contains `..`", id="encoded-dotdot"),
        pytest.param("workspace:///a%252fb", "encoded character %2f", id="double-encoded-slash"),
        pytest.param("workspace:///a%00b", "NUL byte", id="encoded-nul"),
        pytest.param("workspace:///x?y=1", "is not a workspace URI", id="query"),
    ],
)
def test_resource_uris_cannot_escape(uri: str, problem: str) -> None:
    with pytest.raises(WorkspaceError) as caught:
        path_of(uri)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("workspace", "problem"),
    [
        pytest.param(
            {"scope": "global"}, "setting `workspace.scope` must be 'shared' or 'session'", id="scope"
        ),
        pytest.param(
            {"quota_mb": 5},
            "unknown setting `workspace.quota_mb` (did you mean `workspace.quota_mib`?)",
            id="misspelled",
        ),
        pytest.param(
            {"quota_mib": 0}, "setting `workspace.quota_mib`: input should be greater than 0", id="zero"
        ),
        pytest.param("yes", "setting `workspace` must be an object", id="not-an-object"),
    ],
)
def test_bad_workspace_settings_are_named_in_the_config_error(workspace: object, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"codemode": {"workspace": workspace}})
    assert problem in str(caught.value)


def test_the_app_builds_the_workspace_the_config_asks_for(tmp_path: Path) -> None:
    shared = workspace_source(parse_config({"codemode": {"workspace": {"dir": str(tmp_path / "a")}}}))
    assert shared is not None and shared.sessions is None
    per_session = workspace_source(
        parse_config({"codemode": {"workspace": {"scope": "session"}}}), tmp_path / "b"
    )
    assert per_session is not None and per_session.sessions is not None
    assert per_session.sessions.root == tmp_path / "b" / "sessions"  # --workspace wins over the config
    assert workspace_source(parse_config({"codemode": {"workspace": {"enabled": False}}})) is None
