"""A/R KPIs from the ledger: net days in A/R, aging buckets, A/R over 90 days, net collection,
patient collection.

Balances are sums of postings (the ledger stores no balances), so a reversal entry cancels what
it reverses without any special case here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from decimal import Decimal

from claimdesk.analytics.facts import ClaimFact, Facts, LedgerFact, Period
from claimdesk.analytics.position import BUCKETS
from claimdesk.analytics.results import Cell, ClaimAmount, Kpi, Side, Table, Unit, dollar_ratio
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account, EntryKind
from claimdesk.domain.money import Money, total

REVENUE_WINDOW_DAYS = 90  # "average daily net patient revenue (last 3 months)"
OVER_DAYS = 90
BILLED_PART, UNBILLED_PART, PATIENT_PART = "insurance billed", "insurance unbilled", "patient"
RECEIVABLE_ACCOUNTS = {Account.INSURANCE_AR.value: "insurance", Account.PATIENT_AR.value: "patient"}


def bucket_of(age_days: int) -> str:
    for name, low, high in BUCKETS:
        if age_days >= low and (high is None or age_days <= high):
            return name
    # A balance dated after the report's end (negative age) is current.
    return BUCKETS[0][0]


@dataclass(frozen=True, slots=True)
class Balance:
    """Open A/R of one claim on one receivable (or of money attached to no claim)."""

    claim_id: str
    account: str
    payer_id: str
    patient_account: str
    dated: date  # the date of service, or the posting date when there is no claim
    amount: Money

    def age(self, as_of: date) -> int:
        return (as_of - self.dated).days

    def row(self, as_of: date) -> ClaimAmount:
        age = self.age(as_of)
        who = RECEIVABLE_ACCOUNTS[self.account]
        return ClaimAmount(self.claim_id, self.amount, f"{who} {bucket_of(age)}", days=age)


def balances(facts: Facts, as_of: date) -> list[Balance]:
    """Non-zero receivable balances at the end of ``as_of``, per claim and account."""
    claims = {c.claim_id: c for c in facts.claims}
    sums: dict[tuple[str, str, str, str, date], Money] = {}
    for f in facts.ledger:
        if f.account not in RECEIVABLE_ACCOUNTS or f.effective > as_of:
            continue
        claim = claims.get(f.claim_id or "")
        if claim is not None:
            key = (
                claim.claim_id,
                f.account,
                claim.payer_id,
                claim.patient_account,
                claim.date_of_service,
            )
        else:
            key = ("", f.account, f.payer_id or "", f.patient_account, f.effective)
        sums[key] = sums.get(key, Money.zero()) + f.amount
    return [
        Balance(claim_id, account, payer, patient, dated, amount)
        for (claim_id, account, payer, patient, dated), amount in sorted(sums.items())
        if amount
    ]


_CASH = Account.CASH.value


def sum_by_claim(facts: Iterable[LedgerFact], sign: int = 1) -> list[ClaimAmount]:
    sums: dict[str, Money] = {}
    for f in facts:
        key = f.claim_id or ""
        sums[key] = sums.get(key, Money.zero()) + (f.amount if sign > 0 else -f.amount)
    return [ClaimAmount(claim_id, amount) for claim_id, amount in sorted(sums.items()) if amount]


def _revenue_facts(facts: Facts, period: Period) -> list[LedgerFact]:
    accounts = (Account.GROSS_CHARGES.value, Account.CONTRACTUAL.value)
    return [f for f in facts.ledger if period.contains(f.effective) and f.account in accounts]


def net_revenue(facts: Facts, period: Period) -> list[ClaimAmount]:
    """Per claim, gross charges less contractual adjustments posted in the period."""
    # Gross charges are credits (negative); contractual adjustments are debits (positive).
    return sum_by_claim(_revenue_facts(facts, period), sign=-1)


def posted(facts: Iterable[LedgerFact], sign: int = 1) -> Side:
    """The postings of ``facts`` as a side: their sum (negated for ``sign`` -1) and how many."""
    found = list(facts)
    amount = total(f.amount for f in found)
    return Side(None, amount if sign > 0 else -amount, sum(f.postings for f in found))


def _per_claim(facts: Iterable[LedgerFact], account: str) -> dict[str, Money]:
    sums: dict[str, Money] = {}
    for f in facts:
        if f.account == account and f.claim_id is not None:
            sums[f.claim_id] = sums.get(f.claim_id, Money.zero()) + f.amount
    return sums


def _ratio(adjusted: Money, charged: Money) -> Decimal:
    return adjusted.amount / charged.amount if charged.is_positive() else Decimal(0)


def contractual_ratios(facts: Facts, window: Period) -> tuple[dict[str, Decimal], Decimal]:
    """Per payer, and for the practice, the contractual adjustments of the claims adjudicated in
    ``window`` over those claims' gross charges (HFMA: net A/R is net of contractual
    allowances; an allowance is estimated from the payers' recent adjustments).

    A claim counts when a contractual adjustment was posted to it in the window and its
    adjustments still net above zero at the window's end (a reversed adjustment drops it).
    """
    through = [f for f in facts.ledger if f.effective <= window.end]
    contractual = _per_claim(through, Account.CONTRACTUAL.value)
    charges = _per_claim(through, Account.GROSS_CHARGES.value)
    adjusted_in_window = {
        f.claim_id
        for f in through
        if f.account == Account.CONTRACTUAL.value
        and f.claim_id is not None
        and window.contains(f.effective)
    }
    payer_of = {c.claim_id: c.payer_id for c in facts.claims}
    by_payer: dict[str, tuple[Money, Money]] = {}
    for claim_id in sorted(adjusted_in_window):
        adjusted = contractual.get(claim_id, Money.zero())
        payer = payer_of.get(claim_id)
        if payer is None or not adjusted.is_positive():
            continue
        done, charged = by_payer.get(payer, (Money.zero(), Money.zero()))
        by_payer[payer] = (done + adjusted, charged - charges.get(claim_id, Money.zero()))
    return allowance_ratios(by_payer)


def allowance_ratios(
    by_payer: dict[str, tuple[Money, Money]],
) -> tuple[dict[str, Decimal], Decimal]:
    """Per payer and for the practice, contractual adjustments over gross charges, from each
    payer's (adjusted, charged) sums."""
    practice = _ratio(
        total(a for a, _ in by_payer.values()), total(c for _, c in by_payer.values())
    )
    return {p: _ratio(a, c) for p, (a, c) in by_payer.items()}, practice


