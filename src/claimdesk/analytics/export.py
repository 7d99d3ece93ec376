"""The Tier 3 report as CSV text: one file per table, columns in a fixed order, no I/O here.

Money and ratios are plain decimal strings ("1234.50", "0.125"): no currency sign, no thousands
separator, no exponent, so a spreadsheet or a script reads exact figures. A missing figure (an
empty denominator) is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from claimdesk.analytics.results import Cell, KpiExplanation, KpiReport, Table
from claimdesk.domain.money import Money

SUMMARY_FILE = "kpis.csv"
SUMMARY_COLUMNS = (
    "name",
    "label",
    "unit",
    "value",
    "display",
    "numerator_claims",
    "numerator_amount",
    "denominator_claims",
    "denominator_amount",
    "empty_reason",
)
EXPLANATION_COLUMNS = ("side", "claim_id", "amount", "days", "detail")


def cell_csv(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_csv(c) for c in row])
    return out.getvalue()


def table_csv(table: Table) -> str:
    return csv_text(table.columns, table.rows)


def summary_table(report: KpiReport) -> Table:
    """One row per KPI, in report order: its value and the size of each side."""
    rows: list[tuple[Cell, ...]] = []
    for kpi in report.kpis:
        numerator, denominator = kpi.numerator_summary(), kpi.denominator_summary()
        rows.append(
            (
                kpi.name,
                kpi.label,
                kpi.unit.value,
                kpi.value,
                kpi.display(),
                numerator.claims,
                numerator.amount,
                None if denominator is None else denominator.claims,
                None if denominator is None else denominator.amount,
                kpi.empty_reason or None,
            )
        )
    return Table(
        "kpis", f"Tier 3 KPIs {report.start} to {report.end}", SUMMARY_COLUMNS, tuple(rows)
    )


def report_csv_files(report: KpiReport, extra: Sequence[Table] = ()) -> dict[str, str]:
    """File name -> CSV text: ``kpis.csv``, then every KPI's tables and ``extra`` by table name."""
    files = {SUMMARY_FILE: table_csv(summary_table(report))}
    for table in [t for kpi in report.kpis for t in kpi.tables] + list(extra):
        name = f"{table.name}.csv"
        if name in files:
            raise ValueError(f"two tables are named {table.name!r}")
        files[name] = table_csv(table)
    return files


def explanation_csv(explanation: KpiExplanation) -> str:
    """The claims behind a KPI: numerator rows, then denominator rows (if it has one)."""
    sides = [("numerator", explanation.numerator)]
    if explanation.denominator is not None:
        sides.append(("denominator", explanation.denominator))
    return csv_text(
        EXPLANATION_COLUMNS,
        ((side, r.claim_id, r.amount, r.days, r.label) for side, rows in sides for r in rows),
    )
