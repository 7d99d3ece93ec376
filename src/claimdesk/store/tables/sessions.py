"""Web sessions.

Session tokens are stored only as their SHA-256 digest, so a copy of the database cannot be
replayed as a live session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    DIGEST_LEN,
    Base,
)


class WebSessionRow(Base):
    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user", "user_id", "ended_at"),)

    token_digest: Mapped[str] = mapped_column(String(DIGEST_LEN), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(30), default="")
    # The client practice the person works in now (empty: not chosen yet).
    practice_id: Mapped[str] = mapped_column(String(40), default="", server_default="")


class PasswordLinkRow(Base):
    """A one-time link to set a password (issue 17): stored as its token's digest, like a
    session, so a copy of the database opens no link; it ends when used, when a newer link is
    made for the person, or at ``expires_at``."""

    __tablename__ = "password_links"
    __table_args__ = (Index("ix_password_links_user", "user_id", "ended_at"),)

    token_digest: Mapped[str] = mapped_column(String(DIGEST_LEN), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    made_by: Mapped[str] = mapped_column(String(80))
    made_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(30), default="")
