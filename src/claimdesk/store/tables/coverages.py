"""A patient's coverages, with the subscriber when it is not the patient."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    NAME_LEN,
    Base,
)


class CoverageRow(Base):
    __tablename__ = "coverages"

    coverage_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    patient_account: Mapped[str] = mapped_column(ForeignKey("patients.account"), index=True)
    payer_id: Mapped[str] = mapped_column(ForeignKey("payers.payer_id"), index=True)
    plan_name: Mapped[str] = mapped_column(String(NAME_LEN))
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str] = mapped_column(String(50))
    priority: Mapped[int]
    relationship: Mapped[str] = mapped_column(String(2))
    effective: Mapped[date]
    termination: Mapped[date | None]
    network_tier: Mapped[int]
    # The subscriber when it is not the patient: all NULL for a self coverage.
    subscriber_last_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    subscriber_first_name: Mapped[str | None] = mapped_column(String(35))
    subscriber_birth_date: Mapped[date | None]
    subscriber_sex: Mapped[str | None] = mapped_column(String(1))
