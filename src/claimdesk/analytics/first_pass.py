"""Front-end and first-pass KPIs: clean claim rate, first-pass resolution, initial denials.

Definitions follow the domain primer's KPI table (HFMA MAP Keys / MGMA). Only original claims
(CLM05-3 = 1) count: a replacement or void is the second pass of a claim already counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial

from claimdesk.analytics.facts import ClaimFact, Facts, PaymentFact, Period, initial_adjudications
from claimdesk.analytics.results import ClaimAmount, Kpi, Side, Unit, count_ratio, dollar_ratio
from claimdesk.domain.claims import ClaimStatus

ADJUDICATED = frozenset(
    {ClaimStatus.PAID.value, ClaimStatus.PARTIALLY_PAID.value, ClaimStatus.DENIED.value}
)
DENIED_CLP_STATUS = "4"  # CLP02 = 4: denied


NOTHING_SCRUBBED = "no claim was scrubbed for billing in the period"
NOTHING_ADJUDICATED = "no claim was adjudicated in the period"
# What each KPI is, whichever way its sides were computed (claim rows here, sums in SQL).
CLEAN_CLAIM_RATE = partial(
    Kpi,
    name="clean_claim_rate",
    label="Clean claim rate",
    unit=Unit.PERCENT,
    numerator=(),
    denominator=(),
    numerator_label="claims never held by a scrub edit nor rejected by a clearinghouse",
    denominator_label="original claims first held or submitted by the scrubber in the period",
)
FIRST_PASS_RESOLUTION_RATE = partial(
    Kpi,
    name="first_pass_resolution_rate",
    label="First-pass resolution rate",
    unit=Unit.PERCENT,
    numerator=(),
    denominator=(),
    numerator_label=(
        "claims resolved by their first 835: never rejected, nothing denied, not underpaid"
    ),
    denominator_label="original claims first adjudicated in the period",
)
INITIAL_DENIAL_RATE = partial(
    Kpi,
    name="initial_denial_rate",
    label="Initial denial rate (claims)",
    unit=Unit.PERCENT,
    numerator=(),
    denominator=(),
    numerator_label="claims denied in full or in part by their first 835 (amount denied)",
    denominator_label="original claims first adjudicated in the period (charge)",
)
INITIAL_DENIAL_RATE_DOLLARS = partial(
    Kpi,
    name="initial_denial_rate_dollars",
    label="Initial denial rate (dollars)",
    unit=Unit.PERCENT,
    numerator=(),
    denominator=(),
    numerator_label="dollars denied by the first 835 of each claim",
    denominator_label="charges (CLP03) of original claims first adjudicated in the period",
)


def touched_before_adjudication(claim: ClaimFact, *statuses: str) -> bool:
    """Whether the claim was in one of ``statuses`` before its first adjudication (or ever, if
    it has not been adjudicated yet)."""
    for event in claim.events:
        if event.status in ADJUDICATED:
            return False
        if event.status in statuses:
            return True
    return False


def is_initial_denial(payment: PaymentFact) -> bool:
    return payment.clp_status == DENIED_CLP_STATUS or payment.denied.is_positive()


def adjudicated_in(facts: Facts, period: Period) -> list[tuple[ClaimFact, PaymentFact]]:
    """Original claims whose first adjudication falls in the period, in claim id order."""
    claims = {c.claim_id: c for c in facts.claims if c.is_original}
    first = initial_adjudications(facts.payments)
    return [
        (claims[claim_id], payment)
        for claim_id, payment in sorted(first.items())
        if claim_id in claims and period.contains(payment.paid_on)
    ]


def entered_billing(claim: ClaimFact) -> datetime | None:
    """When the scrubber first decided on the claim: held (HELD) or sent (SUBMITTED)."""
    return next(
        (
            e.at
            for e in claim.events
            if e.status in (ClaimStatus.HELD.value, ClaimStatus.SUBMITTED.value)
        ),
        None,
    )


def clean_claim_rate(facts: Facts, period: Period) -> Kpi:
    """Claims that passed every edit with no manual touch / claims accepted for billing.

    Accepted for billing: original claims the scrubber first held or sent in the period (a claim
    held and never fixed still counts against the rate). A manual touch is a scrub hold (HELD)
    or a clearinghouse rejection (REJECTED, 999/277CA) before adjudication.
    """
    denominator: list[ClaimAmount] = []
    numerator: list[ClaimAmount] = []
    for claim in sorted(facts.claims, key=lambda c: c.claim_id):
        entered = entered_billing(claim)
        if not claim.is_original or entered is None or not period.contains(entered.date()):
            continue
        denominator.append(ClaimAmount(claim.claim_id, claim.charge))
        touched = touched_before_adjudication(
            claim, ClaimStatus.HELD.value, ClaimStatus.REJECTED.value
        )
        if not touched:
            numerator.append(ClaimAmount(claim.claim_id, claim.charge))
    return CLEAN_CLAIM_RATE(
        value=None if not denominator else count_ratio(numerator, denominator),
        numerator=tuple(numerator),
        denominator=tuple(denominator),
        empty_reason="" if denominator else NOTHING_SCRUBBED,
    )


def first_pass_resolution_rate(facts: Facts, period: Period) -> Kpi:
    """Claims paid or resolved on first submission / claims adjudicated.

    Resolved on first submission: never rejected before adjudication, and the first 835 denied
    nothing and paid no less than the contract (no underpayment shortfall).
    """
    denominator: list[ClaimAmount] = []
    numerator: list[ClaimAmount] = []
    for claim, payment in adjudicated_in(facts, period):
        denominator.append(ClaimAmount(claim.claim_id, payment.charge))
        rejected = touched_before_adjudication(claim, ClaimStatus.REJECTED.value)
        if not rejected and not is_initial_denial(payment) and not payment.shortfall.is_positive():
            numerator.append(ClaimAmount(claim.claim_id, payment.paid))
    return FIRST_PASS_RESOLUTION_RATE(
        value=None if not denominator else count_ratio(numerator, denominator),
        numerator=tuple(numerator),
        denominator=tuple(denominator),
        empty_reason="" if denominator else NOTHING_ADJUDICATED,
    )


def initial_denial_rate(facts: Facts, period: Period) -> Kpi:
    """Claims denied (in full or in part) on first adjudication / claims adjudicated."""
    denominator: list[ClaimAmount] = []
    numerator: list[ClaimAmount] = []
    for claim, payment in adjudicated_in(facts, period):
        denominator.append(ClaimAmount(claim.claim_id, payment.charge))
        if is_initial_denial(payment):
            numerator.append(ClaimAmount(claim.claim_id, payment.denied))
    return INITIAL_DENIAL_RATE(
        value=None if not denominator else count_ratio(numerator, denominator),
        numerator=tuple(numerator),
        denominator=tuple(denominator),
        empty_reason="" if denominator else NOTHING_ADJUDICATED,
    )


def initial_denial_rate_dollars(facts: Facts, period: Period) -> Kpi:
    """Dollars denied on first adjudication / dollars (charges) adjudicated."""
    denominator: list[ClaimAmount] = []
    numerator: list[ClaimAmount] = []
    for claim, payment in adjudicated_in(facts, period):
        denominator.append(ClaimAmount(claim.claim_id, payment.charge))
        if payment.denied.is_positive():
            numerator.append(ClaimAmount(claim.claim_id, payment.denied))
    denied, charged = Side.of(numerator), Side.of(denominator)
    return INITIAL_DENIAL_RATE_DOLLARS(
        value=_dollar_rate(denied, charged),
        numerator=tuple(numerator),
        denominator=tuple(denominator),
        empty_reason=_dollar_reason(charged),
    )


def _dollar_reason(charged: Side) -> str:
    if not charged.rows:
        return NOTHING_ADJUDICATED
    return "the adjudicated claims carry no charge" if not charged.amount else ""


def _dollar_rate(denied: Side, charged: Side) -> Decimal | None:
    return None if _dollar_reason(charged) else dollar_ratio(denied.amount, charged.amount)


def _claims_ratio(numerator: Side, denominator: Side) -> Decimal | None:
    if not denominator.claims or numerator.claims is None:
        return None
    return Decimal(numerator.claims) / denominator.claims


@dataclass(frozen=True, slots=True)
class FirstPassSides:
    """The first-pass KPIs' sides as the database sums them (one row per original claim).

    ``entered``/``clean``: claims first held or submitted in the period, and those of them
    never held nor rejected before adjudication (amount: charge). ``adjudicated``: claims first
    adjudicated in the period (amount: CLP03 charge); ``resolved`` (amount: paid), ``denied``
    (CLP02 = 4 or denied > 0; amount: denied) and ``dollars_denied`` (denied > 0) among them.
    """

    entered: Side
    clean: Side
    adjudicated: Side
    resolved: Side
    denied: Side
    dollars_denied: Side


def first_pass_kpis(sides: FirstPassSides) -> tuple[Kpi, ...]:
    """The four first-pass KPIs from their summed sides: the same figures, labels and reasons
    as the functions above compute from the claims' rows."""
    adjudicated = "" if sides.adjudicated.rows else NOTHING_ADJUDICATED
    return (
        CLEAN_CLAIM_RATE(
            value=_claims_ratio(sides.clean, sides.entered),
            numerator_side=sides.clean,
            denominator_side=sides.entered,
            empty_reason="" if sides.entered.rows else NOTHING_SCRUBBED,
        ),
        FIRST_PASS_RESOLUTION_RATE(
            value=_claims_ratio(sides.resolved, sides.adjudicated),
            numerator_side=sides.resolved,
            denominator_side=sides.adjudicated,
            empty_reason=adjudicated,
        ),
        INITIAL_DENIAL_RATE(
            value=_claims_ratio(sides.denied, sides.adjudicated),
            numerator_side=sides.denied,
            denominator_side=sides.adjudicated,
            empty_reason=adjudicated,
        ),
        INITIAL_DENIAL_RATE_DOLLARS(
            value=_dollar_rate(sides.dollars_denied, sides.adjudicated),
            numerator_side=sides.dollars_denied,
            denominator_side=sides.adjudicated,
            empty_reason=_dollar_reason(sides.adjudicated),
        ),
    )
