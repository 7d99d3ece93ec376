"""Tier 3 KPIs from the store: load the facts in a few set-based queries, compute them purely.

Faces (the ``kpi`` command, the cycle's closing report, the web dashboard) call
:func:`kpi_report` and :func:`explain` inside a unit of work; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from claimdesk.analytics import first_pass, receivables
from claimdesk.analytics.charts import kpi_point, report_charts
from claimdesk.analytics.denials import denial_lines
from claimdesk.analytics.facts import (
    Facts,
    Period,
    Scope,
    scoped,
)
from claimdesk.analytics.first_pass import first_pass_kpis
from claimdesk.analytics.operations import days_to_pay_kpi
from claimdesk.analytics.prevention import (
    PreventionMap,
    RecurringDenial,
    RuleRef,
    prevention_table,
    recurring_denials,
)
from claimdesk.analytics.report import build_report, explain_kpi
from claimdesk.analytics.results import Cell, Kpi, KpiExplanation, KpiReport, Table
from claimdesk.denials.table import CategoryTable
from claimdesk.domain.money import total
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.engine import Scrubber
from claimdesk.store.queries.kpi_facts import kpi_facts
from claimdesk.store.queries.kpi_rollups import days_to_pay_by_payer, first_pass_sides
from claimdesk.store.uow import UnitOfWork


def kpi_report(
    uow: UnitOfWork,
    *,
    start: date,
    end: date,
    payer_id: str | None = None,
    provider_npi: str | None = None,
    facility_id: str | None = None,
    table: CategoryTable,
) -> KpiReport:
    """Every KPI over ``start``..``end`` (both included) for the claims of the scope."""
    period = Period(start, end)
    return build_report(
        kpi_facts(uow.read, end=end),
        period,
        Scope(payer_id, provider_npi, facility_id),
        table=table,
    )


def first_pass_figures(
    uow: UnitOfWork,
    *,
    start: date,
    end: date,
    payer_id: str | None = None,
    provider_npi: str | None = None,
    facility_id: str | None = None,
) -> tuple[Kpi, ...]:
    """Clean claim rate, first-pass resolution rate, the initial denial rates (claims and
    dollars) and days to pay of ``start``..``end``, summed by the database over the per-claim
    rollups: the figures :func:`kpi_report` computes from the claims' rows, at the cost of the
    claims in the period."""
    period, scope = Period(start, end), Scope(payer_id, provider_npi, facility_id)
    sides = first_pass_sides(uow.read, period, scope)
    return (
        *first_pass_kpis(sides),
        days_to_pay_kpi(days_to_pay_by_payer(uow.read, period, scope)),
    )


def explain(
    uow: UnitOfWork,
    name: str,
    *,
    start: date,
    end: date,
    payer_id: str | None = None,
    provider_npi: str | None = None,
    facility_id: str | None = None,
    table: CategoryTable,
) -> KpiExplanation:
    """The claims (with amounts) behind the numerator and denominator of KPI ``name``.

    Raises :class:`claimdesk.analytics.report.UnknownKpiError` for a name that is no KPI.
    """
    period = Period(start, end)
    return explain_kpi(
        kpi_facts(uow.read, end=end),
        name,
        period,
        Scope(payer_id, provider_npi, facility_id),
        table=table,
    )


@dataclass(frozen=True, slots=True)
class MonthKpis:
    """The trend figures of one calendar month (clipped to the report's period)."""

    month: str  # YYYY-MM
    start: date
    end: date
    initial_denial_rate: Kpi
    net_days_in_ar: Kpi  # at the month's last day (or the period's, if earlier)

    def as_dict(self) -> dict[str, Any]:
        denial, days = self.initial_denial_rate, self.net_days_in_ar
        return {
            "month": self.month,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "initial_denial_rate": None if denial.value is None else str(denial.value),
            "initial_denial_rate_display": denial.display(),
            "denied_claims": len({r.claim_id for r in denial.numerator}),
            "adjudicated_claims": len({r.claim_id for r in denial.denominator or ()}),
            "net_days_in_ar": None if days.value is None else str(days.value),
            "net_days_in_ar_display": days.display(),
        }


TREND_COLUMNS = (
    "month",
    "from",
    "to",
    "adjudicated claims",
    "denied claims",
    "initial denial rate",
    "net A/R",
    "net revenue 90 days",
    "net days in A/R",
)


def month_windows(period: Period) -> list[tuple[str, Period]]:
    """The calendar months the period touches, each clipped to the period."""
    windows = []
    first = period.start
    while first <= period.end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(following - timedelta(days=1), period.end)
        windows.append((first.strftime("%Y-%m"), Period(first, last)))
        first = following
    return windows


def monthly_trend(
    facts: Facts, period: Period, scope: Scope | None = None
) -> tuple[MonthKpis, ...]:
    """Initial denial rate and net days in A/R per month of the period, from one set of facts."""
    mine = scoped(facts, scope or Scope())
    return tuple(
        MonthKpis(
            month=label,
            start=window.start,
            end=window.end,
            initial_denial_rate=first_pass.initial_denial_rate(mine, window),
            net_days_in_ar=receivables.net_days_in_ar(mine, window),
        )
        for label, window in month_windows(period)
    )


def trend_table(trend: Iterable[MonthKpis]) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for m in trend:
        denial, days = m.initial_denial_rate, m.net_days_in_ar
        rows.append(
            (
                m.month,
                m.start.isoformat(),
                m.end.isoformat(),
                len({r.claim_id for r in denial.denominator or ()}),
                len({r.claim_id for r in denial.numerator}),
                denial.value,
                total(r.amount for r in days.numerator),
                total(r.amount for r in days.denominator or ()),
                days.value,
            )
        )
    return Table(
        "monthly_trend",
        "initial denial rate and net days in A/R by month",
        TREND_COLUMNS,
        tuple(rows),
    )


@dataclass(frozen=True, slots=True)
class Tier3Report:
    """The KPI report with its monthly trend and the denial-to-prevention loop."""

    report: KpiReport
    trend: tuple[MonthKpis, ...]
    prevention: tuple[RecurringDenial, ...]
    min_claims: int  # the recurrence threshold the prevention loop used

    def tables(self) -> tuple[Table, ...]:
        """The tables beyond the KPIs' own: the trend and the prevention loop."""
        return trend_table(self.trend), prevention_table(self.prevention, self.min_claims)

    def charts(self) -> dict[str, str]:
        """File name -> SVG text of every chart (see :func:`report_charts`)."""
        return report_charts(
            self.report,
            [kpi_point(m.month, m.initial_denial_rate) for m in self.trend],
            [kpi_point(m.month, m.net_days_in_ar) for m in self.trend],
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.report.as_dict(),
            "trend": [m.as_dict() for m in self.trend],
            "prevention": {
                "min_claims": self.min_claims,
                "recurring": [r.as_dict() for r in self.prevention],
            },
        }


def scrub_rule_refs() -> dict[str, RuleRef]:
    return {
        r.code: RuleRef(r.code, r.name, r.severity.value, r.summary)
        for r in Scrubber.default().rules
    }


def tier3_report(
    uow: UnitOfWork,
    *,
    start: date,
    end: date,
    scrub_config: ScrubConfig,
    payer_id: str | None = None,
    provider_npi: str | None = None,
    facility_id: str | None = None,
    min_claims: int | None = None,
    plan: PreventionMap,
    table: CategoryTable,
) -> Tier3Report:
    """:func:`kpi_report` plus the monthly trend and, for every denial category with at least
    ``min_claims`` denied claims (default: the prevention map's), the scrub rules that would
    have caught it and whether ``scrub_config`` runs them for each payer."""
    period = Period(start, end)
    scope = Scope(payer_id, provider_npi, facility_id)
    facts = kpi_facts(uow.read, end=end)
    payer_rules = {p.payer_id: scrub_config.rules_for(p) for p in uow.payers.list()}
    prevention = recurring_denials(
        denial_lines(scoped(facts, scope), period, table),
        table,
        plan,
        scrub_rule_refs(),
        payer_rules,
        default_rules=scrub_config.rules_for(None),
        min_claims=min_claims,
    )
    return Tier3Report(
        report=build_report(facts, period, scope, table=table),
        trend=monthly_trend(facts, period, scope),
        prevention=prevention,
        min_claims=plan.min_claims if min_claims is None else min_claims,
    )
