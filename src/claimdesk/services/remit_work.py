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
) -> WorkItem:
    """The claim's active item for ``problem``, or a new routed and scored one."""
    failures = 1
    if problem.claim_id is not None:
        existing = uow.work.active_for(problem.claim_id, problem.problem_key)
        if existing is not None:
            return existing
        failures = uow.work.occurrences(problem.claim_id, problem.problem_key) + 1
    item = new_item(problem, failures=failures, now=now, by=SYSTEM, policy=policy, history=history)
    uow.work.add(item)
    return item
