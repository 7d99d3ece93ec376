"""Patient payments (with their receipts' facts and reversals) and refund requests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import CLAIM_LEN, PAYER_LEN, USER_LEN, Base


class PatientPaymentRow(Base):
    """One payment a patient made; its id is derived from what makes it the same payment, so
    posting it twice adds nothing. The ledger entry holds the money; this row holds what the
    receipt prints and how the payment ended (a reversal names its reason)."""

    __tablename__ = "patient_payments"
    __table_args__ = (Index("ix_patient_payments_account", "patient_account", "received_on"),)

    payment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    receipt_number: Mapped[int] = mapped_column(Integer, unique=True)
    patient_account: Mapped[str] = mapped_column(ForeignKey("patients.account"))
    amount: Mapped[Decimal]
    applied: Mapped[Decimal]  # to patient balances when posted
    unapplied: Mapped[Decimal]  # to the patient's credit when posted
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(80))  # check number, processor's reference
    claim_id: Mapped[str | None] = mapped_column(String(CLAIM_LEN))  # the claim it named
    received_on: Mapped[date]
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.entry_id"))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(USER_LEN))
    reversal_entry_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.entry_id"))
    reversal_reason: Mapped[str] = mapped_column(String(20), default="")
    reversal_note: Mapped[str] = mapped_column(Text, default="")
    reversed_at: Mapped[datetime | None]
    reversed_by: Mapped[str | None] = mapped_column(String(USER_LEN))


class RefundRequestRow(Base):
    """A refund asked for by one person and decided by another (separation of duties)."""

    __tablename__ = "refund_requests"

    request_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(20))  # patient-credit, patient-claim, payer-claim
    patient_account: Mapped[str] = mapped_column(ForeignKey("patients.account"))
    claim_id: Mapped[str | None] = mapped_column(String(CLAIM_LEN))
    payer_id: Mapped[str | None] = mapped_column(String(PAYER_LEN))
    amount: Mapped[Decimal]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))  # pending, posted, rejected
    requested_by: Mapped[str] = mapped_column(String(USER_LEN))
    requested_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(USER_LEN))
    decided_at: Mapped[datetime | None]
    entry_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.entry_id"))
    work_item_id: Mapped[int | None]
