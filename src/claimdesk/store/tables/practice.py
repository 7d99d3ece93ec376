"""The practice profile's settings: one row per setting, with who changed it last and when.

Every change is also an audit record (see ``services.practice``), so the row need not keep
history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    USER_LEN,
    Base,
)


class PracticeSettingRow(Base):
    __tablename__ = "practice_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(USER_LEN))
