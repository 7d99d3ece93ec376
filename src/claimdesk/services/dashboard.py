"""The Tier 3 dashboard over the analytics: which period it shows, and one part of a figure.

Every number, table and chart comes from :func:`claimdesk.services.kpis.tier3_report` and every
list of claims from :func:`claimdesk.services.kpis.explain`. What the analytics has no notion
of is a *part* of a figure (one aging bucket of one payer, one denial category): a part keeps the
explanation's claims whose label names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from claimdesk.analytics.patient_aging import PatientAgingSummary
from claimdesk.analytics.results import ClaimAmount, KpiExplanation
from claimdesk.codes.reference import load_config
from claimdesk.denials.table import CategoryTable
from claimdesk.domain.money import Money, total
from claimdesk.services.kpis import Tier3Report, explain, tier3_report
from claimdesk.services.rules import Rules
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
# The dashboard looks back one year, so the monthly trend has twelve points.
PERIOD_DAYS = 365


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    tier3: Tier3Report
    charts: dict[str, str]  # file name -> SVG text


@dataclass(frozen=True, slots=True)
class FigurePart:
    """The claims behind a KPI, or behind one part of it."""

    explanation: KpiExplanation
    part: str
    claims: tuple[ClaimAmount, ...]

    @property
    def amount(self) -> Money:
        return total(c.amount for c in self.claims)

    @property
    def claim_ids(self) -> list[str]:
        return sorted({c.claim_id for c in self.claims if c.claim_id})


def period(today: date) -> tuple[date, date]:
    return today - timedelta(days=PERIOD_DAYS - 1), today


def figures(
    uow_factory: UowFactory,
    *,
    today: date,
    home: Path | None,
    rules: Rules,
    patients_aged: PatientAgingSummary | None = None,
) -> DashboardFigures:
    """The year's KPI report to ``today``, its trend and prevention loop, and their charts;
    ``patients_aged``: the patient aging at ``today`` when the caller has summed it."""
    start, end = period(today)
    with uow_factory() as uow:
        report = tier3_report(
            uow,
            start=start,
            end=end,
            scrub_config=load_config(home),
            plan=rules.prevention,
            table=rules.denials,
            patients_aged=patients_aged,
        )
    return DashboardFigures(report, report.charts())


def in_part(claim: ClaimAmount, part: str) -> bool:
    """A claim's line belongs to ``part`` when its label is the part or has it as one word
    (labels read e.g. "insurance 31-60" or "eligibility CO-27")."""
    return not part or claim.label == part or part in claim.label.split(" ")


def claims_behind(
    uow_factory: UowFactory,
    kpi: str,
    *,
    start: date,
    end: date,
    payer_id: str | None = None,
    part: str = "",
    table: CategoryTable,
) -> FigurePart:
    """Raises :class:`claimdesk.analytics.report.UnknownKpiError` for a name that is no KPI."""
    with uow_factory() as uow:
        found = explain(uow, kpi, start=start, end=end, payer_id=payer_id, table=table)
    return FigurePart(found, part, tuple(c for c in found.numerator if in_part(c, part)))
