"""``claimdesk kpi``: the Tier 3 figures over a period, and the claims behind any one of them."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.table import Table as RichTable

from claimdesk.analytics.combined import combined_report
from claimdesk.analytics.export import explanation_csv, report_csv_files
from claimdesk.analytics.prevention import RecurringDenial
from claimdesk.analytics.report import KPI_NAMES, UnknownKpiError
from claimdesk.analytics.results import Cell, KpiExplanation, KpiReport, Side, Table, Unit, display
from claimdesk.bootstrap import Composition, composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    across_practices,
    app,
    console,
    day_of,
    emit_json,
    err_console,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor
from claimdesk.config import Settings
from claimdesk.desk.desk import Desk
from claimdesk.desk.guard import Actor
from claimdesk.domain.clock import practice_today
from claimdesk.scrub.config import ScrubConfigError
from claimdesk.services.dashboard import period
from claimdesk.services.kpis import MonthKpis, Tier3Report, explain, kpi_report, tier3_report
from claimdesk.services.practice import profile_of

TABLE_ROWS = 20  # a practice has thousands of patients: the terminal shows the largest rows

FromOption = Annotated[
    str | None, typer.Option("--from", help="First day (YYYY-MM-DD); default a year to --to.")
]
ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        "--as-of",
        help="Last day, and the day every A/R figure is as of (YYYY-MM-DD); default today.",
    ),
]
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

CsvOption = Annotated[
    Path | None,
    typer.Option(
        "--csv",
        help="Write CSV: one file per table into this folder; with --explain, this one file.",
        metavar="PATH",
    ),
]
ChartsOption = Annotated[
    Path | None,
    typer.Option(
        "--charts",
        help="Write SVG charts (denial rate and A/R days trends, denial Pareto, aging) here.",
        metavar="DIR",
    ),
]
RecurringOption = Annotated[
    int | None,
    typer.Option(
        "--recurring",
        min=1,
        help="A denial category recurs at this many denied claims (default: prevention.toml).",
        metavar="N",
    ),
]


def _day(text: str | None, option: str, default: date) -> date:
    return day_of(text, option) or default


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


def _side(side: Side | None) -> str:
    return "-" if side is None else str(side.rows)


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
            _side(kpi.numerator_summary()),
            _side(kpi.denominator_summary()),
        )
    out.print(summary)
    for kpi in report.kpis:
        for table in kpi.tables:
            print_table(table, out)


def print_trend(trend: tuple[MonthKpis, ...], out: Console = console) -> None:
    shown = RichTable(title="trend by month")
    for column in ("month", "adjudicated", "denied", "initial denial rate", "net days in A/R"):
        shown.add_column(column, justify="left" if column == "month" else "right")
    for m in trend:
        denial = m.initial_denial_rate
        shown.add_row(
            m.month,
            str(m.as_dict()["adjudicated_claims"]),
            str(denial.numerator_summary().claims),
            # The reason for an n/a is in --json; here it would drown the figures.
            display(denial.value, denial.unit),
            display(m.net_days_in_ar, Unit.DAYS),
        )
    out.print(shown)


def print_prevention(
    found: tuple[RecurringDenial, ...], min_claims: int, out: Console = console
) -> None:
    """Each recurring denial category with the rules that would have caught it."""
    title = f"denial-to-prevention: categories with at least {min_claims} denied claims"
    if not found:
        out.print(f"{title}: none in the period")
        return
    shown = RichTable(title=title)
    for column in ("category", "claims", "denied", "would save", "front-end rule", "status"):
        shown.add_column(column, justify="right" if column in {"claims", "denied"} else "left")
    for r in found:
        head = (r.label, str(len(r.claims)), str(r.denied))
        for index, c in enumerate(r.rules):
            shown.add_row(
                *(head if index == 0 else ("", "", "")),
                str(c.would_save),
                f"{c.rule.code} {c.rule.name} ({c.rule.severity})",
                c.status,
            )
        if not r.rules:
            shown.add_row(*head, "0.00", "none", "")
    out.print(shown)
    for r in found:
        for note in r.notes:
            out.print(f"{r.label}: {note}")


def _write(files: Mapping[str, str], folder: Path) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files.items():
            path = folder / name
            path.write_bytes(text.encode("utf-8"))
            written.append(path)
    except OSError as exc:
        raise fail(f"{exc.filename or folder}: cannot write: {exc.strerror}") from None
    return written


def _tell(paths: list[Path], what: str, as_json: bool) -> None:
    # With --json stdout holds only the JSON document.
    out = err_console if as_json else console
    for path in paths:
        out.print(f"wrote {what} {path}", soft_wrap=True, highlight=False)


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


def page_explanation(explanation: KpiExplanation, *, interactive: bool) -> None:
    """The explanation in the terminal's pager when ``interactive`` (standard output is a
    terminal: it lists every claim behind the KPI, which can be thousands of rows); printed
    straight otherwise, for pipes and scripts."""
    if not interactive:
        print_explanation(explanation)
        return
    shown = Console(file=io.StringIO(), record=True, width=console.width, force_terminal=True)
    print_explanation(explanation, shown)
    click.echo_via_pager(shown.export_text(styles=True))


@app.command("kpi")
def kpi(
    ctx: typer.Context,
    start_text: FromOption = None,
    end_text: ToOption = None,
    payer: PayerOption = None,
    provider: ProviderOption = None,
    facility: FacilityOption = None,
    explain_name: ExplainOption = None,
    csv_path: CsvOption = None,
    charts_dir: ChartsOption = None,
    recurring: RecurringOption = None,
    as_json: JsonOption = False,
) -> None:
    """Tier 3 KPIs (HFMA/MGMA definitions), each traceable to the claims behind it.

    With the monthly trend and the denial-to-prevention loop; CSV files and SVG charts on request.
    With ``--practice all``, each practice's KPIs and the company's, added up.
    """
    every = across_practices(ctx)
    if every == []:
        raise fail("--practice all: you may work no practice")
    if every is not None:
        if explain_name is not None or csv_path is not None or charts_dir is not None:
            raise fail(
                "--practice all adds the practices' KPIs up; --explain, --csv and --charts "
                "work on one practice (--practice ID)"
            )
        scope = (payer, provider, facility)
        kpi_across(ctx, every, (start_text, end_text), scope, as_json=as_json)
        return
    settings = settings_of(ctx)
    ready(settings)
    # One composition for the whole command: the practice's today, then the report.
    with composed(settings) as parts:
        today = practice_today(parts.clock(), profile_of(parts.uow_factory).time_zone)
        # No dates: the web dashboard's period (the year ending today), so both show one A/R.
        first, last = period(today)
        end = _day(end_text, "--to", last)
        start = _day(start_text, "--from", end - (last - first))
        if end < start:
            raise fail(f"--from {start} is after --to {end}")
        if explain_name is not None and charts_dir is not None:
            raise fail("--charts draws the whole report; leave out --explain")
        if explain_name is not None:

            def claims_behind() -> KpiExplanation:
                with parts.uow_factory() as uow:
                    return explain(
                        uow,
                        explain_name,
                        start=start,
                        end=end,
                        payer_id=payer,
                        provider_npi=provider,
                        facility_id=facility,
                        table=parts.denials,
                    )

            try:
                explanation = as_actor(
                    ctx,
                    parts.desk,
                    "kpi",
                    lambda desk, actor: desk.list_claims_behind(
                        actor,
                        explain_name,
                        claims_behind,
                        lambda shown: f"{len(shown.numerator)} claims in the numerator",
                    ),
                    refused=EXIT_INPUT_PROBLEMS,
                )
            except UnknownKpiError as exc:
                raise fail(f"--explain: {exc}") from None
            if as_json:
                emit_json(explanation.as_dict())
            else:
                page_explanation(explanation, interactive=sys.stdout.isatty())
            if csv_path is not None:
                target = csv_path / f"{explanation.name}.csv" if csv_path.is_dir() else csv_path
                _tell(
                    _write({target.name: explanation_csv(explanation)}, target.parent),
                    "CSV",
                    as_json,
                )
            return
        try:
            scrub_config = parts.scrub_config
        except ScrubConfigError as exc:
            raise fail(str(exc)) from None

        def report() -> Tier3Report:
            with parts.uow_factory() as uow:
                return tier3_report(
                    uow,
                    start=start,
                    end=end,
                    scrub_config=scrub_config,
                    payer_id=payer,
                    provider_npi=provider,
                    facility_id=facility,
                    min_claims=recurring,
                    plan=parts.rules.prevention,
                    table=parts.denials,
                )

        tier3 = as_actor(
            ctx,
            parts.desk,
            "kpi",
            lambda desk, actor: desk.read_figures(
                actor,
                f"kpis {start} to {end}",
                report,
                lambda shown: f"{len(shown.report.kpis)} KPIs",
            ),
            refused=EXIT_INPUT_PROBLEMS,
        )
        if as_json:
            emit_json(tier3.as_dict())
        else:
            print_tier3(tier3)
        if csv_path is not None:
            files = report_csv_files(tier3.report, tier3.tables())
            _tell(_write(files, csv_path), "CSV", as_json)
        if charts_dir is not None:
            _tell(_write(tier3.charts(), charts_dir), "SVG chart", as_json)


def print_tier3(tier3: Tier3Report, out: Console = console) -> None:
    """The KPI report, the monthly trend and the denial-to-prevention loop."""
    print_kpi_report(tier3.report, out)
    print_trend(tier3.trend, out)
    print_prevention(tier3.prevention, tier3.min_claims, out)


def kpi_across(
    ctx: typer.Context,
    practices: list[Settings],
    dates: tuple[str | None, str | None],
    scope: tuple[str | None, str | None, str | None],
    *,
    as_json: bool,
) -> None:
    """``kpi --practice all``: one period for every practice (default: the year ending the
    latest practice's today), each practice's report read through its own desk, and the
    company's figures from their summed sides."""
    for settings in practices:
        ready(settings)
    todays = []
    for settings in practices:
        with composed(settings) as parts:
            todays.append(practice_today(parts.clock(), profile_of(parts.uow_factory).time_zone))
    first, last = period(max(todays))
    end = _day(dates[1], "--to", last)
    start = _day(dates[0], "--from", end - (last - first))
    if end < start:
        raise fail(f"--from {start} is after --to {end}")
    payer, provider, facility = scope
    reports: dict[str, KpiReport] = {}
    for settings in practices:
        with composed(settings) as parts:

            def report(parts: Composition = parts) -> KpiReport:
                with parts.uow_factory() as uow:
                    return kpi_report(
                        uow,
                        start=start,
                        end=end,
                        payer_id=payer,
                        provider_npi=provider,
                        facility_id=facility,
                        table=parts.denials,
                    )

            def read(
                desk: Desk, actor: Actor, report: Callable[[], KpiReport] = report
            ) -> KpiReport:
                return desk.read_figures(
                    actor, f"kpis {start} to {end}", report, lambda shown: f"{len(shown.kpis)} KPIs"
                )

            reports[settings.practice_id] = as_actor(
                ctx, parts.desk, "kpi", read, refused=EXIT_INPUT_PROBLEMS
            )
    company = combined_report(reports)
    if as_json:
        emit_json(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "practices": {p: r.as_dict() for p, r in reports.items()},
                "all": company.as_dict(),
            }
        )
        return
    shown = RichTable(title=f"KPIs {start} to {end}, by practice and added up")
    shown.add_column("KPI")
    for column in (*reports, "all"):
        shown.add_column(column, justify="right")
    for k in company.kpis:
        shown.add_row(
            k.label,
            *(display(r.get(k.name).value, k.unit) for r in reports.values()),
            display(k.value, k.unit),
        )
    console.print(shown)
