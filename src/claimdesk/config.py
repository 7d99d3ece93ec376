"""Settings: the data home and the database URL, from the command line or the environment.

A plain dataclass read from ``os.environ``: every command builds one before it does anything, so
it must cost nothing to import (a settings framework cost 0.3 s of each command's start-up).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

ENV_PREFIX = "CLAIMDESK_"
# What the program writes in the data home is its owner's alone: 0600 files, 0700 folders.
PRIVATE_UMASK = 0o077
# The practice a home had before it held several: its store is the home's own database and
# folders (which are also the company store), so an existing home needs no data moved.
DEFAULT_PRACTICE = "default"
# A practice id names a folder, a PostgreSQL schema and a role: lowercase letters, digits and
# underscores, starting with a letter, short enough for PostgreSQL's 63-byte names.
PRACTICE_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
PRACTICE_SCHEMA_PREFIX = "practice_"
PRACTICE_ROLE_PREFIX = "claimdesk_practice_"


class PracticeIdError(ValueError):
    """A practice id that cannot name a folder, a schema and a role."""


def checked_practice_id(practice_id: str) -> str:
    if not PRACTICE_ID.fullmatch(practice_id):
        raise PracticeIdError(
            f"practice id {practice_id!r}: use lowercase letters, digits and underscores, "
            "starting with a letter (at most 40)"
        )
    return practice_id


def practice_schema(practice_id: str) -> str:
    return PRACTICE_SCHEMA_PREFIX + checked_practice_id(practice_id)


def practice_role(practice_id: str) -> str:
    return PRACTICE_ROLE_PREFIX + checked_practice_id(practice_id)


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
    # The client practice every command works in (``--practice`` / ``CLAIMDESK_PRACTICE``);
    # empty: the only one there is (see ``services.practices.resolved``).
    practice: str = field(default_factory=lambda: _env("PRACTICE", ""))

    @property
    def practice_id(self) -> str:
        return self.practice or DEFAULT_PRACTICE

    @property
    def on_default_practice(self) -> bool:
        return self.practice_id == DEFAULT_PRACTICE

    @property
    def company_database_url(self) -> str:
        """The company store (people, grants, the practices registry): ``CLAIMDESK_DATABASE_URL``
        when set (PostgreSQL for teams, its default schema), else SQLite in the home. It is also
        the default practice's store."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'claimdesk.db').resolve()}"

    @property
    def practice_home(self) -> Path:
        """The practice's own folder: the home for the default practice, else
        ``HOME/practices/<ID>/`` (its inbox, outbox, archive and, on SQLite, its database)."""
        if self.on_default_practice:
            return self.home
        return self.home / "practices" / checked_practice_id(self.practice_id)

    @property
    def effective_database_url(self) -> str:
        """The practice's store. On SQLite a database file of its own; on PostgreSQL the same
        database with the connection's role and search path set to the practice's own at
        connect (libpq startup options), so each connection sees that practice's schema only."""
        if self.on_default_practice:
            return self.company_database_url
        if not self.database_url:
            return f"sqlite:///{(self.practice_home / 'claimdesk.db').resolve()}"
        return with_practice_options(
            self.database_url, practice_role(self.practice_id), practice_schema(self.practice_id)
        )

    @property
    def totp_key_file(self) -> Path:
        return Path(self.totp_key) if self.totp_key else self.home / "keys" / "totp.key"

    @property
    def audit_anchor_file(self) -> Path | None:
        """Where batches pin the practice's audit chain: ``CLAIMDESK_AUDIT_ANCHOR`` for the
        default practice, ``<that>.<ID>`` beside it for a client practice (each chain its own)."""
        if not self.audit_anchor:
            return None
        anchor = Path(self.audit_anchor)
        if self.on_default_practice:
            return anchor
        return anchor.with_name(f"{anchor.name}.{checked_practice_id(self.practice_id)}")

    @property
    def inbox(self) -> Path:
        return self.practice_home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.practice_home / "outbox"

    @property
    def archive(self) -> Path:
        return self.practice_home / "archive"

    @property
    def sent(self) -> Path:
        """Where a file goes once it has left the outbox for the clearinghouse."""
        return self.archive / "sent"


def with_practice_options(database_url: str, role: str, schema: str) -> str:
    """``database_url`` whose connections start as ``role`` with ``schema`` alone on the search
    path (libpq's ``options``, appended to any the URL had): the session's own default, so not
    even ``RESET ROLE`` leaves the practice."""
    parts = urlsplit(database_url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    startup = f"-c role={role} -c search_path={schema}"
    query["options"] = f"{query['options']} {startup}" if query.get("options") else startup
    # Spaces as %20, not "+": libpq reads a URI's percent-escapes but not "+" as a space.
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))
