"""The wheel as a user installs it: `uv build`, a fresh virtual environment, the `codemode` it installs.

Nothing of the repository is importable there (the commands run from a temporary folder with the
venv's own interpreter), so a file the wheel forgot (the sandbox's JavaScript harness, say) fails here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]


def _uv(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("the packaging test needs `uv` on PATH (pip install uv)")
    return subprocess.run([uv, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _check(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, f"{done.args}: {done.stderr}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _check(_uv("build", "--wheel", "--out-dir", str(dist)))
    (built,) = dist.glob("codemode-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and the locked dependencies; returns its `bin` folder."""
    folder = tmp_path_factory.mktemp("venv")
    requirements = folder / "requirements.txt"
    exported = _uv("export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--quiet")
    _check(exported)
    requirements.write_text(exported.stdout)
    venv = folder / "venv"
    _check(_uv("venv", "--quiet", str(venv)))
    install = ["pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    install += ["-r", str(requirements), str(wheel)]
    # From uv's cache when it has everything, else from the package registry.
    done = _uv(*install[:2], "--offline", *install[2:])
    if done.returncode != 0:
        _check(_uv(*install))
    return venv / "bin"


def test_the_wheel_carries_the_sandbox_harness_and_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    assert "sandbox/harness/harness.js" in names
    assert {"codemode/cli.py", "sandbox/__init__.py", "tool_schemas/__init__.py"} <= names
    assert "codemode = codemode.cli:main" in scripts


def test_installed_packages_come_from_the_venv_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import sandbox, codemode; print(sandbox.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    _check(where)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)


def test_installed_codemode_exec_runs_a_program(installed: Path, tmp_path: Path) -> None:
    code = "const s = await records.get_table_schema({table: 'orders'}); return s.name"
    done = subprocess.run(
        [str(installed / "codemode"), "exec", "--json", "-"],
        input=code,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    _check(done)
    assert json.loads(done.stdout)["result"] == "orders"


async def test_installed_codemode_serve_answers_an_mcp_client(installed: Path, tmp_path: Path) -> None:
    params = StdioServerParameters(command=str(installed / "codemode"), args=["serve"], cwd=str(tmp_path))
    async with Client(params) as client:
        tools = (await client.list_tools()).tools
        result = await client.call_tool("code", {"code": "return (await tracker.list_projects()).length"})
    assert [tool.name for tool in tools] == ["code"]
    assert result.is_error is False, result.content
    assert int(result.content[0].text) > 0
