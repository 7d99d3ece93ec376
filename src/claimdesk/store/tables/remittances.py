"""Remittance files, 835 payments and the claim payments as posted or held."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    USER_LEN,
    Base,
)


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
