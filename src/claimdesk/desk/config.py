"""What one running desk needs: the database, the rule tables, the clock and the limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from claimdesk.config import DEFAULT_PRACTICE, Settings
from claimdesk.security.accounts import SignInPolicy
from claimdesk.security.sessions import SessionPolicy
from claimdesk.services.rules import Rules
from claimdesk.store.uow import UnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DeskConfig:
    uow_factory: Callable[[], UnitOfWork]
    rules: Rules
    sign_in: SignInPolicy
    clock: Callable[[], datetime] = utc_now
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    # Off only for a plain-HTTP server on the loopback interface (tests, a single workstation).
    secure_cookies: bool = True
    # The data home (codes, outbox, archive): fixing claims, appeal letters and raw segments.
    settings: Settings | None = None
    # The practice ``uow_factory`` and ``settings`` serve, and how to reach any other
    # (its units of work and settings); None: this desk serves the one practice.
    practice: str = DEFAULT_PRACTICE
    practice_stores: Callable[[str], tuple[Callable[[], UnitOfWork], Settings]] | None = None
    # Any other practice's rule tables (its own routing.toml and denials.toml, docs/tenancy.md).
    practice_rules: Callable[[str], Rules] | None = None