def net_balances(facts: Facts, as_of: date, window: Period) -> list[ClaimAmount]:
    """Net A/R per claim at the end of ``as_of``: the ledger balance, less the contractual
    allowance expected on insurance A/R of claims not adjudicated yet (no contractual
    adjustment standing), at the payer's ratio of ``window`` (the practice's if the payer has
    none). Patient A/R and money on no claim carry no allowance."""
    ratios, practice = contractual_ratios(facts, window)
    standing = _per_claim(
        (f for f in facts.ledger if f.effective <= as_of), Account.CONTRACTUAL.value
    )
    rows = []
    for b in balances(facts, as_of):
        row = b.row(as_of)
        pending = (
            b.account == Account.INSURANCE_AR.value
            and b.claim_id
            and b.amount.is_positive()
            and not standing.get(b.claim_id)
        )
        if pending:
            allowance = Money.rounded(b.amount.amount * ratios.get(b.payer_id, practice))
            row = ClaimAmount(
                b.claim_id,
                b.amount - allowance,
                f"{row.label} less allowance {allowance}",
                days=row.days,
            )
        rows.append(row)
    return rows


def net_days_in_ar(facts: Facts, period: Period) -> Kpi:
    """Net A/R at the period's end / average daily net patient revenue of the 90 days ending
    then (HFMA MAP Key: net days in A/R)."""
    window = revenue_window(period.end)
    numerator = net_balances(facts, period.end, window)
    denominator = net_revenue(facts, window)
    return net_days_kpi(
        period.end,
        Side.of(numerator),
        posted(_revenue_facts(facts, window), sign=-1),
        (tuple(numerator), tuple(denominator)),
    )


