"""The workspace through the server and the CLI as users run them: HTTP sessions, resources, exec."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from http_serving import serving_http
from mcp import Client

pytestmark = pytest.mark.anyio

PROBE = """
const out = {glob: await workspace.glob({pattern: "/**"}), root: await workspace.readdir({})};
try { out.other = await workspace.readFile({path: OTHER}); } catch (e) { out.other = e.message; }
out.search = await workspace.searchText({query: "only"});
return out;
"""


def _config(tmp_path: Path, workspace: dict[str, object]) -> str:
    path = tmp_path / "codemode.json"
    path.write_text(json.dumps({"codemode": {"workspace": workspace}}))
    return str(path)


async def _code(client: Client, code: str) -> Any:
    result = await client.call_tool("code", {"code": code})
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)  # type: ignore[union-attr]


async def _write(client: Client, path: str, content: str) -> None:
    arguments = json.dumps({"path": path, "content": content})
    assert await _code(client, f"await workspace.writeFile({arguments}); return true") is True


async def test_two_http_sessions_never_see_each_others_files(tmp_path: Path) -> None:
    config = _config(tmp_path, {"scope": "session"})
    with serving_http("--config", config, "--workspace", str(tmp_path / "ws")) as (url, _):
        async with Client(url, mode="legacy") as alice, Client(url, mode="legacy") as bob:
            await _write(alice, "/secret/alice.txt", "alice only")
            await _write(bob, "/secret/bob.txt", "bob only")
            seen_by_alice = await _code(alice, PROBE.replace("OTHER", '"/secret/bob.txt"'))
            seen_by_bob = await _code(bob, PROBE.replace("OTHER", '"/secret/alice.txt"'))
            alice_resources = [str(r.uri) for r in (await alice.list_resources()).resources]
            bob_resources = [str(r.uri) for r in (await bob.list_resources()).resources]
            with pytest.raises(Exception, match=r"ENOENT: /secret/alice\.txt does not exist"):
                await bob.read_resource("workspace:///secret/alice.txt")
            own = await alice.read_resource("workspace:///secret/alice.txt")
        # A client without a session (the 2026-07-28 protocol has none) gets no workspace at all.
        async with Client(url) as stranger:
            refused = await stranger.call_tool(
                "code", {"code": 'return await workspace.readFile({path: "/secret/alice.txt"})'}
            )
            stranger_resources = (await stranger.list_resources()).resources
    assert seen_by_alice == {
        "glob": ["/secret/alice.txt"],
        "root": [{"name": "secret", "type": "dir", "size": 0}],
        "other": "ENOENT: /secret/bob.txt does not exist",
        "search": [{"path": "/secret/alice.txt", "line": 1, "text": "alice only"}],
    }
    assert seen_by_bob["glob"] == ["/secret/bob.txt"]
    assert seen_by_bob["other"] == "ENOENT: /secret/alice.txt does not exist"
    assert seen_by_bob["search"] == [{"path": "/secret/bob.txt", "line": 1, "text": "bob only"}]
    assert alice_resources == ["workspace:///secret/alice.txt"]
    assert bob_resources == ["workspace:///secret/bob.txt"]
    assert own.contents[0].text == "alice only"  # type: ignore[union-attr]
    assert refused.is_error
    assert 'EPERM: the workspace is per MCP session (workspace.scope "session")' in refused.content[0].text  # type: ignore[union-attr]
    assert stranger_resources == []


async def test_the_shared_workspace_is_listed_and_read_as_resources(tmp_path: Path) -> None:
    with serving_http("--workspace", str(tmp_path / "ws")) as (url, _):
        async with Client(url) as client:
            await _write(client, "/reports/q3.md", "# Q3")
            await _code(
                client,
                'await workspace.writeFileBytes({path: "/img/dot.png", base64: btoa("\\x89PNG")}); return 1',
            )
            listed = (await client.list_resources()).resources
            text = (await client.read_resource("workspace:///reports/q3.md")).contents[0]
            binary = (await client.read_resource("workspace:///img/dot.png")).contents[0]
            with pytest.raises(Exception, match=r"contains `\.\.`"):
                await client.read_resource("workspace:///%2e%2e/etc/passwd")
        async with Client(url, mode="legacy") as other:  # shared: every client sees the same files
            shared = await _code(other, 'return {text: await workspace.readFile({path: "/reports/q3.md"})}')
            assert shared == {"text": "# Q3"}
    assert [(str(r.uri), r.mime_type, r.size) for r in listed] == [
        ("workspace:///img/dot.png", "image/png", 4),
        ("workspace:///reports/q3.md", "text/markdown", 4),
    ]
    assert text.text == "# Q3"  # type: ignore[union-attr]
    assert base64.b64decode(binary.blob) == b"\x89PNG"  # type: ignore[union-attr]


def _exec(workspace: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codemode", "exec", "--json", "--workspace", str(workspace), "-"],
        input=code,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_two_exec_runs_with_the_same_workspace_see_each_others_files(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    first = _exec(ws, 'await workspace.writeJson({path: "/cache/orders.json", value: [1, 2, 3]}); return 1')
    assert first.returncode == 0, first.stderr
    second = _exec(ws, 'return (await workspace.readJson({path: "/cache/orders.json"})).length')
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["result"] == 3
    other = _exec(tmp_path / "other", 'return await workspace.exists({path: "/cache/orders.json"})')
    assert json.loads(other.stdout)["result"] is False


def test_session_scope_refuses_stateless_http(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "codemode", "serve", "--transport", "http", "--port", "0", "--stateless"),
            *("--config", _config(tmp_path, {"scope": "session"}), "--workspace", str(tmp_path / "ws")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert 'the workspace scope "session" needs MCP sessions, which --stateless turns off' in done.stderr
