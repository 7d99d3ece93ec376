"""Payer speed, recoveries, staff productivity and patient estimate accuracy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from claimdesk.analytics.facts import Facts, PaymentFact, Period, WorkFact
from claimdesk.analytics.first_pass import adjudicated_in
from claimdesk.analytics.results import ClaimAmount, Kpi, Side, Table, Unit, count_ratio
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.money import Money, total
from claimdesk.domain.work import SYSTEM, WorkKind, WorkStatus

ESTIMATE_TOLERANCE = Money("5.00")
SECONDS_PER_DAY = Decimal(86400)


def _average(values: list[int] | list[Decimal]) -> Decimal | None:
    return None if not values else Decimal(sum(values)) / Decimal(len(values))


NOTHING_PAID = "no claim was first paid in the period"
DAYS_TO_PAY = partial(
    Kpi,
    name="days_to_pay",
    label="Average days to pay",
    unit=Unit.DAYS,
    numerator=(),
    denominator=(),
    numerator_label="days from first submission to first payment, per claim (amount paid)",
    denominator_label="original claims first paid in the period",
)


def days_to_pay(facts: Facts, period: Period) -> Kpi:
    """Days from a claim's first submission to its first payment, averaged, and per payer.

    Counts original claims whose first payment (the first 835 paying more than zero, not a
    reversal) is dated in the period.
    """
    claims = {c.claim_id: c for c in facts.claims if c.is_original}
    first_paid: dict[str, PaymentFact] = {}
    for payment in sorted(facts.payments, key=lambda p: p.order):
        if payment.claim_id in claims and not payment.is_reversal and payment.paid.is_positive():
            first_paid.setdefault(payment.claim_id, payment)
    rows: list[ClaimAmount] = []
    for claim_id, payment in sorted(first_paid.items()):
        claim = claims[claim_id]
        submitted = claim.first_at(ClaimStatus.SUBMITTED.value)
        if submitted is None or not period.contains(payment.paid_on):
            continue
        days = (payment.paid_on - submitted.date()).days
        rows.append(ClaimAmount(claim_id, payment.paid, claim.payer_id, days=days))
    by_payer: dict[str, list[int]] = {}
    for r in rows:
        by_payer.setdefault(r.label, []).append(r.days or 0)
    return DAYS_TO_PAY(
        value=_average([r.days or 0 for r in rows]),
        numerator=tuple(rows),
        denominator=tuple(rows),
        empty_reason="" if rows else NOTHING_PAID,
        tables=(
            _days_table(
                (payer, len(days), _average(days)) for payer, days in sorted(by_payer.items())
            ),
        ),
    )


def _days_table(rows: Iterable[tuple[str, int, Decimal | None]]) -> Table:
    return Table(
        "days_to_pay_by_payer",
        "average days to pay by payer",
        ("payer", "claims", "average days"),
        tuple(rows),
    )


@dataclass(frozen=True, slots=True)
class PayerDaysToPay:
    """One payer's original claims first paid in a period, as the database sums them."""

    payer_id: str
    claims: int
    days: int  # days from first submission to first payment, summed over the claims
    paid: Money  # CLP04 of those first payments, summed


def days_to_pay_kpi(payers: Sequence[PayerDaysToPay]) -> Kpi:
    """:func:`days_to_pay` from per-payer sums (payers in id order): the same figures."""
    claims = sum(p.claims for p in payers)
    side = Side(claims, total(p.paid for p in payers), claims)
    return DAYS_TO_PAY(
        value=None if not claims else Decimal(sum(p.days for p in payers)) / Decimal(claims),
        numerator_side=side,
        denominator_side=side,
        empty_reason="" if claims else NOTHING_PAID,
        tables=(
            _days_table(
                (p.payer_id, p.claims, Decimal(p.days) / Decimal(p.claims)) for p in payers
            ),
        ),
    )


def _closed_in(item: WorkFact, period: Period) -> bool:
    return (
        item.status == WorkStatus.DONE.value
        and item.closed_at is not None
        and period.contains(item.closed_at.date())
    )


def recovered_cash(item: WorkFact, facts: Facts, through: date) -> Money:
    """Insurance cash posted to the item's claim after the day the item opened, through
    ``through``, capped at the amount at stake.

    The payment that opened the item is dated on or before that day, so it never counts as its
    own recovery; what staff typed as resolved is never read: only cash on the books counts.
    """
    if item.claim_id is None:
        return Money.zero()
    opened = item.created_at.date()
    came_in = total(
        c.amount
        for c in facts.insurance_cash
        if c.claim_id == item.claim_id and opened < c.effective <= through
    )
    if not came_in.is_positive():
        return Money.zero()
    return min(came_in, item.amount_at_stake)


