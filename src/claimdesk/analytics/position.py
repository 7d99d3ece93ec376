"""The practice's A/R on one day: one figure, with its parts labelled.

Every face that shows A/R (``summary``, aging, the dashboard, ``kpi``) shows this figure: the
ledger's receivables (``ar:insurance`` + ``ar:patient``) as of the end of a day. Its parts:
billed insurance A/R (the claim went to the payer on or before that day), unbilled insurance A/R
(never submitted by then: held, ready or draft claims) and patient A/R. Aging buckets count days
since the date of service (MGMA), so the buckets of all three parts sum to the figure itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from claimdesk.domain.money import Money, total

BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("120+", 121, None),
)
BUCKET_NAMES = tuple(name for name, _, _ in BUCKETS)
INSURANCE, PATIENT = "insurance", "patient"
BILLED, UNBILLED = "billed", "unbilled"


def bucket_starts(as_of: date) -> list[tuple[str, date]]:
    """Each bucket with the earliest date of service in it, newest bucket first: a service on
    or after the date is in the bucket (a date after ``as_of`` is current, in 0-30)."""
    return [
        (name, as_of - timedelta(days=high)) for name, _low, high in BUCKETS if high is not None
    ]


@dataclass(frozen=True, slots=True)
class ArLine:
    """The A/R of one receivable, billing state, payer and aging bucket."""

    receivable: str  # INSURANCE or PATIENT
    billed: bool  # patient A/R and money on no claim are billed
    payer_id: str
    bucket: str
    amount: Money
    claims: int

    @property
    def part(self) -> str:
        if self.receivable == PATIENT:
            return PATIENT
        return f"{INSURANCE} {BILLED if self.billed else UNBILLED}"


@dataclass(frozen=True, slots=True)
class ArPosition:
    as_of: date
    lines: tuple[ArLine, ...]

    def _sum(self, lines: Iterable[ArLine]) -> Money:
        return total(line.amount for line in lines)

    @property
    def total(self) -> Money:
        return self._sum(self.lines)

    @property
    def insurance_billed(self) -> Money:
        return self._sum(x for x in self.lines if x.receivable == INSURANCE and x.billed)

    @property
    def insurance_unbilled(self) -> Money:
        return self._sum(x for x in self.lines if x.receivable == INSURANCE and not x.billed)

    @property
    def patient(self) -> Money:
        return self._sum(x for x in self.lines if x.receivable == PATIENT)

    @property
    def billed(self) -> Money:
        """Billed A/R (HFMA's denominator of aged A/R): billed insurance plus patient A/R."""
        return self.insurance_billed + self.patient

    def parts(self) -> dict[str, Money]:
        return {
            "insurance billed": self.insurance_billed,
            "insurance unbilled": self.insurance_unbilled,
            "patient": self.patient,
        }

    def by_bucket(self, part: str | None = None) -> dict[str, Money]:
        """Bucket -> amount, of one part (see :attr:`ArLine.part`) or of the whole figure."""
        found = {name: Money.zero() for name in BUCKET_NAMES}
        for line in self.lines:
            if part is None or line.part == part:
                found[line.bucket] += line.amount
        return found

    def aging_by_payer(self, part: str) -> list[tuple[str, dict[str, Money], Money]]:
        """(payer, bucket -> amount, total) of one insurance part, payers in id order."""
        rows: dict[str, dict[str, Money]] = {}
        for line in self.lines:
            if line.part == part:
                buckets = rows.setdefault(line.payer_id, {n: Money.zero() for n in BUCKET_NAMES})
                buckets[line.bucket] += line.amount
        return [(payer, b, total(b.values())) for payer, b in sorted(rows.items())]

    def by_payer(self) -> dict[str, Money]:
        found: dict[str, Money] = {}
        for line in self.lines:
            if line.receivable == INSURANCE:
                found[line.payer_id] = found.get(line.payer_id, Money.zero()) + line.amount
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "total": str(self.total),
            "parts": {name: str(amount) for name, amount in self.parts().items()},
            "billed": str(self.billed),
            "by_bucket": {
                part: {b: str(m) for b, m in self.by_bucket(part).items()} for part in self.parts()
            },
            "by_payer": {p: str(m) for p, m in sorted(self.by_payer().items())},
        }


@dataclass(frozen=True, slots=True)
class ArClaim:
    """One claim's open A/R on one receivable: a row of the A/R drill-down."""

    claim_id: str
    payer_id: str
    patient_account: str
    date_of_service: date | None
    receivable: str
    billed: bool
    bucket: str
    amount: Money

    @property
    def part(self) -> str:
        if self.receivable == PATIENT:
            return PATIENT
        return f"{INSURANCE} {BILLED if self.billed else UNBILLED}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "payer_id": self.payer_id,
            "patient_account": self.patient_account,
            "date_of_service": None
            if self.date_of_service is None
            else self.date_of_service.isoformat(),
            "part": self.part,
            "bucket": self.bucket,
            "amount": str(self.amount),
        }


@dataclass(frozen=True, slots=True)
class ArFilter:
    """Which claims of the A/R drill-down: ``part`` is "insurance billed", "insurance
    unbilled", "patient", "insurance" (both insurance parts) or "" (all); ``bucket`` one of
    :data:`BUCKET_NAMES` or ""."""

    payer_id: str | None = None
    part: str = ""
    bucket: str = ""

    def __post_init__(self) -> None:
        parts = ("", INSURANCE, PATIENT, f"{INSURANCE} {BILLED}", f"{INSURANCE} {UNBILLED}")
        if self.part not in parts:
            raise ValueError(f"A/R part {self.part!r}: expected one of {', '.join(parts[1:])}")
        if self.bucket and self.bucket not in BUCKET_NAMES:
            raise ValueError(f"aging bucket {self.bucket!r}: expected {', '.join(BUCKET_NAMES)}")


@dataclass(frozen=True, slots=True)
class ArPage:
    """One page of the A/R drill-down, in claim id order; ``next_after`` is the cursor of the
    next page (None on the last)."""

    as_of: date
    rows: tuple[ArClaim, ...]
    next_after: str | None
