"""The facts ``books verify`` checks, each read by one set-based query as of a date.

Read-only: takes the connection of the open unit of work (``uow.read``). The queries return
only what can break an invariant (unbalanced entries, negative balances, ...) or one row per
remittance and recovered item, so the cost grows with the books' problems, not their size,
except for the grouped sums. The checks themselves are ``claimdesk.domain.books``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, and_, exists, func, or_, select

from claimdesk.domain.books import (
    BadDebtRecovery,
    BooksFacts,
    ChargeDate,
    ClaimBalance,
    EntryTotal,
    PatientCredit,
    PostingAccount,
    Recovery,
    Referral,
    StoredFigure,
    TraceCash,
)
from claimdesk.domain.ledger import RECEIVABLES, Account, EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.work import ACTIVE_STATUSES, Outcome, WorkKind, WorkStatus
from claimdesk.domain.write_offs import WRITE_OFF_ACCOUNTS
from claimdesk.store import first_adjustments, ledger_days, open_sums, patient_since, rollups
from claimdesk.store.repositories.remittances import HELD, POSTED
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.collections import CollectionReferralRow
from claimdesk.store.tables.encounters import ServiceLineRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.patient_payments import PatientPaymentRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.store.tables.work_items import WorkItemRow
from claimdesk.store.tables.write_offs import WriteOffRequestRow

E, P = LedgerEntryRow, LedgerPostingRow
_RECEIVABLES = sorted(a.value for a in RECEIVABLES)
_ZERO = Decimal("0.00")


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def books_facts(read: Connection, *, as_of: date, until: datetime) -> BooksFacts:
    """Everything but the aging total, for entries effective through ``as_of`` and work done
    before ``until`` (the end of ``as_of`` in the practice's time zone)."""
    drift, drifted_claims = rollups.drifted(read)
    days_drift = ledger_days.drifted(read)
    return BooksFacts(
        as_of=as_of,
        unbalanced=_unbalanced(read, as_of),
        trial_balance_total=_money(
            read.execute(
                select(func.sum(P.amount))
                .join(E, E.entry_id == P.entry_id)
                .where(E.effective <= as_of)
            ).scalar()
        ),
        posting_accounts=_unknown_accounts(read, as_of),
        stored_figures=_write_off_amounts(read, as_of),
        charges=_early_charges(read, as_of),
        negative_balances=_negative_balances(read, as_of, until),
        traces=_traces(read, as_of),
        receivables=_money(
            read.execute(
                select(func.sum(P.amount))
                .join(E, E.entry_id == P.entry_id)
                .where(E.effective <= as_of, P.account.in_(_RECEIVABLES))
            ).scalar()
        ),
        recoveries=_recoveries(read, as_of, until),
        rollups_drifted=drift,
        ledger_days_drifted=days_drift,
        drifted_claims=tuple(drifted_claims),
        adjustments_drifted=tuple(first_adjustments.drifted(read)),
        patient_since_drifted=tuple(patient_since.drifted(read)),
        sums_drifted=tuple(open_sums.drifted(read)),
        misdated_entries=_misdated_entries(read),
        payment_figures=_payment_figures(read, as_of),
        patient_credits=_patient_credits(read, as_of, until),
        referrals=_referrals(read, as_of, until),
        bad_debt_recoveries=_bad_debt_recoveries(read, as_of, until),
    )


def _misdated_entries(read: Connection) -> list[str]:
    """The first entries whose postings carry a day other than the entry's own (the copy
    migration 0026 keeps on each posting for the period sums)."""
    query = (
        select(P.entry_id)
        .join(E, E.entry_id == P.entry_id)
        .where(P.effective != E.effective)
        .group_by(P.entry_id)
        .order_by(P.entry_id)
        .limit(20)
    )
    return list(read.execute(query).scalars())


def _payment_figures(read: Connection, as_of: date) -> list[StoredFigure]:
    """Each patient payment's cash and credit as its receipt keeps them and as posted."""
    pp = PatientPaymentRow
    posted: dict[tuple[str, str], Money] = {}
    query = (
        select(P.entry_id, P.account, func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        .where(
            E.kind == EntryKind.PATIENT_PAYMENT.value,
            E.effective <= as_of,
            P.account.in_([Account.CASH.value, Account.PATIENT_CREDIT.value]),
        )
        .group_by(P.entry_id, P.account)
    )
    for entry_id, account, amount in read.execute(query):
        posted[(entry_id, account)] = _money(amount)
    rows = read.execute(
        select(pp.receipt_number, pp.entry_id, pp.amount, pp.unapplied, pp.claim_id)
        .join(E, E.entry_id == pp.entry_id)
        .where(E.effective <= as_of)
        .order_by(pp.receipt_number)
    )
    found = []
    for receipt, entry_id, amount, unapplied, claim_id in rows:
        cash = posted.get((entry_id, Account.CASH.value), Money.zero())
        credit = -posted.get((entry_id, Account.PATIENT_CREDIT.value), Money.zero())
        found.append(
            StoredFigure(
                f"payment receipt {receipt} cash", Money(amount), cash, claim_id or "", entry_id
            )
        )
        found.append(
            StoredFigure(
                f"payment receipt {receipt} credit",
                Money(unapplied),
                credit,
                claim_id or "",
                entry_id,
            )
        )
    return found


def _patient_credits(read: Connection, as_of: date, until: datetime) -> list[PatientCredit]:
    """Every patient whose credit account is not zero, with whether a credit-balance item
    about them was open at the end of the day."""
    query = (
        select(P.patient_account, func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        # What was known at the end of the day: a payment entered later but dated back
        # opened its work item when it was entered, not on the day it is dated.
        .where(
            E.effective <= as_of,
            E.recorded_at < until,
            P.account == Account.PATIENT_CREDIT.value,
        )
        .group_by(P.patient_account)
        .having(func.sum(P.amount) != _ZERO)
        .order_by(P.patient_account)
    )
    rows = [(str(account), -_money(amount)) for account, amount in read.execute(query)]
    w = WorkItemRow
    open_then = or_(w.status.in_(sorted(s.value for s in ACTIVE_STATUSES)), w.closed_at > until)
    worked = set(
        read.execute(
            select(w.patient_account).where(
                w.kind == WorkKind.CREDIT_BALANCE.value,
                w.claim_id.is_(None),
                w.created_at < until,
                open_then,
                w.patient_account.in_([account for account, _ in rows]),
            )
        ).scalars()
    )
    return [PatientCredit(account, credit, account in worked) for account, credit in rows]


# The entries of the collections hand-off and of its recoveries (services/collections.py):
# ``collections:REFERRAL:CLAIM`` and ``collections-recovery:PAYMENT:CLAIM``.
HAND_OFF, RECOVERY = "collections:", "collections-recovery:"
_BAD_DEBT, _PATIENT_AR = Account.WRITE_OFF_BAD_DEBT.value, Account.PATIENT_AR.value


def _exported(read: Connection, until: datetime) -> dict[int, tuple[str, Money, tuple[str, ...]]]:
    """The referrals exported before ``until``: account, amount referred, claims written off."""
    r = CollectionReferralRow
    query = select(r.referral_id, r.account, r.written_off, r.claims).where(
        r.exported_at.is_not(None), r.exported_at < until
    )
    return {
        row.referral_id: (row.account, _money(row.written_off), tuple(row.claims.split()))
        for row in read.execute(query)
    }


def _referrals(read: Connection, as_of: date, until: datetime) -> list[Referral]:
    """Every exported referral, and every referral the hand-off entries name, with what those
    entries moved to bad debt and off patient A/R."""
    query = (
        select(P.entry_id, P.claim_id, P.account, func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        .where(
            E.entry_id.startswith(HAND_OFF),
            E.effective <= as_of,
            P.account.in_([_BAD_DEBT, _PATIENT_AR]),
        )
        .group_by(P.entry_id, P.claim_id, P.account)
    )
    moved: dict[int, dict[str, Money]] = defaultdict(lambda: defaultdict(Money.zero))
    claims: dict[int, set[str]] = defaultdict(set)
    entries: dict[int, set[str]] = defaultdict(set)
    for entry_id, claim_id, account, amount in read.execute(query):
        referral_id = int(entry_id.split(":")[1])
        moved[referral_id][account] += _money(amount)
        entries[referral_id].add(entry_id)
        if claim_id is not None:
            claims[referral_id].add(str(claim_id))
    exported = _exported(read, until)
    unknown = ("", Money.zero(), ())
    return [
        Referral(
            referral_id,
            exported.get(referral_id, unknown)[0],
            referral_id in exported,
            exported.get(referral_id, unknown)[1],
            exported.get(referral_id, unknown)[2],
            moved[referral_id][_BAD_DEBT],
            -moved[referral_id][_PATIENT_AR],
            tuple(sorted(claims[referral_id])),
            tuple(sorted(entries[referral_id])),
        )
        for referral_id in sorted(set(exported) | set(moved))
    ]


def _bad_debt_recoveries(read: Connection, as_of: date, until: datetime) -> list[BadDebtRecovery]:
    """Every recovery entry with the bad debt it credited, and whether the payment it is named
    after is in the books and the claim was written off by an exported referral."""
    query = (
        select(P.entry_id, P.claim_id, func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        .where(E.entry_id.startswith(RECOVERY), E.effective <= as_of, P.account == _BAD_DEBT)
        .group_by(P.entry_id, P.claim_id)
        .order_by(P.entry_id)
    )
    rows = [
        # The payment id is what stands between the prefix and the claim.
        (entry_id, str(claim_id), entry_id[len(RECOVERY) : -len(f":{claim_id}")], amount)
        for entry_id, claim_id, amount in read.execute(query)
    ]
    pp = PatientPaymentRow
    posted = set(
        read.execute(
            select(pp.payment_id)
            .join(E, E.entry_id == pp.entry_id)
            .where(E.effective <= as_of, pp.payment_id.in_([r[2] for r in rows]))
        ).scalars()
    )
    referred = {c for _a, _m, claims in _exported(read, until).values() for c in claims}
    return [
        BadDebtRecovery(
            entry_id,
            claim_id,
            payment_id,
            -_money(amount),
            payment_id in posted,
            claim_id in referred,
        )
        for entry_id, claim_id, payment_id, amount in rows
    ]


def _claims_of(read: Connection, entry_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    if entry_ids:
        query = select(P.entry_id, P.claim_id).where(
            P.entry_id.in_(entry_ids), P.claim_id.is_not(None)
        )
        for entry_id, claim_id in read.execute(query):
            found[entry_id].add(str(claim_id))
    return {entry_id: tuple(sorted(claims)) for entry_id, claims in found.items()}


def _unbalanced(read: Connection, as_of: date) -> list[EntryTotal]:
    query = (
        select(E.entry_id, func.count(P.id), func.sum(P.amount))
        .select_from(E)
        .outerjoin(P, P.entry_id == E.entry_id)
        .where(E.effective <= as_of)
        .group_by(E.entry_id)
        .having(or_(func.count(P.id) < 2, func.sum(P.amount) != _ZERO))
        .order_by(E.entry_id)
    )
    rows = list(read.execute(query))
    claims = _claims_of(read, [r[0] for r in rows])
    return [EntryTotal(r[0], r[1], _money(r[2]), claims.get(r[0], ())) for r in rows]


def _unknown_accounts(read: Connection, as_of: date) -> list[PostingAccount]:
    query = (
        select(P.entry_id, P.account, P.claim_id)
        .join(E, E.entry_id == P.entry_id)
        .where(E.effective <= as_of, P.account.not_in(sorted(a.value for a in Account)))
        .order_by(P.id)
    )
    return [PostingAccount(*row) for row in read.execute(query)]


def _write_off_amounts(read: Connection, as_of: date) -> list[StoredFigure]:
    w = WriteOffRequestRow
    debits = (
        select(P.entry_id, func.sum(P.amount).label("posted"))
        .where(P.account.in_(sorted(a.value for a in WRITE_OFF_ACCOUNTS)))
        .group_by(P.entry_id)
        .subquery()
    )
    query = (
        select(w.id, w.claim_id, w.amount, w.entry_id, debits.c.posted)
        .join(E, E.entry_id == w.entry_id)
        .outerjoin(debits, debits.c.entry_id == w.entry_id)
        .where(w.status == "posted", E.effective <= as_of)
        .order_by(w.id)
    )
    return [
        StoredFigure(
            f"write-off request {r.id}", _money(r.amount), _money(r.posted), r.claim_id, r.entry_id
        )
        for r in read.execute(query)
    ]


def _early_charges(read: Connection, as_of: date) -> list[ChargeDate]:
    s = ServiceLineRow
    query = (
        select(E.entry_id, P.claim_id, P.line_number, E.effective, s.date_of_service)
        .join(P, P.entry_id == E.entry_id)
        .join(ClaimRow, ClaimRow.claim_id == P.claim_id)
        .join(
            s,
            and_(s.encounter_id == ClaimRow.encounter_id, s.line_number == P.line_number),
        )
        .where(
            E.kind == EntryKind.CHARGE.value,
            E.effective <= as_of,
            P.position == 1,
            E.effective < s.date_of_service,
        )
        .order_by(E.entry_id)
    )
    return [
        ChargeDate(entry_id, str(claim_id), int(line or 0), effective, served)
        for entry_id, claim_id, line, effective, served in read.execute(query)
    ]


def _negative_balances(read: Connection, as_of: date, until: datetime) -> list[ClaimBalance]:
    query = (
        select(P.claim_id, P.account, func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        .where(E.effective <= as_of, P.account.in_(_RECEIVABLES), P.claim_id.is_not(None))
        .group_by(P.claim_id, P.account)
        .having(func.sum(P.amount) < _ZERO)
        .order_by(P.claim_id, P.account)
    )
    rows = list(read.execute(query))
    w = WorkItemRow
    open_then = or_(w.status.in_(sorted(s.value for s in ACTIVE_STATUSES)), w.closed_at > until)
    credited = set(
        read.execute(
            select(w.claim_id).where(
                w.kind == WorkKind.CREDIT_BALANCE.value,
                w.created_at < until,
                open_then,
                w.claim_id.in_(sorted({r[0] for r in rows})),
            )
        ).scalars()
    )
    return [ClaimBalance(str(c), a, _money(amount), c in credited) for c, a, amount in rows]


def _traces(read: Connection, as_of: date) -> list[TraceCash]:
    r = RemittanceRow
    held = exists().where(
        ClaimPaymentRow.remittance_id == r.remittance_id, ClaimPaymentRow.status == HELD
    )
    remittances = list(
        read.execute(
            select(r.remittance_id, r.trace_number, r.payment_amount)
            .where(
                r.status == POSTED,
                ~held,
                func.coalesce(r.payment_date, func.date(r.posted_at)) <= as_of,
            )
            .order_by(r.remittance_id)
        )
    )
    cash: dict[str, Money] = {}
    claims: dict[str, set[str]] = defaultdict(set)
    late: set[str] = set()
    for rid, _trace, _amount in remittances:
        # Every entry a remittance posted is numbered after it: "<id>:<CLP>:<n>", "<id>:plb:<n>".
        of_it = (
            select(P.account, P.amount, P.claim_id, E.effective)
            .join(E, E.entry_id == P.entry_id)
            .where(E.entry_id.like(f"{rid}:%"))
        )
        total = Money.zero()
        for account, amount, claim_id, effective in read.execute(of_it):
            if effective > as_of:
                # Paid in a month closed by then, so posted on the first open day after D
                # (docs/close.md): its cash is checked from that day on.
                late.add(rid)
            if account == Account.CASH.value:
                total = total + _money(amount)
            if claim_id is not None:
                claims[rid].add(claim_id)
        cash[rid] = total
    return [
        TraceCash(rid, trace, _money(amount), cash[rid], tuple(sorted(claims[rid])))
        for rid, trace, amount in remittances
        if rid not in late
    ]


def _recoveries(read: Connection, as_of: date, until: datetime) -> list[Recovery]:
    w = WorkItemRow
    items = list(
        read.execute(
            select(w.id, w.claim_id, w.resolved_amount, w.created_at)
            .where(
                w.kind == WorkKind.UNDERPAYMENT.value,
                w.status == WorkStatus.DONE.value,
                w.outcome == Outcome.RECOVERED.value,
                w.closed_at < until,
                w.claim_id.is_not(None),
            )
            .order_by(w.id)
        )
    )
    return [
        Recovery(
            item_id,
            str(claim_id),
            _money(resolved),
            payer_cash_after(read, str(claim_id), opened, through=as_of),
        )
        for item_id, claim_id, resolved, opened in items
    ]


def payer_cash_after(
    read: Connection, claim_id: str, after: datetime, *, through: date | None = None
) -> Money:
    """The cash posted on the claim in entries recorded after ``after`` (and effective by
    ``through``): payments less recoupments and reversals. An entry recorded with the item
    (the underpaid payment that opened it) is not after it."""
    query = (
        select(func.sum(P.amount))
        .join(E, E.entry_id == P.entry_id)
        .where(
            P.claim_id == claim_id,
            P.account == Account.CASH.value,
            E.recorded_at > after,
        )
    )
    if through is not None:
        query = query.where(E.effective <= through)
    return _money(read.execute(query).scalar())
