"""Work-queue use cases: open, hand out, renew, release, snooze, escalate, close, and measure.

Every function is one short transaction and takes ``now`` from its caller, so tests and the
benchmark control time and a lease can be expired without waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from claimdesk.domain.money import Money
from claimdesk.domain.work import (
    SYSTEM,
    HistoryEvent,
    Outcome,
    Problem,
    WorkAction,
    WorkError,
    WorkItem,
    WorkStatus,
)
from claimdesk.routing.access import AccessError, Role
from claimdesk.routing.actions import actions_for
from claimdesk.routing.escalation import Escalation, escalation_for, sla_cutoff
from claimdesk.routing.policy import TIERS, RoutingPolicy
from claimdesk.routing.triage import new_item, successor
from claimdesk.services.practice import practice_date
from claimdesk.services.users import acting_user, queues_of
from claimdesk.store.queries.practices_queue import best_open_priorities
from claimdesk.store.queries.productivity import ProductivityRow, productivity_rows
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


class ItemNotFoundError(LookupError):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"work item {item_id}: no such item")


@dataclass(frozen=True, slots=True)
class Opened:
    item: WorkItem
    created: bool  # False: the claim already had an active item for this problem


def open_item(
    uow_factory: UowFactory, problem: Problem, *, now: datetime, by: str, policy: RoutingPolicy
) -> Opened:
    """The active item for ``problem``: the existing one, or a new routed and scored item."""
    for _ in range(2):
        with uow_factory() as uow:
            uow.work_items.begin_write()
            if problem.claim_id is not None:
                existing = uow.work_items.active_for(problem.claim_id, problem.problem_key)
                if existing is not None:
                    return Opened(existing, created=False)
                failures = uow.work_items.occurrences(problem.claim_id, problem.problem_key) + 1
            else:
                failures = 1
            item = new_item(
                problem,
                failures=failures,
                now=now,
                today=practice_date(uow, now),
                by=by,
                policy=policy,
                history=uow.work_items.recovery_history(),
            )
            try:
                uow.work_items.add(item)
                uow.commit()
            except IntegrityError:
                # Another process opened the same problem first; the next round returns it.
                continue
            return Opened(item, created=True)
    raise WorkError(f"claim {problem.claim_id}: could not open an item for {problem.problem_key}")


def solve_problem(
    uow_factory: UowFactory,
    *,
    claim_id: str,
    problem_key: str | None,
    now: datetime,
    reason: str,
    by: str = SYSTEM,
) -> list[int]:
    """Close the claim's active items (for one problem, or all) because the problem is gone;
    ``by``: the person whose change removed it (credited with the items), else the system."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        closed = solve_in(uow, claim_id, now=now, reason=reason, problem_key=problem_key, by=by)
        uow.commit()
        return closed


def solve_in(
    uow: UnitOfWork,
    claim_id: str,
    *,
    now: datetime,
    reason: str,
    problem_key: str | None = None,
    keep: Callable[[WorkItem], bool] = lambda _item: False,
    by: str = SYSTEM,
) -> list[int]:
    """``solve_problem`` inside the caller's transaction; items ``keep`` picks stay open."""
    closed = []
    for item in uow.work_items.active_of_claim(claim_id, problem_key):
        if keep(item):
            continue
        event = item.solve(by, now)
        note = HistoryEvent(now, by, "note", item.status, item.status, reason)
        uow.work_items.update(item, [event, note])
        closed.append(item.item_id)
    return [item_id for item_id in closed if item_id is not None]


def next_item(
    uow_factory: UowFactory,
    user_id: str,
    *,
    now: datetime,
    policy: RoutingPolicy,
    lease: timedelta | None = None,
    tier: int | None = None,
    queues: Sequence[str] | None = None,
) -> WorkItem | None:
    """Hand ``user_id`` the highest-priority open item of the queues they may work, leased.

    Expired leases and finished snoozes are returned to their queues first, in the same
    transaction. Queues are tried best top first; on PostgreSQL a row another transaction is
    claiming is skipped (SKIP LOCKED), so concurrent callers never wait for or share an item.
    ``tier`` limits the hand-out to that tier's queues among those the user may work.
    ``queues``: the queues the person works, when the caller has read them with the person
    (the desk's actor), else they are read here.
    """
    with uow_factory() as uow:
        uow.work_items.return_expired(now)
        if queues is None:
            user = acting_user(uow, user_id)
            if user.role is Role.AUDITOR:
                raise AccessError(f"user {user_id!r} is an auditor: read-only, takes no items")
            queues = queues_of(uow, user, policy)
        tiers = policy.queues()
        mine = [q for q in queues if tier is None or tiers.get(q) == tier]
        for queue, _top in uow.work_items.queue_tops(mine):
            item_id = uow.work_items.claim_top(queue)
            if item_id is None:
                continue
            item = uow.work_items.get(item_id, with_history=False)
            if item is None:
                raise ItemNotFoundError(item_id)
            event = item.take(user_id, now, lease or policy.lease)
            uow.work_items.update(item, [event])
            uow.commit()
            return item
        uow.commit()
        return None


def _held(uow: UnitOfWork, item_id: int) -> WorkItem:
    """The item, locked for this transaction (must be the transaction's first statement)."""
    uow.work_items.begin_write()
    item = uow.work_items.get_for_update(item_id)
    if item is None:
        raise ItemNotFoundError(item_id)
    return item


def take_item(
    uow_factory: UowFactory, item_id: int, user_id: str, *, now: datetime, policy: RoutingPolicy
) -> WorkItem:
    """Lease ``item_id`` to ``user_id`` (the caller checked they work its queue), locked so two
    people taking it at once cannot both hold it."""
    with uow_factory() as uow:
        item = _held(uow, item_id)
        uow.work_items.update(item, item.take_chosen(user_id, now, policy.lease))
        uow.commit()
        return item


