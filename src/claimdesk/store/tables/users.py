"""People, the extra queues they were granted, their passwords and second factors, and sign-in
attempts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    NAME_LEN,
    QUEUE_LEN,
    USER_LEN,
    Base,
)


class UserRow(Base):
    __tablename__ = "users"

    user_id: Mapped[str] = mapped_column(String(USER_LEN), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(USER_LEN))


class QueueGrantRow(Base):
    """An extra queue a manager allowed a person to work."""

    __tablename__ = "queue_grants"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    queue: Mapped[str] = mapped_column(String(QUEUE_LEN), primary_key=True)
    granted_by: Mapped[str] = mapped_column(String(USER_LEN))
    granted_at: Mapped[datetime]


class CredentialRow(Base):
    __tablename__ = "web_credentials"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(USER_LEN))


class SignInAttemptRow(Base):
    """Every sign-in attempt, also for unknown names, so guessing is throttled the same way."""

    __tablename__ = "web_sign_in_attempts"
    __table_args__ = (Index("ix_web_sign_in_attempts_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(USER_LEN))
    at: Mapped[datetime]
    succeeded: Mapped[bool]
