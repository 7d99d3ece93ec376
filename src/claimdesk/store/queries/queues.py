"""The size of the work queues: active items per tier.

Read-only: takes the connection of the open unit of work (``uow.read``).
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from claimdesk.domain.work import WorkStatus
from claimdesk.store.tables.work_items import WorkItemRow

_ACTIVE = (WorkStatus.OPEN, WorkStatus.IN_PROGRESS, WorkStatus.SNOOZED)


def open_items_by_tier(read: Connection) -> dict[int, int]:
    counts = read.execute(
        select(WorkItemRow.tier, func.count())
        .where(WorkItemRow.status.in_([s.value for s in _ACTIVE]))
        .group_by(WorkItemRow.tier)
    )
    return {int(row[0]): int(row[1]) for row in counts.all()}
