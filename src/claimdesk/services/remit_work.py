"""Open Tier 2 work items inside a posting's own transaction.

``services.work_queue.open_item`` runs its own transaction; posting must commit its entries and
the work they cause together, so this thin function does the same inside the caller's unit of
work, keeping one active item per claim and problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from claimdesk.domain.work import SYSTEM, Problem, WorkItem
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.routing.score import CategoryRecord
from claimdesk.routing.triage import new_item
from claimdesk.store.uow import UnitOfWork


def open_in(
    uow: UnitOfWork,
    problem: Problem,
    *,
    now: datetime,
    policy: RoutingPolicy,
    history: Mapping[str, CategoryRecord],
    known: Mapping[tuple[str, str], tuple[bool, int]] | None = None,
) -> WorkItem | None:
    """A new routed and scored item for ``problem``; ``None`` when the claim already has an
    active one. ``known`` (from ``uow.remits.work_on_claims``) saves two queries per item."""
    failures = 1
    if problem.claim_id is not None and known is not None:
        active, count = known.get((problem.claim_id, problem.problem_key), (False, 0))
        if active:
            return None
        failures = count + 1
    elif problem.claim_id is not None:
        existing = uow.work.active_for(problem.claim_id, problem.problem_key)
        if existing is not None:
            return None
        failures = uow.work.occurrences(problem.claim_id, problem.problem_key) + 1
    item = new_item(problem, failures=failures, now=now, by=SYSTEM, policy=policy, history=history)
    uow.work.add(item)
    return item
