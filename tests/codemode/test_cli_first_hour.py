"""What a new user meets in the first hour, run as they ran it: `codemode ...` in a terminal.

`--version`; `-v` before or after the subcommand; an environment variable for every `serve` flag;
a taken port, an unreadable config and bad Python entries as one line and exit status 2 on every
command; Python entries beside the config file; a config found without `--config`; the demo labelled.

Every command runs as a real `codemode` process at least once here. Checks of what the argument
parser and the config reader say (nothing of a process boundary: no import of the user's modules,
no server started) call the same `main()` in this process (`_codemode_here`), which is cheaper.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemode.cli import main
from codemode.commands.serve import ENVIRONMENT

TOOLS_MODULE = '''
from codemode import PythonTools

inventory = PythonTools("inventory")


@inventory.tool
def stock(item: str) -> int:
    """Units of `item` on hand."""
    return 7
'''


def _codemode(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CODEMODE_")}
    environment["XDG_CONFIG_HOME"] = str(cwd / "no-config-home")
    return subprocess.run(
        [sys.executable, "-m", "codemode", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=environment | (env or {}),
    )


def _codemode_here(
    *args: str,
    cwd: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str] | None = None,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    """`codemode ARGS` through `codemode.cli.main` in this process, with what `_codemode` sets up."""
    for name in [name for name in os.environ if name.startswith("CODEMODE_")]:
        monkeypatch.delenv(name)
    for name, value in ({"XDG_CONFIG_HOME": str(cwd / "no-config-home")} | (env or {})).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    try:
        status = main(list(args))
    except SystemExit as exit:  # argparse's --help and usage errors
        status = exit.code if isinstance(exit.code, int) else 1
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["codemode", *args], status, out, err)


def _problem_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("codemode: ")]


def test_version(tmp_path: Path) -> None:
    done = _codemode("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == "codemode 0.1.0"


@pytest.mark.parametrize(
    "args",
    [pytest.param(["-v", "exec", "-"], id="before"), pytest.param(["exec", "-v", "-"], id="after")],
)
def test_verbose_is_accepted_before_or_after_the_subcommand(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    done = _codemode_here(*args, cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys, stdin="return 1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"  # `exec -v` used to be "unrecognized arguments: -v", exit 2


def test_serve_help_lists_an_environment_variable_for_every_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    done = _codemode_here("serve", "--help", cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert done.returncode == 0, done.stderr
    flags = {word for word in done.stdout.split() if word.startswith("--")} - {"--help", "--verbose"}
    assert {f"--{dest.replace('_', '-')}" for dest in ENVIRONMENT} == flags
    for variable in ENVIRONMENT.values():
        assert variable in done.stdout


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


@pytest.mark.parametrize("how", ["flags", "environment"])
def test_a_port_in_use_is_one_line_and_exit_2(how: str, taken_port: int, tmp_path: Path) -> None:
    if how == "flags":
        done = _codemode("serve", "--transport", "http", "--port", str(taken_port), cwd=tmp_path)
    else:
        env = {"CODEMODE_TRANSPORT": "http", "CODEMODE_PORT": str(taken_port)}
        done = _codemode("serve", cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = [line for line in _problem_lines(done) if "cannot listen" in line]
    assert line.startswith(f"codemode: cannot listen on 127.0.0.1:{taken_port}: Address already in use;")
    assert "--port 0" in line


def test_a_bad_environment_value_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"CODEMODE_PORT": "eighty"}
    done = _codemode_here("serve", cwd=tmp_path, env=env, monkeypatch=monkeypatch, capsys=capsys)
    assert done.returncode == 2
    assert _problem_lines(done) == [
        "codemode: CODEMODE_PORT must be a port number (0 picks a free one), got 'eighty'"
    ]


COMMANDS = [
    pytest.param(["exec", "-"], id="exec"),
    pytest.param(["types"], id="types"),
    pytest.param(["serve"], id="serve"),
    pytest.param(["agent", "--provider", "openai", "--model", "m", "hello"], id="agent"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unreadable_config_is_one_line_and_exit_2(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    done = _codemode_here(
        *command,
        "--config",
        str(folder),
        cwd=tmp_path,
        env={"OPENAI_API_KEY": "sk-x"},
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert done.returncode == 2
    assert _problem_lines(done) == [
        f"codemode: config file {folder} cannot be read (is a directory); fix it or pass another --config"
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_bad_python_entry_is_reported_one_line_each(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "half_done.py").write_text("tools = None\n")
    config = tmp_path / "codemode.json"
    config.write_text(json.dumps({"codemode": {"python": ["no_such_module:tools", "half_done:inventory"]}}))
    done = _codemode(*command, "--config", str(config), cwd=tmp_path, env={"OPENAI_API_KEY": "sk-x"})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    problems = _problem_lines(done)
    assert len(problems) == 2, done.stderr
    assert "'no_such_module:tools': no module `no_such_module` beside the config file" in problems[0]
    assert "'half_done:inventory': module `half_done` has no attribute `inventory`" in problems[1]


@pytest.mark.parametrize("where", ["config-folder", "current-folder"])
def test_python_entries_import_beside_the_config_then_from_the_current_folder(
    where: str, tmp_path: Path
) -> None:
    config_folder, elsewhere = tmp_path / "cfg", tmp_path / "work"
    config_folder.mkdir()
    elsewhere.mkdir()
    (config_folder if where == "config-folder" else elsewhere / "my_tools.py").parent.mkdir(exist_ok=True)
    module_folder = config_folder if where == "config-folder" else elsewhere
    (module_folder / "my_tools.py").write_text(TOOLS_MODULE)
    (config_folder / "codemode.json").write_text(json.dumps({"codemode": {"python": ["my_tools:inventory"]}}))
    done = _codemode(
        "exec",
        "--config",
        str(config_folder / "codemode.json"),
        "-",
        cwd=elsewhere,
        stdin="return await inventory.stock({item: 'pear'})",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "7"


def test_without_config_the_demo_is_labelled_for_the_model(tmp_path: Path) -> None:
    done = _codemode("types", "--description", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("These tools are codemode's built-in demo")
    assert "made-up data" in done.stdout and "--config" in done.stdout


def test_serve_without_config_labels_the_demo_in_its_banner(tmp_path: Path) -> None:
    done = _codemode("serve", cwd=tmp_path)  # stdio, stdin closed at once: it serves, then ends
    assert "serving the built-in DEMO tools" in done.stderr
    assert "--config FILE or create ./codemode.json" in done.stderr


@pytest.mark.parametrize("where", ["current-folder", "config-folder"])
def test_serve_without_config_finds_codemode_json_and_says_which(where: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = tmp_path if where == "current-folder" else home / "codemode"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "my_tools.py").write_text(TOOLS_MODULE)
    config = {"codemode": {"python": ["my_tools:inventory"], "workspace": {"enabled": False}}}
    (folder / "codemode.json").write_text(json.dumps(config))
    done = _codemode("serve", cwd=tmp_path, env={"XDG_CONFIG_HOME": str(home)})
    expected = "found in the current folder" if where == "current-folder" else "found in your config folder"
    assert f"codemode: using {folder / 'codemode.json'} ({expected}" in done.stderr
    assert "DEMO" not in done.stderr
    assert "(1 tools behind it)" in done.stderr


def test_port_zero_on_the_command_line_wins_over_the_environment_and_the_default() -> None:
    """`--port 0` (any free port) is a given value, though 0 == False: it once meant port 8000."""
    from codemode.cli import build_parser
    from codemode.commands.serve import apply_environment

    args = build_parser(["serve"]).parse_args(["serve", "--port", "0"])
    apply_environment(args, {"CODEMODE_PORT": "9123"})
    assert args.port == 0
    args = build_parser(["serve"]).parse_args(["serve"])
    apply_environment(args, {"CODEMODE_PORT": "0"})
    assert args.port == 0
