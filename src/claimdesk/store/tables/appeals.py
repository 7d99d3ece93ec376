"""Appeals of denied claims, level by level."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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


class AppealRow(Base):
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), index=True)
    level: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))  # drafted, submitted, decided
    denial_codes: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal]
    argument: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date | None]
    letter_path: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(USER_LEN))
    submitted_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    decided_on: Mapped[date | None]