def net_days_value(net_ar: Money, revenue: Money) -> Decimal | None:
    """Net A/R over the average daily net revenue of the window; None without revenue."""
    if not revenue.is_positive():
        return None
    return net_ar.amount * REVENUE_WINDOW_DAYS / revenue.amount


def revenue_window(end: date) -> Period:
    """The 90 days ending on ``end`` whose net revenue is averaged."""
    return Period(end - timedelta(days=REVENUE_WINDOW_DAYS - 1), end)


def net_days_kpi(
    end: date,
    net_ar: Side,
    revenue: Side,
    rows: tuple[tuple[ClaimAmount, ...], tuple[ClaimAmount, ...]] = ((), ()),
) -> Kpi:
    """Net days in A/R from its sides: summed by the database (``rows`` empty) or from the
    rows ``net_days_in_ar`` computed."""
    reason = (
        ""
        if revenue.amount.is_positive()
        else f"net patient revenue of the {REVENUE_WINDOW_DAYS} days to {end} is {revenue.amount}"
    )
    return Kpi(
        name="net_days_in_ar",
        label="Net days in A/R",
        unit=Unit.DAYS,
        value=None
        if reason
        else net_ar.amount.amount * REVENUE_WINDOW_DAYS / revenue.amount.amount,
        numerator=rows[0],
        denominator=rows[1],
        numerator_label=(
            "net A/R at the end of the period: insurance and patient A/R (billed and unbilled), "
            "less the contractual allowance expected on claims not adjudicated yet"
        ),
        denominator_label=(
            f"net patient revenue (charges less contractual adjustments) of the "
            f"{REVENUE_WINDOW_DAYS} days to {end}, divided by {REVENUE_WINDOW_DAYS} per day"
        ),
        empty_reason=reason,
        numerator_side=net_ar,
        denominator_side=revenue,
    )


def _aging_table(name: str, title: str, rows: dict[str, dict[str, Money]]) -> Table:
    out: list[tuple[Cell, ...]] = []
    for key, buckets in sorted(rows.items()):
        amounts = [buckets.get(b, Money.zero()) for b, _, _ in BUCKETS]
        out.append((key, *amounts, total(amounts)))
    return Table(name, title, ("key", *(b for b, _, _ in BUCKETS), "total"), tuple(out))


def _patient_table(part: PatientPart) -> Table:
    """The largest patient balances, then the whole patient A/R, by bucket."""
    names = [b for b, _, _ in BUCKETS]
    out: list[tuple[Cell, ...]] = [
        (key, *(buckets.get(b, Money.zero()) for b in names), total(buckets.values()))
        for key, buckets in part.largest.items()
    ]
    out.append(("patient A/R", *(part.buckets[b] for b in names), part.total))
    return Table(
        "ar_aging_by_patient",
        f"patient A/R aging: the {len(part.largest)} largest of {part.patients} patients",
        ("key", *names, "total"),
        tuple(out),
    )


def _billed(balance: Balance, claims: dict[str, ClaimFact], as_of: date) -> bool:
    """Patient balances are billed by statement; insurance balances once the claim went out to
    the payer on or before ``as_of`` (status ``submitted``; the history is dated in UTC)."""
    if balance.account == Account.PATIENT_AR.value:
        return True
    claim = claims.get(balance.claim_id)
    if claim is None:
        return True
    sent = claim.first_at(ClaimStatus.SUBMITTED.value)
    return sent is not None and sent.astimezone(UTC).date() <= as_of


def _part(balance: Balance, billed: bool) -> str:
    if balance.account == Account.PATIENT_AR.value:
        return PATIENT_PART
    return BILLED_PART if billed else UNBILLED_PART


AgingParts = dict[str, dict[str, dict[str, Money]]]  # part -> payer or patient -> bucket
# How many patients the A/R aging's patient table names: the largest balances (every balance is
# the A/R drill-down's, part patient).
LARGEST_PATIENTS = 20


