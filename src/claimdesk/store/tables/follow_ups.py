"""The payer follow-up log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    USER_LEN,
    Base,
)


class FollowUpRow(Base):
    """The payer follow-up log: calls, portal checks, 276 inquiries and the 277 answers."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(USER_LEN))
    channel: Mapped[str] = mapped_column(String(10))  # call, portal, 276, 277
    reference: Mapped[str] = mapped_column(String(80), default="", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    next_follow_up: Mapped[date | None]
