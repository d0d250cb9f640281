"""vaultgen's exceptions: each carries the path it is about; only the CLI turns them into exit codes."""
from __future__ import annotations

from pathlib import Path


class VaultgenError(Exception):
    """Base class: a problem with a file, reported as 'path: reason'."""

    def __init__(self, path: str | Path | None, reason: str):
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class SourceError(VaultgenError):
    """A source file could not be read as an issue; the build goes on without it."""


class ConfigError(VaultgenError):
    """vaultgen.toml or the gazetteer is invalid."""


class VaultError(VaultgenError):
    """The vault cannot be written (locked, not a folder, …): the run itself fails."""
