"""The facts the Tier 3 KPIs are computed from, loaded in a few set-based queries.

Read-only: takes the connection of the open unit of work (``uow.read``); the KPIs themselves are
computed purely in ``claimdesk.analytics``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, func, select, true, union

from claimdesk.analytics.facts import (
    Adjustment,
    ClaimCashFact,
    ClaimFact,
    EstimateFact,
    Facts,
    LedgerFact,
    PatientBalanceFact,
    PaymentFact,
    Period,
    StatusEvent,
    WorkFact,
)
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money
from claimdesk.domain.work import WorkStatus
from claimdesk.store.queries.kpi_rollups import day_start
from claimdesk.store.queries.patient_accounts import patient_balances, responsible_parties
from claimdesk.store.repositories.remittances import HELD, REVERSED
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.encounters import EncounterRow, ServiceLineRow
from claimdesk.store.tables.estimates import EstimateRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.store.tables.work_items import WorkItemRow

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


def kpi_facts(read: Connection, *, end: date) -> Facts:
    """Everything the KPIs read, as of the end of ``end``."""
    return Facts(
        claims=_claims(read),
        payments=_payments(read),
        ledger=_ledger(read, end),
        estimates=_estimates(read),
        work=_work(read),
        insurance_cash=_insurance_cash(read, end),
        patient_balances=_patient_balances(read, end),
    )


def _patient_balances(read: Connection, end: date) -> tuple[PatientBalanceFact, ...]:
    guarantors = {p: r.party.account for p, r in responsible_parties(read).items()}
    return tuple(
        PatientBalanceFact(
            b.patient_account,
            guarantors.get(b.patient_account, b.patient_account),
            b.since,
            b.amount,
        )
        for b in patient_balances(read, end)
    )


def period_facts(read: Connection, period: Period) -> Facts:
    """The facts of the KPIs computed from facts (underpayment recovery, productivity,
    estimate accuracy): the work items closed in ``period``, and the claims behind those items
    or estimated and first adjudicated in the period, with all their payments, estimates and
    insurance cash. No ledger: the ledger's KPIs are summed by ``kpi_ledger``; nor the other
    claims of the period: the denials are read by ``kpi_denials``. The cost follows the
    period's work and estimates, not the practice's history."""
    w, r = WorkItemRow, ROLLUPS.c
    closed = (
        w.status == WorkStatus.DONE.value,
        w.closed_at >= day_start(period.start),
        w.closed_at < day_start(period.end + timedelta(days=1)),
    )
    among = union(
        select(r.claim_id).where(
            r.adjudicated_on >= period.start,
            r.adjudicated_on <= period.end,
            r.claim_id.in_(select(EstimateRow.claim_id)),
        ),
        select(w.claim_id).where(*closed, w.claim_id.is_not(None)),
    ).subquery()
    claims = select(among.c.claim_id)
    return Facts(
        claims=_claims(read, claims),
        payments=_payments(read, claims),
        estimates=_estimates(read, claims),
        work=_work(read, closed),
        insurance_cash=_insurance_cash(read, period.end, claims),
    )


def _among(column: Any, among: Select[Any] | None) -> Any:
    """``column`` is one of the claims ``among`` selects (any claim when None)."""
    return true() if among is None else column.in_(among)


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def _claims(read: Connection, among: Select[Any] | None = None) -> tuple[ClaimFact, ...]:
    served = (
        true()
        if among is None
        else ServiceLineRow.encounter_id.in_(
            select(ClaimRow.encounter_id).where(ClaimRow.claim_id.in_(among))
        )
    )
    charges = (
        select(ServiceLineRow.encounter_id, func.sum(ServiceLineRow.charge).label("charge"))
        .where(served)
        .group_by(ServiceLineRow.encounter_id)
        .subquery()
    )
    events: dict[str, list[StatusEvent]] = {}
    history = (
        select(ClaimStatusRow.claim_id, ClaimStatusRow.at, ClaimStatusRow.to_status)
        .where(ClaimStatusRow.to_status.in_(_EVENTS), _among(ClaimStatusRow.claim_id, among))
        .order_by(ClaimStatusRow.claim_id, ClaimStatusRow.seq)
    )
    for claim_id, at, status in read.execute(history):
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
        .where(_among(ClaimRow.claim_id, among))
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
        for row in read.execute(query)
    )


def _adjustments(adjudication: dict[str, Any]) -> tuple[Adjustment, ...]:
    """The claim-level and line-level CAS adjustments the posting kept with the payment."""

    def read(entries: Iterable[list[str]]) -> list[Adjustment]:
        return [Adjustment(group, carc, Money(amount)) for group, carc, amount in entries]

    found = read(adjudication.get("adjustments", []))
    for line in adjudication.get("lines", []):
        found.extend(read(line.get("adjustments", [])))
    return tuple(found)


def _payments(read: Connection, among: Select[Any] | None = None) -> tuple[PaymentFact, ...]:
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
        .where(
            ClaimPaymentRow.claim_id.is_not(None),
            ClaimPaymentRow.status != HELD,
            _among(ClaimPaymentRow.claim_id, among),
        )
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
        for row in read.execute(query)
    )


def _ledger(read: Connection, end: date) -> tuple[LedgerFact, ...]:
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
            func.count().label("postings"),
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
            postings=row.postings,
        )
        for row in read.execute(query)
    )


def _insurance_cash(
    read: Connection, end: date, among: Select[Any] | None = None
) -> tuple[ClaimCashFact, ...]:
    """Cash postings of entries that also post to ``ar:insurance`` (payments, recoupments and
    their reversals), per claim and effective date."""
    p, e = LedgerPostingRow, LedgerEntryRow
    insurance = (
        select(LedgerPostingRow.entry_id)
        .where(LedgerPostingRow.account == Account.INSURANCE_AR.value)
        .distinct()
        .subquery()
    )
    query = (
        select(p.claim_id, e.effective, func.sum(p.amount).label("amount"))
        .join(e, e.entry_id == p.entry_id)
        .join(insurance, insurance.c.entry_id == p.entry_id)
        .where(
            p.account == Account.CASH.value,
            p.claim_id.is_not(None),
            e.effective <= end,
            _among(p.claim_id, among),
        )
        .group_by(p.claim_id, e.effective)
    )
    return tuple(
        ClaimCashFact(row.claim_id, row.effective, _money(row.amount))
        for row in read.execute(query)
        if row.amount
    )


def _estimates(read: Connection, among: Select[Any] | None = None) -> tuple[EstimateFact, ...]:
    query = (
        select(EstimateRow.claim_id, EstimateRow.patient, EstimateRow.created_at)
        .where(_among(EstimateRow.claim_id, among))
        .order_by(EstimateRow.id)
    )
    newest: dict[str, EstimateFact] = {}
    for claim_id, patient, created_at in read.execute(query):
        newest[claim_id] = EstimateFact(claim_id, _money(patient), created_at)
    return tuple(newest.values())


def _work(read: Connection, closed: tuple[Any, ...] = ()) -> tuple[WorkFact, ...]:
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
        .where(w.status == WorkStatus.DONE.value, *closed)
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
        for row in read.execute(query)
    )
