"""Bank deposits (from bank files or entered by hand) and the bank files they came from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import DIGEST_LEN, PAYER_LEN, USER_LEN, Base


class BankFileRow(Base):
    """One imported bank file, by content: the same bytes again import nothing."""

    __tablename__ = "bank_files"

    sha256: Mapped[str] = mapped_column(String(DIGEST_LEN), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    layout: Mapped[str] = mapped_column(String(10))
    deposit_count: Mapped[int]
    deposit_total: Mapped[Decimal]
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(USER_LEN))


class DepositRow(Base):
    """One deposit; its id is derived from the file's hash and the record (or, entered by
    hand, from its date, amount, trace and payer), so importing it again adds nothing."""

    __tablename__ = "deposits"
    __table_args__ = (Index("ix_deposits_trace", "trace_number"),)

    deposit_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # bank_file or manual
    kind: Mapped[str] = mapped_column(String(10))  # ach, check, lockbox, wire
    bank_account: Mapped[str] = mapped_column(String(40))
    deposit_date: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Decimal]
    trace_number: Mapped[str] = mapped_column(String(50))
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN))
    payer_name: Mapped[str] = mapped_column(String(80))
    file_sha256: Mapped[str | None] = mapped_column(String(DIGEST_LEN))
    record_ref: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(USER_LEN))
