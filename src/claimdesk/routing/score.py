"""The priority score: expected recoverable dollars per hour of effort, raised near a deadline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from claimdesk.domain.money import Money
from claimdesk.domain.work import PriorityScore
from claimdesk.routing.policy import RoutingPolicy

RATE_PLACES = Decimal("0.0001")
URGENCY_PLACES = Decimal("0.001")
VALUE_PLACES = Decimal("0.01")
MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    """What the practice's own closed items of one category recovered."""

    closed: int
    at_stake: Money
    recovered: Money

    @property
    def rate(self) -> Decimal:
        if self.at_stake == Money(0):
            return Decimal(0)
        ratio = self.recovered.amount / self.at_stake.amount
        return min(Decimal(1), ratio).quantize(RATE_PLACES, ROUND_HALF_UP)


def recovery_rate(
    category: str, history: Mapping[str, CategoryRecord], policy: RoutingPolicy
) -> tuple[Decimal, str]:
    """The practice's own rate once it has closed enough items of the category, else the default."""
    record = history.get(category)
    if record is not None and record.closed >= policy.learning_min_closed:
        return record.rate, "practice"
    return policy.category(category).recovery, "default"


def urgency(
    deadline: date | None, today: date, policy: RoutingPolicy
) -> tuple[Decimal, int | None]:
    """1 outside the horizon, rising linearly to ``max_urgency`` on (and past) the deadline."""
    if deadline is None:
        return Decimal(1), None
    days_left = (deadline - today).days
    horizon = policy.deadline_horizon_days
    if days_left >= horizon:
        return Decimal(1), days_left
    closeness = Decimal(horizon - min(max(days_left, 0), horizon)) / Decimal(horizon)
    raised = Decimal(1) + (policy.max_urgency - Decimal(1)) * closeness
    return raised.quantize(URGENCY_PLACES, ROUND_HALF_UP), days_left


def score(
    *,
    amount_at_stake: Money,
    category: str,
    deadline: date | None,
    today: date,
    policy: RoutingPolicy,
    history: Mapping[str, CategoryRecord],
) -> PriorityScore:
    rate, source = recovery_rate(category, history, policy)
    expected = Money.rounded(amount_at_stake.amount * rate)
    effort = policy.category(category).effort_minutes
    factor, days_left = urgency(deadline, today, policy)
    per_hour = expected.amount * MINUTES_PER_HOUR / Decimal(effort) * factor
    return PriorityScore(
        amount_at_stake=amount_at_stake,
        recovery_rate=rate,
        rate_source=source,
        expected_recovery=expected,
        effort_minutes=effort,
        urgency=factor,
        days_left=days_left,
        value=per_hour.quantize(VALUE_PLACES, ROUND_HALF_UP),
    )
