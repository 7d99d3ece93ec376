"""Tables for the web desk: passwords and second factors, sign-in attempts, sessions, audit log.

Session tokens are stored only as their SHA-256 digest, so a copy of the database cannot be
replayed as a live session. The audit log is append-only: each row stores the previous row's hash
(``prev_hash`` is unique, so the chain cannot fork) and its own hash over its fields.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables import Base
from claimdesk.store.work_tables import USER_LEN

DIGEST_LEN = 64  # hex SHA-256


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


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    user_id: Mapped[str] = mapped_column(String(USER_LEN))
    patient_account: Mapped[str | None] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(DIGEST_LEN), unique=True)
    row_hash: Mapped[str] = mapped_column(String(DIGEST_LEN))
