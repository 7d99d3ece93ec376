"""What a KPI computes: its value and the claims behind its numerator and denominator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from claimdesk.domain.money import Money, total

Cell = str | int | Money | Decimal | None


class Unit(StrEnum):
    """How a value reads: a fraction shown as a percent, a number of days, dollars or a count."""

    PERCENT = "percent"
    DAYS = "days"
    DOLLARS = "dollars"
    COUNT = "count"


@dataclass(frozen=True, slots=True)
class ClaimAmount:
    """One claim's part in a figure. ``claim_id`` is "" for money that belongs to no claim."""

    claim_id: str
    amount: Money
    label: str = ""
    days: int | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"claim_id": self.claim_id, "amount": str(self.amount)}
        if self.label:
            found["label"] = self.label
        if self.days is not None:
            found["days"] = self.days
        return found


@dataclass(frozen=True, slots=True)
class Table:
    """A breakdown shown with a KPI, e.g. A/R aging by payer or the denial Pareto."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [[cell_json(c) for c in row] for row in self.rows],
        }


@dataclass(frozen=True, slots=True)
class Side:
    """What a side of a KPI adds up to: its distinct claims, its amount and its rows. A KPI
    summed by the database carries these instead of its rows (``claimdesk kpi --explain``
    lists the rows). Money on no claim (a copay taken at the desk before the visit's claim,
    a payment left as credit) is in the amount and is a row, but is no claim: a count of
    claims says how many claims there are.

    The period's money (cash, net revenue, patient payments and patient responsibility) is a
    sum of postings: its rows are the postings and its claims are not counted (None), so it
    is summed from the ledger's day balances at any size of practice (``--explain`` lists
    its claims)."""

    claims: int | None
    amount: Money
    rows: int

    @classmethod
    def of(cls, rows: Sequence[ClaimAmount]) -> Side:
        claims = {r.claim_id for r in rows if r.claim_id}
        return cls(len(claims), total(r.amount for r in rows), len(rows))


@dataclass(frozen=True, slots=True)
class Kpi:
    """A figure with its parts. ``value`` is None when the denominator is empty: no fake 0%.

    ``denominator`` is None for a KPI that is an amount or a count rather than a ratio.
    """

    name: str
    label: str
    unit: Unit
    value: Decimal | Money | int | None
    numerator: tuple[ClaimAmount, ...]
    denominator: tuple[ClaimAmount, ...] | None
    numerator_label: str
    denominator_label: str = ""
    empty_reason: str = ""
    tables: tuple[Table, ...] = ()
    # Set when the sides were summed by the database and ``numerator``/``denominator`` are
    # left empty (``denominator`` stays None for a KPI that has no denominator).
    numerator_side: Side | None = None
    denominator_side: Side | None = None

    def display(self) -> str:
        return display(self.value, self.unit, self.empty_reason)

    def numerator_summary(self) -> Side:
        return self.numerator_side or Side.of(self.numerator)

    def denominator_summary(self) -> Side | None:
        if self.denominator_side is not None:
            return self.denominator_side
        return None if self.denominator is None else Side.of(self.denominator)

    def as_dict(self) -> dict[str, Any]:
        numerator, denominator = self.numerator_summary(), self.denominator_summary()
        return {
            "name": self.name,
            "label": self.label,
            "unit": self.unit.value,
            "value": cell_json(self.value),
            "display": self.display(),
            "numerator": {
                "label": self.numerator_label,
                "claims": numerator.claims,
                "amount": str(numerator.amount),
            },
            "denominator": None
            if denominator is None
            else {
                "label": self.denominator_label,
                "claims": denominator.claims,
                "amount": str(denominator.amount),
            },
            "empty_reason": self.empty_reason or None,
            "tables": [t.as_dict() for t in self.tables],
        }


@dataclass(frozen=True, slots=True)
class KpiExplanation:
    name: str
    label: str
    start: date
    end: date
    payer_id: str | None
    numerator_label: str
    numerator: tuple[ClaimAmount, ...]
    denominator_label: str
    denominator: tuple[ClaimAmount, ...] | None
    display: str

    def as_dict(self, page: int = 1, page_size: int | None = None) -> dict[str, Any]:
        """The explanation; with ``page_size``, each side lists only page ``page`` of its rows
        (its total and count stay those of every row)."""

        def side(label: str, rows: tuple[ClaimAmount, ...]) -> dict[str, Any]:
            size = page_size or max(1, len(rows))
            pages = max(1, -(-len(rows) // size))
            shown = rows[(page - 1) * size : page * size]
            return {
                "label": label,
                "total": str(total(r.amount for r in rows)),
                "count": len(rows),
                "page": page,
                "pages": pages,
                "claims": [r.as_dict() for r in shown],
            }

        return {
            "name": self.name,
            "label": self.label,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "payer_id": self.payer_id,
            "value": self.display,
            "numerator": side(self.numerator_label, self.numerator),
            "denominator": None
            if self.denominator is None
            else side(self.denominator_label, self.denominator),
        }


@dataclass(frozen=True, slots=True)
class KpiReport:
    start: date
    end: date
    payer_id: str | None
    kpis: tuple[Kpi, ...] = field(default_factory=tuple)
    provider_npi: str | None = None
    facility_id: str | None = None

    def get(self, name: str) -> Kpi:
        for kpi in self.kpis:
            if kpi.name == name:
                return kpi
        raise KeyError(f"no KPI named {name!r}; known: {', '.join(k.name for k in self.kpis)}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "payer_id": self.payer_id,
            "provider_npi": self.provider_npi,
            "facility_id": self.facility_id,
            "kpis": [k.as_dict() for k in self.kpis],
        }


def count_ratio(numerator: Sequence[ClaimAmount], denominator: Sequence[ClaimAmount]) -> Decimal:
    """Distinct claims over distinct claims; the caller checks the denominator is not empty."""
    return Decimal(len({r.claim_id for r in numerator})) / Decimal(
        len({r.claim_id for r in denominator})
    )


def dollar_ratio(numerator: Money, denominator: Money) -> Decimal:
    return numerator.amount / denominator.amount


def display(value: Decimal | Money | int | None, unit: Unit, empty_reason: str = "") -> str:
    if value is None:
        return f"n/a ({empty_reason})" if empty_reason else "n/a"
    if unit is Unit.PERCENT and isinstance(value, Decimal):
        return f"{(value * 100).quantize(Decimal('0.1'))}%"
    if unit is Unit.DAYS and isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.1'))} days"
    if isinstance(value, Money):
        return f"${value}"
    return str(value)


def cell_json(value: Cell) -> str | int | None:
    if value is None or isinstance(value, int | str):
        return value
    return str(value)
