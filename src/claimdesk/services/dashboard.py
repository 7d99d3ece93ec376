"""Tier 3 figures: denial trend by month, denials Pareto by category and CARC, A/R aging by payer.

Every figure keeps the claims behind it, so the desk can link each number to its list.
Denials come from the posted claim payments (CAS of each 835 claim payment, classified by the
denial category table); aging from the ledger's insurance receivable per claim, aged from the
date of service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from claimdesk.denials.table import CategoryTable, shipped_table
from claimdesk.domain.money import Money
from claimdesk.store.uow import UnitOfWork
from claimdesk.store.web_repository import DeniedPayment

UowFactory = Callable[[], UnitOfWork]
# (label, first day, last day or None for open-ended) of the aging buckets.
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("120+", 121, None),
)


@dataclass(slots=True)
class Figure:
    """One number on the dashboard: a count of claims, an amount, and the claims behind it."""

    key: str
    label: str
    amount: Money = field(default_factory=Money.zero)
    claims: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.claims)

    def add(self, claim_id: str, amount: Money) -> None:
        self.amount += amount
        self.claims.add(claim_id)


@dataclass(frozen=True, slots=True)
class AgingRow:
    payer_id: str
    payer_name: str
    buckets: tuple[Figure, ...]  # in AGING_BUCKETS order
    total: Figure


@dataclass(frozen=True, slots=True)
class Figures:
    as_of: date
    denial_trend: tuple[Figure, ...]  # by month, oldest first
    by_category: tuple[Figure, ...]  # Pareto: largest amount first
    by_carc: tuple[Figure, ...]
    aging: tuple[AgingRow, ...]
    aging_total: tuple[Figure, ...]

    def find(self, chart: str, key: str) -> Figure | None:
        """The figure a dashboard link names (``chart`` and ``key`` from the link)."""
        groups: dict[str, tuple[Figure, ...]] = {
            "trend": self.denial_trend,
            "category": self.by_category,
            "carc": self.by_carc,
            "aging": tuple(f for row in self.aging for f in (*row.buckets, row.total))
            + self.aging_total,
        }
        return next((f for f in groups.get(chart, ()) if f.key == key), None)


def bucket_of(days: int) -> int:
    for index, (_label, first, last) in enumerate(AGING_BUCKETS):
        if days >= first and (last is None or days <= last):
            return index
    return 0  # a date of service after ``as_of`` counts as new


def _denials(
    payments: list[DeniedPayment], table: CategoryTable
) -> tuple[list[Figure], list[Figure], list[Figure]]:
    months: dict[str, Figure] = {}
    categories: dict[str, Figure] = {}
    carcs: dict[str, Figure] = {}
    for payment in payments:
        month = f"{payment.day:%Y-%m}"
        months.setdefault(month, Figure(month, month)).add(payment.claim_id, payment.denied)
        adjustments = [
            *payment.adjudication.get("adjustments", []),
            *(a for line in payment.adjudication.get("lines", []) for a in line["adjustments"]),
        ]
        for group, carc, amount in adjustments:
            found = table.classify(group, carc)
            if not found.is_denial:
                continue
            money = Money(amount)
            name = found.category.name
            categories.setdefault(name, Figure(name, found.category.label)).add(
                payment.claim_id, money
            )
            code = found.code
            carcs.setdefault(code, Figure(code, code)).add(payment.claim_id, money)

    def pareto(figures: dict[str, Figure]) -> list[Figure]:
        return sorted(figures.values(), key=lambda f: (-f.amount.amount, f.key))

    return [months[m] for m in sorted(months)], pareto(categories), pareto(carcs)


def figures(uow_factory: UowFactory, *, as_of: date, table: CategoryTable | None = None) -> Figures:
    with uow_factory() as uow:
        payments = uow.web.denied_payments()
        balances = uow.web.insurance_balances()
    trend, by_category, by_carc = _denials(payments, table or shipped_table())
    rows: dict[str, AgingRow] = {}
    totals = tuple(Figure(f"all:{label}", label) for label, _, _ in AGING_BUCKETS)
    for balance in balances:
        row = rows.get(balance.payer_id)
        if row is None:
            row = AgingRow(
                balance.payer_id,
                balance.payer_name,
                tuple(Figure(f"{balance.payer_id}:{lb}", lb) for lb, _, _ in AGING_BUCKETS),
                Figure(f"{balance.payer_id}:all", "total"),
            )
            rows[balance.payer_id] = row
        index = bucket_of((as_of - balance.date_of_service).days)
        row.buckets[index].add(balance.claim_id, balance.owed)
        row.total.add(balance.claim_id, balance.owed)
        totals[index].add(balance.claim_id, balance.owed)
    return Figures(
        as_of=as_of,
        denial_trend=tuple(trend),
        by_category=tuple(by_category),
        by_carc=tuple(by_carc),
        aging=tuple(rows[p] for p in sorted(rows)),
        aging_total=totals,
    )
