"""The double-entry journal: entries and their postings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    Base,
)


class LedgerEntryRow(Base):
    """A journal entry. Rows are only ever inserted; ``id`` keeps the order they were posted in."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_effective", "effective", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    effective: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(Text, default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    # Unique: an entry can be reversed at most once, enforced by the database too.
    reverses: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.entry_id"), unique=True)


class LedgerPostingRow(Base):
    __tablename__ = "ledger_postings"
    __table_args__ = (
        UniqueConstraint("entry_id", "position"),
        Index("ix_ledger_postings_claim_line", "claim_id", "line_number", "account"),
        Index("ix_ledger_postings_patient", "patient_account", "account"),
        Index("ix_ledger_postings_payer", "payer_id", "account"),
        Index("ix_ledger_postings_account", "account"),
        # A period's postings to one account, without the entries (migration 0026).
        Index(
            "ix_ledger_postings_account_day",
            "account",
            "effective",
            postgresql_include=["claim_id", "amount"],
        ),
        # The money on no claim, which every A/R adds to its claims' (migration 0030).
        Index(
            "ix_ledger_postings_unclaimed",
            "account",
            "effective",
            postgresql_where=text("claim_id IS NULL"),
            sqlite_where=text("claim_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.entry_id"))
    position: Mapped[int]
    account: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal]  # debit positive, credit negative
    # None: provider-level money (PLB items on no claim of ours).
    patient_account: Mapped[str | None] = mapped_column(ForeignKey("patients.account"))
    claim_id: Mapped[str | None] = mapped_column(ForeignKey("claims.claim_id"))
    line_number: Mapped[int | None]
    payer_id: Mapped[str | None] = mapped_column(ForeignKey("payers.payer_id"))
    # The entry's effective day, copied: an entry's day never changes (BOOKS008 holds it).
    effective: Mapped[date]


class LedgerDayRow(Base):
    """What the postings to one account add up to on one effective day: the ledger's balances
    by day, kept as postings are inserted (``store/ledger_days.py``), so a trial balance as of
    any day sums a few rows per account per day instead of the whole journal. ``books verify``
    (BOOKS008) holds every row equal to the postings."""

    __tablename__ = "ledger_days"

    effective: Mapped[date] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The entry's kind, and whether the posting names a payer (cash from a payer or a patient):
    # the period's money KPIs sum their postings by these (migration 0030).
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    from_payer: Mapped[bool] = mapped_column(primary_key=True)
    amount: Mapped[Decimal]
    postings: Mapped[int]
