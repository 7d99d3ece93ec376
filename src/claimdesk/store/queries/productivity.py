"""Productivity: items people closed, per day, person, queue and tier.

Read-only: takes the connection of the open unit of work (``uow.read``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Connection,
    and_,
    select,
)

from claimdesk.domain.money import Money
from claimdesk.domain.work import (
    SYSTEM,
    WorkStatus,
)
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.work_items import WorkItemRow

ITEMS = table_of(WorkItemRow)


@dataclass(frozen=True, slots=True)
class ProductivityRow:
    day: date
    person: str
    queue: str
    tier: int
    closed: int
    resolved: Money
    average_age_days: Decimal


def productivity_rows(read: Connection, start: datetime, end: datetime) -> list[ProductivityRow]:
    """Items closed by people in [start, end), per day, person, queue and tier."""
    closed_at = ITEMS.c.closed_at
    person_closed = and_(
        ITEMS.c.status == WorkStatus.DONE.value,
        closed_at >= start,
        closed_at < end,
        ITEMS.c.closed_by != SYSTEM,
    )
    query = (
        select(
            ITEMS.c.closed_by,
            ITEMS.c.queue,
            ITEMS.c.tier,
            ITEMS.c.created_at,
            closed_at,
            ITEMS.c.resolved_amount,
        )
        .where(person_closed)
        .order_by(closed_at)
    )
    groups: dict[tuple[date, str, str, int], list[tuple[Money, Decimal]]] = {}
    for person, queue, tier, created, closed, resolved in read.execute(query):
        age = Decimal((closed - created).total_seconds()) / Decimal(86400)
        money = Money(0) if resolved is None else Money(resolved)
        groups.setdefault((closed.date(), person, queue, tier), []).append((money, age))
    return [
        ProductivityRow(
            day=key[0],
            person=key[1],
            queue=key[2],
            tier=key[3],
            closed=len(values),
            resolved=sum((money for money, _ in values), Money(0)),
            average_age_days=(sum((age for _, age in values), Decimal(0)) / len(values)).quantize(
                Decimal("0.01")
            ),
        )
        for key, values in sorted(groups.items())
    ]
