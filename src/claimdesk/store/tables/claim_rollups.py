"""Per-claim KPI facts kept as the claim, its 835s and its postings are written.

One row per claim, refreshed in the same transaction as every write that changes what it
holds (``store/rollups.py``), so a KPI reads one indexed row per claim instead of the claim's
whole history. ``claimdesk books verify`` (BOOKS008) holds every row equal to a recomputation
from the status history, the claim payments and the ledger.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import CLAIM_LEN, PAYER_LEN, Base


class ClaimRollupRow(Base):
    __tablename__ = "claim_rollups"
    __table_args__ = (
        Index("ix_claim_rollups_entered", "entered_at"),
        Index("ix_claim_rollups_adjudicated", "adjudicated_on"),
        Index("ix_claim_rollups_first_paid", "first_paid_on"),
        # The open receivables (migration 0023): the A/R at a date starts from them.
        Index(
            "ix_claim_rollups_insurance_open",
            "payer_id",
            postgresql_where=text("insurance_ar <> 0"),
            sqlite_where=text("insurance_ar <> 0"),
        ),
        Index(
            "ix_claim_rollups_patient_open",
            "patient_account",
            postgresql_where=text("patient_ar <> 0"),
            sqlite_where=text("patient_ar <> 0"),
        ),
    )

    claim_id: Mapped[str] = mapped_column(
        String(CLAIM_LEN), ForeignKey("claims.claim_id"), primary_key=True
    )
    # The claim's scope and what it charged (claim and encounter rows; the charge is the sum of
    # its encounter's service lines), so a KPI reads no other table for them.
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN))
    patient_account: Mapped[str] = mapped_column(String(80))
    rendering_npi: Mapped[str] = mapped_column(String(10))
    facility_id: Mapped[str] = mapped_column(String(80))
    date_of_service: Mapped[date]
    frequency: Mapped[str] = mapped_column(String(1))  # CLM05-3
    charge: Mapped[Decimal]
    # Status history, in its order: the first HELD or SUBMITTED (the scrubber's first decision),
    # the first SUBMITTED, and whether HELD or REJECTED (or REJECTED alone) came before the first
    # PAID / PARTIALLY_PAID / DENIED.
    entered_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    touched: Mapped[bool]
    rejected: Mapped[bool]
    # The first adjudication: earliest non-reversal (CLP02 != 22) claim payment not held, by
    # payment date (BPR16, else the posting day) then id.
    adjudication_id: Mapped[int | None]
    adjudicated_on: Mapped[date | None]
    adjudicated_clp_status: Mapped[str | None] = mapped_column(String(2))
    adjudicated_charge: Mapped[Decimal | None]
    adjudicated_paid: Mapped[Decimal | None]
    adjudicated_denied: Mapped[Decimal | None]
    adjudicated_shortfall: Mapped[Decimal | None]
    # The first non-reversal payment with CLP04 > 0.
    first_paid_on: Mapped[date | None]
    first_paid: Mapped[Decimal | None]
    # Patient share of the payments still standing (neither reversed nor a reversal).
    patient_assigned: Mapped[Decimal]
    # Every posting of the claim to these accounts, whatever its effective date.
    insurance_ar: Mapped[Decimal]
    patient_ar: Mapped[Decimal]
    contractual: Mapped[Decimal]
    gross_charges: Mapped[Decimal]


class FirstAdjustmentRow(Base):
    """The CAS adjustments (claim and line level) of a claim's first adjudication, summed per
    group code and CARC: what the denial KPIs classify, kept with the claim's rollup
    (``store/first_adjustments.py``) so they read the denial codes of a period by index instead
    of every 835 payment of it. Dated and scoped as the rollup (``adjudicated_on``, payer)."""

    __tablename__ = "first_adjustments"
    __table_args__ = (
        Index("ix_first_adjustments_code_day", "group_code", "carc", "adjudicated_on"),
    )

    claim_id: Mapped[str] = mapped_column(
        String(CLAIM_LEN), ForeignKey("claims.claim_id"), primary_key=True
    )
    group_code: Mapped[str] = mapped_column(String(2), primary_key=True)  # CAS01
    carc: Mapped[str] = mapped_column(String(5), primary_key=True)  # CAS02
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN))
    adjudicated_on: Mapped[date]
    amount: Mapped[Decimal]


class PatientSinceRow(Base):
    """The day a claim's money first reached the patient (its first posting on patient A/R,
    whatever its effective day), with the claim's visit and patient: the patient aging dates a
    visit's balance from the earliest of its claims' (``store/patient_since.py``), so it reads
    the open claims' rollups and these rows instead of every patient posting. Kept with the
    rollup; ``books verify`` (BOOKS008) holds every row equal to the postings."""

    __tablename__ = "patient_since"
    __table_args__ = (Index("ix_patient_since_encounter", "encounter_id"),)

    claim_id: Mapped[str] = mapped_column(
        String(CLAIM_LEN), ForeignKey("claims.claim_id"), primary_key=True
    )
    encounter_id: Mapped[str] = mapped_column(String(80))
    patient_account: Mapped[str] = mapped_column(String(80))
    since: Mapped[date]
