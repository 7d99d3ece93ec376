"""Server-side sessions: random tokens, stored as digests, with idle and absolute limits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=15)  # HIPAA 164.312(a)(2)(iii) automatic logoff
    absolute: timedelta = timedelta(hours=8)


class SessionState(StrEnum):
    LIVE = "live"
    ENDED = "ended"
    IDLE = "idle_timeout"
    EXPIRED = "absolute_timeout"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def state_of(
    *,
    created_at: datetime,
    last_seen_at: datetime,
    ended_at: datetime | None,
    now: datetime,
    policy: SessionPolicy,
) -> SessionState:
    if ended_at is not None:
        return SessionState.ENDED
    if now - created_at >= policy.absolute:
        return SessionState.EXPIRED
    if now - last_seen_at >= policy.idle:
        return SessionState.IDLE
    return SessionState.LIVE
