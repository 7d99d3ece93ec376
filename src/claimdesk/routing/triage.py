"""From a problem to a work item: route it, score it, and escalate at once where the rules say."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from claimdesk.domain.work import HistoryEvent, Problem, WorkItem, WorkStatus
from claimdesk.routing.escalation import Escalation, escalation_for
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.routing.score import CategoryRecord, score


def new_item(
    problem: Problem,
    *,
    failures: int,
    now: datetime,
    today: date,
    by: str,
    policy: RoutingPolicy,
    history: Mapping[str, CategoryRecord],
) -> WorkItem:
    """The item for ``problem``, its ``failures``-th occurrence on the claim; ``today`` is the
    practice's date at ``now``, from which the deadline's urgency counts.

    Amount and failure rules apply at once (an item need not wait in a tier that cannot take it);
    the SLA rule needs age, so it applies later (see :func:`successor`).
    """
    route = policy.route(problem.kind, problem.category)
    tier, queue, detail = route.tier, route.queue, f"routed to {route.queue}"
    # A repeated failure moves the item up one tier; an amount may pass several tiers' thresholds.
    counted_failures = failures
    while True:
        moved = escalation_for(
            tier=tier,
            amount_at_stake=problem.amount_at_stake,
            failures=counted_failures,
            created_at=now,
            now=now,
            policy=policy,
        )
        if moved is None:
            break
        tier, queue, counted_failures = moved.to_tier, moved.to_queue, 0
        detail += f"; escalated to {queue}: {moved.reason}"
    priority = score(
        amount_at_stake=problem.amount_at_stake,
        category=problem.category,
        deadline=problem.deadline,
        today=today,
        policy=policy,
        history=history,
    )
    return WorkItem(
        kind=problem.kind,
        category=problem.category,
        tier=tier,
        queue=queue,
        problem_key=problem.problem_key,
        amount_at_stake=problem.amount_at_stake,
        score=priority,
        created_at=now,
        claim_id=problem.claim_id,
        patient_account=problem.patient_account,
        remittance_id=problem.remittance_id,
        payer_id=problem.payer_id,
        deadline=problem.deadline,
        deadline_kind=problem.deadline_kind,
        appeal_rights=problem.appeal_rights,
        summary=problem.summary,
        failures=failures,
        history=[HistoryEvent(now, by, "created", None, WorkStatus.OPEN, detail)],
    )


def successor(item: WorkItem, escalation: Escalation, now: datetime, by: str) -> WorkItem:
    """The open item that carries ``item``'s problem into the tier above."""
    detail = f"escalated from item {item.item_id} ({item.queue}): {escalation.reason}"
    return WorkItem(
        kind=item.kind,
        category=item.category,
        tier=escalation.to_tier,
        queue=escalation.to_queue,
        problem_key=item.problem_key,
        amount_at_stake=item.amount_at_stake,
        score=item.score,
        created_at=now,
        claim_id=item.claim_id,
        patient_account=item.patient_account,
        remittance_id=item.remittance_id,
        payer_id=item.payer_id,
        deadline=item.deadline,
        deadline_kind=item.deadline_kind,
        appeal_rights=item.appeal_rights,
        summary=item.summary,
        failures=item.failures,
        escalated_from=item.item_id,
        history=[HistoryEvent(now, by, "created", None, WorkStatus.OPEN, detail)],
    )