def largest(by_key: Mapping[str, Mapping[str, Money]], count: int) -> dict[str, dict[str, Money]]:
    """The ``count`` keys whose buckets add up to the most, largest first, ties by key."""
    ranked = sorted(by_key.items(), key=lambda kv: (-total(kv[1].values()).amount, kv[0]))
    return {key: dict(buckets) for key, buckets in ranked[:count]}


@dataclass(frozen=True, slots=True)
class PatientPart:
    """The patient part of the A/R aging as its table shows it: every patient's balance by
    bucket, how many patients owe, and the largest balances by bucket."""

    buckets: dict[str, Money]
    patients: int
    largest: dict[str, dict[str, Money]]

    @classmethod
    def of(cls, by_patient: dict[str, dict[str, Money]]) -> PatientPart:
        """From every patient's buckets (the reference, over every fact)."""
        buckets = {name: Money.zero() for name, _, _ in BUCKETS}
        for amounts in by_patient.values():
            for name, amount in amounts.items():
                buckets[name] += amount
        return cls(buckets, len(by_patient), largest(by_patient, LARGEST_PATIENTS))

    @property
    def total(self) -> Money:
        return total(self.buckets.values())


def ar_aging(facts: Facts, period: Period) -> Kpi:
    """Open A/R at the period's end (the ledger's receivables) by age since the date of
    service: billed insurance A/R per payer, unbilled insurance A/R (never sent) per payer and
    patient A/R per patient, which together make the whole figure."""
    claims = {c.claim_id: c for c in facts.claims}
    parts: AgingParts = {BILLED_PART: {}, UNBILLED_PART: {}, PATIENT_PART: {}}
    rows: list[ClaimAmount] = []
    for b in balances(facts, period.end):
        age = b.age(period.end)
        bucket = bucket_of(age)
        part = _part(b, _billed(b, claims, period.end))
        key = b.patient_account if part == PATIENT_PART else b.payer_id
        target = parts[part].setdefault(key, {})
        target[bucket] = target.get(bucket, Money.zero()) + b.amount
        rows.append(ClaimAmount(b.claim_id, b.amount, f"{part} {bucket}", days=age))
    patients = PatientPart.of(parts.pop(PATIENT_PART))
    return ar_aging_kpi(Side.of(rows), parts, patients, tuple(rows))


def ar_aging_kpi(
    open_ar: Side, parts: AgingParts, patients: PatientPart, rows: tuple[ClaimAmount, ...] = ()
) -> Kpi:
    """A/R aging from its total, its insurance parts by payer and its patient part (``rows``
    empty when the database summed them)."""
    return Kpi(
        name="ar_aging",
        label="A/R aging",
        unit=Unit.DOLLARS,
        value=open_ar.amount,
        numerator=rows,
        denominator=None,
        numerator_label=(
            "open A/R per claim at the end of the period (insurance billed, insurance unbilled, "
            "patient), by age since service"
        ),
        tables=(
            _aging_table(
                "ar_aging_by_payer",
                "billed insurance A/R aging by payer",
                parts.get(BILLED_PART, {}),
            ),
            _aging_table(
                "ar_aging_unbilled_by_payer",
                "unbilled insurance A/R (never submitted) aging by payer",
                parts.get(UNBILLED_PART, {}),
            ),
            _patient_table(patients),
        ),
        numerator_side=open_ar,
    )


def ar_over_90(facts: Facts, period: Period) -> Kpi:
    """Billed A/R older than 90 days / total billed A/R at the period's end (HFMA MAP Key:
    aged A/R as a percentage of total billed A/R)."""
    claims = {c.claim_id: c for c in facts.claims}
    billed = [b for b in balances(facts, period.end) if _billed(b, claims, period.end)]
    denominator = [b.row(period.end) for b in billed]
    numerator = [r for r in denominator if r.days is not None and r.days > OVER_DAYS]
    return ar_over_90_kpi(
        Side.of(numerator), Side.of(denominator), (tuple(numerator), tuple(denominator))
    )


