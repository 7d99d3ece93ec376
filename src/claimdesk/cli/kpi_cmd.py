"""``claimdesk kpi``: the Tier 3 figures over a period, and the claims behind any one of them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from claimdesk.analytics.report import KPI_NAMES, UnknownKpiError
from claimdesk.analytics.results import Cell, KpiExplanation, KpiReport, Table
from claimdesk.cli.app import JsonOption, app, console, emit_json, fail, settings_of
from claimdesk.services.database import units_of_work
from claimdesk.services.kpis import explain, kpi_report
from claimdesk.services.setup import set_up

DEFAULT_DAYS = 90
TABLE_ROWS = 20  # a practice has thousands of patients: the terminal shows the largest rows

FromOption = Annotated[
    str | None, typer.Option("--from", help="First day (YYYY-MM-DD); default 90 days to --to.")
]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD); default today.")]
PayerOption = Annotated[str | None, typer.Option("--payer", help="Only this payer's claims.")]
ProviderOption = Annotated[
    str | None, typer.Option("--provider", help="Only claims of this rendering NPI.")
]
FacilityOption = Annotated[str | None, typer.Option("--facility", help="Only this facility.")]
ExplainOption = Annotated[
    str | None,
    typer.Option(
        "--explain", help=f"List the claims behind one KPI: {', '.join(KPI_NAMES)}.", metavar="NAME"
    ),
]


def _day(text: str | None, option: str, default: date) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} {text!r}: not a date; write it as YYYY-MM-DD") from None


def cell_text(value: Cell) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return str(value)


def _percent_columns(table: Table) -> set[int]:
    return {i for i, c in enumerate(table.columns) if c in {"share", "cumulative", "recovery rate"}}


def print_table(table: Table, out: Console) -> None:
    shown = RichTable(title=table.title)
    for column in table.columns:
        shown.add_column(
            column, justify="left" if column in {"key", "payer", "person"} else "right"
        )
    percents = _percent_columns(table)
    for row in table.rows[:TABLE_ROWS]:
        shown.add_row(
            *(
                f"{(c * 100).quantize(Decimal('0.1'))}%"
                if i in percents and isinstance(c, Decimal)
                else cell_text(c)
                for i, c in enumerate(row)
            )
        )
    out.print(shown)
    if len(table.rows) > TABLE_ROWS:
        out.print(f"({len(table.rows) - TABLE_ROWS} more rows in --json)")


def _side(rows: tuple[object, ...] | None) -> str:
    return "-" if rows is None else str(len(rows))


def print_kpi_report(report: KpiReport, out: Console = console) -> None:
    """The Tier 3 report as rich tables (the cycle's closing report prints this too)."""
    scope = ", ".join(
        f"{name} {value}"
        for name, value in (
            ("payer", report.payer_id),
            ("provider", report.provider_npi),
            ("facility", report.facility_id),
        )
        if value
    )
    title = f"Tier 3 KPIs {report.start} to {report.end}" + (f" ({scope})" if scope else "")
    summary = RichTable(title=title)
    for column in ("KPI", "value", "numerator rows", "denominator rows"):
        summary.add_column(column, justify="left" if column == "KPI" else "right")
    for kpi in report.kpis:
        summary.add_row(
            f"{kpi.label} [dim]({kpi.name})[/dim]",
            kpi.display(),
            _side(kpi.numerator),
            _side(kpi.denominator),
        )
    out.print(summary)
    for kpi in report.kpis:
        for table in kpi.tables:
            print_table(table, out)


def print_explanation(explanation: KpiExplanation, out: Console = console) -> None:
    out.print(
        f"[bold]{explanation.label}[/bold] {explanation.start} to {explanation.end}: "
        f"{explanation.display}"
    )
    sides = [("numerator", explanation.numerator_label, explanation.numerator)]
    if explanation.denominator is not None:
        sides.append(("denominator", explanation.denominator_label, explanation.denominator))
    for side, label, rows in sides:
        shown = RichTable(title=f"{side}: {label} ({len(rows)} rows)")
        for column in ("claim", "amount", "days", "detail"):
            shown.add_column(column, justify="right" if column in {"amount", "days"} else "left")
        for r in rows:
            shown.add_row(
                r.claim_id or "(no claim)",
                str(r.amount),
                "" if r.days is None else str(r.days),
                r.label,
            )
        out.print(shown)
        if not rows:
            out.print(f"the {side} is empty")


@app.command("kpi")
def kpi(
    ctx: typer.Context,
    start_text: FromOption = None,
    end_text: ToOption = None,
    payer: PayerOption = None,
    provider: ProviderOption = None,
    facility: FacilityOption = None,
    explain_name: ExplainOption = None,
    as_json: JsonOption = False,
) -> None:
    """Tier 3 KPIs (HFMA/MGMA definitions), each traceable to the claims behind it."""
    end = _day(end_text, "--to", datetime.now(UTC).date())
    start = _day(start_text, "--from", end - timedelta(days=DEFAULT_DAYS - 1))
    if end < start:
        raise fail(f"--from {start} is after --to {end}")
    settings = settings_of(ctx)
    set_up(settings)
    with units_of_work(settings) as factory, factory() as uow:
        if explain_name is None:
            report = kpi_report(
                uow,
                start=start,
                end=end,
                payer_id=payer,
                provider_npi=provider,
                facility_id=facility,
            )
            if as_json:
                emit_json(report.as_dict())
            else:
                print_kpi_report(report)
            return
        try:
            explanation = explain(
                uow,
                explain_name,
                start=start,
                end=end,
                payer_id=payer,
                provider_npi=provider,
                facility_id=facility,
            )
        except UnknownKpiError as exc:
            raise fail(f"--explain: {exc}") from None
    if as_json:
        emit_json(explanation.as_dict())
    else:
        print_explanation(explanation)
