"""Tables for Tier 1 work: eligibility checks, the plan/tier directory, patient cost estimates,
submission batches with their claims, X12 control numbers and acknowledgment files read.

Rows refer to coverages, encounters and claims by their natural keys; checks and estimates are
only ever added (a new check or estimate is a new row), so their history stays.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables import NAME_LEN, Base
from claimdesk.store.types import ScaledDecimal

USER_LEN = 80
PAYER_LEN = 80
COVERAGE_LEN = 80
CLAIM_LEN = 38


def _fraction() -> ScaledDecimal:
    """A coinsurance fraction (.2 is 20 percent), exact to the hundredth of a percent."""
    return ScaledDecimal(6, 4)


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
    coinsurance: Mapped[Decimal | None] = mapped_column(_fraction())
    deductible: Mapped[Decimal | None]
    deductible_remaining: Mapped[Decimal | None]
    out_of_pocket: Mapped[Decimal | None]
    out_of_pocket_remaining: Mapped[Decimal | None]
    authorization_required: Mapped[bool | None]


class PlanTierRow(Base):
    """The user's plan/tier directory: a plan's benefits for providers in one network tier."""

    __tablename__ = "plan_tiers"

    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    plan_name: Mapped[str] = mapped_column(String(NAME_LEN), primary_key=True)
    network_tier: Mapped[int] = mapped_column(Integer, primary_key=True)
    copay: Mapped[Decimal]
    coinsurance: Mapped[Decimal] = mapped_column(_fraction())
    deductible: Mapped[Decimal]
    out_of_pocket_max: Mapped[Decimal]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(USER_LEN))


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


class SubmissionBatchRow(Base):
    """One 837 file to one payer, with its clean claim rate and first-pass acceptance."""

    __tablename__ = "submission_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN))
    transaction: Mapped[str] = mapped_column(String(4))  # 837P or 837I
    file_name: Mapped[str] = mapped_column(Text)
    sender_id: Mapped[str] = mapped_column(String(15))  # ISA06
    receiver_id: Mapped[str] = mapped_column(String(15))  # ISA08
    interchange_control_number: Mapped[int]
    group_control_number: Mapped[int]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(USER_LEN))
    # Claims of this payer scrubbed in the run, passed every edit, and held.
    scrubbed: Mapped[int]
    clean: Mapped[int]
    held: Mapped[int]
    submitted: Mapped[int]
    total_charge: Mapped[Decimal]
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class BatchClaimRow(Base):
    __tablename__ = "batch_claims"
    __table_args__ = (Index("ix_batch_claims_claim", "claim_id"),)

    batch_id: Mapped[int] = mapped_column(ForeignKey("submission_batches.id"), primary_key=True)
    claim_id: Mapped[str] = mapped_column(String(CLAIM_LEN), primary_key=True)
    transaction_control_number: Mapped[str] = mapped_column(String(9))  # ST02
    charge: Mapped[Decimal]
    # submitted, then accepted or rejected by the first acknowledgment that names the claim.
    outcome: Mapped[str] = mapped_column(String(10))
    outcome_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")


class ControlNumberRow(Base):
    """The last control number used per counter (ISA13/GS06 per sender), never reused."""

    __tablename__ = "x12_control_numbers"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[int]


class Tier1FileRow(Base):
    """An acknowledgment or eligibility file read, by content: reading it again does nothing."""

    __tablename__ = "tier1_files"
    __table_args__ = (UniqueConstraint("sha256", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))  # 999, 277CA, 271
    name: Mapped[str] = mapped_column(Text)
    read_at: Mapped[datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
