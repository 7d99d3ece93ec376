"""What one running desk needs: the database, the rule tables, the clock and the limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from claimdesk.config import Settings
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
