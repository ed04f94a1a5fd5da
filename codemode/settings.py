"""From the config file's `codemode` section to the engine's and the sandbox's settings."""

from __future__ import annotations

import dataclasses
from typing import Any

from codemode.config import Config
from codemode.engine import EngineSettings
from sandbox import Limits, SandboxSettings

__all__ = ["engine_settings", "limits", "sandbox_settings"]

#: Config key -> `sandbox.Limits` field, where the config's friendlier name differs.
_LIMIT_FIELDS = {"timeout_s": "wall_s", "max_tool_calls": "tool_calls", "max_output_bytes": "result_bytes"}


def limits(config: Config | None) -> Limits:
    """The sandbox limits the config sets, over the safe defaults."""
    if config is None:
        return Limits()
    values: dict[str, Any] = {
        _LIMIT_FIELDS.get(key, key): value for key, value in config.settings.limits_dict().items()
    }
    return dataclasses.replace(Limits(), **values)


def engine_settings(config: Config | None) -> EngineSettings:
    if config is None:
        return EngineSettings()
    return EngineSettings(
        token_budget=config.settings.token_budget,
        max_result_chars=config.settings.max_result_chars,
        limits=limits(config),
    )


def sandbox_settings(config: Config | None) -> SandboxSettings:
    return SandboxSettings(limits=limits(config))
