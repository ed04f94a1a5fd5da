"""The public surface of `sandbox` is pinned: changing it is a decision, not an accident."""

from __future__ import annotations

import sandbox


def test_all_is_pinned() -> None:
    assert sorted(sandbox.__all__) == [
        "DenoExecutor",
        "DenoNotFoundError",
        "DenoVersionError",
        "Executor",
        "GuestError",
        "Limits",
        "LogCallback",
        "LogEntry",
        "OutboundPolicy",
        "RESERVED_GLOBALS",
        "RunResult",
        "RunStats",
        "SandboxCrashError",
        "SandboxError",
        "SandboxSettings",
        "SettingsError",
        "ToolCallError",
        "ToolCallback",
        "wall_clock_paused",
    ]
    for name in sandbox.__all__:
        assert hasattr(sandbox, name)


def test_run_result_json_shape() -> None:
    result = sandbox.RunResult(ok=True, value=[1], logs=[sandbox.LogEntry("log", "hi")])
    assert result.to_json() == {
        "ok": True,
        "result": [1],
        "logs": [{"level": "log", "message": "hi"}],
        "error": None,
        "stats": {"wall_ms": 0.0, "cpu_ms": 0.0, "peak_memory_mib": 0.0, "tool_calls": 0},
    }
    failed = sandbox.RunResult(ok=False, error=sandbox.GuestError("TypeError", "bad", "at guest.ts:1:1"))
    assert failed.to_json()["error"] == {
        "name": "TypeError",
        "message": "bad",
        "stack": "at guest.ts:1:1",
        "limit": None,
    }


def test_sandbox_imports_nothing_of_ours() -> None:
    import ast
    from pathlib import Path

    root = Path(sandbox.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                assert not node.module.startswith(("codemode", "tool_schemas")), path
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith(("codemode", "tool_schemas")), path
