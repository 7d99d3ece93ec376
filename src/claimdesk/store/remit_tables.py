"""Tables for remittances and Tier 2 work: files, 835 payments, claim payments as posted,
appeals, the payer follow-up log, write-off requests, secondary claims and imported code texts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables import Base

USER_LEN = 80


class RemitFileRow(Base):
    """One ingested file, by content: the same bytes again are recognised and post nothing."""

    __tablename__ = "remit_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[datetime]
    ingested_by: Mapped[str] = mapped_column(String(USER_LEN))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class RemittanceRow(Base):
    """One 835 payment; (payer, payee, TRN02) is the idempotency key."""

    __tablename__ = "remittances"
    __table_args__ = (UniqueConstraint("payer_key", "payee_key", "trace_number"),)

    remittance_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    payer_key: Mapped[str] = mapped_column(String(80))
    payee_key: Mapped[str] = mapped_column(String(80))
    trace_number: Mapped[str] = mapped_column(String(50))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    control_number: Mapped[str] = mapped_column(String(9))
    payment_amount: Mapped[Decimal]
    claims_paid: Mapped[Decimal]
    claim_count: Mapped[int]
    payment_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime]
    posted_by: Mapped[str] = mapped_column(String(USER_LEN))


class ClaimPaymentRow(Base):
    """One CLP loop of a remittance, as posted or held, with the entries it posted."""

    __tablename__ = "claim_payments"
    __table_args__ = (
        UniqueConstraint("remittance_id", "position_index"),
        Index("ix_claim_payments_claim", "claim_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    remittance_id: Mapped[str] = mapped_column(ForeignKey("remittances.remittance_id"))
    position_index: Mapped[int]
    patient_control_number: Mapped[str] = mapped_column(String(38))
    claim_id: Mapped[str | None] = mapped_column(ForeignKey("claims.claim_id"))
    status: Mapped[str] = mapped_column(String(20))  # posted, held, reversed
    clp_status: Mapped[str] = mapped_column(String(2))
    charge: Mapped[Decimal]
    paid: Mapped[Decimal]
    patient_share: Mapped[Decimal]
    denied: Mapped[Decimal]
    shortfall: Mapped[Decimal]
    payer_claim_number: Mapped[str] = mapped_column(String(50), default="")
    crossed_over: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text, default="")
    entry_ids: Mapped[list[str]] = mapped_column(JSON)
    # The payer's adjudication per line, for the secondary claim's loops 2320/2430.
    adjudication: Mapped[dict[str, Any]] = mapped_column(JSON)


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


class FollowUpRow(Base):
    """The payer follow-up log: calls, portal checks, 276 inquiries and the 277 answers."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(USER_LEN))
    channel: Mapped[str] = mapped_column(String(10))  # call, portal, 276, 277
    reference: Mapped[str] = mapped_column(String(80), default="", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    next_follow_up: Mapped[date | None]


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


class SecondaryClaimRow(Base):
    """A secondary claim and the primary payment whose adjudication it carries."""

    __tablename__ = "secondary_claims"

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), primary_key=True)
    primary_claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), index=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payments.id"))
    created_at: Mapped[datetime]


class CodeTextRow(Base):
    """Official CARC/RARC description texts, imported from a file the user supplies."""

    __tablename__ = "code_texts"

    kind: Mapped[str] = mapped_column(String(4), primary_key=True)  # CARC or RARC
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime]
