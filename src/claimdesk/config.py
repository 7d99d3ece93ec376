"""Settings: the data home and the database URL, from the command line or the environment.

A plain dataclass read from ``os.environ``: every command builds one before it does anything, so
it must cost nothing to import (a settings framework cost 0.3 s of each command's start-up).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "CLAIMDESK_"
# What the program writes in the data home is its owner's alone: 0600 files, 0700 folders.
PRIVATE_UMASK = 0o077


def _env(name: str, default: str) -> str:
    return os.environ.get(ENV_PREFIX + name, default)


@dataclass(frozen=True, slots=True)
class Settings:
    """``CLAIMDESK_HOME`` holds the SQLite database and the X12 inbox/outbox/archive folders;
    ``CLAIMDESK_DATABASE_URL`` points a team at PostgreSQL instead."""

    home: Path = field(default_factory=lambda: Path(_env("HOME", "claimdesk-data")))
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", ""))
    # The key that seals second-factor secrets: a file outside the database (default: in the
    # home's keys/ folder); a team on PostgreSQL keeps it on each web server, not in the dump.
    totp_key: str = field(default_factory=lambda: _env("TOTP_KEY_FILE", ""))
    # Roles that must use a second factor besides admin, manager and auditor (always), comma
    # separated: "tier1,tier2".
    mfa_roles: str = field(default_factory=lambda: _env("MFA_ROLES", ""))
    # The audit anchor file each batch appends the chain's head to: keep it where the
    # database's users cannot write (another volume, a WORM share). Empty: no anchoring.
    audit_anchor: str = field(default_factory=lambda: _env("AUDIT_ANCHOR", ""))

    @property
    def effective_database_url(self) -> str:
        """``CLAIMDESK_DATABASE_URL`` when set (PostgreSQL for teams), else SQLite in the home."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'claimdesk.db').resolve()}"

    @property
    def totp_key_file(self) -> Path:
        return Path(self.totp_key) if self.totp_key else self.home / "keys" / "totp.key"

    @property
    def audit_anchor_file(self) -> Path | None:
        return Path(self.audit_anchor) if self.audit_anchor else None

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"
