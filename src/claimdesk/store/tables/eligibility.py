"""Eligibility checks (270 sent, 271 read) and the benefits a 271 states.

Checks are only ever added (a new check is a new row), so their history stays.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    COVERAGE_LEN,
    NAME_LEN,
    PAYER_LEN,
    Base,
    fraction,
)


class EligibilityCheckRow(Base):
    """One 270 request and, once read, its 271 answer for one coverage and date of service."""

    __tablename__ = "eligibility_checks"
    __table_args__ = (Index("ix_eligibility_checks_coverage", "coverage_id", "service_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trace_number: Mapped[str] = mapped_column(String(50), unique=True)  # TRN02
    coverage_id: Mapped[str] = mapped_column(String(COVERAGE_LEN))
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN))
    patient_account: Mapped[str] = mapped_column(String(80))
    service_date: Mapped[date]
    requested_at: Mapped[datetime]
    request_file: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    response_file: Mapped[str | None] = mapped_column(Text)
    # None until answered; then whether the coverage is active on the date of service.
    active: Mapped[bool | None]
    plan: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    reject_reason: Mapped[str] = mapped_column(String(2), default="")  # AAA03
    follow_up: Mapped[str] = mapped_column(String(1), default="")  # AAA04
    problem: Mapped[str] = mapped_column(String(30), default="")  # EligibilityProblem value
    reason: Mapped[str] = mapped_column(Text, default="")
    fix_hint: Mapped[str] = mapped_column(Text, default="")
    authorization_required: Mapped[bool | None]
    # EB13 procedure codes whose EB11 is Y; None for checks stored before they were kept.
    authorization_codes: Mapped[list[str] | None] = mapped_column(JSON)
    messages: Mapped[list[str]] = mapped_column(JSON, default=list)  # MSG01 texts
    raw_response: Mapped[str | None] = mapped_column(Text)  # the member's 271 segments


class EligibilityBenefitRow(Base):
    """What the 271 says the patient pays for one service type, in or out of network."""

    __tablename__ = "eligibility_benefits"

    check_id: Mapped[int] = mapped_column(ForeignKey("eligibility_checks.id"), primary_key=True)
    service_type: Mapped[str] = mapped_column(String(2), primary_key=True)  # EB03
    network: Mapped[str] = mapped_column(String(3), primary_key=True)  # in / out
    copay: Mapped[Decimal | None]
    coinsurance: Mapped[Decimal | None] = mapped_column(fraction())
    deductible: Mapped[Decimal | None]
    deductible_remaining: Mapped[Decimal | None]
    out_of_pocket: Mapped[Decimal | None]
    out_of_pocket_remaining: Mapped[Decimal | None]
    authorization_required: Mapped[bool | None]
