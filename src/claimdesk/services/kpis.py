"""Tier 3 KPIs from the store.

The report sums the ledger's and the first pass's KPIs in the database (``kpi_ledger``,
``kpi_rollups``) and computes the others from the period's facts, so its cost follows the
period, not the practice's history; :func:`explain` lists the claims behind one KPI from every
fact, through ``claimdesk.analytics``, which is also the reference the summed figures are
tested against. Faces (the ``kpi`` command, the cycle's closing report, the web dashboard) call
:func:`kpi_report` and :func:`explain` inside a unit of work; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from claimdesk.analytics.charts import Point, kpi_point, report_charts
from claimdesk.analytics.denials import denials_of
from claimdesk.analytics.facts import (
    Facts,
    Period,
    Scope,
    scoped,
)
from claimdesk.analytics.first_pass import first_pass_kpis
from claimdesk.analytics.operations import (
    days_to_pay_kpi,
    estimate_accuracy,
    productivity,
    underpayment_recovered,
)
from claimdesk.analytics.patient_aging import PatientAgingSummary, aging_tables
from claimdesk.analytics.prevention import (
    PreventionMap,
    RecurringDenial,
    RuleRef,
    prevention_table,
    recurring_denials,
)
from claimdesk.analytics.receivables import (
    ar_aging_kpi,
    ar_over_90_kpi,
    net_collection_kpi,
    net_days_kpi,
    net_days_value,
    patient_collection_kpi,
    revenue_window,
)
from claimdesk.analytics.report import KPI_NAMES, explain_kpi
from claimdesk.analytics.results import (
    Cell,
    ClaimAmount,
    Kpi,
    KpiExplanation,
    KpiReport,
    Side,
    Table,
    Unit,
    display,
)
from claimdesk.analytics.served_collection import ServedCollection, served_collection
from claimdesk.denials.table import CategoryTable
from claimdesk.domain.money import Money
from claimdesk.domain.periods import MonthEndKpis
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.engine import Scrubber
from claimdesk.store.queries.kpi_denials import denial_lines_in
from claimdesk.store.queries.kpi_facts import kpi_facts, period_facts
from claimdesk.store.queries.kpi_ledger import (
    cash,
    month_end_kpis,
    net_days_sides,
    net_revenue,
    patient_assigned,
    patient_payments,
    receivables_at,
)
from claimdesk.store.queries.kpi_rollups import days_to_pay_by_payer, first_pass_sides
from claimdesk.store.queries.patient_accounts import patient_aging_summary
from claimdesk.store.queries.served import served_balances
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
    period, scope = Period(start, end), Scope(payer_id, provider_npi, facility_id)
    facts = scoped(period_facts(uow.read, period), scope)
    lines = denial_lines_in(uow.read, period, scope, table)
    return _summed_report(uow, period, scope, facts, lines)


def _summed_report(
    uow: UnitOfWork,
    period: Period,
    scope: Scope,
    facts: Facts,
    denial_lines: list[tuple[str, ClaimAmount]],
    net_ar: Money | None = None,
    patients_aged: PatientAgingSummary | None = None,
) -> KpiReport:
    """The report of ``analytics.report.build_report``, in its order and with its figures: the
    ledger's and the first pass's KPIs summed by the database, the denials from the stored
    first adjudications (``denial_lines``, see ``kpi_denials``), the others computed from the
    period's facts (``period_facts``, scoped). ``net_ar``: the net A/R at the period's end,
    when the trend has summed it already; ``patients_aged``: the patient aging at the
    period's end, when the caller has summed it."""
    read = uow.read
    clean, resolution, denial_rate, denial_dollars = first_pass_kpis(
        first_pass_sides(read, period, scope)
    )
    (open_ar, aged, billed), parts, patients = receivables_at(read, period.end, scope)
    net_ar_side, revenue = net_days_sides(read, period.end, scope, open_ar, net_ar)
    # Net revenue of the period; a 90-day report's is the net days' window, summed once.
    same = revenue_window(period.end) == period
    period_revenue = revenue if same else net_revenue(read, period, scope)
    # The practice's patient A/R aging (statements' and the summary's): patients owe the
    # practice, so a payer's or a provider's report has none (``facts.scoped``).
    if not scope.everything:
        patients_aged = None
    elif patients_aged is None or patients_aged.as_of != period.end:
        patients_aged = patient_aging_summary(read, period.end)
    kpis = (
        clean,
        resolution,
        denial_rate,
        denial_dollars,
        denials_of(denial_lines),
        net_days_kpi(period.end, net_ar_side, revenue),
        ar_aging_kpi(open_ar, parts, patients),
        ar_over_90_kpi(aged, billed),
        net_collection_kpi(cash(read, period, scope), period_revenue),
        patient_collection_kpi(
            patient_payments(read, period, scope),
            patient_assigned(read, period, scope),
            tables=aging_tables(patients_aged) if patients_aged and patients_aged.accounts else (),
        ),
        days_to_pay_kpi(days_to_pay_by_payer(read, period, scope)),
        underpayment_recovered(facts, period),
        productivity(facts, period),
        estimate_accuracy(facts, period),
    )
    assert tuple(k.name for k in kpis) == KPI_NAMES, "the report's order is build_report's"
    return KpiReport(
        start=period.start,
        end=period.end,
        payer_id=scope.payer_id,
        provider_npi=scope.provider_npi,
        facility_id=scope.facility_id,
        kpis=kpis,
    )


