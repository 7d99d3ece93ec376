"""Web sessions, stored by the digest of their token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.sessions import PasswordLinkRow, WebSessionRow

SESSIONS = table_of(WebSessionRow)
LINKS = table_of(PasswordLinkRow)


@dataclass(frozen=True, slots=True)
class StoredSession:
    token_digest: str
    user_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    practice_id: str = ""  # the practice worked in now; empty: not chosen yet


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, session: StoredSession) -> None:
        self._session.execute(
            insert(SESSIONS).values(
                token_digest=session.token_digest,
                user_id=session.user_id,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
                ended_at=None,
                end_reason="",
            )
        )

    def get(self, token_digest: str) -> StoredSession | None:
        row = self._session.execute(
            select(SESSIONS).where(SESSIONS.c.token_digest == token_digest)
        ).first()
        if row is None:
            return None
        return StoredSession(
            row.token_digest,
            row.user_id,
            row.csrf_token,
            row.created_at,
            row.last_seen_at,
            row.ended_at,
            row.practice_id,
        )

    def touch(self, token_digest: str, at: datetime) -> None:
        self._session.execute(
            update(SESSIONS).where(SESSIONS.c.token_digest == token_digest).values(last_seen_at=at)
        )

    def choose_practice(self, token_digest: str, practice_id: str) -> None:
        self._session.execute(
            update(SESSIONS)
            .where(SESSIONS.c.token_digest == token_digest)
            .values(practice_id=practice_id)
        )

    def end(self, token_digest: str, at: datetime, reason: str) -> None:
        self._session.execute(
            update(SESSIONS)
            .where(SESSIONS.c.token_digest == token_digest, SESSIONS.c.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
        )

    def end_all_of(self, user_id: str, at: datetime, reason: str) -> int:
        result = self._session.execute(
            update(SESSIONS)
            .where(SESSIONS.c.user_id == user_id, SESSIONS.c.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
            .returning(SESSIONS.c.token_digest)
        )
        return len(result.all())


@dataclass(frozen=True, slots=True)
class PasswordLink:
    token_digest: str
    user_id: str
    made_by: str
    made_at: datetime
    expires_at: datetime
    ended_at: datetime | None


class PasswordLinkRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, link: PasswordLink) -> None:
        self._session.execute(
            insert(LINKS).values(
                token_digest=link.token_digest,
                user_id=link.user_id,
                made_by=link.made_by,
                made_at=link.made_at,
                expires_at=link.expires_at,
                ended_at=None,
                end_reason="",
            )
        )

    def get(self, token_digest: str) -> PasswordLink | None:
        row = self._session.execute(
            select(LINKS).where(LINKS.c.token_digest == token_digest)
        ).first()
        if row is None:
            return None
        return PasswordLink(
            row.token_digest, row.user_id, row.made_by, row.made_at, row.expires_at, row.ended_at
        )

    def end(self, token_digest: str, at: datetime, reason: str) -> bool:
        """End the link if it is open; whether it was (a link is used at most once)."""
        result = self._session.execute(
            update(LINKS)
            .where(LINKS.c.token_digest == token_digest, LINKS.c.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
            .returning(LINKS.c.token_digest)
        )
        return len(result.all()) == 1

    def end_all_of(self, user_id: str, at: datetime, reason: str) -> int:
        result = self._session.execute(
            update(LINKS)
            .where(LINKS.c.user_id == user_id, LINKS.c.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
            .returning(LINKS.c.token_digest)
        )
        return len(result.all())
