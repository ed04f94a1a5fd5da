"""Executor-wide settings: which Deno, the default limits, the pool and the outbound policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError
from .limits import Limits
from .outbound import OutboundPolicy

__all__ = ["SandboxSettings"]


@dataclass(frozen=True)
class SandboxSettings:
    """How a `DenoExecutor` runs guest code. The defaults are the safe ones."""

    deno_path: Path | None = None
    """The Deno binary; None means the one from the `deno` wheel (`deno.find_deno_bin()`)."""
    limits: Limits = field(default_factory=Limits)
    """Default limits of every run; a run may pass its own."""
    pool_size: int = 2
    """Pre-spawned TypeScript processes waiting for one-shot runs (0 disables the pool)."""
    python_pool_size: int = 0
    """Pre-spawned Python processes (Pyodide loaded) for one-shot Python runs. 0 (the default): a
    TypeScript-only user pays nothing for Python; each Python run then starts its own process."""
    pyodide_cache: Path | None = None
    """The cache holding the Pyodide runtime (`sandbox.install_pyodide`); None: `$XDG_CACHE_HOME/codemode`."""
    warm_max: int = 16
    """Most warm sandboxes kept by id at once; the least recently used is evicted first."""
    warm_idle_s: float = 300.0
    """A warm sandbox unused for this long is stopped."""
    outbound: OutboundPolicy | None = None
    """Network for the guest's `fetch`, routed through the host. None (the default): no network."""
    strip_types: bool = True
    """Typed programs: types blanked in the host (sandbox/blank_types.py), else stripped by a helper
    process (sandbox/strip.py), and compiled as JavaScript, about as fast as JavaScript. False: each is
    imported as a TypeScript module (1-3 ms more)."""
    check_version: bool = True
    """Refuse Deno older than `MIN_DENO_VERSION` at start."""

    def __post_init__(self) -> None:
        if self.pool_size < 0:
            raise SettingsError(f"SandboxSettings.pool_size must be >= 0, got {self.pool_size}")
        if self.python_pool_size < 0:
            raise SettingsError(f"SandboxSettings.python_pool_size must be >= 0, got {self.python_pool_size}")
        if self.warm_max < 1:
            raise SettingsError(f"SandboxSettings.warm_max must be >= 1, got {self.warm_max}")
        if self.warm_idle_s <= 0:
            raise SettingsError(f"SandboxSettings.warm_idle_s must be > 0, got {self.warm_idle_s}")
