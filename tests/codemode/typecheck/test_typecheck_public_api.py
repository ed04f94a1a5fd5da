"""The type checker's public surface, pinned: the integration and other packages use exactly this."""

from __future__ import annotations

import codemode.typecheck as typecheck


def test_the_public_surface() -> None:
    assert typecheck.__all__ == [
        "COMPILER_OPTIONS",
        "DISCOVERY_DECLARATIONS",
        "ERROR_NAME",
        "IGNORED_CODES",
        "TYPESCRIPT_VERSION",
        "CheckerCrashedError",
        "CheckerError",
        "CheckerUnavailableError",
        "Diagnostic",
        "TypeChecker",
        "cache_dir",
        "checker_binary",
        "error_json",
        "installed_binary",
        "rejected_result",
        "rejection_text",
        "shown_declarations",
    ]
    for name in typecheck.__all__:
        assert getattr(typecheck, name) is not None


def test_every_ignored_code_has_a_reason() -> None:
    assert all(reason.strip() for reason in typecheck.IGNORED_CODES.values())
    assert typecheck.COMPILER_OPTIONS["strict"] is False
