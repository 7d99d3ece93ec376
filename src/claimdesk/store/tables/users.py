"""People, the extra queues they were granted, their passwords and second factors, and sign-in
attempts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
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
    # Encrypted with a key kept outside the database (security/secrets.py).
    totp_secret: Mapped[str | None] = mapped_column(String(400))
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(USER_LEN))
    # Set when someone else set the password: it must be changed at the next sign-in.
    must_change: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The last TOTP time step accepted, so a code is accepted once (NIST SP 800-63B 5.1.4.2).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)


class SignInAttemptRow(Base):
    """Every sign-in attempt, also for unknown names, so guessing is throttled the same way."""

    __tablename__ = "web_sign_in_attempts"
    __table_args__ = (
        Index("ix_web_sign_in_attempts_user_at", "user_id", "at"),
        Index("ix_web_sign_in_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(USER_LEN))
    at: Mapped[datetime]
    succeeded: Mapped[bool]
    client: Mapped[str] = mapped_column(String(64), default="", server_default="")
