"""Accounting periods in the database: close and reopen events, and the closing figures."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.domain.month_end import RollForwardLine
from claimdesk.domain.periods import (
    ClosedPeriods,
    Month,
    MonthEndKpis,
    PeriodAction,
    PeriodEvent,
    PeriodState,
    states_of,
)
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.periods import PeriodBalanceRow, PeriodEventRow, PeriodKpiRow

EVENTS = table_of(PeriodEventRow)
BALANCES = table_of(PeriodBalanceRow)
KPIS = table_of(PeriodKpiRow)


class PeriodRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def events(self) -> list[PeriodEvent]:
        rows = self._session.execute(select(EVENTS).order_by(EVENTS.c.id)).mappings()
        return [
            PeriodEvent(
                Month.parse(row["period"]),
                PeriodAction(row["action"]),
                row["at"],
                row["by"],
                row["reason"],
            )
            for row in rows
        ]

    def states(self) -> list[PeriodState]:
        return states_of(self.events())

    def closed(self) -> ClosedPeriods:
        return ClosedPeriods.of(self.states())

    def closed_for_posting(self) -> ClosedPeriods:
        """The closed months, read under a lock a close waits for: on PostgreSQL a SHARE lock
        on the events (postings do not block each other), held to the end of the posting's
        transaction, so a close never commits between this read and the entries it guards.
        SQLite serializes every writing transaction already (BEGIN IMMEDIATE)."""
        self._lock("SHARE")
        return self.closed()

    def lock_for_close(self) -> None:
        """Before a close or reopen reads the month: wait for postings in flight to commit and
        keep new ones out until this transaction ends (SHARE ROW EXCLUSIVE conflicts with the
        postings' SHARE and with itself)."""
        self._lock("SHARE ROW EXCLUSIVE")

    def _lock(self, mode: str) -> None:
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(text(f"LOCK TABLE {EVENTS.name} IN {mode} MODE"))

    def record(
        self,
        event: PeriodEvent,
        roll_forward: Sequence[RollForwardLine] = (),
        kpis: MonthEndKpis | None = None,
    ) -> int:
        """Store a close (with the roll-forward and month-end KPIs it closed with) or a
        reopen; its id."""
        event_id = self._session.execute(
            insert(EVENTS)
            .values(
                period=str(event.month),
                action=event.action.value,
                at=event.at,
                by=event.by,
                reason=event.reason,
            )
            .returning(EVENTS.c.id)
        ).scalar_one()
        if roll_forward:
            self._session.execute(
                insert(BALANCES),
                [
                    {
                        "event_id": event_id,
                        "period": str(event.month),
                        "payer_class": line.payer_class,
                        "opening": line.opening.amount,
                        "charges": line.charges.amount,
                        "payments": line.payments.amount,
                        "adjustments": line.adjustments.amount,
                        "transfers": line.transfers.amount,
                        "closing": line.closing.amount,
                    }
                    for line in roll_forward
                ],
            )
        if kpis is not None:
            self._session.execute(
                insert(KPIS).values(
                    event_id=event_id,
                    period=str(event.month),
                    net_ar=kpis.net_ar.amount,
                    net_revenue=kpis.net_revenue.amount,
                )
            )
        return int(event_id)

    def month_end_kpis(self) -> dict[Month, MonthEndKpis]:
        """The KPIs of each month closed now, as its last close recorded them (a month
        closed before they were kept has none)."""
        last: dict[str, tuple[int, str]] = {}
        for event_id, period, action in self._session.execute(
            select(EVENTS.c.id, EVENTS.c.period, EVENTS.c.action).order_by(EVENTS.c.id)
        ):
            last[period] = (event_id, action)
        closes = [i for i, action in last.values() if action == PeriodAction.CLOSE.value]
        if not closes:
            return {}
        rows = self._session.execute(select(KPIS).where(KPIS.c.event_id.in_(closes))).mappings()
        return {
            Month.parse(row["period"]): MonthEndKpis(
                Money(row["net_ar"]), Money(row["net_revenue"])
            )
            for row in rows
        }

    def closing_figures(self, month: Month) -> dict[str, tuple[Money, ...]]:
        """Per payer class, the figures the month's last close recorded (opening, charges,
        payments, adjustments, transfers, closing); empty for a month never closed."""
        last = self._session.execute(
            select(EVENTS.c.id)
            .where(EVENTS.c.period == str(month), EVENTS.c.action == PeriodAction.CLOSE.value)
            .order_by(EVENTS.c.id.desc())
            .limit(1)
        ).scalar()
        if last is None:
            return {}
        columns = ("opening", "charges", "payments", "adjustments", "transfers", "closing")
        rows = self._session.execute(select(BALANCES).where(BALANCES.c.event_id == last)).mappings()
        return {row["payer_class"]: tuple(Money(row[c]) for c in columns) for row in rows}
