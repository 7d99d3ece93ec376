"""The Tier 3 report: every KPI over one period and scope, and the claims behind any one."""

from __future__ import annotations

from collections.abc import Callable

from claimdesk.analytics import (
    denials,
    first_pass,
    operations,
    patient_collections,
    receivables,
)
from claimdesk.analytics.facts import Facts, Period, Scope, scoped
from claimdesk.analytics.results import Kpi, KpiExplanation, KpiReport
from claimdesk.denials.table import CategoryTable, shipped_table

KpiFunction = Callable[[Facts, Period], Kpi]


def _calculations(table: CategoryTable) -> dict[str, KpiFunction]:
    """Every KPI by name, in report order."""
    return {
        "clean_claim_rate": first_pass.clean_claim_rate,
        "first_pass_resolution_rate": first_pass.first_pass_resolution_rate,
        "initial_denial_rate": first_pass.initial_denial_rate,
        "initial_denial_rate_dollars": first_pass.initial_denial_rate_dollars,
        "denials": lambda facts, period: denials.denials(facts, period, table),
        "net_days_in_ar": receivables.net_days_in_ar,
        "ar_aging": receivables.ar_aging,
        "ar_over_90": receivables.ar_over_90,
        "net_collection_rate": receivables.net_collection_rate,
        "patient_collection_rate": patient_collections.patient_collection_rate,
        "days_to_pay": operations.days_to_pay,
        "underpayment_recovered": operations.underpayment_recovered,
        "productivity": operations.productivity,
        "estimate_accuracy": operations.estimate_accuracy,
    }


KPI_NAMES: tuple[str, ...] = tuple(_calculations(shipped_table()))


class UnknownKpiError(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"no KPI named {self.name!r}; known: {', '.join(KPI_NAMES)}"


def build_report(
    facts: Facts,
    period: Period,
    scope: Scope | None = None,
    *,
    table: CategoryTable,
) -> KpiReport:
    scope = scope or Scope()
    mine = scoped(facts, scope)
    calculations = _calculations(table)
    return KpiReport(
        start=period.start,
        end=period.end,
        payer_id=scope.payer_id,
        provider_npi=scope.provider_npi,
        facility_id=scope.facility_id,
        kpis=tuple(calculate(mine, period) for calculate in calculations.values()),
    )


def explain_kpi(
    facts: Facts,
    name: str,
    period: Period,
    scope: Scope | None = None,
    *,
    table: CategoryTable,
) -> KpiExplanation:
    calculations = _calculations(table)
    if name not in calculations:
        raise UnknownKpiError(name)
    scope = scope or Scope()
    kpi = calculations[name](scoped(facts, scope), period)
    return KpiExplanation(
        name=kpi.name,
        label=kpi.label,
        start=period.start,
        end=period.end,
        payer_id=scope.payer_id,
        numerator_label=kpi.numerator_label,
        numerator=kpi.numerator,
        denominator_label=kpi.denominator_label,
        denominator=kpi.denominator,
        display=kpi.display(),
    )