def underpayment_recovered(facts: Facts, period: Period) -> Kpi:
    """Insurance cash recovered on the underpayment items closed in the period, against the
    dollars those items had at stake."""
    closed = sorted(
        (w for w in facts.work if w.kind == WorkKind.UNDERPAYMENT.value and _closed_in(w, period)),
        key=lambda w: w.item_id,
    )
    denominator = [
        ClaimAmount(w.claim_id or "", w.amount_at_stake, f"item {w.item_id}") for w in closed
    ]
    numerator = [
        ClaimAmount(w.claim_id or "", cash, f"item {w.item_id}")
        for w in closed
        if (cash := recovered_cash(w, facts, period.end))
    ]
    recovered = total(r.amount for r in numerator)
    at_stake = total(r.amount for r in denominator)
    table = Table(
        "underpayment_recovery",
        "underpayments closed in the period",
        ("items", "at stake", "recovered", "recovery rate"),
        (
            (
                len(denominator),
                at_stake,
                recovered,
                recovered.amount / at_stake.amount if at_stake else None,
            ),
        ),
    )
    return Kpi(
        name="underpayment_recovered",
        label="Underpayment dollars recovered",
        unit=Unit.DOLLARS,
        value=recovered,
        numerator=tuple(numerator),
        denominator=tuple(denominator),
        numerator_label=(
            "insurance cash posted to each item's claim after the item opened, up to its amount "
            "at stake"
        ),
        denominator_label="dollars at stake on underpayment items closed in the period",
        tables=(table,),
    )


def productivity(facts: Facts, period: Period) -> Kpi:
    """Work items people closed in the period, per tier and person, with dollars resolved."""
    closed = sorted(
        (w for w in facts.work if _closed_in(w, period) and w.closed_by not in (None, SYSTEM)),
        key=lambda w: w.item_id,
    )
    groups: dict[tuple[int, str], list[WorkFact]] = {}
    for w in closed:
        groups.setdefault((w.tier, w.closed_by or ""), []).append(w)
    rows = []
    for (tier, person), items in sorted(groups.items()):
        ages = [_age_days(w.created_at, w.closed_at) for w in items if w.closed_at is not None]
        resolved = total(w.resolved_amount or Money.zero() for w in items)
        average = _average(ages)
        rows.append(
            (
                tier,
                person,
                len(items),
                resolved,
                None if average is None else average.quantize(Decimal("0.01")),
            )
        )
    numerator = [
        ClaimAmount(
            w.claim_id or "",
            w.resolved_amount or Money.zero(),
            f"tier {w.tier} {w.closed_by} item {w.item_id} {w.kind}",
        )
        for w in closed
    ]
    return Kpi(
        name="productivity",
        label="Work items closed",
        unit=Unit.COUNT,
        value=len(closed),
        numerator=tuple(numerator),
        denominator=None,
        numerator_label="work items people closed in the period (dollars resolved)",
        tables=(
            Table(
                "productivity",
                "productivity per tier and person",
                ("tier", "person", "closed", "resolved", "average age days"),
                tuple(rows),
            ),
        ),
    )


def _age_days(created: datetime, closed: datetime) -> Decimal:
    return Decimal(int((closed - created).total_seconds())) / SECONDS_PER_DAY


def estimate_accuracy(facts: Facts, period: Period, tolerance: Money = ESTIMATE_TOLERANCE) -> Kpi:
    """Estimates within ``tolerance`` of what the 835s assigned to the patient / claims with an
    estimate first adjudicated in the period.

    What the 835s assigned is the patient share of the claim's payments still standing (a
    reversed payment and its reversal both drop out).
    """
    estimates = {e.claim_id: e for e in facts.estimates}
    assigned: dict[str, Money] = {}
    for p in facts.payments:
        if not p.reversed and not p.is_reversal:
            assigned[p.claim_id] = assigned.get(p.claim_id, Money.zero()) + p.patient_share
    denominator: list[ClaimAmount] = []
    numerator: list[ClaimAmount] = []
    differences: list[Decimal] = []
    for claim, _payment in adjudicated_in(facts, period):
        estimate = estimates.get(claim.claim_id)
        if estimate is None:
            continue
        actual = assigned.get(claim.claim_id, Money.zero())
        row = ClaimAmount(claim.claim_id, actual, f"estimated {estimate.patient}, 835 {actual}")
        denominator.append(row)
        difference = abs(estimate.patient - actual)
        differences.append(difference.amount)
        if difference <= tolerance:
            numerator.append(row)
    estimated = total(estimates[r.claim_id].patient for r in denominator)
    average = _average(differences)
    table = Table(
        "estimate_accuracy",
        "patient estimates against the 835s",
        ("claims", "estimated", "assigned by 835", "mean absolute difference"),
        (
            (
                len(denominator),
                estimated,
                total(r.amount for r in denominator),
                None if average is None else average.quantize(Decimal("0.01")),
            ),
        ),
    )
    return Kpi(
        name="estimate_accuracy",
        label=f"Estimate accuracy (within ${tolerance})",
        unit=Unit.PERCENT,
        value=None if not denominator else count_ratio(numerator, denominator),
        numerator=tuple(numerator),
        denominator=tuple(denominator),
        numerator_label=f"estimates within ${tolerance} of the patient share the 835s assigned",
        denominator_label="claims with a patient estimate first adjudicated in the period",
        empty_reason="" if denominator else "no estimated claim was adjudicated in the period",
        tables=(table,),
    )
