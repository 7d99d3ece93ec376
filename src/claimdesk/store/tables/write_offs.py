"""Write-off requests and their decisions."""

from __future__ import annotations

from datetime import datetime
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


class WriteOffRequestRow(Base):
    __tablename__ = "write_off_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), index=True)
    amount: Mapped[Decimal]
    reason_code: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))  # pending, posted, rejected
    requested_by: Mapped[str] = mapped_column(String(USER_LEN))
    requested_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(USER_LEN))
    decided_at: Mapped[datetime | None]
    entry_id: Mapped[str | None] = mapped_column(String(120))
    work_item_id: Mapped[int | None]
