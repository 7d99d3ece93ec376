"""Patient cost estimates per encounter, kept to compare with the 835 later; a new estimate is a
new row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    CLAIM_LEN,
    COVERAGE_LEN,
    USER_LEN,
    Base,
)


class EstimateRow(Base):
    """One patient cost estimate for an encounter, kept to compare with the 835 later."""

    __tablename__ = "estimates"
    __table_args__ = (Index("ix_estimates_encounter", "encounter_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    encounter_id: Mapped[str] = mapped_column(String(80))
    claim_id: Mapped[str] = mapped_column(String(CLAIM_LEN))
    coverage_id: Mapped[str] = mapped_column(String(COVERAGE_LEN))
    network_tier: Mapped[int]
    eligibility_check_id: Mapped[int | None] = mapped_column(ForeignKey("eligibility_checks.id"))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(USER_LEN))
    charge: Mapped[Decimal]
    allowed: Mapped[Decimal]
    copay: Mapped[Decimal]
    deductible: Mapped[Decimal]
    coinsurance: Mapped[Decimal]
    patient: Mapped[Decimal]
    insurer: Mapped[Decimal]
    # Where each benefit figure came from (directory, 271 or none), for the person reading it.
    sources: Mapped[dict[str, Any]] = mapped_column(JSON)


class EstimateLineRow(Base):
    __tablename__ = "estimate_lines"

    estimate_id: Mapped[int] = mapped_column(ForeignKey("estimates.id"), primary_key=True)
    line_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(10))
    charge: Mapped[Decimal]
    allowed: Mapped[Decimal]
    allowed_basis: Mapped[str] = mapped_column(String(10))  # contract or charge
    copay: Mapped[Decimal]
    deductible: Mapped[Decimal]
    coinsurance: Mapped[Decimal]
    patient: Mapped[Decimal]
    insurer: Mapped[Decimal]
    # Which benefit applied (category and cost sharing), for the person reading it.
    benefit: Mapped[str] = mapped_column(String(120), server_default="")
    balance: Mapped[Decimal] = mapped_column(server_default="0")  # billed above allowed
