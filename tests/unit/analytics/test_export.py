"""CSV export: one file per table, fixed column order, money and ratios as plain decimals."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from claimdesk.analytics.export import (
    EXPLANATION_COLUMNS,
    SUMMARY_COLUMNS,
    cell_csv,
    explanation_csv,
    report_csv_files,
)
from claimdesk.analytics.report import KPI_NAMES, build_report, explain_kpi
from claimdesk.analytics.results import Table
from claimdesk.denials.table import shipped_table
from claimdesk.domain.money import Money

from .test_first_pass import MARCH, practice
from .test_receivables import QUARTER
from .test_receivables import practice as receivables_practice


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_cells_are_plain_decimal_strings() -> None:
    assert cell_csv(Money("1234.5")) == "1234.50"
    assert cell_csv(Money("-3")) == "-3.00"
    assert cell_csv(Decimal("1E+1")) == "10"
    assert cell_csv(Decimal("0.125")) == "0.125"
    assert cell_csv(None) == ""
    assert cell_csv(7) == "7"


def test_report_files_are_the_summary_then_every_table() -> None:
    report = build_report(practice(), MARCH, table=shipped_table())
    extra = Table("monthly_trend", "trend", ("month", "rate"), (("2024-03", Decimal("0.5")),))
    files = report_csv_files(report, [extra])
    assert list(files) == [
        "kpis.csv",
        "denials_by_category.csv",
        "denials_by_carc.csv",
        "denials_by_payer.csv",
        "ar_aging_by_payer.csv",
        "ar_aging_unbilled_by_payer.csv",
        "ar_aging_by_patient.csv",
        "days_to_pay_by_payer.csv",
        "underpayment_recovery.csv",
        "productivity.csv",
        "estimate_accuracy.csv",
        "monthly_trend.csv",
    ]
    summary = rows(files["kpis.csv"])
    assert tuple(summary[0]) == SUMMARY_COLUMNS
    assert [r[0] for r in summary[1:]] == list(KPI_NAMES)
    clean = dict(zip(SUMMARY_COLUMNS, summary[1], strict=True))
    assert Decimal(clean["value"]) == Decimal(4) / Decimal(7)
    assert clean["display"] == "57.1%"
    assert (clean["numerator_claims"], clean["denominator_claims"]) == ("4", "7")
    denials = dict(zip(SUMMARY_COLUMNS, summary[1 + KPI_NAMES.index("denials")], strict=True))
    assert denials["denominator_claims"] == ""  # an amount has no denominator
    by_category = rows(files["denials_by_category.csv"])
    assert by_category[0] == ["key", "claims", "denied", "share", "cumulative"]
    assert sum(Decimal(r[2]) for r in by_category[1:]) == Decimal(denials["value"])
    assert rows(files["monthly_trend.csv"]) == [["month", "rate"], ["2024-03", "0.5"]]


def test_two_tables_of_one_name_are_refused() -> None:
    report = build_report(practice(), MARCH, table=shipped_table())
    twin = Table("productivity", "again", ("a",), ())
    with pytest.raises(ValueError, match="two tables are named 'productivity'"):
        report_csv_files(report, [twin])


def test_explanation_lists_numerator_then_denominator() -> None:
    explanation = explain_kpi(practice(), "initial_denial_rate", MARCH, table=shipped_table())
    found = rows(explanation_csv(explanation))
    assert tuple(found[0]) == EXPLANATION_COLUMNS
    sides = [(r[0], r[1]) for r in found[1:]]
    assert sides == [("numerator", r.claim_id) for r in explanation.numerator] + [
        ("denominator", r.claim_id) for r in explanation.denominator or ()
    ]
    assert found[1][2] == str(explanation.numerator[0].amount)


def test_explanation_of_an_amount_has_no_denominator_rows() -> None:
    explanation = explain_kpi(receivables_practice(), "ar_aging", QUARTER, table=shipped_table())
    found = rows(explanation_csv(explanation))
    assert len(found) == 1 + len(explanation.numerator) > 1
    assert {r[0] for r in found[1:]} == {"numerator"}
    # Aging rows carry their age in days and their bucket.
    assert [(r[3], r[4]) for r in found[1:]] == [
        (str(r.days), r.label) for r in explanation.numerator
    ]
