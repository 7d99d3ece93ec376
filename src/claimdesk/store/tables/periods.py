"""Accounting periods: each close and reopen of a month, and the roll-forward it closed with."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import USER_LEN, Base


class PeriodEventRow(Base):
    """One close or reopen of a month. Rows are only inserted: a month's state is its last
    event, and the history stays for the auditor."""

    __tablename__ = "period_events"
    __table_args__ = (Index("ix_period_events_period", "period", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    action: Mapped[str] = mapped_column(String(10))  # close, reopen
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(USER_LEN))
    reason: Mapped[str] = mapped_column(Text, default="")


class PeriodBalanceRow(Base):
    """A closed month's A/R roll-forward per payer class, as it stood when the month closed;
    ``books verify`` recomputes it and finds any change."""

    __tablename__ = "period_balances"
    __table_args__ = (UniqueConstraint("event_id", "payer_class"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("period_events.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    payer_class: Mapped[str] = mapped_column(String(20))
    opening: Mapped[Decimal]
    charges: Mapped[Decimal]
    payments: Mapped[Decimal]
    adjustments: Mapped[Decimal]
    transfers: Mapped[Decimal]
    closing: Mapped[Decimal]


class PeriodKpiRow(Base):
    """A closed month's net A/R at its last day and net revenue of the 90 days to it, as they
    stood when the month closed (``MonthEndKpis``): the monthly trend reads them instead of
    summing the ledger back to every closed month's end."""

    __tablename__ = "period_kpis"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("period_events.id"), unique=True)
    period: Mapped[str] = mapped_column(String(7))
    net_ar: Mapped[Decimal]
    net_revenue: Mapped[Decimal]
