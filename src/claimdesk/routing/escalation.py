"""Escalation rules: up a tier past the SLA age, above an amount, or on failing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from claimdesk.domain.money import Money
from claimdesk.routing.policy import RoutingPolicy


@dataclass(frozen=True, slots=True)
class Escalation:
    to_tier: int
    to_queue: str
    reason: str


def escalation_for(
    *,
    tier: int,
    amount_at_stake: Money,
    failures: int,
    created_at: datetime,
    now: datetime,
    policy: RoutingPolicy,
) -> Escalation | None:
    """Why an item of ``tier`` must move up now, or None; the top tier never moves."""
    rules = policy.tiers[tier]
    if rules.escalation_queue is None:
        return None
    reasons = []
    if failures >= policy.escalation_failures:
        reasons.append(f"failed {failures} times on this claim")
    if rules.amount_threshold is not None and amount_at_stake >= rules.amount_threshold:
        reasons.append(f"{amount_at_stake} at stake reaches the {rules.amount_threshold} threshold")
    age = (now - created_at).days
    if age > rules.sla_days:
        reasons.append(f"{age} days old, past the {rules.sla_days}-day SLA of tier {tier}")
    if not reasons:
        return None
    return Escalation(tier + 1, rules.escalation_queue, "; ".join(reasons))


def sla_cutoff(tier: int, now: datetime, policy: RoutingPolicy) -> datetime:
    """Items of ``tier`` created at or before this instant are past their SLA at ``now``."""
    return now - timedelta(days=policy.tiers[tier].sla_days + 1)
