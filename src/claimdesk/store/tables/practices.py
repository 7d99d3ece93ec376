"""The company store's registry of client practices and who may work each.

These tables live in the company store (the home's database, or the PostgreSQL URL's default
schema) beside the people; each practice's business rows live in its own store (docs/tenancy.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import NAME_LEN, QUEUE_LEN, USER_LEN, Base

PRACTICE_LEN = 40


class PracticeRow(Base):
    __tablename__ = "practices"

    practice_id: Mapped[str] = mapped_column(String(PRACTICE_LEN), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(USER_LEN))


class PracticeGrantRow(Base):
    """A person may work a practice (``queue`` empty), or one more queue within it."""

    __tablename__ = "practice_grants"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    # No foreign key to ``practices``: the grants of a home's people to its default practice are
    # written by the migration, before anything registered that practice.
    practice_id: Mapped[str] = mapped_column(String(PRACTICE_LEN), primary_key=True)
    queue: Mapped[str] = mapped_column(String(QUEUE_LEN), primary_key=True)
    granted_by: Mapped[str] = mapped_column(String(USER_LEN))
    granted_at: Mapped[datetime]
