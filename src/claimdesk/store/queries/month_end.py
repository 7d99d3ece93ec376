"""The month's books for the close, the month-end pack and the invoice, summed by the database.

Read-only: takes the connection of the open unit of work (``uow.read``). The month's movements
are ``SUM ... GROUP BY`` over the entries effective in it (the entries' effective-date index);
the A/R at either end of the month is the as-of A/R report's own figure
(:func:`claimdesk.store.queries.receivables.ar_position`), so the roll-forward reconciles two
independent reads of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, exists, func, select
from sqlalchemy.orm import aliased

from claimdesk.analytics.position import INSURANCE
from claimdesk.domain.fees import CollectionLine, WorkLine
from claimdesk.domain.ledger import RECEIVABLES, Account, EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.month_end import (
    PATIENT_CLASS,
    CounterSum,
    ReceivableSum,
    movement_of,
    payer_class,
)
from claimdesk.domain.periods import Month
from claimdesk.domain.work import ACTIVE_STATUSES, WorkKind
from claimdesk.store.queries.receivables import ar_position
from claimdesk.store.repositories.remittances import HELD, POSTED
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.reference import PayerRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.store.tables.work_items import WorkItemRow

E, P = LedgerEntryRow, LedgerPostingRow
_RECEIVABLES = sorted(a.value for a in RECEIVABLES)


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def _in(month: Month) -> list[ColumnElement[bool]]:
    return [E.effective >= month.first_day, E.effective <= month.last_day]


def receivable_sums(read: Connection, month: Month) -> list[ReceivableSum]:
    """The month's receivable postings per day, receivable, payer kind and movement. A
    reversal counts as the kind of the entry it reverses; a posting's payer is its claim's."""
    original = aliased(E)
    payer = func.coalesce(ClaimRow.payer_id, P.payer_id)
    query = (
        select(
            E.effective,
            P.account,
            PayerRow.kind,
            E.kind,
            original.kind,
            func.sum(P.amount),
        )
        .join(E, E.entry_id == P.entry_id)
        .outerjoin(original, original.entry_id == E.reverses)
        .outerjoin(ClaimRow, ClaimRow.claim_id == P.claim_id)
        .outerjoin(PayerRow, PayerRow.payer_id == payer)
        .where(*_in(month), P.account.in_(_RECEIVABLES))
        .group_by(E.effective, P.account, PayerRow.kind, E.kind, original.kind)
    )
    return [
        ReceivableSum(
            day,
            payer_class(Account(account), kind),
            movement_of(EntryKind(entry_kind), EntryKind(reversed_kind) if reversed_kind else None),
            _money(amount),
        )
        for day, account, kind, entry_kind, reversed_kind, amount in read.execute(query)
    ]


def counter_sums(read: Connection, month: Month) -> list[CounterSum]:
    """The other side of the month's entries that moved a receivable: per account, movement
    and memo (a reversal counts with the memo of what it reverses, so it nets by reason)."""
    original = aliased(E)
    other = aliased(P)
    moved_receivable = exists().where(other.entry_id == E.entry_id, other.account.in_(_RECEIVABLES))
    memo = func.coalesce(original.memo, E.memo)
    query = (
        select(P.account, E.kind, original.kind, memo, func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        .outerjoin(original, original.entry_id == E.reverses)
        .where(
            *_in(month),
            P.account.not_in(_RECEIVABLES),
            moved_receivable,
        )
        .group_by(P.account, E.kind, original.kind, memo)
    )
    return [
        CounterSum(
            movement_of(EntryKind(kind), EntryKind(reversed_kind) if reversed_kind else None),
            account,
            text or "",
            _money(amount),
        )
        for account, kind, reversed_kind, text, amount in read.execute(query)
    ]


def ar_by_class(read: Connection, as_of: date, zone: tzinfo) -> dict[str, Money]:
    """The A/R report's figure at the end of ``as_of`` per payer class: insurance A/R by the
    kind of its payer, patient A/R as the patient class."""
    kinds: dict[str, str] = {}
    for payer_id, kind in read.execute(select(PayerRow.payer_id, PayerRow.kind)):
        kinds[payer_id] = kind
    found: dict[str, Money] = {}
    for line in ar_position(read, as_of, zone=zone).lines:
        cls = PATIENT_CLASS
        if line.receivable == INSURANCE:
            cls = payer_class(Account.INSURANCE_AR, kinds.get(line.payer_id))
        found[cls] = found.get(cls, Money.zero()) + line.amount
    return found


_PAYMENT_KINDS = sorted(
    k.value
    for k in (
        EntryKind.INSURANCE_PAYMENT,
        EntryKind.PATIENT_PAYMENT,
        EntryKind.REFUND,
        EntryKind.RECOUPMENT,
        # Patient credit applied to a claim: the cash came earlier, unapplied (a liability);
        # it is collected on the claim when applied (docs/patient-payments.md).
        EntryKind.CREDIT_APPLICATION,
    )
)


def collections(read: Connection, month: Month) -> list[CollectionLine]:
    """Per claim, the payments effective in the month (what the receivables fell by through
    cash), insurance and patient apart; claims whose payments net to nothing are left out."""
    original = aliased(E)
    kind = func.coalesce(original.kind, E.kind)
    query = (
        select(P.claim_id, ClaimRow.payer_id, P.account, func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        .outerjoin(original, original.entry_id == E.reverses)
        .join(ClaimRow, ClaimRow.claim_id == P.claim_id)
        .where(*_in(month), P.account.in_(_RECEIVABLES), kind.in_(_PAYMENT_KINDS))
        .group_by(P.claim_id, ClaimRow.payer_id, P.account)
    )
    found: dict[str, tuple[str, Money, Money]] = {}
    for claim, payer_id, account, amount in read.execute(query):
        claim_id = str(claim)  # joined to its claim: never empty
        paid = -_money(amount)
        _, insurance, patient = found.get(claim_id, (payer_id, Money.zero(), Money.zero()))
        if account == Account.PATIENT_AR.value:
            patient += paid
        else:
            insurance += paid
        found[claim_id] = (payer_id, insurance, patient)
    return [
        CollectionLine(claim_id, payer_id, insurance, patient)
        for claim_id, (payer_id, insurance, patient) in sorted(found.items())
        if insurance or patient
    ]


def _bounds(month: Month, zone: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(month.first_day, time(), tzinfo=zone)
    end = datetime.combine(month.last_day + timedelta(days=1), time(), tzinfo=zone)
    return start, end


def claims_submitted(read: Connection, month: Month, zone: tzinfo) -> int:
    """Claims first submitted in the month (the practice's days)."""
    start, end = _bounds(month, zone)
    r = ROLLUPS.c
    return int(
        read.execute(
            select(func.count()).where(r.submitted_at >= start, r.submitted_at < end)
        ).scalar_one()
    )


def work_done(read: Connection, month: Month, zone: tzinfo) -> list[WorkLine]:
    """Work items closed in the month, per tier and how they ended, with the dollars recovered."""
    start, end = _bounds(month, zone)
    w = WorkItemRow
    outcome = func.coalesce(w.outcome, w.status)
    query = (
        select(w.tier, outcome, func.count(), func.sum(w.resolved_amount))
        .where(w.closed_at >= start, w.closed_at < end)
        .group_by(w.tier, outcome)
        .order_by(w.tier, outcome)
    )
    return [
        WorkLine(int(tier), str(how), int(count), _money(resolved))
        for tier, how, count, resolved in read.execute(query)
    ]


# What keeps a month from closing.


@dataclass(frozen=True, slots=True)
class HeldRemittance:
    remittance_id: str
    trace_number: str
    payment_date: date | None
    amount: Money
    reason: str


def held_remittances(read: Connection, month: Month) -> list[HeldRemittance]:
    """835 payments held whole (nothing posted) paid on or before the month's end."""
    r = RemittanceRow
    paid = func.coalesce(r.payment_date, func.date(r.posted_at))
    query = (
        select(r.remittance_id, r.trace_number, r.payment_date, r.payment_amount, r.reason)
        .where(r.status == HELD, paid <= month.last_day)
        .order_by(r.remittance_id)
    )
    return [
        HeldRemittance(rid, trace, day, _money(amount), reason or "")
        for rid, trace, day, amount, reason in read.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class HeldClaimPayment:
    remittance_id: str
    trace_number: str
    position: int
    patient_control_number: str
    paid: Money
    reason: str


def claims_mid_posting(read: Connection, month: Month) -> list[HeldClaimPayment]:
    """Claim payments (CLP loops) held in a remittance whose other claims posted: the claim is
    half way through posting until someone matches it."""
    r, c = RemittanceRow, ClaimPaymentRow
    paid = func.coalesce(r.payment_date, func.date(r.posted_at))
    query = (
        select(
            r.remittance_id,
            r.trace_number,
            c.position_index,
            c.patient_control_number,
            c.paid,
            c.reason,
        )
        .join(r, r.remittance_id == c.remittance_id)
        .where(r.status == POSTED, c.status == HELD, paid <= month.last_day)
        .order_by(r.remittance_id, c.position_index)
    )
    return [
        HeldClaimPayment(rid, trace, position, pcn, _money(amount), reason or "")
        for rid, trace, position, pcn, amount, reason in read.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class UnappliedCash:
    item_id: int
    remittance_id: str
    amount: Money
    summary: str


def unapplied_cash(read: Connection, month: Month, zone: tzinfo) -> list[UnappliedCash]:
    """PLB money posted to the provider-level account because it named none of our claims,
    still waiting (its work item open) to be applied to the claim it recovers, from before the
    month's end."""
    _, end = _bounds(month, zone)
    w = WorkItemRow
    query = (
        select(w.id, w.remittance_id, w.amount_at_stake, w.summary)
        .where(
            w.kind == WorkKind.UNMATCHED_PAYMENT.value,
            w.problem_key.like("plb:%"),
            w.status.in_(sorted(s.value for s in ACTIVE_STATUSES)),
            w.created_at < end,
        )
        .order_by(w.id)
    )
    return [
        UnappliedCash(int(item), rid or "", _money(amount), summary or "")
        for item, rid, amount, summary in read.execute(query)
    ]


def late_entries(read: Connection, closed: dict[Month, datetime]) -> list[tuple[str, date, Month]]:
    """Entries effective in a closed month that were recorded after the month closed: the
    closed books changed under the figures reported (BOOKS009)."""
    found: list[tuple[str, date, Month]] = []
    for month, since in sorted(closed.items()):
        query = (
            select(E.entry_id, E.effective)
            .where(*_in(month), E.recorded_at > since)
            .order_by(E.id)
            .limit(20)
        )
        found += [(entry_id, day, month) for entry_id, day in read.execute(query)]
    return found
