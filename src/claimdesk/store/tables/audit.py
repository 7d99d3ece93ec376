"""The audit log.

The log is append-only: each row stores the previous row's hash (``prev_hash`` is unique, so the
chain cannot fork) and its own hash over its fields.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    DIGEST_LEN,
    USER_LEN,
    Base,
)


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