def ar_over_90_kpi(
    over: Side,
    billed: Side,
    rows: tuple[tuple[ClaimAmount, ...], tuple[ClaimAmount, ...]] = ((), ()),
) -> Kpi:
    reason = "" if billed.amount.is_positive() else "no billed A/R is open at the end of the period"
    return Kpi(
        name="ar_over_90",
        label="A/R over 90 days",
        unit=Unit.PERCENT,
        value=None if reason else dollar_ratio(over.amount, billed.amount),
        numerator=rows[0],
        denominator=rows[1],
        numerator_label="billed A/R more than 90 days past the date of service",
        denominator_label="billed A/R at the end of the period (unbilled insurance claims out)",
        empty_reason=reason,
        numerator_side=over,
        denominator_side=billed,
    )


def net_collection_rate(facts: Facts, period: Period) -> Kpi:
    """Payments / (charges - contractual adjustments), all as posted in the period."""
    cash = [f for f in facts.ledger if period.contains(f.effective) and f.account == _CASH]
    numerator = sum_by_claim(cash)
    denominator = net_revenue(facts, period)
    return net_collection_kpi(
        posted(cash),
        posted(_revenue_facts(facts, period), sign=-1),
        (tuple(numerator), tuple(denominator)),
    )


def net_collection_kpi(
    cash: Side,
    revenue: Side,
    rows: tuple[tuple[ClaimAmount, ...], tuple[ClaimAmount, ...]] = ((), ()),
) -> Kpi:
    reason = "" if revenue.amount.is_positive() else "no net charges were posted in the period"
    return Kpi(
        name="net_collection_rate",
        label="Net collection rate",
        unit=Unit.PERCENT,
        value=None if reason else dollar_ratio(cash.amount, revenue.amount),
        numerator=rows[0],
        denominator=rows[1],
        numerator_label="payments (insurance and patient, less refunds and recoupments)",
        denominator_label="charges less contractual adjustments posted in the period",
        empty_reason=reason,
        numerator_side=cash,
        denominator_side=revenue,
    )


# What assigns patient responsibility: an 835's transfer to the patient (and back, to a
# secondary), and a self-pay visit's charge on the patient receivable (docs/kpis.md).
PATIENT_ASSIGNING_KINDS = frozenset({EntryKind.TRANSFER_TO_PATIENT.value, EntryKind.CHARGE.value})


def is_patient_cash(fact: LedgerFact) -> bool:
    """Cash from or back to a patient: a cash posting that names no payer (an insurance
    payment, recoupment or payer refund always names its payer)."""
    return fact.account == Account.CASH.value and fact.payer_id is None


def patient_facts(facts: Facts, period: Period) -> tuple[list[LedgerFact], list[LedgerFact]]:
    """The patient payments and the patient responsibility assigned in the period."""
    in_period = [f for f in facts.ledger if period.contains(f.effective)]
    paid = [f for f in in_period if is_patient_cash(f)]
    assigned = [
        f
        for f in in_period
        if f.account == Account.PATIENT_AR.value and f.kind in PATIENT_ASSIGNING_KINDS
    ]
    return paid, assigned


def patient_collection_kpi(
    paid: Side,
    assigned: Side,
    rows: tuple[tuple[ClaimAmount, ...], tuple[ClaimAmount, ...]] = ((), ()),
    tables: tuple[Table, ...] = (),
) -> Kpi:
    reason = (
        ""
        if assigned.amount.is_positive()
        else "no patient responsibility was assigned in the period"
    )
    return Kpi(
        name="patient_collection_rate",
        label="Patient collection rate",
        unit=Unit.PERCENT,
        value=None if reason else dollar_ratio(paid.amount, assigned.amount),
        numerator=rows[0],
        denominator=rows[1],
        numerator_label="patient payments (less returned payments and patient refunds)",
        denominator_label="patient responsibility assigned in the period",
        empty_reason=reason,
        numerator_side=paid,
        denominator_side=assigned,
        tables=tables,
    )
