"""Patient statements, the runs that made them, holds on accounts, and payment plans."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import USER_LEN, Base

ACCOUNT_LEN = 80


class StatementRunRow(Base):
    """One statement run: at most one per practice day, so running it again changes nothing.
    ``report`` is the run's report as JSON (every statement sent and every account skipped with
    its reason)."""

    __tablename__ = "statement_runs"

    run_date: Mapped[date] = mapped_column(primary_key=True)
    statements: Mapped[int]
    skipped: Mapped[int]
    total: Mapped[Decimal]
    report: Mapped[str] = mapped_column(Text)
    batch_file: Mapped[str] = mapped_column(Text)  # the batch PDF, relative to the archive
    run_at: Mapped[datetime]
    run_by: Mapped[str] = mapped_column(String(USER_LEN))


class StatementRow(Base):
    """One statement as sent; ``data`` is its JSON (docs/statements.md), from which its PDF and
    CSV are drawn again whenever asked."""

    __tablename__ = "statements"
    __table_args__ = (Index("ix_statements_account", "account", "statement_date"),)

    statement_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    run_date: Mapped[date] = mapped_column(ForeignKey("statement_runs.run_date"), index=True)
    account: Mapped[str] = mapped_column(String(ACCOUNT_LEN))
    statement_date: Mapped[date]
    balance: Mapped[Decimal]
    dunning_level: Mapped[str] = mapped_column(String(30))
    data: Mapped[str] = mapped_column(Text)
    pdf_file: Mapped[str] = mapped_column(Text)  # relative to the practice's archive


class AccountHoldRow(Base):
    """A hold on an account's statements (dispute, bankruptcy). Released holds stay, with who
    released them and when."""

    __tablename__ = "account_holds"
    __table_args__ = (Index("ix_account_holds_account", "account", "released_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(ACCOUNT_LEN))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    held_at: Mapped[datetime]
    held_by: Mapped[str] = mapped_column(String(USER_LEN))
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(USER_LEN))


class PaymentPlanRow(Base):
    """A payment plan's terms; its schedule and standing are computed from these and the
    ledger's patient payments (domain/payment_plans.py)."""

    __tablename__ = "payment_plans"
    __table_args__ = (Index("ix_payment_plans_account", "account"),)

    plan_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account: Mapped[str] = mapped_column(String(ACCOUNT_LEN))
    total: Mapped[Decimal]
    amount: Mapped[Decimal]
    every_days: Mapped[int]
    first_due: Mapped[date]
    installments: Mapped[int]
    created_on: Mapped[date]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(USER_LEN))
