"""KPIs added up across practices: each ratio of the summed sides, worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimdesk.analytics.combined import UncombinableKpiError, combined_kpi, combined_report
from claimdesk.analytics.results import Kpi, KpiReport, Side, Unit
from claimdesk.domain.money import Money


def _kpi(
    name: str,
    unit: Unit,
    value: Decimal | Money | int | None,
    top: tuple[int, str],
    bottom: tuple[int, str] | None,
    reason: str = "",
) -> Kpi:
    return Kpi(
        name=name,
        label=name,
        unit=unit,
        value=value,
        numerator=(),
        denominator=None if bottom is None else (),
        numerator_label="n",
        denominator_label="d",
        empty_reason=reason,
        numerator_side=Side(top[0], Money(top[1]), top[0]),
        denominator_side=None if bottom is None else Side(bottom[0], Money(bottom[1]), bottom[0]),
    )


# (name, unit, practice A (value, numerator, denominator), practice B, expected, why)
CASES = [
    (
        "initial_denial_rate",
        Unit.PERCENT,
        (Decimal("0.1"), (1, "100.00"), (10, "1000.00")),
        (Decimal("0.3"), (30, "3000.00"), (100, "10000.00")),
        Decimal(31) / Decimal(110),
        "1 of 10 and 30 of 100 claims denied: 31 of 110 (28.2%), not the rates' mean 20%",
    ),
    (
        "net_collection_rate",
        Unit.PERCENT,
        (Decimal("0.5"), (1, "50.00"), (1, "100.00")),
        (Decimal("0.99"), (9, "9900.00"), (9, "10000.00")),
        Decimal("9950.00") / Decimal("10100.00"),
        "cash 50 of 100 and 9,900 of 10,000: 9,950 of 10,100 dollars",
    ),
    (
        "patient_collection_rate",
        Unit.PERCENT,
        (Decimal("0.25"), (2, "30.00"), (4, "120.00")),
        (Decimal("0.9"), (6, "270.00"), (5, "300.00")),
        Decimal("300.00") / Decimal("420.00"),
        "patients paid 30 of 120 and 270 of 300: 300 of 420 dollars (71.4%), not the mean 57.5%",
    ),
    (
        "net_days_in_ar",
        Unit.DAYS,
        (Decimal("9"), (5, "900.00"), (20, "9000.00")),
        (Decimal("45"), (5, "500.00"), (20, "1000.00")),
        Decimal("1400.00") * 90 / Decimal("10000.00"),
        "net A/R 900 + 500 over 90 days' revenue 9,000 + 1,000: 12.6 days",
    ),
    (
        "days_to_pay",
        Unit.DAYS,
        (Decimal("10"), (2, "200.00"), (2, "200.00")),
        (Decimal("40"), (8, "800.00"), (8, "800.00")),
        Decimal(2 * 10 + 8 * 40) / Decimal(10),
        "2 claims waiting 10 days and 8 waiting 40: 340 days over 10 claims, 34",
    ),
    (
        "ar_aging",
        Unit.DOLLARS,
        (Money("570.00"), (2, "570.00"), None),
        (Money("595.00"), (2, "595.00"), None),
        Money("1165.00"),
        "amounts add",
    ),
]


@pytest.mark.parametrize(("name", "unit", "a", "b", "expected", "why"), CASES)
def test_a_kpi_across_practices_is_the_ratio_of_its_summed_sides(
    name: str,
    unit: Unit,
    a: tuple[Decimal | Money, tuple[int, str], tuple[int, str] | None],
    b: tuple[Decimal | Money, tuple[int, str], tuple[int, str] | None],
    expected: Decimal | Money,
    why: str,
) -> None:
    combined = combined_kpi([_kpi(name, unit, *a), _kpi(name, unit, *b)])
    assert combined.value == expected, why
    assert combined.numerator_summary().claims == a[1][0] + b[1][0]


def test_an_empty_denominator_everywhere_stays_empty_with_the_reasons() -> None:
    empty = _kpi("initial_denial_rate", Unit.PERCENT, None, (0, "0.00"), (0, "0.00"), "none")
    combined = combined_kpi([empty, empty])
    assert combined.value is None
    assert combined.display() == "n/a (none)"


def test_one_practice_with_claims_gives_the_company_its_rate() -> None:
    empty = _kpi("initial_denial_rate", Unit.PERCENT, None, (0, "0.00"), (0, "0.00"), "none")
    busy = _kpi("initial_denial_rate", Unit.PERCENT, Decimal("0.25"), (1, "1.00"), (4, "4.00"))
    assert combined_kpi([empty, busy]).value == Decimal("0.25")


def test_a_kpi_without_a_rule_is_refused() -> None:
    with pytest.raises(UncombinableKpiError):
        combined_kpi([_kpi("mystery", Unit.PERCENT, Decimal(1), (1, "1.00"), (1, "1.00"))])


def test_the_report_adds_up_kpi_by_kpi_in_order() -> None:
    day = date(2026, 9, 30)
    kpis = [
        _kpi("ar_aging", Unit.DOLLARS, Money("1.00"), (1, "1.00"), None),
        _kpi("productivity", Unit.COUNT, 3, (3, "0.00"), None),
    ]
    reports = {p: KpiReport(day, day, None, tuple(kpis)) for p in ("north", "south")}
    together = combined_report(reports)
    assert [(k.name, k.value) for k in together.kpis] == [
        ("ar_aging", Money("2.00")),
        ("productivity", 6),
    ]