def renew(
    uow_factory: UowFactory, item_id: int, user_id: str, *, now: datetime, policy: RoutingPolicy
) -> WorkItem:
    with uow_factory() as uow:
        item = _held(uow, item_id)
        uow.work_items.update(item, [item.renew(user_id, now, policy.lease)])
        uow.commit()
        return item


def release(uow_factory: UowFactory, item_id: int, user_id: str, *, now: datetime) -> WorkItem:
    with uow_factory() as uow:
        item = _held(uow, item_id)
        uow.work_items.update(item, [item.release(user_id, now)])
        uow.commit()
        return item


def snooze(
    uow_factory: UowFactory, item_id: int, user_id: str, *, until: datetime, now: datetime
) -> WorkItem:
    with uow_factory() as uow:
        item = _held(uow, item_id)
        uow.work_items.update(item, [item.snooze(user_id, now, until)])
        uow.commit()
        return item


def add_note(
    uow_factory: UowFactory, item_id: int, user_id: str, text: str, *, now: datetime
) -> WorkItem:
    with uow_factory() as uow:
        item = _held(uow, item_id)
        acting_user(uow, user_id)
        uow.work_items.update(item, [item.note(user_id, now, text)])
        uow.commit()
        return item


def close(
    uow_factory: UowFactory,
    item_id: int,
    user_id: str,
    *,
    outcome: Outcome,
    now: datetime,
    resolved: Money | None = None,
    action: WorkAction | None = None,
) -> WorkItem:
    with uow_factory() as uow:
        item = _held(uow, item_id)
        allowed = actions_for(item.kind, appeal_rights=item.appeal_rights)
        if action is not None and action not in allowed:
            raise WorkError(
                f"{item.label}: {action.value} is not an action for a {item.kind.value} item; "
                f"allowed: {', '.join(a.value for a in allowed)}"
            )
        uow.work_items.update(
            item, [item.close(user_id, now, outcome, resolved=resolved, action=action)]
        )
        uow.commit()
        return item


def escalate(
    uow_factory: UowFactory,
    item_id: int,
    user_id: str,
    *,
    reason: str,
    now: datetime,
    policy: RoutingPolicy,
) -> WorkItem:
    """A person moves an item they hold up one tier; returns the successor item."""
    with uow_factory() as uow:
        item = _held(uow, item_id)
        if item.assignee != user_id or item.status is not WorkStatus.IN_PROGRESS:
            raise WorkError(f"{item.label}: only its holder can escalate it; take it first")
        rules = policy.tiers[item.tier]
        if rules.escalation_queue is None:
            raise WorkError(f"{item.label}: tier 3 is the top tier; it cannot escalate")
        moved = Escalation(item.tier + 1, rules.escalation_queue, f"by {user_id}: {reason}")
        next_one = _escalate(uow, item, moved, now, user_id)
        uow.commit()
        return next_one


def _escalate(
    uow: UnitOfWork, item: WorkItem, moved: Escalation, now: datetime, by: str
) -> WorkItem:
    uow.work_items.update(item, [item.escalate(by, now, f"to {moved.to_queue}: {moved.reason}")])
    following = successor(item, moved, now, by)
    uow.work_items.add(following)
    return following


def escalate_overdue(
    uow_factory: UowFactory, *, now: datetime, policy: RoutingPolicy
) -> list[WorkItem]:
    """Move every item past its tier's SLA up one tier; the successors, in order."""
    moved_items = []
    with uow_factory() as uow:
        uow.work_items.begin_write()
        for tier in TIERS:
            for item_id in uow.work_items.overdue(tier, sla_cutoff(tier, now, policy)):
                item = _held(uow, item_id)
                moved = escalation_for(
                    tier=item.tier,
                    amount_at_stake=item.amount_at_stake,
                    failures=0,
                    created_at=item.created_at,
                    now=now,
                    policy=policy,
                )
                if moved is not None:
                    moved_items.append(_escalate(uow, item, moved, now, SYSTEM))
        uow.commit()
    return moved_items


def show(uow_factory: UowFactory, item_id: int) -> WorkItem:
    with uow_factory() as uow:
        item = uow.work_items.get(item_id)
        if item is None:
            raise ItemNotFoundError(item_id)
        return item


def best_open_priority(uow_factory: UowFactory, queues: Sequence[str]) -> Decimal | None:
    """The priority of the item "next item" would hand out of ``queues``; None: none open."""
    with uow_factory() as uow:
        return uow.work_items.best_open_priority(queues)


def best_open_across(
    uow_factory: UowFactory, queues: Mapping[str, Sequence[str]]
) -> dict[str, Decimal] | None:
    """On PostgreSQL, each practice's best open priority among its ``queues`` in one query on
    the company store; None on SQLite, where each practice is a database of its own."""
    with uow_factory() as uow:
        read = uow.company_read
        if read.dialect.name != "postgresql":
            return None
        return best_open_priorities(read, queues)


def list_queue(
    uow_factory: UowFactory,
    *,
    queues: Sequence[str],
    statuses: Sequence[WorkStatus] = (WorkStatus.OPEN,),
    limit: int = 50,
    after: tuple[Decimal, int] | None = None,
) -> list[WorkItem]:
    """A page of items of ``queues`` in hand-out order (keyset paging with ``after``)."""
    with uow_factory() as uow:
        if after is None and len(statuses) == 1:
            return uow.work_items.page_per_queue(queues, statuses[0], limit)
        return uow.work_items.page(queues, statuses, limit, after)


def productivity(
    uow_factory: UowFactory, *, start: datetime, end: datetime
) -> list[ProductivityRow]:
    with uow_factory() as uow:
        return productivity_rows(uow.read, start, end)
