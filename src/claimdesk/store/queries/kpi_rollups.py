"""KPI sides summed by the database over the per-claim rollups (``claim_rollups``).

Read-only: takes the connection of the open unit of work (``uow.read``). One row per claim,
found through the rollup's date indexes, so the cost follows the claims in the period, not the
practice's history; the KPIs themselves are built in ``claimdesk.analytics``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    case,
    func,
    literal_column,
    not_,
    or_,
    select,
)

from claimdesk.analytics.facts import Period, Scope
from claimdesk.analytics.first_pass import DENIED_CLP_STATUS, FirstPassSides
from claimdesk.analytics.operations import PayerDaysToPay
from claimdesk.analytics.results import Side
from claimdesk.domain.money import Money
from claimdesk.store.open_sums import ADJUDICATED, ENTERED, FIRST_PAID, Sums, days_waited
from claimdesk.store.rollups import ROLLUPS

ORIGINAL = "1"  # CLM05-3: an original claim; replacements and voids are a second pass
_ZERO: Any = literal_column("0")


def claim_scope(scope: Scope) -> list[Any]:
    """The rollups of the claims ``scope`` covers (its payer, rendering provider, facility)."""
    r = ROLLUPS.c
    found: list[Any] = []
    if scope.payer_id is not None:
        found.append(r.payer_id == scope.payer_id)
    if scope.provider_npi is not None:
        found.append(r.rendering_npi == scope.provider_npi)
    if scope.facility_id is not None:
        found.append(r.facility_id == scope.facility_id)
    return found


def _scoped(scope: Scope) -> list[Any]:
    """The original claims (a first pass) ``scope`` covers."""
    return [ROLLUPS.c.frequency == ORIGINAL, *claim_scope(scope)]


def _side(condition: Any, amount: Any) -> tuple[Any, Any]:
    """Claims meeting ``condition`` and the sum of their ``amount`` (one row per claim)."""
    return (
        func.count(case((condition, _ZERO), else_=None)),
        func.sum(case((condition, amount), else_=None)),
    )


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def _sides(row: Any) -> list[Side]:
    """Sides from (claims, amount) pairs; a sum over no row is none of either."""
    values = list(row)
    return [
        Side(int(values[i] or 0), _money(values[i + 1]), int(values[i] or 0))
        for i in range(0, len(values), 2)
    ]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def first_pass_sides(read: Connection, period: Period, scope: Scope) -> FirstPassSides:
    """Clean claim rate, first-pass resolution and initial denial sides of ``period``.

    A claim enters billing on the UTC day of its first HELD or SUBMITTED status, as the status
    history is dated; it is adjudicated on its first adjudication's payment date. The whole
    practice's or a payer's sides are the days' sums (``open_sums``); a provider's or a
    facility's are summed over the claims.
    """
    if _by_day(scope):
        return _first_pass_of_days(read, period, scope)
    r = ROLLUPS.c
    entered = select(
        *_side(r.entered_at.is_not(None), r.charge), *_side(not_(r.touched), r.charge)
    ).where(
        *_scoped(scope),
        r.entered_at >= day_start(period.start),
        r.entered_at < day_start(period.end + timedelta(days=1)),
    )
    denial = or_(r.adjudicated_clp_status == DENIED_CLP_STATUS, r.adjudicated_denied > _ZERO)
    resolved = and_(not_(r.rejected), not_(denial), r.adjudicated_shortfall <= _ZERO)
    adjudicated = select(
        *_side(r.adjudication_id.is_not(None), r.adjudicated_charge),
        *_side(resolved, r.adjudicated_paid),
        *_side(denial, r.adjudicated_denied),
        *_side(r.adjudicated_denied > _ZERO, r.adjudicated_denied),
    ).where(
        *_scoped(scope),
        r.adjudicated_on >= period.start,
        r.adjudicated_on <= period.end,
    )
    entered_side, clean = _sides(read.execute(entered).one())
    adjudicated_side, resolved_side, denied, dollars = _sides(read.execute(adjudicated).one())
    return FirstPassSides(entered_side, clean, adjudicated_side, resolved_side, denied, dollars)


def _by_day(scope: Scope) -> bool:
    """Whether the day sums (kept by payer) cover ``scope``."""
    return scope.provider_npi is None and scope.facility_id is None


def _days(sums: Sums, period: Period, scope: Scope) -> Any:
    t = sums.table.c
    query = select(*(func.sum(t[name]) for name in sums.summed)).where(
        t.day >= period.start, t.day <= period.end
    )
    return query if scope.payer_id is None else query.where(t.payer_id == scope.payer_id)


def _first_pass_of_days(read: Connection, period: Period, scope: Scope) -> FirstPassSides:
    entered_side, clean = _sides(read.execute(_days(ENTERED, period, scope)).one())
    adjudicated, resolved, denied, dollars = _sides(
        read.execute(_days(ADJUDICATED, period, scope)).one()
    )
    return FirstPassSides(entered_side, clean, adjudicated, resolved, denied, dollars)


def days_to_pay_by_payer(
    read: Connection, period: Period, scope: Scope
) -> tuple[PayerDaysToPay, ...]:
    """Per payer, the original claims first paid in ``period`` (and submitted before): how
    many, their days waited and their first payments, summed."""
    if _by_day(scope):
        t = FIRST_PAID.table.c
        summed = (
            select(t.payer_id, func.sum(t.claims), func.sum(t.days), func.sum(t.paid))
            .where(t.day >= period.start, t.day <= period.end, t.claims != _ZERO)
            .group_by(t.payer_id)
            .order_by(t.payer_id)
        )
        if scope.payer_id is not None:
            summed = summed.where(t.payer_id == scope.payer_id)
        return tuple(
            PayerDaysToPay(payer, int(claims), int(days), _money(paid))
            for payer, claims, days, paid in read.execute(summed)
        )
    r = ROLLUPS.c
    query = (
        select(
            r.payer_id,
            func.count(),
            func.sum(days_waited(read.dialect.name)),
            func.sum(r.first_paid),
        )
        .where(
            *_scoped(scope),
            r.submitted_at.is_not(None),
            r.first_paid_on >= period.start,
            r.first_paid_on <= period.end,
        )
        .group_by(r.payer_id)
        .order_by(r.payer_id)
    )
    return tuple(
        PayerDaysToPay(payer, claims, int(days), _money(paid))
        for payer, claims, days, paid in read.execute(query)
    )
