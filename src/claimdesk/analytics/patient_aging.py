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
from claimdesk.analytics.receivables import bucket_of
from claimdesk.analytics.results import Table
from claimdesk.domain.money import Money, total


@dataclass(frozen=True, slots=True)
class AgedBalance:
    patient_account: str
    guarantor_account: str  # the patient's own account when the patient has no guarantor
    since: date
    amount: Money


Row = tuple[str, dict[str, Money], Money]


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

    @property
    def total(self) -> Money:
        return total(b.amount for b in self.balances)

    def as_dict(self) -> dict[str, Any]:
        def table(rows: list[Row]) -> list[dict[str, Any]]:
            return [
                {"account": key, "buckets": {n: str(m) for n, m in b.items()}, "total": str(t)}
                for key, b, t in rows
            ]

        return {
            "as_of": self.as_of.isoformat(),
            "total": str(self.total),
            "by_bucket": {n: str(m) for n, m in self.by_bucket().items()},
            "by_account": table(self.by_account()),
            "by_guarantor": table(self.by_guarantor()),
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


def aging_tables(aging: PatientAging) -> tuple[Table, Table]:
    """The aging as the KPI report's tables: by patient account and by guarantor."""
    columns = ("key", *BUCKET_NAMES, "total")

    def table(name: str, title: str, rows: list[Row]) -> Table:
        return Table(
            name,
            title,
            columns,
            tuple((key, *(b[n] for n in BUCKET_NAMES), t) for key, b, t in rows),
        )

    return (
        table("patient_ar_aging_by_account", "Patient A/R aging by patient", aging.by_account()),
        table(
            "patient_ar_aging_by_guarantor", "Patient A/R aging by guarantor", aging.by_guarantor()
        ),
    )
