"""No scratch directory survives a run, a cancelled spawn, `codemode exec` or the executor (issue 18,
item 7); a starting executor removes those of dead hosts, and only those.

Other test sessions run on this machine at the same time: every assertion is about directories this
test created (they carry this process's pid, or a pid planted here), never about the whole temp dir.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import anyio
import pytest
from sandbox_helpers import eventually

from sandbox import DenoExecutor, Limits, SandboxSettings
from sandbox.scratch import PREFIX, remove_orphaned_scratch

pytestmark = pytest.mark.anyio

TMP = Path(tempfile.gettempdir())


def ours(pid: int | None = None) -> set[Path]:
    return set(TMP.glob(f"{PREFIX}{pid or os.getpid()}-*"))


async def test_nothing_survives_runs_and_close() -> None:
    before = ours()
    async with DenoExecutor(SandboxSettings(pool_size=2)) as ex:
        for code in ("return 1", "const x: number = 2; return x", "throw new Error('x')", "while (true) {}"):
            await ex.run(code, sandbox_id="warm" if code == "return 1" else None, limits=Limits(wall_s=1))
        assert ex.pool is not None
        with anyio.fail_after(30):
            await ex.pool.wait_full()
        assert len(ours() - before) >= 2  # the pool's processes and the warm one have theirs
    assert ours() - before == set()


async def test_a_spawn_cancelled_midway_leaves_nothing() -> None:
    before = ours()
    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        for delay in (0.0, 0.001, 0.005, 0.02):
            with anyio.move_on_after(delay):
                await ex.run("return 1")
    await eventually(lambda: ours() - before == set())


def test_codemode_exec_leaves_nothing() -> None:
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "codemode", "exec", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _, err = proc.communicate(b"return 1 + 1", timeout=120)
        assert proc.returncode == 0, err
        assert ours(proc.pid) == set(), err


def test_only_directories_of_dead_hosts_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    planted = {
        "dead": tmp_path / f"{PREFIX}{dead.pid}-abc",
        "alive": tmp_path / f"{PREFIX}{os.getppid()}-abc",
        "self": tmp_path / f"{PREFIX}{os.getpid()}-abc",
        "no-pid": tmp_path / f"{PREFIX}xyz123",
    }
    for path in planted.values():
        (path / "deno").mkdir(parents=True)
    removed = remove_orphaned_scratch(tmp_path)
    assert removed == [planted["dead"]]
    assert not planted["dead"].exists()
    assert all(planted[k].exists() for k in ("alive", "self", "no-pid"))


async def test_a_typed_run_cannot_write_its_deno_dir_and_leaves_nothing() -> None:
    code = (
        "const dir: string = Deno.cwd().replace(/cwd$/, 'deno');"
        "try { Deno.writeTextFileSync(dir + '/x', 'y'); return 'written ' + dir }"
        "catch (e) { return e.name + ' ' + dir }"
    )
    async with DenoExecutor(SandboxSettings(pool_size=0)) as ex:
        result = await ex.run(code)
    assert result.ok, result.error
    name, deno_dir = result.value.split(" ")
    assert name == "NotCapable"
    assert Path(deno_dir).name == "deno" and Path(deno_dir).parent.name.startswith(f"{PREFIX}{os.getpid()}-")
    assert not Path(deno_dir).parent.exists()
