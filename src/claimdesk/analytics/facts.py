"""The facts KPIs are computed from: plain values loaded from the store, no database here.

Each fact carries the dimensions a report can be scoped by (payer, rendering provider,
facility), so one set of facts answers the practice-wide and the per-payer question alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from claimdesk.domain.money import Money

REVERSAL_STATUS = "22"  # CLP02 = 22: reversal of a previous payment


@dataclass(frozen=True, slots=True)
class StatusEvent:
    at: datetime
    status: str  # a ClaimStatus value


@dataclass(frozen=True, slots=True)
class ClaimFact:
    claim_id: str
    payer_id: str
    patient_account: str
    rendering_npi: str
    facility_id: str
    date_of_service: date
    frequency: str  # CLM05-3: 1 original, 7 replacement, 8 void
    charge: Money
    events: tuple[StatusEvent, ...] = ()  # the status history, oldest first

    @property
    def is_original(self) -> bool:
        return self.frequency == "1"

    def first_at(self, status: str) -> datetime | None:
        return next((e.at for e in self.events if e.status == status), None)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS adjustment of a claim payment, claim or line level (CAS01 group, CAS02 CARC)."""

    group: str
    carc: str
    amount: Money


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """One posted 835 claim payment (CLP loop) matched to a claim."""

    payment_id: int
    claim_id: str
    paid_on: date  # BPR16, else the day the remittance was posted
    clp_status: str
    charge: Money  # CLP03
    paid: Money  # CLP04
    patient_share: Money
    denied: Money
    shortfall: Money
    reversed: bool = False  # a later CLP02 = 22 undid this payment
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def is_reversal(self) -> bool:
        return self.clp_status == REVERSAL_STATUS

    @property
    def order(self) -> tuple[date, int]:
        return (self.paid_on, self.payment_id)


@dataclass(frozen=True, slots=True)
class LedgerFact:
    """The sum of postings to one account for one claim, entry kind and effective date, and
    how many postings it sums."""

    claim_id: str | None
    patient_account: str
    payer_id: str | None
    account: str  # an Account value
    kind: str  # an EntryKind value
    effective: date
    amount: Money  # debit positive, credit negative
    postings: int


@dataclass(frozen=True, slots=True)
class ClaimCashFact:
    """Insurance cash on one claim and effective date: the ``cash`` postings of entries that
    move money against ``ar:insurance`` (payments positive; recoupments and reversed payments
    negative)."""

    claim_id: str
    effective: date
    amount: Money


@dataclass(frozen=True, slots=True)
class EstimateFact:
    """The newest patient cost estimate of a claim."""

    claim_id: str
    patient: Money
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WorkFact:
    item_id: int
    kind: str  # a WorkKind value
    claim_id: str | None
    payer_id: str | None
    tier: int
    queue: str
    status: str
    outcome: str | None
    closed_by: str | None
    created_at: datetime
    closed_at: datetime | None
    amount_at_stake: Money
    resolved_amount: Money | None


@dataclass(frozen=True, slots=True)
class PatientBalanceFact:
    """A patient A/R balance at the facts' end: per visit, or per patient and day for money on
    no claim (``store.queries.patient_accounts.patient_balances``), with the day it became the
    patient's and the account the patient answers to."""

    patient_account: str
    guarantor_account: str
    since: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Facts:
    claims: tuple[ClaimFact, ...] = ()
    payments: tuple[PaymentFact, ...] = ()
    ledger: tuple[LedgerFact, ...] = ()
    estimates: tuple[EstimateFact, ...] = ()
    work: tuple[WorkFact, ...] = ()
    insurance_cash: tuple[ClaimCashFact, ...] = ()
    # The practice's patient A/R at the end (patients owe the practice, not a payer or a
    # provider): a scoped report has none (``scoped`` leaves them out).
    patient_balances: tuple[PatientBalanceFact, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    """Which claims a report covers; ``None`` matches any."""

    payer_id: str | None = None
    provider_npi: str | None = None
    facility_id: str | None = None

    @property
    def everything(self) -> bool:
        return self.payer_id is None and self.provider_npi is None and self.facility_id is None

    def covers(self, claim: ClaimFact) -> bool:
        return (
            (self.payer_id is None or claim.payer_id == self.payer_id)
            and (self.provider_npi is None or claim.rendering_npi == self.provider_npi)
            and (self.facility_id is None or claim.facility_id == self.facility_id)
        )

    def covers_unattached(self, payer_id: str | None) -> bool:
        """Money or work that belongs to no claim counts only by payer, never by provider."""
        return (
            self.provider_npi is None
            and self.facility_id is None
            and (self.payer_id is None or payer_id == self.payer_id)
        )


def scoped(facts: Facts, scope: Scope) -> Facts:
    """The facts about the claims ``scope`` covers, and the unattached money and work it covers."""
    if scope.everything:
        return facts
    claims = tuple(c for c in facts.claims if scope.covers(c))
    ids = {c.claim_id for c in claims}
    return Facts(
        claims=claims,
        payments=tuple(p for p in facts.payments if p.claim_id in ids),
        ledger=tuple(
            f
            for f in facts.ledger
            if (
                f.claim_id in ids if f.claim_id is not None else scope.covers_unattached(f.payer_id)
            )
        ),
        estimates=tuple(e for e in facts.estimates if e.claim_id in ids),
        work=tuple(
            w
            for w in facts.work
            if (
                w.claim_id in ids if w.claim_id is not None else scope.covers_unattached(w.payer_id)
            )
        ),
        insurance_cash=tuple(c for c in facts.insurance_cash if c.claim_id in ids),
    )


@dataclass(frozen=True, slots=True)
class Period:
    """Calendar days ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def initial_adjudications(payments: tuple[PaymentFact, ...]) -> dict[str, PaymentFact]:
    """Each claim's first adjudication: its earliest claim payment that is not a reversal.

    A payment reversed later still was the first adjudication; the payer's correction does not
    make the claim's first pass any cleaner.
    """
    first: dict[str, PaymentFact] = {}
    for payment in sorted(payments, key=lambda p: p.order):
        if not payment.is_reversal:
            first.setdefault(payment.claim_id, payment)
    return first