# Visits this old have had their payer's answer (17 days to pay in the demo) and the patient's
# first statement and reply (a statement within a week of the 835, a check 10 to 30 days later).
SERVED_AGE_DAYS = 60


def collection_of_served(
    uow: UnitOfWork, as_of: date, min_age_days: int = SERVED_AGE_DAYS
) -> ServedCollection:
    """Net collection over the visits served at least ``min_age_days`` before ``as_of``
    (``analytics.served_collection``), at the end of ``as_of``."""
    claims, balances = served_balances(
        uow.read, as_of=as_of, served_by=as_of - timedelta(days=min_age_days)
    )
    return served_collection(as_of, min_age_days, claims, balances)


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
    """The trend figures of one calendar month (clipped to the report's period): the initial
    denial rate, and net days in A/R at the month's last day (or the period's, if earlier)
    from its net A/R and the net revenue of the 90 days to that day."""

    month: str  # YYYY-MM
    start: date
    end: date
    initial_denial_rate: Kpi
    net_ar: Money
    net_revenue: Money

    @property
    def net_days_in_ar(self) -> Decimal | None:
        return net_days_value(self.net_ar, self.net_revenue)

    def net_days_display(self) -> str:
        return display(self.net_days_in_ar, Unit.DAYS)

    def as_dict(self) -> dict[str, Any]:
        denial, days = self.initial_denial_rate, self.net_days_in_ar
        return {
            "month": self.month,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "initial_denial_rate": None if denial.value is None else str(denial.value),
            "initial_denial_rate_display": denial.display(),
            "denied_claims": denial.numerator_summary().claims,
            "adjudicated_claims": _claims_of(denial.denominator_summary()),
            "net_days_in_ar": None if days is None else str(days),
            "net_days_in_ar_display": self.net_days_display(),
        }


def _claims_of(side: Side | None) -> int:
    return 0 if side is None or side.claims is None else side.claims


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
    uow: UnitOfWork, period: Period, scope: Scope | None = None
) -> tuple[MonthKpis, ...]:
    """Initial denial rate and net days in A/R per month of the period: the denials summed over
    the rollups month by month; the net A/R and net revenue of every closed month's end as its
    close kept them, of the other months' ends in one pass over the ledger."""
    scope = scope or Scope()
    windows = month_windows(period)
    kept = _kept_month_ends(uow, scope)
    ends = [window.end for _label, window in windows if window.end not in kept]
    at_end = {**dict(zip(ends, month_end_kpis(uow.read, ends, scope), strict=True)), **kept}
    return tuple(
        MonthKpis(
            month=label,
            start=window.start,
            end=window.end,
            initial_denial_rate=first_pass_kpis(first_pass_sides(uow.read, window, scope))[2],
            net_ar=at_end[window.end].net_ar,
            net_revenue=at_end[window.end].net_revenue,
        )
        for label, window in windows
    )


def _kept_month_ends(uow: UnitOfWork, scope: Scope) -> dict[date, MonthEndKpis]:
    """The closed months' KPIs by their last day, as the closes kept them: the whole
    practice's only (a payer's, a provider's or a facility's are summed each time)."""
    if not scope.everything:
        return {}
    return {month.last_day: kpis for month, kpis in uow.periods.month_end_kpis().items()}


def trend_table(trend: Iterable[MonthKpis]) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for m in trend:
        denial = m.initial_denial_rate
        rows.append(
            (
                m.month,
                m.start.isoformat(),
                m.end.isoformat(),
                _claims_of(denial.denominator_summary()),
                denial.numerator_summary().claims,
                denial.value,
                m.net_ar,
                m.net_revenue,
                m.net_days_in_ar,
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
            [Point(m.month, m.net_days_in_ar) for m in self.trend],
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
    patients_aged: PatientAgingSummary | None = None,
) -> Tier3Report:
    """:func:`kpi_report` plus the monthly trend and, for every denial category with at least
    ``min_claims`` denied claims (default: the prevention map's), the scrub rules that would
    have caught it and whether ``scrub_config`` runs them for each payer (``patients_aged``:
    the patient aging at ``end``, when the caller has summed it)."""
    period = Period(start, end)
    scope = Scope(payer_id, provider_npi, facility_id)
    facts = scoped(period_facts(uow.read, period), scope)
    lines = denial_lines_in(uow.read, period, scope, table)
    payer_rules = {p.payer_id: scrub_config.rules_for(p) for p in uow.payers.list()}
    prevention = recurring_denials(
        lines,
        table,
        plan,
        scrub_rule_refs(),
        payer_rules,
        default_rules=scrub_config.rules_for(None),
        min_claims=min_claims,
    )
    trend = monthly_trend(uow, period, scope)
    return Tier3Report(
        report=_summed_report(uow, period, scope, facts, lines, trend[-1].net_ar, patients_aged),
        trend=trend,
        prevention=prevention,
        min_claims=plan.min_claims if min_claims is None else min_claims,
    )
