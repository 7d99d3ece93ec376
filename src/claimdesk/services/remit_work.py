"""Open Tier 2 work items inside a posting's own transaction.

``services.work_queue.open_item`` runs its own transaction; posting must commit its entries and
the work they cause together, so these functions do the same inside the caller's unit of work,
keeping one active item per claim and problem. A posting opens thousands at once, so they are
routed and scored in Python and stored with one bulk insert.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.domain.work import SYSTEM, Problem, WorkItem, WorkKind
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.routing.score import CategoryRecord
from claimdesk.routing.triage import new_item
from claimdesk.services.practice import practice_date
from claimdesk.services.work_queue import solve_in
from claimdesk.store.queries.books import payer_cash_after
from claimdesk.store.uow import UnitOfWork

Known = Mapping[tuple[str, str], tuple[bool, int]]

# The problems that end when the payer has paid the claim (or nothing is owed on it any more).
SETTLED_BY_PAYMENT = frozenset({WorkKind.DENIAL, WorkKind.UNDERPAYMENT, WorkKind.NO_RESPONSE})
INSURANCE = frozenset({Account.INSURANCE_AR})


def insurance_balance(uow: UnitOfWork, claim_id: str) -> Money:
    """What the payers still owe on the claim."""
    return uow.ledger.balance(BalanceQuery(accounts=INSURANCE, claim_id=claim_id))


def cash_received_since(uow: UnitOfWork, claim_id: str, since: datetime) -> Money:
    """The cash payers put on the claim after ``since`` (payments, less recoupments and
    reversals): what an underpayment or denial item may say it recovered (BOOKS007)."""
    return payer_cash_after(uow.read, claim_id, since)


def solve_settled(
    uow: UnitOfWork,
    claim_id: str,
    *,
    now: datetime,
    reason: str,
    still: Collection[str] = (),
    kinds: Collection[WorkKind] = SETTLED_BY_PAYMENT,
) -> list[int]:
    """Close the claim's active items of ``kinds`` (by default, every problem a payment
    settles), except those whose problem key is in ``still`` (raised again by the same answer)."""
    return solve_in(
        uow,
        claim_id,
        now=now,
        reason=reason,
        keep=lambda item: item.kind not in kinds or item.problem_key in still,
    )


def open_many(
    uow: UnitOfWork,
    problems: Sequence[Problem],
    *,
    now: datetime,
    policy: RoutingPolicy,
    history: Mapping[str, CategoryRecord],
    known: Known | None = None,
) -> list[WorkItem]:
    """New routed and scored items for ``problems``, stored together, in order. A problem whose
    claim already has an active item for it (stored, or earlier in ``problems``) gets none.
    ``known`` (from ``uow.work_items.on_claims``) saves the query that finds those."""
    if known is None:
        known = uow.work_items.on_claims([p.claim_id for p in problems if p.claim_id])
    seen = dict(known)
    today = practice_date(uow, now)
    items: list[WorkItem] = []
    for problem in problems:
        failures = 1
        if problem.claim_id is not None:
            key = (problem.claim_id, problem.problem_key)
            active, count = seen.get(key, (False, 0))
            if active:
                continue
            seen[key] = (True, count + 1)
            failures = count + 1
        items.append(
            new_item(
                problem,
                failures=failures,
                now=now,
                today=today,
                by=SYSTEM,
                policy=policy,
                history=history,
            )
        )
    uow.work_items.add_many(items)
    return items


def open_in(
    uow: UnitOfWork,
    problem: Problem,
    *,
    now: datetime,
    policy: RoutingPolicy,
    history: Mapping[str, CategoryRecord],
) -> WorkItem | None:
    """A new routed and scored item for ``problem``; ``None`` when the claim already has an
    active one."""
    made = open_many(uow, [problem], now=now, policy=policy, history=history)
    return made[0] if made else None
