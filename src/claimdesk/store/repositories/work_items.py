"""Work items and their history, including the hand-out queries.

The hand-out reads the top of one queue at a time from ``ix_work_items_hand_out`` (status, queue,
priority, id), so its cost does not grow with the number of open items. On PostgreSQL the row is
claimed with ``FOR UPDATE SKIP LOCKED``; SQLite has no row locks, so the service starts the
transaction with ``BEGIN IMMEDIATE`` (see
:meth:`WorkItemRepository.begin_write`), which takes SQLite's single write lock first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.domain.work import (
    SYSTEM,
    HistoryEvent,
    Outcome,
    PriorityScore,
    WorkItem,
    WorkKind,
    WorkStatus,
)
from claimdesk.domain.worklist import ItemFilter
from claimdesk.routing.score import CategoryRecord
from claimdesk.store.bulk import bulk_insert
from claimdesk.store.engine import SQLITE_BEGIN_OPTION
from claimdesk.store.repositories.sql import chunks
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.work_items import WorkHistoryRow, WorkItemRow

ITEMS = table_of(WorkItemRow)
HISTORY = table_of(WorkHistoryRow)
ACTIVE = tuple(s.value for s in (WorkStatus.OPEN, WorkStatus.IN_PROGRESS, WorkStatus.SNOOZED))
# Leases and snoozes returned per hand-out: bounded, so one call never does unbounded work.
SWEEP_LIMIT = 200


def open_key(claim_id: str | None, problem_key: str) -> str | None:
    """The uniqueness key of an active item; items about no claim are not limited."""
    return None if claim_id is None else f"{claim_id}|{problem_key}"


def _item_values(item: WorkItem) -> dict[str, Any]:
    s = item.score
    return {
        "kind": item.kind.value,
        "category": item.category,
        "tier": item.tier,
        "queue": item.queue,
        "problem_key": item.problem_key,
        "open_key": open_key(item.claim_id, item.problem_key) if item.active else None,
        "claim_id": item.claim_id,
        "patient_account": item.patient_account,
        "remittance_id": item.remittance_id,
        "payer_id": item.payer_id,
        "amount_at_stake": item.amount_at_stake.amount,
        "deadline": item.deadline,
        "deadline_kind": item.deadline_kind,
        "appeal_rights": item.appeal_rights,
        "summary": item.summary,
        "failures": item.failures,
        "escalated_from": item.escalated_from,
        "created_at": item.created_at,
        "priority": s.value,
        "recovery_rate": s.recovery_rate,
        "rate_source": s.rate_source,
        "expected_recovery": s.expected_recovery.amount,
        "effort_minutes": s.effort_minutes,
        "urgency": s.urgency,
        "days_left": s.days_left,
        **_state_values(item),
    }


def _state_values(item: WorkItem) -> dict[str, Any]:
    return {
        "status": item.status.value,
        "open_key": open_key(item.claim_id, item.problem_key) if item.active else None,
        "assignee": item.assignee,
        "lease_until": item.lease_until,
        "snoozed_until": item.snoozed_until,
        "closed_at": item.closed_at,
        "closed_by": item.closed_by,
        "outcome": None if item.outcome is None else item.outcome.value,
        "resolved_amount": None if item.resolved_amount is None else item.resolved_amount.amount,
    }


def _history_values(item_id: int, event: HistoryEvent) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "at": event.at,
        "by": event.by,
        "action": event.action,
        "from_status": None if event.from_status is None else event.from_status.value,
        "to_status": event.to_status.value,
        "detail": event.detail,
    }


def _item_of(row: Any, history: list[HistoryEvent]) -> WorkItem:
    amount = Money(row.amount_at_stake)
    return WorkItem(
        item_id=row.id,
        kind=WorkKind(row.kind),
        category=row.category,
        tier=row.tier,
        queue=row.queue,
        problem_key=row.problem_key,
        amount_at_stake=amount,
        score=PriorityScore(
            amount_at_stake=amount,
            recovery_rate=row.recovery_rate,
            rate_source=row.rate_source,
            expected_recovery=Money(row.expected_recovery),
            effort_minutes=row.effort_minutes,
            urgency=row.urgency,
            days_left=row.days_left,
            value=row.priority,
        ),
        created_at=row.created_at,
        claim_id=row.claim_id,
        patient_account=row.patient_account,
        remittance_id=row.remittance_id,
        payer_id=row.payer_id,
        deadline=row.deadline,
        deadline_kind=row.deadline_kind,
        appeal_rights=row.appeal_rights,
        summary=row.summary,
        failures=row.failures,
        escalated_from=row.escalated_from,
        status=WorkStatus(row.status),
        assignee=row.assignee,
        lease_until=row.lease_until,
        snoozed_until=row.snoozed_until,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        resolved_amount=None if row.resolved_amount is None else Money(row.resolved_amount),
        history=history,
    )


def _event_of(row: Any) -> HistoryEvent:
    return HistoryEvent(
        at=row.at,
        by=row.by,
        action=row.action,
        from_status=None if row.from_status is None else WorkStatus(row.from_status),
        to_status=WorkStatus(row.to_status),
        detail=row.detail,
    )


def _hand_out_order() -> tuple[ColumnElement[Any], ...]:
    # Highest priority first; among equals the newest id, so the index is read backwards only.
    return (ITEMS.c.priority.desc(), ITEMS.c.id.desc())


# The queue page counts its matches up to this many: an exact count of half a million open
# items costs more than the page itself.
COUNT_CAP = 10_000
LISTED_SORTS = {
    "amount": "amount_at_stake",
    "deadline": "deadline",
    "age": "created_at",
    "kind": "kind",
    "item": "id",
}


def _listed_order(columns: Any, sort: str, descending: bool) -> tuple[ColumnElement[Any], ...]:
    """The queue page's order over ``columns`` (the table's, or a merged subquery's)."""
    if sort == "score":
        if descending:  # the hand-out order
            return (columns.priority.desc(), columns.id.desc())
        return (columns.priority.asc(), columns.id.asc())
    column = columns[LISTED_SORTS.get(sort, "id")]
    key = column.desc() if descending else column.asc()
    # An item without a deadline sorts after every dated one, either way.
    key = key.nulls_last() if sort == "deadline" else key
    return (key, columns.id.desc() if descending else columns.id.asc())


class WorkItemRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._writing = False  # one repository per unit of work, so per transaction

    @property
    def _postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    # Items.

    def add(self, item: WorkItem) -> int:
        (item_id,) = self.add_many([item])
        return item_id

    def add_many(self, items: Sequence[WorkItem]) -> list[int]:
        """Store new items and their history; sets and returns their ids, in order.

        One multi-row INSERT ... RETURNING per page of rows (SQLAlchemy's "insertmanyvalues",
        which keeps each page under the engine's bound-parameter limit and returns the ids in
        the order the rows were given), then the history of all items in one bulk insert.
        """
        if not items:
            return []
        statement = insert(ITEMS).returning(ITEMS.c.id, sort_by_parameter_order=True)
        ids: list[int] = list(
            self._session.execute(statement, [_item_values(item) for item in items]).scalars()
        )
        for item, item_id in zip(items, ids, strict=True):
            item.item_id = item_id
        bulk_insert(
            self._session,
            HISTORY,
            [
                _history_values(item_id, e)
                for item, item_id in zip(items, ids, strict=True)
                for e in item.history
            ],
        )
        return ids

    def update(self, item: WorkItem, events: Sequence[HistoryEvent]) -> None:
        if item.item_id is None:
            raise ValueError(f"{item.label} was never stored")
        self._session.execute(
            update(ITEMS).where(ITEMS.c.id == item.item_id).values(**_state_values(item))
        )
        self.add_history(item.item_id, events)

    def add_history(self, item_id: int, events: Sequence[HistoryEvent]) -> None:
        bulk_insert(self._session, HISTORY, [_history_values(item_id, e) for e in events])

    def get(self, item_id: int, *, with_history: bool = True) -> WorkItem | None:
        row = self._session.execute(select(ITEMS).where(ITEMS.c.id == item_id)).first()
        if row is None:
            return None
        history: list[HistoryEvent] = []
        if with_history:
            query = select(HISTORY).where(HISTORY.c.item_id == item_id).order_by(HISTORY.c.id)
            history = [_event_of(event) for event in self._session.execute(query)]
        return _item_of(row, history)

    def get_for_update(self, item_id: int) -> WorkItem | None:
        """The item, locked on PostgreSQL until the transaction ends (waiting for its holder)."""
        query = select(ITEMS).where(ITEMS.c.id == item_id).with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else _item_of(row, [])

    def active_for(self, claim_id: str, problem_key: str) -> WorkItem | None:
        key = open_key(claim_id, problem_key)
        row = self._session.execute(select(ITEMS).where(ITEMS.c.open_key == key)).first()
        return None if row is None else _item_of(row, [])

    def active_without_claim(self, problem_key: str) -> bool:
        """Whether an item about no claim (a file, a remittance) is active for ``problem_key``."""
        query = select(ITEMS.c.id).where(
            ITEMS.c.claim_id.is_(None),
            ITEMS.c.problem_key == problem_key,
            ITEMS.c.status.in_(ACTIVE),
        )
        return self._session.execute(query.limit(1)).first() is not None

    def without_claim_prefixed(self, prefix: str) -> list[WorkItem]:
        """Every item about no claim whose problem key starts with ``prefix``, oldest first."""
        query = (
            select(ITEMS)
            .where(ITEMS.c.claim_id.is_(None), ITEMS.c.problem_key.startswith(prefix))
            .order_by(ITEMS.c.id)
        )
        return [_item_of(row, []) for row in self._session.execute(query)]

    def active_of_claim(self, claim_id: str, problem_key: str | None) -> list[WorkItem]:
        where = and_(ITEMS.c.claim_id == claim_id, ITEMS.c.status.in_(ACTIVE))
        if problem_key is not None:
            where = and_(where, ITEMS.c.problem_key == problem_key)
        query = select(ITEMS).where(where).order_by(ITEMS.c.id).with_for_update()
        return [_item_of(row, []) for row in self._session.execute(query)]

    def occurrences(self, claim_id: str, problem_key: str) -> int:
        """Items ever opened for this problem on this claim, escalation successors not counted."""
        query = select(func.count()).where(
            ITEMS.c.claim_id == claim_id,
            ITEMS.c.problem_key == problem_key,
            ITEMS.c.escalated_from.is_(None),
        )
        return self._session.execute(query).scalar_one()

    def begin_write(self) -> None:
        """Make the transaction a writer now: on SQLite, take the database's write lock.

        SQLite's BEGIN is deferred: a transaction that reads and then writes fails at once if
        another writer committed in between. BEGIN IMMEDIATE takes the write lock up front,
        waiting for it. It must come before the transaction's first statement; once the
        transaction has begun this changes nothing. PostgreSQL locks rows instead.
        """
        if not self._postgres and not self._writing:
            self._session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            self._writing = True

    # Hand-out.

    def return_expired(self, now: datetime) -> int:
        """Put items with an expired lease back in their queue; wake items whose snooze is over.

        This is the first statement of every hand-out: on SQLite a write takes the database's
        write lock at once, so the whole hand-out runs as one writer (like BEGIN IMMEDIATE).
        """
        returned = self._sweep(
            and_(ITEMS.c.status == WorkStatus.IN_PROGRESS.value, ITEMS.c.lease_until <= now),
            {"status": WorkStatus.OPEN.value, "assignee": None, "lease_until": None},
            WorkStatus.IN_PROGRESS,
            "lease_expired",
            "the lease expired",
            now,
        )
        woken = self._sweep(
            and_(ITEMS.c.status == WorkStatus.SNOOZED.value, ITEMS.c.snoozed_until <= now),
            {"status": WorkStatus.OPEN.value, "snoozed_until": None},
            WorkStatus.SNOOZED,
            "woke",
            "the snooze ended",
            now,
        )
        return returned + woken

    def _sweep(
        self,
        where: ColumnElement[bool],
        values: dict[str, Any],
        from_status: WorkStatus,
        action: str,
        detail: str,
        now: datetime,
    ) -> int:
        due = select(ITEMS.c.id).where(where).order_by(ITEMS.c.id).limit(SWEEP_LIMIT)
        if self._postgres:
            due = due.with_for_update(skip_locked=True)
        statement = update(ITEMS).where(ITEMS.c.id.in_(due.scalar_subquery())).values(**values)
        ids = list(self._session.execute(statement.returning(ITEMS.c.id)).scalars())
        event = HistoryEvent(now, SYSTEM, action, from_status, WorkStatus.OPEN, detail)
        for item_id in ids:
            self.add_history(item_id, [event])
        return len(ids)

    def queue_tops(self, queues: Sequence[str]) -> list[tuple[str, Decimal]]:
        """Each queue's best open priority, best queue first; empty queues are left out."""
        if not queues:
            return []
        parts = [
            select(literal(queue).label("queue"), ITEMS.c.priority)
            .where(ITEMS.c.status == WorkStatus.OPEN.value, ITEMS.c.queue == queue)
            .order_by(*_hand_out_order())
            .limit(1)
            .subquery()
            .select()
            for queue in queues
        ]
        rows = self._session.execute(union_all(*parts)).all()
        return sorted(((r[0], r[1]) for r in rows), key=lambda top: top[1], reverse=True)

    def claim_top(self, queue: str) -> int | None:
        """Lock the best open item of ``queue`` that no other transaction holds; its id."""
        query = (
            select(ITEMS.c.id)
            .where(ITEMS.c.status == WorkStatus.OPEN.value, ITEMS.c.queue == queue)
            .order_by(*_hand_out_order())
            .limit(1)
        )
        if self._postgres:
            query = query.with_for_update(skip_locked=True)
        return self._session.execute(query).scalar_one_or_none()

    # Reading queues.

    def page(
        self,
        queues: Sequence[str],
        statuses: Sequence[WorkStatus],
        limit: int,
        after: tuple[Decimal, int] | None,
    ) -> list[WorkItem]:
        """Items in hand-out order; ``after`` is the (priority, id) of the last row seen."""
        query = (
            select(ITEMS)
            .where(ITEMS.c.queue.in_(queues), ITEMS.c.status.in_([s.value for s in statuses]))
            .order_by(*_hand_out_order())
            .limit(limit)
        )
        if after is not None:
            # Spelled out rather than a row comparison so the priority binds as a ScaledDecimal.
            priority, item_id = after
            query = query.where(
                or_(
                    ITEMS.c.priority < priority,
                    and_(ITEMS.c.priority == priority, ITEMS.c.id < item_id),
                )
            )
        return [_item_of(row, []) for row in self._session.execute(query)]

    def listed(
        self,
        queues: Sequence[str],
        where: ItemFilter,
        *,
        today: date,
        sort: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[WorkItem], int]:
        """One page of the items of ``queues`` that ``where`` picks, in ``sort`` order (the
        item id breaks ties, so a page never repeats or skips one), and how many match, counted
        up to ``COUNT_CAP + 1`` (more means "more than COUNT_CAP").

        Each queue is read on its own, from the top of its index for the default order, and
        the queues' first ``offset + limit`` items are merged: one sort of every open item of
        five queues (half a million at a million claims) cost the page 130 ms."""
        c = ITEMS.c
        conditions = [c.status == where.status]
        if where.kind:
            conditions.append(c.kind == where.kind)
        if where.min_amount is not None:
            conditions.append(c.amount_at_stake >= where.min_amount.amount)
        if where.due_within_days is not None:
            conditions.append(c.deadline <= today + timedelta(days=where.due_within_days))
        picked = [q for q in queues if not where.queue or q == where.queue]
        if not picked:
            return [], 0
        counted = union_all(
            *(
                select(c.id)
                .where(c.queue == queue, *conditions)
                .limit(COUNT_CAP + 1)
                .subquery()
                .select()
                for queue in picked
            )
        ).subquery()
        capped = select(counted.c.id).limit(COUNT_CAP + 1).subquery()
        matched = self._session.execute(select(func.count()).select_from(capped)).scalar_one()
        parts = [
            select(ITEMS)
            .where(c.queue == queue, *conditions)
            .order_by(*_listed_order(c, sort, descending))
            .limit(offset + limit)
            .subquery()
            .select()
            for queue in picked
        ]
        merged = union_all(*parts).subquery()
        query = (
            select(merged)
            .order_by(*_listed_order(merged.c, sort, descending))
            .offset(offset)
            .limit(limit)
        )
        return [_item_of(row, []) for row in self._session.execute(query)], int(matched)

    def best_open_priority(self, queues: Sequence[str]) -> Decimal | None:
        """The priority of the item "next item" would hand out of ``queues`` (None: none open),
        each queue read from its index; two columns, so it is cheap to build and run."""
        parts = [
            select(ITEMS.c.priority)
            .where(ITEMS.c.status == WorkStatus.OPEN.value, ITEMS.c.queue == queue)
            .order_by(*_hand_out_order())
            .limit(1)
            .subquery()
            .select()
            for queue in queues
        ]
        if not parts:
            return None
        merged = union_all(*parts).subquery()
        found = self._session.execute(select(func.max(merged.c.priority))).scalar()
        return None if found is None else Decimal(found)

    def page_per_queue(
        self, queues: Sequence[str], status: WorkStatus, limit: int
    ) -> list[WorkItem]:
        """The first ``limit`` items of several queues merged, each queue read from its index."""
        parts = [
            select(ITEMS)
            .where(ITEMS.c.status == status.value, ITEMS.c.queue == queue)
            .order_by(*_hand_out_order())
            .limit(limit)
            .subquery()
            .select()
            for queue in queues
        ]
        if not parts:
            return []
        merged = union_all(*parts).subquery()
        query = select(merged).order_by(merged.c.priority.desc(), merged.c.id.desc()).limit(limit)
        return [_item_of(row, []) for row in self._session.execute(query)]

    def overdue(self, tier: int, cutoff: datetime) -> list[int]:
        """Active items of ``tier`` created at or before ``cutoff`` (past their SLA)."""
        query = (
            select(ITEMS.c.id)
            .where(
                ITEMS.c.tier == tier,
                ITEMS.c.status.in_(ACTIVE),
                ITEMS.c.created_at <= cutoff,
            )
            .order_by(ITEMS.c.id)
        )
        return list(self._session.execute(query).scalars())

    # Learning and measuring.

    def recovery_history(self) -> dict[str, CategoryRecord]:
        """Per category, the practice's closed items: count, at stake, recovered. An item a
        person closed recovered the dollars they entered; one the system closed because the
        problem went away (a fixed hold released, a denial paid on appeal) recovered what was
        at stake. Counting only the first taught a rate of 0 to every category whose successes
        the system closes."""
        solved = ITEMS.c.outcome == Outcome.PROBLEM_SOLVED.value
        recovered = case(
            (solved, ITEMS.c.amount_at_stake), else_=func.coalesce(ITEMS.c.resolved_amount, 0)
        )
        query = (
            select(
                ITEMS.c.category,
                func.count(),
                func.sum(ITEMS.c.amount_at_stake),
                func.sum(recovered),
            )
            .where(ITEMS.c.status == WorkStatus.DONE.value)
            .group_by(ITEMS.c.category)
        )
        found = {}
        for category, closed, at_stake, recovered in self._session.execute(query):
            found[category] = CategoryRecord(
                closed, self._money_sum(at_stake), self._money_sum(recovered)
            )
        return found

    @staticmethod
    def _money_sum(value: Decimal | None) -> Money:
        # A SUM keeps its column's type, so ScaledDecimal has already turned SQLite's integer
        # cents into dollars: scaling here again made the sums 100 times too small.
        return Money(0) if value is None else Money(value)

    def on_claims(self, claim_ids: Sequence[str]) -> dict[tuple[str, str], tuple[bool, int]]:
        """Per (claim, problem key) with work items: whether one is active, and how many were
        opened (escalation successors not counted, as in ``occurrences``)."""
        found: dict[tuple[str, str], tuple[bool, int]] = {}
        for chunk in chunks(sorted(set(claim_ids))):
            query = select(
                ITEMS.c.claim_id, ITEMS.c.problem_key, ITEMS.c.open_key, ITEMS.c.escalated_from
            ).where(ITEMS.c.claim_id.in_(chunk))
            for claim_id, problem_key, key, escalated_from in self._session.execute(query):
                active, count = found.get((claim_id, problem_key), (False, 0))
                found[(claim_id, problem_key)] = (
                    active or key is not None,
                    count + (escalated_from is None),
                )
        return found
