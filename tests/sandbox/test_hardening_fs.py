# ruff: noqa: E501  (guest JavaScript probes stay one probe per line)
"""No file system: every route a guest could take to read or write a file is blocked by Deno's
permissions, because guest code is never the entry module and the process has no --allow-* flag."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest
from sandbox_helpers import run

from sandbox import DenoExecutor

pytestmark = pytest.mark.anyio

# Each probe runs inside try/catch in one guest run and reports what happened.
PROBES = r"""
const secret = %(secret)s;
const report = {};
async function probe(name, fn) {
  try { report[name] = {ok: true, value: String(await fn()).slice(0, 200)}; }
  catch (e) { report[name] = {ok: false, name: e?.name, message: String(e?.message).slice(0, 300),
                              notCapable: e instanceof Deno.errors.NotCapable}; }
}
await probe("readTextFile", () => Deno.readTextFile(secret));
await probe("readFileSync", () => Deno.readTextFileSync(secret));
await probe("writeTextFile", () => Deno.writeTextFile("/tmp/codemode-guest-wrote.txt", "x"));
await probe("readDir", async () => { for await (const e of Deno.readDir("/")) return e.name; });
await probe("stat", () => Deno.stat(secret));
await probe("cwd", () => Deno.cwd());
await probe("makeTempFile", () => Deno.makeTempFile());
await probe("nodeFs", async () => (await import("node:fs")).readFileSync(secret, "utf8"));
await probe("nodeFsPromises", async () => (await import("node:fs/promises")).readFile(secret, "utf8"));
await probe("fetchFile", async () => (await fetch("file://" + secret)).text());
await probe("importFile", async () => JSON.stringify(await import("file://" + secret)));
await probe("importJson", async () => JSON.stringify(await import("file://" + secret + ".json", {with: {type: "json"}})));
await probe("importText", async () => (await import("file://" + secret, {with: {type: "text"}})).default);
await probe("dataStaticImport", async () => (await import("data:application/javascript," +
  encodeURIComponent("import x from 'file://" + secret + ".json' with {type: 'json'}; export default x;"))).default);
await probe("procEnviron", () => Deno.readTextFile("/proc/self/environ"));
await probe("sqliteAttach", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(":memory:");
  db.exec("ATTACH DATABASE '" + secret + ".db' AS x");
  return "attached";
});
await probe("sqliteFile", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  return new DatabaseSync(secret + ".db") && "opened";
});
return report;
"""


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT")
    (tmp_path / "secret.txt.json").write_text('{"secret": "TOP-SECRET-CONTENT"}')
    return path


async def test_guest_cannot_touch_the_file_system(executor: DenoExecutor, secret: Path) -> None:
    result = await run(executor, PROBES % {"secret": json.dumps(str(secret))})
    assert result.ok, result.error
    report = result.value
    assert "TOP-SECRET-CONTENT" not in json.dumps(report), "file contents leaked (maybe via an error message)"
    assert not await anyio.Path("/tmp/codemode-guest-wrote.txt").exists()
    cwd = report.pop("cwd")
    assert cwd["ok"] and "codemode-sandbox-" in cwd["value"], "cwd is the run's own empty scratch directory"
    for name, outcome in report.items():
        assert outcome["ok"] is False, f"{name} was not blocked: {outcome}"
    blocked_by_read_permission = [
        "readTextFile",
        "readFileSync",
        "readDir",
        "stat",
        "nodeFs",
        "nodeFsPromises",
        "fetchFile",
        "importFile",
        "importJson",
        "importText",
        "dataStaticImport",
        "procEnviron",
    ]
    for name in blocked_by_read_permission:
        assert "read access" in report[name]["message"], (name, report[name])
    assert report["readTextFile"]["notCapable"] is True
    assert "write access" in report["writeTextFile"]["message"]
    assert report["makeTempFile"]["notCapable"] is True
    assert "attached databases" in report["sqliteAttach"]["message"], "node:sqlite ATTACH is disabled"
