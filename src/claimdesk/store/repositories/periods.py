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
    PeriodAction,
    PeriodEvent,
    PeriodState,
    states_of,
)
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.periods import PeriodBalanceRow, PeriodEventRow

EVENTS = table_of(PeriodEventRow)
BALANCES = table_of(PeriodBalanceRow)


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

    def record(self, event: PeriodEvent, roll_forward: Sequence[RollForwardLine] = ()) -> int:
        """Store a close (with the roll-forward it closed with) or a reopen; its id."""
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
        return int(event_id)

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
