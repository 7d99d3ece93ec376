"""Tier 3 KPIs from the store: load the facts in a few set-based queries, compute them purely.

Faces (the ``kpi`` command, the cycle's closing report, the web dashboard) call
:func:`kpi_report` and :func:`explain` inside a unit of work; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from claimdesk.analytics import first_pass, receivables
from claimdesk.analytics.charts import kpi_point, report_charts
from claimdesk.analytics.denials import denial_lines
from claimdesk.analytics.facts import (
    Adjustment,
    ClaimFact,
    EstimateFact,
    Facts,
    LedgerFact,
    PaymentFact,
    Period,
    Scope,
    StatusEvent,
    WorkFact,
    scoped,
)
from claimdesk.analytics.prevention import (
    PreventionMap,
    RecurringDenial,
    RuleRef,
    prevention_table,
    recurring_denials,
    shipped_prevention,
)
from claimdesk.analytics.report import build_report, explain_kpi
from claimdesk.analytics.results import Cell, Kpi, KpiExplanation, KpiReport, Table
from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.money import Money, total
from claimdesk.domain.work import WorkStatus
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.engine import Scrubber
from claimdesk.store.remit_repository import HELD, REVERSED
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.encounters import EncounterRow, ServiceLineRow
from claimdesk.store.tables.estimates import EstimateRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.store.tables.work_items import WorkItemRow
from claimdesk.store.uow import UnitOfWork

# The statuses the KPIs read from a claim's history; the others only make the history longer.
_EVENTS = tuple(
    s.value
    for s in (
        ClaimStatus.HELD,
        ClaimStatus.REJECTED,
        ClaimStatus.SUBMITTED,
        ClaimStatus.PAID,
        ClaimStatus.PARTIALLY_PAID,
        ClaimStatus.DENIED,
    )
)


def kpi_report(
    uow: UnitOfWork,
    *,
    start: date,
    end: date,
    payer_id: str | None = None,
    provider_npi: str | None = None,
    facility_id: str | None = None,
) -> KpiReport:
    """Every KPI over ``start``..``end`` (both included) for the claims of the scope."""
    period = Period(start, end)
    return build_report(
        load_facts(uow, end=end), period, Scope(payer_id, provider_npi, facility_id)
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
) -> KpiExplanation:
    """The claims (with amounts) behind the numerator and denominator of KPI ``name``.

    Raises :class:`claimdesk.analytics.report.UnknownKpiError` for a name that is no KPI.
    """
    period = Period(start, end)
    return explain_kpi(
        load_facts(uow, end=end), name, period, Scope(payer_id, provider_npi, facility_id)
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
    plan: PreventionMap | None = None,
) -> Tier3Report:
    """:func:`kpi_report` plus the monthly trend and, for every denial category with at least
    ``min_claims`` denied claims (default: the prevention map's), the scrub rules that would
    have caught it and whether ``scrub_config`` runs them for each payer."""
    period = Period(start, end)
    scope = Scope(payer_id, provider_npi, facility_id)
    facts = load_facts(uow, end=end)
    table = shipped_table()
    plan = plan or shipped_prevention()
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


def load_facts(uow: UnitOfWork, *, end: date) -> Facts:
    """Everything the KPIs read, as of the end of ``end``."""
    return Facts(
        claims=_claims(uow),
        payments=_payments(uow),
        ledger=_ledger(uow, end),
        estimates=_estimates(uow),
        work=_work(uow),
    )


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def _claims(uow: UnitOfWork) -> tuple[ClaimFact, ...]:
    session = uow.session
    charges = (
        select(ServiceLineRow.encounter_id, func.sum(ServiceLineRow.charge).label("charge"))
        .group_by(ServiceLineRow.encounter_id)
        .subquery()
    )
    events: dict[str, list[StatusEvent]] = {}
    history = (
        select(ClaimStatusRow.claim_id, ClaimStatusRow.at, ClaimStatusRow.to_status)
        .where(ClaimStatusRow.to_status.in_(_EVENTS))
        .order_by(ClaimStatusRow.claim_id, ClaimStatusRow.seq)
    )
    for claim_id, at, status in session.execute(history):
        events.setdefault(claim_id, []).append(StatusEvent(at, status))
    query = (
        select(
            ClaimRow.claim_id,
            ClaimRow.payer_id,
            ClaimRow.frequency,
            EncounterRow.patient_account,
            EncounterRow.rendering_npi,
            EncounterRow.facility_id,
            EncounterRow.date_of_service,
            charges.c.charge,
        )
        .join(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
        .outerjoin(charges, charges.c.encounter_id == ClaimRow.encounter_id)
        .order_by(ClaimRow.claim_id)
    )
    return tuple(
        ClaimFact(
            claim_id=row.claim_id,
            payer_id=row.payer_id,
            patient_account=row.patient_account,
            rendering_npi=row.rendering_npi,
            facility_id=row.facility_id,
            date_of_service=row.date_of_service,
            frequency=row.frequency,
            charge=_money(row.charge),
            events=tuple(events.get(row.claim_id, ())),
        )
        for row in session.execute(query)
    )


def _adjustments(adjudication: dict[str, Any]) -> tuple[Adjustment, ...]:
    """The claim-level and line-level CAS adjustments the posting kept with the payment."""

    def read(entries: Iterable[list[str]]) -> list[Adjustment]:
        return [Adjustment(group, carc, Money(amount)) for group, carc, amount in entries]

    found = read(adjudication.get("adjustments", []))
    for line in adjudication.get("lines", []):
        found.extend(read(line.get("adjustments", [])))
    return tuple(found)


def _payments(uow: UnitOfWork) -> tuple[PaymentFact, ...]:
    query = (
        select(
            ClaimPaymentRow.id,
            ClaimPaymentRow.claim_id,
            ClaimPaymentRow.status,
            ClaimPaymentRow.clp_status,
            ClaimPaymentRow.charge,
            ClaimPaymentRow.paid,
            ClaimPaymentRow.patient_share,
            ClaimPaymentRow.denied,
            ClaimPaymentRow.shortfall,
            ClaimPaymentRow.adjudication,
            RemittanceRow.payment_date,
            RemittanceRow.posted_at,
        )
        .join(RemittanceRow, RemittanceRow.remittance_id == ClaimPaymentRow.remittance_id)
        .where(ClaimPaymentRow.claim_id.is_not(None), ClaimPaymentRow.status != HELD)
        .order_by(ClaimPaymentRow.id)
    )
    return tuple(
        PaymentFact(
            payment_id=row.id,
            claim_id=row.claim_id,
            paid_on=row.payment_date or row.posted_at.date(),
            clp_status=row.clp_status,
            charge=_money(row.charge),
            paid=_money(row.paid),
            patient_share=_money(row.patient_share),
            denied=_money(row.denied),
            shortfall=_money(row.shortfall),
            reversed=row.status == REVERSED,
            adjustments=_adjustments(row.adjudication or {}),
        )
        for row in uow.session.execute(query)
    )


def _ledger(uow: UnitOfWork, end: date) -> tuple[LedgerFact, ...]:
    p, e = LedgerPostingRow, LedgerEntryRow
    query = (
        select(
            p.claim_id,
            p.patient_account,
            p.payer_id,
            p.account,
            e.kind,
            e.effective,
            func.sum(p.amount).label("amount"),
        )
        .join(e, e.entry_id == p.entry_id)
        .where(e.effective <= end)
        .group_by(p.claim_id, p.patient_account, p.payer_id, p.account, e.kind, e.effective)
    )
    return tuple(
        LedgerFact(
            claim_id=row.claim_id,
            patient_account=row.patient_account,
            payer_id=row.payer_id,
            account=row.account,
            kind=row.kind,
            effective=row.effective,
            amount=_money(row.amount),
        )
        for row in uow.session.execute(query)
        if row.amount
    )


def _estimates(uow: UnitOfWork) -> tuple[EstimateFact, ...]:
    query = select(EstimateRow.claim_id, EstimateRow.patient, EstimateRow.created_at).order_by(
        EstimateRow.id
    )
    newest: dict[str, EstimateFact] = {}
    for claim_id, patient, created_at in uow.session.execute(query):
        newest[claim_id] = EstimateFact(claim_id, _money(patient), created_at)
    return tuple(newest.values())


def _work(uow: UnitOfWork) -> tuple[WorkFact, ...]:
    w = WorkItemRow
    query = (
        select(
            w.id,
            w.kind,
            w.claim_id,
            w.payer_id,
            w.tier,
            w.queue,
            w.status,
            w.outcome,
            w.closed_by,
            w.created_at,
            w.closed_at,
            w.amount_at_stake,
            w.resolved_amount,
        )
        .where(w.status == WorkStatus.DONE.value)
        .order_by(w.id)
    )
    return tuple(
        WorkFact(
            item_id=row.id,
            kind=row.kind,
            claim_id=row.claim_id,
            payer_id=row.payer_id,
            tier=row.tier,
            queue=row.queue,
            status=row.status,
            outcome=row.outcome,
            closed_by=row.closed_by,
            created_at=row.created_at,
            closed_at=row.closed_at,
            amount_at_stake=_money(row.amount_at_stake),
            resolved_amount=None if row.resolved_amount is None else Money(row.resolved_amount),
        )
        for row in uow.session.execute(query)
    )
