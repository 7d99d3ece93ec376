"""The KPI report summed by the database equals the report computed from every fact.

``kpi_report`` (the ``kpi`` command, the dashboard, the invoice, the demo) sums the ledger's and
the first pass's KPIs in SQL and computes the others from the period's facts only;
``analytics.report.build_report`` over ``kpi_facts`` (everything, loaded into Python) is the
reference it must equal: every KPI's value, display, the claims, amount and rows of each side,
the reason a figure is empty, and every table (aging by payer and patient, denial Paretos,
productivity), for the practice, each payer, a provider, and periods before, across and after
the books. The practice is run through the simulated cycle (denials, appeals, write-offs,
transfers to patients, reversals), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cycle_practice import CycledHome
from sqlalchemy import select

from claimdesk.analytics.facts import Period, Scope
from claimdesk.analytics.report import build_report
from claimdesk.analytics.results import KpiReport, Side
from claimdesk.bootstrap import shipped_rules
from claimdesk.denials.table import shipped_table
from claimdesk.domain.money import Money
from claimdesk.services import dashboard
from claimdesk.services.database import units_of_work
from claimdesk.services.kpis import kpi_report, monthly_trend
from claimdesk.services.practice_summary import practice_summary
from claimdesk.services.receivables import patient_aging_in
from claimdesk.store.queries.kpi_facts import kpi_facts
from claimdesk.store.queries.patient_accounts import patient_aging_summary
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.encounters import EncounterRow


def _figures(report: KpiReport) -> list[dict[str, Any]]:
    return [k.as_dict() for k in report.kpis]


def test_the_summed_report_equals_the_report_from_every_fact(
    cycled_practice: CycledHome,
) -> None:
    home = cycled_practice
    table = shipped_table()
    with units_of_work(home.settings) as factory, factory() as uow:
        payers = sorted(set(uow.read.execute(select(ClaimRow.payer_id)).scalars()))
        npi = uow.read.execute(select(EncounterRow.rendering_npi).limit(1)).scalar_one()
        scopes = [Scope(), *(Scope(payer_id=p) for p in payers), Scope(provider_npi=npi)]
        periods = [
            Period(home.start, home.end),
            Period(home.end - timedelta(days=29), home.end),
            Period(home.start + timedelta(days=40), home.start + timedelta(days=70)),
            Period(home.start - timedelta(days=30), home.start - timedelta(days=1)),
            Period(home.end + timedelta(days=1), home.end + timedelta(days=20)),
        ]
        compared = 0
        for period in periods:
            facts = kpi_facts(uow.read, end=period.end)
            for scope in scopes:
                summed = kpi_report(
                    uow,
                    start=period.start,
                    end=period.end,
                    payer_id=scope.payer_id,
                    provider_npi=scope.provider_npi,
                    table=table,
                )
                reference = build_report(facts, period, scope, table=table)
                assert _figures(summed) == _figures(reference), (period, scope)
                compared += 1
        whole = kpi_report(uow, start=home.start, end=home.end, table=table)
        # Each month's trend point is the report of that month.
        for month in monthly_trend(uow, Period(home.start, home.end)):
            alone = kpi_report(uow, start=month.start, end=month.end, table=table)
            assert month.initial_denial_rate.as_dict() == alone.get("initial_denial_rate").as_dict()
            days = alone.get("net_days_in_ar")
            assert month.net_days_in_ar == days.value
            assert month.net_ar == days.numerator_summary().amount
            assert (month.net_revenue, month.end) == (
                (days.denominator_summary() or Side(0, Money.zero(), 0)).amount,
                alone.end,
            )
    # The comparison is not vacuous: the cycle left every kind of figure to compare.
    assert compared == len(periods) * len(scopes)
    for name in ("initial_denial_rate", "net_days_in_ar", "ar_over_90", "net_collection_rate"):
        assert whole.get(name).value is not None, name
    for name in ("denials", "productivity", "estimate_accuracy"):
        assert whole.get(name).numerator_summary().rows > 0, name
    assert whole.get("ar_aging").tables[0].rows


def test_the_patient_aging_summed_by_the_database_equals_the_aging_of_every_balance(
    cycled_practice: CycledHome,
) -> None:
    """The summary, the dashboard and the KPI report show the patient A/R by bucket and the
    largest balances, summed in SQL from the open visits; the aging of every balance (what
    ``books verify`` and the statements read) is the reference, on days before, during and
    after the cycle, with few and many balances named."""
    home = cycled_practice
    days = [home.start - timedelta(days=1), home.start + timedelta(days=60), home.end]
    with units_of_work(home.settings) as factory, factory() as uow:
        for day in days:
            every = patient_aging_in(uow, day)
            for largest in (1, 5, 1000):
                summed = patient_aging_summary(uow.read, day, largest=largest)
                assert summed == every.summary(largest), (day, largest)
        assert every.summary(1000).accounts > 5, "the cycle leaves patients owing"


def test_the_dashboard_page_sums_the_patient_aging_once_for_the_books_and_the_report(
    cycled_practice: CycledHome,
) -> None:
    """The dashboard page hands the books' patient aging to the year's report: the report is
    the one that sums it again, and an aging of another day is not taken for it."""
    home = cycled_practice
    rules = shipped_rules()
    with units_of_work(home.settings) as factory:
        with factory() as uow:
            books = practice_summary(uow, home.end).patient_aging
            other_day = patient_aging_summary(uow.read, home.end - timedelta(days=30))
        assert books.accounts > 0
        assert other_day != books
        alone = dashboard.figures(factory, today=home.end, home=None, rules=rules)
        for given in (books, other_day):
            shown = dashboard.figures(
                factory, today=home.end, home=None, rules=rules, patients_aged=given
            )
            assert _figures(shown.tier3.report) == _figures(alone.tier3.report)
    assert alone.tier3.report.get("patient_collection_rate").tables
