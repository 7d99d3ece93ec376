"""Settings: the data home and the database URL, from the command line or the environment.

A plain dataclass read from ``os.environ``: every command builds one before it does anything, so
it must cost nothing to import (a settings framework cost 0.3 s of each command's start-up).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "CLAIMDESK_"


def _env(name: str, default: str) -> str:
    return os.environ.get(ENV_PREFIX + name, default)


@dataclass(frozen=True, slots=True)
class Settings:
    """``CLAIMDESK_HOME`` holds the SQLite database and the X12 inbox/outbox/archive folders;
    ``CLAIMDESK_DATABASE_URL`` points a team at PostgreSQL instead."""

    home: Path = field(default_factory=lambda: Path(_env("HOME", "claimdesk-data")))
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", ""))

    @property
    def effective_database_url(self) -> str:
        """``CLAIMDESK_DATABASE_URL`` when set (PostgreSQL for teams), else SQLite in the home."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'claimdesk.db').resolve()}"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"
