"""Patient A/R aging: what patients owe, by patient account and by guarantor, in the aging
buckets of insurance A/R (0-30, 31-60, 61-90, 91-120, 120+).

Insurance A/R ages from the date of service; a patient balance ages from the day it became the
patient's (the 835 moved it to them, or, for money on no visit, the day it was posted): that is
when the patient could first be billed for it. Every balance is in exactly one bucket, so the
buckets add up to the ledger's patient A/R (``books verify``, BOOKS013).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from claimdesk.analytics.position import BUCKET_NAMES
from claimdesk.analytics.receivables import bucket_of, largest
from claimdesk.analytics.results import Cell, Table
from claimdesk.domain.money import Money, total


@dataclass(frozen=True, slots=True)
class AgedBalance:
    patient_account: str
    guarantor_account: str  # the patient's own account when the patient has no guarantor
    since: date
    amount: Money


Row = tuple[str, dict[str, Money], Money]
# How many patients and guarantors the summary, the dashboard and the KPI report list by name:
# the largest balances; the whole list is the A/R drill-down's (paginated, CSV).
LARGEST = 20


def _rows(balances: Iterable[tuple[str, str, Money]]) -> list[Row]:
    found: dict[str, dict[str, Money]] = {}
    for key, bucket, amount in balances:
        buckets = found.setdefault(key, {name: Money.zero() for name in BUCKET_NAMES})
        buckets[bucket] += amount
    return [(key, b, total(b.values())) for key, b in sorted(found.items())]


@dataclass(frozen=True, slots=True)
class PatientAging:
    as_of: date
    balances: tuple[AgedBalance, ...]

    def _bucketed(self, by_guarantor: bool) -> list[tuple[str, str, Money]]:
        return [
            (
                b.guarantor_account if by_guarantor else b.patient_account,
                bucket_of((self.as_of - b.since).days),
                b.amount,
            )
            for b in self.balances
        ]

    def by_account(self) -> list[Row]:
        return _rows(self._bucketed(by_guarantor=False))

    def by_guarantor(self) -> list[Row]:
        return _rows(self._bucketed(by_guarantor=True))

    def by_bucket(self) -> dict[str, Money]:
        found = {name: Money.zero() for name in BUCKET_NAMES}
        for _key, bucket, amount in self._bucketed(by_guarantor=False):
            found[bucket] += amount
        return found

    def summary(self, largest: int = LARGEST) -> PatientAgingSummary:
        """The buckets, and the ``largest`` balances by patient and by guarantor."""
        accounts, guarantors = self.by_account(), self.by_guarantor()
        return PatientAgingSummary(
            as_of=self.as_of,
            by_bucket=self.by_bucket(),
            accounts=len(accounts),
            guarantors=len(guarantors),
            largest_accounts=largest_of(accounts, largest),
            largest_guarantors=largest_of(guarantors, largest),
        )

    @property
    def total(self) -> Money:
        return total(b.amount for b in self.balances)


def largest_of(rows: Iterable[Row], count: int) -> tuple[Row, ...]:
    """The ``count`` rows with the largest totals (``receivables.largest``'s order)."""
    ranked = largest({key: buckets for key, buckets, _total in rows}, count)
    return tuple((key, buckets, total(buckets.values())) for key, buckets in ranked.items())


@dataclass(frozen=True, slots=True)
class PatientAgingSummary:
    """Patient A/R by aging bucket, and the largest balances by patient and by guarantor, out
    of how many: what a page or a report shows of :class:`PatientAging` (the same figures,
    summed by the database at scale)."""

    as_of: date
    by_bucket: dict[str, Money]
    accounts: int  # patient accounts with an open balance
    guarantors: int
    largest_accounts: tuple[Row, ...]
    largest_guarantors: tuple[Row, ...]

    @property
    def total(self) -> Money:
        return total(self.by_bucket.values())

    def as_dict(self) -> dict[str, Any]:
        def table(rows: Iterable[Row]) -> list[dict[str, Any]]:
            return [
                {"account": key, "buckets": {n: str(m) for n, m in b.items()}, "total": str(t)}
                for key, b, t in rows
            ]

        return {
            "as_of": self.as_of.isoformat(),
            "total": str(self.total),
            "by_bucket": {n: str(m) for n, m in self.by_bucket.items()},
            "accounts": self.accounts,
            "guarantors": self.guarantors,
            "by_account": table(self.largest_accounts),
            "by_guarantor": table(self.largest_guarantors),
        }


def patient_aging(
    as_of: date, balances: Iterable[tuple[str, date, Money]], guarantor_of: Mapping[str, str]
) -> PatientAging:
    """The aging of ``balances`` (patient account, day it became the patient's, amount)."""
    return PatientAging(
        as_of,
        tuple(
            AgedBalance(patient, guarantor_of.get(patient, patient), since, amount)
            for patient, since, amount in balances
        ),
    )


def aging_tables(aging: PatientAgingSummary) -> tuple[Table, Table]:
    """The aging as the KPI report's tables: the largest balances by patient account and by
    guarantor, each closed by the whole patient A/R by bucket."""
    columns = ("key", *BUCKET_NAMES, "total")

    def line(key: str, buckets: dict[str, Money], amount: Money) -> tuple[Cell, ...]:
        return (key, *(buckets[n] for n in BUCKET_NAMES), amount)

    whole = line("patient A/R", aging.by_bucket, aging.total)

    def table(name: str, title: str, rows: tuple[Row, ...]) -> Table:
        return Table(name, title, columns, (*(line(*row) for row in rows), whole))

    return (
        table(
            "patient_ar_aging_by_account",
            f"Patient A/R aging: the {len(aging.largest_accounts)} largest of "
            f"{aging.accounts} patients",
            aging.largest_accounts,
        ),
        table(
            "patient_ar_aging_by_guarantor",
            f"Patient A/R aging: the {len(aging.largest_guarantors)} largest of "
            f"{aging.guarantors} guarantors",
            aging.largest_guarantors,
        ),
    )
