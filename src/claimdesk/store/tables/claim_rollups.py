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
        # Whether a claim was first sent after a day (migration 0030).
        Index("ix_claim_rollups_submitted", "submitted_at"),
        # The replacement and void claims, which the first pass leaves out (migration 0030).
        Index(
            "ix_claim_rollups_second_pass",
            "claim_id",
            postgresql_where=text("frequency <> '1'"),
            sqlite_where=text("frequency <> '1'"),
        ),
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
    __table_args__ = (
        Index("ix_patient_since_encounter", "encounter_id"),
        Index("ix_patient_since_patient", "patient_account"),
    )

    claim_id: Mapped[str] = mapped_column(
        String(CLAIM_LEN), ForeignKey("claims.claim_id"), primary_key=True
    )
    encounter_id: Mapped[str] = mapped_column(String(80))
    patient_account: Mapped[str] = mapped_column(String(80))
    since: Mapped[date]


class ClaimAdjustedRow(Base):
    """The last day a contractual adjustment was posted to a claim (its latest posting on the
    contractual account, a reversal's too), kept with the rollup (``store/open_sums.py``): the
    net A/R's allowance takes each payer's ratio from the claims adjusted in the 90 days to
    the day (``analytics.receivables.allowance_ratios``)."""

    __tablename__ = "claim_adjusted"

    claim_id: Mapped[str] = mapped_column(
        String(CLAIM_LEN), ForeignKey("claims.claim_id"), primary_key=True
    )
    adjusted_on: Mapped[date]


# The open receivables summed by what the A/R reports group them by (``store/open_sums.py``),
# kept with the rollups: the A/R as it stands reads a few thousand rows instead of every open
# claim. Each sums the rows of one key; ``books verify`` (BOOKS008) holds every non-zero row
# equal to a recomputation from the rollups.


class OpenArSumRow(Base):
    """Open claims by payer, date of service and whether the claim has gone to the payer."""

    __tablename__ = "open_ar_sums"

    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    date_of_service: Mapped[date] = mapped_column(primary_key=True)
    billed: Mapped[bool] = mapped_column(primary_key=True)
    insurance: Mapped[Decimal]
    patient: Mapped[Decimal]
    insurance_claims: Mapped[int]  # claims with an insurance balance
    patient_claims: Mapped[int]  # claims with a patient balance
    claims: Mapped[int]  # claims with either


class PatientOwingRow(Base):
    """Each patient's patient A/R on claims: the sum, the claims with a balance, and the visits
    whose claims' balances do not net to zero (the patient aging's unit)."""

    __tablename__ = "patient_owing"
    __table_args__ = (Index("ix_patient_owing_amount", "amount", "patient_account"),)

    patient_account: Mapped[str] = mapped_column(String(80), primary_key=True)
    amount: Mapped[Decimal]
    claims: Mapped[int]
    visits: Mapped[int]


class PatientAgeSumRow(Base):
    """Visits' patient balances by the day their money first reached the patient."""

    __tablename__ = "patient_age_sums"

    since: Mapped[date] = mapped_column(primary_key=True)
    amount: Mapped[Decimal]
    visits: Mapped[int]


class PendingInsuranceRow(Base):
    """Claims the payer still owes with no contractual adjustment yet, by payer and balance:
    the net A/R allows for each such claim at its payer's ratio, rounded per claim."""

    __tablename__ = "pending_insurance"

    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(primary_key=True)
    claims: Mapped[int]


class AllowanceSumRow(Base):
    """Claims with a contractual adjustment standing, by payer and the last day one was
    posted: their adjustments and charges make each payer's allowance ratio."""

    __tablename__ = "allowance_sums"

    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    adjusted_on: Mapped[date] = mapped_column(primary_key=True)
    adjusted: Mapped[Decimal]
    charged: Mapped[Decimal]
    claims: Mapped[int]


class PayerChargeSumRow(Base):
    """Each payer's claims and the gross charges posted to them."""

    __tablename__ = "payer_charge_sums"

    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    charges: Mapped[Decimal]
    claims: Mapped[int]


# The first pass summed by day and payer (``store/open_sums.py``), kept with the rollups: the
# clean claim, first-pass resolution, initial denial and days-to-pay sides of a period (and of
# each month of the trend) read a row per day instead of every claim of the period. Original
# claims only (CLM05-3 = 1), as the KPIs count them.


class EnteredSumRow(Base):
    """Claims by the UTC day they entered billing (first HELD or SUBMITTED)."""

    __tablename__ = "entered_sums"

    day: Mapped[date] = mapped_column(primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    claims: Mapped[int]
    charge: Mapped[Decimal]
    clean: Mapped[int]  # neither held nor rejected before their first adjudication
    clean_charge: Mapped[Decimal]


class AdjudicatedSumRow(Base):
    """Claims by the day of their first adjudication."""

    __tablename__ = "adjudicated_sums"

    day: Mapped[date] = mapped_column(primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    claims: Mapped[int]
    charge: Mapped[Decimal]
    resolved: Mapped[int]  # paid as billed on the first pass
    resolved_paid: Mapped[Decimal]
    denied: Mapped[int]  # denied in whole or in part
    denied_amount: Mapped[Decimal]
    denied_dollars: Mapped[int]  # with denied dollars
    denied_dollars_amount: Mapped[Decimal]


class FirstPaidSumRow(Base):
    """Claims sent and paid, by the day of their first payment: days waited and paid."""

    __tablename__ = "first_paid_sums"

    day: Mapped[date] = mapped_column(primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    claims: Mapped[int]
    days: Mapped[int]
    paid: Mapped[Decimal]
