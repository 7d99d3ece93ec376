"""Patient payments: post one (once), apply the patient's credit, reverse one, refund credit.

Each use case is one transaction. The rule that applies a payment is pure
(``domain.patient_payments.allocate``); here the patient's open balances are read, the entry is
posted, the receipt's facts kept, and the credit-balance work kept in step: a patient with
unapplied credit has ONE active Tier 2 credit-balance item (problem key
``patient_credit:<account>``), closed as solved once the credit is applied or refunded
(docs/patient-payments.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from claimdesk.analytics.patient_pdf import ReceiptFacts, ReceiptLine, RefundLetterFacts
from claimdesk.domain.claims import Claim
from claimdesk.domain.ledger import (
    RECEIVABLES,
    Account,
    BalanceQuery,
    Dimensions,
    Entry,
    EntryKind,
    reversal_of,
)
from claimdesk.domain.money import Money, total
from claimdesk.domain.patient_payments import (
    MEDICARE_DEADLINE_KIND,
    Allocation,
    OpenBalance,
    PatientPayment,
    PaymentError,
    PaymentMethod,
    RefundRequest,
    RefundSource,
    RefundStatus,
    ReversalReason,
    allocate,
    credit_application_entry,
    looks_like_card_number,
    medicare_deadline,
    payment_entry,
    payment_id_of,
    refund_entry,
)
from claimdesk.domain.payers import PayerKind
from claimdesk.domain.payment_plans import PaymentPlan
from claimdesk.domain.statements import HoldReason
from claimdesk.domain.work import SYSTEM, HistoryEvent, Outcome, Problem, WorkItem, WorkKind
from claimdesk.routing.access import Role
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services import good_faith
from claimdesk.services.collections import recover_in
from claimdesk.services.good_faith import GfeSummary, SelfPayVisit
from claimdesk.services.practice import open_date, posting_date, practice_date
from claimdesk.services.remit_work import open_in
from claimdesk.services.users import acting_user
from claimdesk.store.queries.search import claims_of_patient
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
PATIENT_AR = frozenset({Account.PATIENT_AR})
INSURANCE_AR = frozenset({Account.INSURANCE_AR})
CREDIT = frozenset({Account.PATIENT_CREDIT})
CREDIT_PREFIX = "patient_credit:"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    patient_account: str
    amount: Money
    method: PaymentMethod
    reference: str = ""
    claim_id: str | None = None
    received_on: date | None = None  # default: the practice's today
    idempotency_key: str = ""


@dataclass(frozen=True, slots=True)
class Posted:
    payment: PatientPayment
    created: bool  # False: the same payment was posted before; nothing changed


def credit_of(uow: UnitOfWork, account: str) -> Money:
    """The patient's unapplied credit (the liability's balance, credit-negative, turned)."""
    return -uow.ledger.balance(BalanceQuery(accounts=CREDIT, patient_account=account))


def open_balances(uow: UnitOfWork, account: str) -> list[OpenBalance]:
    """Every claim of the patient with its patient balance and its lines' balances."""
    claims = claims_of_patient(uow.read, account)
    owed = uow.ledger.balances_of_claims(
        [c.claim_id for c in claims], BalanceQuery(accounts=PATIENT_AR)
    )
    return [
        OpenBalance(
            c.claim_id,
            c.date_of_service,
            owed.get(c.claim_id, Money.zero()),
            uow.ledger.balances_by_line(c.claim_id, PATIENT_AR)
            if owed.get(c.claim_id, Money.zero()).is_positive()
            else {},
        )
        for c in claims
    ]


def _check_request(request: PaymentRequest) -> None:
    if not request.amount.is_positive():
        raise PaymentError(f"amount {request.amount}: a payment is more than 0.00")
    for name, value in (("reference", request.reference), ("key", request.idempotency_key)):
        if looks_like_card_number(value):
            raise PaymentError(
                f"{name}: looks like a card number; claimdesk never keeps card numbers, give "
                "the processor's reference of the charge"
            )
        if len(value) > 80:
            raise PaymentError(f"{name}: at most 80 characters")
    if request.method is PaymentMethod.CARD and not request.reference.strip():
        raise PaymentError("reference: a card payment records the processor's reference")
    if request.method is PaymentMethod.CHECK and not request.reference.strip():
        raise PaymentError("reference: a check payment records the check number")


def post_payment(
    uow_factory: UowFactory,
    request: PaymentRequest,
    *,
    now: datetime,
    by: str,
    policy: RoutingPolicy,
) -> Posted:
    """Post a patient payment: applied to the named claim, else oldest first; the rest kept as
    the patient's unapplied credit. The same payment posted again changes nothing."""
    _check_request(request)
    for _ in range(3):
        try:
            return _post_once(uow_factory, request, now=now, by=by, policy=policy)
        except IntegrityError:
            # Another payment took the receipt number (or posted this very payment) first:
            # the next round sees it.
            continue
    raise PaymentError(f"patient {request.patient_account}: could not number the receipt")


def _post_once(
    uow_factory: UowFactory,
    request: PaymentRequest,
    *,
    now: datetime,
    by: str,
    policy: RoutingPolicy,
) -> Posted:
    account = request.patient_account
    with uow_factory() as uow:
        uow.work_items.begin_write()
        if not uow.patient_payments.lock_patient(account):
            raise PaymentError(f"patient {account}: no such patient")
        today = practice_date(uow, now)
        received = request.received_on or today
        if received > today:
            raise PaymentError(f"date {received}: after today ({today})")
        payment_id = payment_id_of(
            account, request.amount, received, request.reference, request.idempotency_key
        )
        known = uow.patient_payments.get(payment_id)
        if known is not None:
            if (known.amount, known.received_on) != (request.amount, received):
                raise PaymentError(
                    f"key {request.idempotency_key!r}: already used for payment receipt "
                    f"{known.receipt_number} of {known.amount} on {known.received_on}"
                )
            return Posted(known, created=False)
        effective = open_date(uow, received)
        # An account in collections: the payment is a recovery (docs/collections.md).
        restored = recover_in(
            uow, account, request.amount, effective, payment_id=payment_id, now=now, by=by
        )
        balances = open_balances(uow, account)
        if request.claim_id is not None and request.claim_id not in {b.claim_id for b in balances}:
            raise PaymentError(f"claim {request.claim_id}: no claim of patient {account}")
        if restored:
            if request.claim_id is not None and request.claim_id not in restored:
                raise PaymentError(
                    f"claim {request.claim_id}: the account is in collections; a payment "
                    "recovers its bad debt first, name no claim"
                )
            balances = [b for b in balances if b.claim_id in restored]
        allocation = allocate(request.amount, balances, request.claim_id)
        receipt = uow.patient_payments.next_receipt_number()
        entry = payment_entry(
            entry_id=f"patient-payment:{payment_id}",
            account=account,
            amount=request.amount,
            allocation=allocation,
            effective=effective,
            recorded_at=now,
            recorded_by=by,
            source=f"patient payment receipt {receipt} ({request.method.value})",
            memo=request.reference,
        )
        uow.ledger.append(entry)
        payment = PatientPayment(
            payment_id=payment_id,
            receipt_number=receipt,
            patient_account=account,
            amount=request.amount,
            applied=allocation.applied,
            unapplied=allocation.unapplied,
            method=request.method,
            reference=request.reference.strip(),
            claim_id=request.claim_id,
            received_on=received,
            entry_id=entry.entry_id,
            recorded_at=now,
            recorded_by=by,
        )
        uow.patient_payments.add(payment)
        keep_credit_work(uow, account, now=now, policy=policy)
        uow.commit()
    return Posted(payment, created=True)


def apply_credit_in(
    uow: UnitOfWork, account: str, *, now: datetime, by: str, claim_id: str | None = None
) -> Allocation | None:
    """Apply the patient's unapplied credit to their open balances (the named claim, else
    oldest first) inside the caller's transaction; ``None`` when nothing could be applied."""
    credit = credit_of(uow, account)
    if not credit.is_positive():
        return None
    allocation = allocate(credit, open_balances(uow, account), claim_id)
    if not allocation.applications:
        return None
    uow.ledger.append(
        credit_application_entry(
            entry_id=f"credit-applied:{uuid.uuid4().hex}",
            account=account,
            allocation=allocation,
            effective=posting_date(uow, now),
            recorded_at=now,
            recorded_by=by,
            memo=f"unapplied credit applied to {', '.join(sorted(allocation.per_claim()))}",
        )
    )
    return allocation


def apply_credit(
    uow_factory: UowFactory,
    account: str,
    *,
    claim_id: str | None,
    now: datetime,
    by: str,
    policy: RoutingPolicy,
) -> Money:
    """Apply the patient's credit by hand; answers what was applied."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        if not uow.patient_payments.lock_patient(account):
            raise PaymentError(f"patient {account}: no such patient")
        done = apply_credit_in(uow, account, now=now, by=by, claim_id=claim_id)
        keep_credit_work(uow, account, now=now, policy=policy)
        uow.commit()
    return Money.zero() if done is None else done.applied


def apply_credits_in(
    uow: UnitOfWork, accounts: Sequence[str], *, now: datetime, by: str, policy: RoutingPolicy
) -> int:
    """After an 835 moved balances to patients: each patient's credit applied to them, oldest
    first (docs/patient-payments.md); answers how many patients' credit was applied."""
    applied = 0
    # One grouped sum finds who has credit at all: most patients have none, and an 835 moves
    # balances to thousands of them.
    holding = {
        a for a, b in uow.ledger.balances_by_patient(BalanceQuery(accounts=CREDIT)).items() if b
    }
    for account in sorted(set(accounts) & holding):
        if not credit_of(uow, account).is_positive():
            continue
        if apply_credit_in(uow, account, now=now, by=by) is not None:
            applied += 1
        keep_credit_work(uow, account, now=now, policy=policy)
    return applied


def keep_credit_work(
    uow: UnitOfWork, account: str, *, now: datetime, policy: RoutingPolicy
) -> None:
    """One active credit-balance item while the patient has unapplied credit; none once not."""
    key = f"{CREDIT_PREFIX}{account}"
    credit = credit_of(uow, account)
    active = [i for i in uow.work_items.without_claim_prefixed(key) if i.active]
    if credit.is_positive() and not active:
        open_in(
            uow,
            Problem(
                kind=WorkKind.CREDIT_BALANCE,
                category="credit_balance",
                problem_key=key,
                amount_at_stake=credit,
                patient_account=account,
                summary=(
                    f"patient credit {credit} unapplied; recommended: apply it to the next "
                    "balance, or refund the patient"
                ),
            ),
            now=now,
            policy=policy,
            history=uow.work_items.recovery_history(),
        )
    if not credit.is_positive():
        for item in active:
            event = item.close(SYSTEM, now, Outcome.PROBLEM_SOLVED)
            note = HistoryEvent(now, SYSTEM, "note", item.status, item.status, "no credit left")
            uow.work_items.update(item, [event, note])


def find_payment(uow: UnitOfWork, ref: str) -> PatientPayment | None:
    """A payment by its receipt number or its id."""
    if ref.isdigit():
        return uow.patient_payments.by_receipt(int(ref))
    return uow.patient_payments.get(ref)


def reverse_payment(
    uow_factory: UowFactory,
    ref: str,
    *,
    reason: ReversalReason,
    note: str,
    now: datetime,
    by: str,
    policy: RoutingPolicy,
) -> PatientPayment:
    """Take a payment back (a bounced check, a chargeback): its entry reversed, so the balances
    it paid are open again and its credit gone. Credit it left that was applied since is taken
    back from those balances, newest application first (docs/patient-payments.md)."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        payment = find_payment(uow, ref)
        if payment is None:
            raise PaymentError(f"payment {ref}: no such payment")
        # Read it again under the patient's lock: a reversal at the same moment is seen.
        uow.patient_payments.lock_patient(payment.patient_account)
        payment = find_payment(uow, ref) or payment
        if payment.reversed:
            raise PaymentError(
                f"payment {ref}: already reversed ({payment.reversal_reason}) on "
                f"{payment.reversed_at}"
            )
        original = uow.ledger.get(payment.entry_id)
        if original is None:
            raise PaymentError(f"payment {ref}: its entry {payment.entry_id} is not in the ledger")
        account = payment.patient_account
        reversal = reversal_of(
            original,
            entry_id=f"{payment.entry_id}:reversed",
            effective=posting_date(uow, now),
            recorded_at=now,
            recorded_by=by,
            memo=f"{reason.value}: {note}" if note else reason.value,
        )
        uow.ledger.append(reversal)
        _restore_credit(uow, account, now=now, by=by)
        short = credit_of(uow, account)
        if short.is_negative():
            # The credit the payment left was refunded: the books would owe the patient less
            # than nothing (BOOKS011). Nothing is posted; the person is told why.
            raise PaymentError(
                f"payment {ref}: {-short} of the credit it left was refunded since; the "
                "reversal would put the patient's credit account in debit"
            )
        reversed_payment = replace(
            payment,
            reversal_entry_id=reversal.entry_id,
            reversal_reason=reason.value,
            reversal_note=note,
            reversed_at=now,
            reversed_by=by,
        )
        uow.patient_payments.save_reversal(reversed_payment)
        keep_credit_work(uow, account, now=now, policy=policy)
        uow.commit()
    return reversed_payment


def _restore_credit(uow: UnitOfWork, account: str, *, now: datetime, by: str) -> None:
    """After a reversal: if it took back credit that was applied since, undo the
    applications, newest first, until the credit is not below zero; then the credit left is
    applied to the balances the reversal opened again (a new patient balance, as from an 835)."""
    if credit_of(uow, account).is_negative():
        _undo_applications(uow, account, now=now, by=by)
    apply_credit_in(uow, account, now=now, by=by)


def _undo_applications(uow: UnitOfWork, account: str, *, now: datetime, by: str) -> None:
    applications = [
        e
        for e in uow.ledger.entries(patient_account=account)
        if e.kind is EntryKind.CREDIT_APPLICATION
    ]
    undone = uow.ledger.reversed_ids([e.entry_id for e in applications])
    for entry in reversed(applications):
        if not credit_of(uow, account).is_negative():
            break
        if entry.entry_id in undone:
            continue
        uow.ledger.append(
            reversal_of(
                entry,
                entry_id=f"{entry.entry_id}:reversed",
                effective=posting_date(uow, now),
                recorded_at=now,
                recorded_by=by,
                memo="the payment behind this credit was reversed",
            )
        )


# Refunds.


@dataclass(frozen=True, slots=True)
class RefundAsk:
    source: RefundSource
    patient_account: str
    amount: Money
    claim_id: str | None = None
    note: str = ""


def owed_back(uow: UnitOfWork, source: RefundSource, account: str, claim_id: str | None) -> Money:
    """What may be refunded from ``source``: the credit, or the claim's balance below zero."""
    if source is RefundSource.PATIENT_CREDIT:
        return credit_of(uow, account)
    accounts = PATIENT_AR if source is RefundSource.PATIENT_CLAIM else INSURANCE_AR
    return -uow.ledger.balance(BalanceQuery(accounts=accounts, claim_id=claim_id))


def request_refund(
    uow_factory: UowFactory, ask: RefundAsk, *, now: datetime, by: str, policy: RoutingPolicy
) -> RefundRequest:
    """Ask to refund money owed back; it waits for another person's approval (a Tier 3
    refund-approval item), as nobody approves their own request."""
    if not ask.amount.is_positive():
        raise PaymentError(f"amount {ask.amount}: a refund is more than 0.00")
    with uow_factory() as uow:
        uow.work_items.begin_write()
        acting_user(uow, by)
        if uow.patients.get(ask.patient_account) is None:
            raise PaymentError(f"patient {ask.patient_account}: no such patient")
        payer_id = None
        if ask.source is not RefundSource.PATIENT_CREDIT:
            if not ask.claim_id:
                raise PaymentError(f"claim: a refund from {ask.source} names the claim overpaid")
            claim = uow.claims.get(ask.claim_id)
            if claim is None or claim.encounter.patient_account != ask.patient_account:
                raise PaymentError(
                    f"claim {ask.claim_id}: no claim of patient {ask.patient_account}"
                )
            payer_id = claim.payer_id if ask.source is RefundSource.PAYER_CLAIM else None
        owed = owed_back(uow, ask.source, ask.patient_account, ask.claim_id)
        if ask.amount > owed:
            raise PaymentError(
                f"amount {ask.amount}: more than the {owed} owed back ({ask.source})"
            )
        request = RefundRequest(
            source=ask.source,
            patient_account=ask.patient_account,
            amount=ask.amount,
            requested_by=by,
            requested_at=now,
            claim_id=ask.claim_id,
            payer_id=payer_id,
            note=ask.note,
        )
        request_id = uow.patient_payments.add_refund(request)
        item = open_in(
            uow,
            Problem(
                kind=WorkKind.REFUND_APPROVAL,
                category="credit_balance",
                problem_key=f"refund:{request_id}",
                amount_at_stake=ask.amount,
                claim_id=ask.claim_id,
                patient_account=ask.patient_account,
                payer_id=payer_id,
                summary=f"refund {ask.amount} ({ask.source}) requested by {by}; approve or reject",
            ),
            now=now,
            policy=policy,
            history=uow.work_items.recovery_history(),
        )
        made = replace(request, request_id=request_id, work_item_id=item.item_id if item else None)
        uow.patient_payments.save_refund(made)
        uow.commit()
    return made


def decide_refund(
    uow_factory: UowFactory,
    request_id: int,
    *,
    approve: bool,
    now: datetime,
    by: str,
    policy: RoutingPolicy,
) -> RefundRequest:
    """A manager other than the requester approves (the refund entry posts) or rejects."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        user = acting_user(uow, by)
        if user.role is not Role.MANAGER:
            raise PaymentError(f"refund {request_id}: only a manager (Tier 3) may decide it")
        request = uow.patient_payments.refund(request_id)
        if request is None or request.status is not RefundStatus.PENDING:
            raise PaymentError(f"refund {request_id}: no pending request")
        if request.requested_by == by:
            raise PaymentError(
                f"refund {request_id}: you requested it; another manager must decide it"
            )
        uow.patient_payments.lock_patient(request.patient_account)
        if approve:
            owed = owed_back(uow, request.source, request.patient_account, request.claim_id)
            if request.amount > owed:
                raise PaymentError(f"refund {request_id}: only {owed} is owed back now")
            entry = refund_entry(
                entry_id=f"refund:{request_id}",
                source=request.source,
                amount=request.amount,
                dims=Dimensions(
                    request.patient_account,
                    None if request.source is RefundSource.PATIENT_CREDIT else request.claim_id,
                    None,
                    request.payer_id,
                ),
                effective=posting_date(uow, now),
                recorded_at=now,
                recorded_by=by,
                memo=request.note or f"refund approved by {by}",
            )
            uow.ledger.append(entry)
            decided = replace(
                request,
                status=RefundStatus.POSTED,
                decided_by=by,
                decided_at=now,
                entry_id=entry.entry_id,
            )
        else:
            decided = replace(request, status=RefundStatus.REJECTED, decided_by=by, decided_at=now)
        uow.patient_payments.save_refund(decided)
        if request.work_item_id is not None:
            item = uow.work_items.get(request.work_item_id, with_history=False)
            if item is not None and item.active:
                event = item.close(SYSTEM, now, Outcome.NO_ACTION_NEEDED)
                note = HistoryEvent(
                    now, SYSTEM, "note", item.status, item.status, f"refund {decided.status}"
                )
                uow.work_items.update(item, [event, note])
        if approve:
            _settle_credit_items(uow, decided, now=now, policy=policy)
        uow.commit()
    return decided


def _settle_credit_items(
    uow: UnitOfWork, request: RefundRequest, *, now: datetime, policy: RoutingPolicy
) -> None:
    if request.source is RefundSource.PATIENT_CREDIT:
        keep_credit_work(uow, request.patient_account, now=now, policy=policy)
        return
    claim_id = request.claim_id or ""
    accounts = PATIENT_AR if request.source is RefundSource.PATIENT_CLAIM else INSURANCE_AR
    if uow.ledger.balance(BalanceQuery(accounts=accounts, claim_id=claim_id)).is_negative():
        return
    key = PATIENT_CREDIT_KEY if request.source is RefundSource.PATIENT_CLAIM else "credit_balance"
    for item in uow.work_items.active_of_claim(claim_id, key):
        if item.kind is WorkKind.CREDIT_BALANCE:
            event = item.close(SYSTEM, now, Outcome.PROBLEM_SOLVED)
            note = HistoryEvent(now, SYSTEM, "note", item.status, item.status, "refunded")
            uow.work_items.update(item, [event, note])


def insurance_credit_problem(
    uow: UnitOfWork, claim_id: str, owed: Money, why: str, today: date
) -> Problem | None:
    """The credit-balance problem of a payer overpayment on a claim; a Medicare overpayment
    carries its 60-day deadline (42 CFR 401.305)."""
    claim = uow.claims.get(claim_id) if owed.is_negative() else None
    if claim is None:
        return None
    payer = uow.payers.get(claim.payer_id)
    medicare = payer is not None and payer.kind is PayerKind.MEDICARE
    return Problem(
        kind=WorkKind.CREDIT_BALANCE,
        category="credit_balance",
        problem_key="credit_balance",
        amount_at_stake=-owed,
        claim_id=claim_id,
        patient_account=claim.encounter.patient_account,
        payer_id=claim.payer_id,
        deadline=medicare_deadline(today) if medicare else None,
        deadline_kind=MEDICARE_DEADLINE_KIND if medicare else "",
        summary=(
            f"insurance credit balance {-owed} after {why}; "
            "recommended: refund the payer or let it recoup"
        ),
    )


PATIENT_CREDIT_KEY = "patient_credit_balance"


def patient_credit_problems(
    uow: UnitOfWork, claims: Sequence[Claim], remittance_id: str | None = None
) -> list[Problem]:
    """A claim whose patient balance fell below zero (the payer took back a share the patient
    had paid) is a patient overpayment: worked as a credit-balance item, refunded or applied."""
    owed = uow.ledger.balances_of_claims(
        [c.claim_id for c in claims], BalanceQuery(accounts=PATIENT_AR)
    )
    return [
        Problem(
            kind=WorkKind.CREDIT_BALANCE,
            category="credit_balance",
            problem_key=PATIENT_CREDIT_KEY,
            amount_at_stake=-owed[c.claim_id],
            claim_id=c.claim_id,
            patient_account=c.encounter.patient_account,
            remittance_id=remittance_id,
            summary=(
                f"patient credit balance {-owed[c.claim_id]} on the claim; recommended: refund "
                "the patient or apply it to another balance"
            ),
        )
        for c in claims
        if owed.get(c.claim_id, Money.zero()).is_negative()
    ]


def payments_total(payments: Sequence[PatientPayment]) -> Money:
    """What the payments not reversed brought in."""
    return total(p.amount for p in payments if not p.reversed)


# The patient's account: what the account page, the receipt and a statement show.

_INSURANCE_MONEY = frozenset({EntryKind.INSURANCE_PAYMENT, EntryKind.RECOUPMENT})
_ADJUSTMENTS = frozenset(
    {EntryKind.CONTRACTUAL_ADJUSTMENT, EntryKind.OTHER_ADJUSTMENT, EntryKind.WRITE_OFF}
)
_PATIENT_MONEY = frozenset({EntryKind.PATIENT_PAYMENT, EntryKind.CREDIT_APPLICATION})


@dataclass(frozen=True, slots=True)
class Visit:
    """One claim of the patient, as the ledger tells it (reversals net against what they undo)."""

    claim_id: str
    date_of_service: date
    payer_id: str
    status: str
    charge: Money
    insurance_paid: Money  # payments less recoupments and refunds to the payer
    adjusted: Money  # contractual and other adjustments, write-offs
    patient_responsibility: Money  # what the payers left to the patient (or a self-pay charge)
    patient_paid: Money  # payments and credit applied, less refunds to the patient
    insurance_balance: Money
    patient_balance: Money
    # What the patient was told before the visit: the newest cost estimate of their share
    # (docs/estimates.md), or for a self-pay visit its good-faith estimate; None: none given.
    estimate: Money | None = None
    estimate_source: str = ""  # "estimate", or the good-faith estimate's id


@dataclass(frozen=True, slots=True)
class SentStatement:
    statement_id: str
    statement_date: date
    balance: Money
    dunning_level: str


@dataclass(frozen=True, slots=True)
class PatientAccount:
    patient_account: str
    visits: tuple[Visit, ...]
    payments: tuple[PatientPayment, ...]
    refunds: tuple[RefundRequest, ...]
    credit: Money
    guarantor: str = ""  # the guarantor's name and account; "" when the patient is their own
    # What the statements cycle keeps about the account (docs/statements.md): the statements
    # sent to it (newest first), its payment plans and the hold standing on it, if any.
    statements: tuple[SentStatement, ...] = ()
    plans: tuple[PaymentPlan, ...] = ()
    hold: HoldReason | None = None
    # The good-faith estimates made for the patient, and their self-pay visits without one.
    good_faith: tuple[GfeSummary, ...] = ()
    self_pay_visits: tuple[SelfPayVisit, ...] = ()

    @property
    def patient_balance(self) -> Money:
        return total(v.patient_balance for v in self.visits)

    @property
    def insurance_balance(self) -> Money:
        return total(v.insurance_balance for v in self.visits)


def _visit_figures(entries: Sequence[Entry], claim_id: str) -> dict[str, Money]:
    kinds = {e.entry_id: e.kind for e in entries}
    sums = dict.fromkeys(
        ("charge", "insurance", "adjusted", "responsibility", "patient", "ins_bal", "pat_bal"),
        Money.zero(),
    )
    for entry in entries:
        kind = kinds.get(entry.reverses or "", entry.kind) if entry.reverses else entry.kind
        for p in entry.postings:
            if p.dims.claim_id != claim_id or p.account not in RECEIVABLES:
                continue
            patient = p.account is Account.PATIENT_AR
            sums["pat_bal" if patient else "ins_bal"] += p.amount
            if kind is EntryKind.CHARGE:
                sums["charge"] += p.amount
                if patient:
                    sums["responsibility"] += p.amount
            elif kind is EntryKind.TRANSFER_TO_PATIENT:
                if patient:
                    sums["responsibility"] += p.amount
            elif kind in _ADJUSTMENTS:
                sums["adjusted"] -= p.amount
            elif patient and (kind in _PATIENT_MONEY or kind is EntryKind.REFUND):
                sums["patient"] -= p.amount
            elif not patient and (kind in _INSURANCE_MONEY or kind is EntryKind.REFUND):
                sums["insurance"] -= p.amount
    return sums


def account_in(uow: UnitOfWork, account: str) -> PatientAccount:
    """The patient's ledger by visit, their payments, refunds and unapplied credit, and the
    statements, plans and hold of the account billed for them (their guarantor's, if any)."""
    patient = uow.patients.get(account)
    billed = account if patient is None else patient.guarantor_account or account
    entries = uow.ledger.entries(patient_account=account)
    hits = sorted(
        claims_of_patient(uow.read, account), key=lambda c: (c.date_of_service, c.claim_id)
    )
    told = {
        claim_id: (share, "estimate")
        for claim_id, share in uow.estimates.patient_shares([h.claim_id for h in hits]).items()
    }
    gfes, self_pay = good_faith.of_patient_in(uow, account)
    for gfe in gfes:
        for claim in uow.claims.for_encounter(gfe.encounter_id):
            told.setdefault(claim.claim_id, (gfe.total, gfe.gfe_id))
    visits = []
    for hit in hits:
        f = _visit_figures(entries, hit.claim_id)
        estimate, source = told.get(hit.claim_id, (None, ""))
        visits.append(
            Visit(
                claim_id=hit.claim_id,
                date_of_service=hit.date_of_service,
                payer_id=hit.payer_id,
                status=hit.status,
                charge=f["charge"],
                insurance_paid=f["insurance"],
                adjusted=f["adjusted"],
                patient_responsibility=f["responsibility"],
                patient_paid=f["patient"],
                insurance_balance=f["ins_bal"],
                patient_balance=f["pat_bal"],
                estimate=estimate,
                estimate_source=source,
            )
        )
    return PatientAccount(
        patient_account=account,
        visits=tuple(visits),
        payments=tuple(uow.patient_payments.of_patient(account)),
        refunds=tuple(uow.patient_payments.refunds_of_patient(account)),
        credit=credit_of(uow, account),
        guarantor=_guarantor(uow, account),
        statements=tuple(
            SentStatement(
                s["statement_id"], s["statement_date"], Money(s["balance"]), s["dunning_level"]
            )
            for s in uow.statements.statements(account=billed, limit=24)
        ),
        plans=tuple(uow.statements.plans(billed)),
        hold=uow.statements.holds().get(billed),
        good_faith=tuple(gfes),
        self_pay_visits=tuple(self_pay),
    )


def _guarantor(uow: UnitOfWork, account: str) -> str:
    patient = uow.patients.get(account)
    if patient is None or patient.guarantor_account is None:
        return ""
    found = uow.guarantors.get(patient.guarantor_account)
    if found is None:
        return patient.guarantor_account
    return f"{found.first_name} {found.last_name} ({found.account})"


def patient_account(uow_factory: UowFactory, account: str) -> PatientAccount | None:
    with uow_factory() as uow:
        if uow.patients.get(account) is None:
            return None
        return account_in(uow, account)


def _practice_heading(uow: UnitOfWork) -> tuple[str, str]:
    profile = uow.practice.profile()
    address = ", ".join(
        part
        for part in (
            profile.get("billing.address1"),
            profile.get("billing.city"),
            f"{profile.get('billing.state')} {profile.get('billing.zip')}".strip(),
        )
        if part
    )
    return profile.get("name") or "The practice", address


def receipt_facts(uow_factory: UowFactory, ref: str) -> ReceiptFacts | None:
    """What the receipt of payment ``ref`` (receipt number or id) prints."""
    with uow_factory() as uow:
        payment = find_payment(uow, ref)
        if payment is None:
            return None
        patient = uow.patients.get(payment.patient_account)
        entry = uow.ledger.get(payment.entry_id)
        paid: dict[str, Money] = {}
        for p in entry.postings if entry else ():
            if p.account is Account.PATIENT_AR and p.dims.claim_id:
                paid[p.dims.claim_id] = paid.get(p.dims.claim_id, Money.zero()) - p.amount
        now = account_in(uow, payment.patient_account)
        practice, address = _practice_heading(uow)
    visits = {v.claim_id: v for v in now.visits}
    name = "" if patient is None else f"{patient.first_name} {patient.last_name}"
    return ReceiptFacts(
        practice=practice,
        practice_address=address,
        receipt_number=payment.receipt_number,
        received_on=payment.received_on,
        patient_name=name,
        patient_account=payment.patient_account,
        amount=payment.amount,
        method=payment.method.value,
        reference=payment.reference,
        lines=tuple(
            ReceiptLine(c, visits[c].date_of_service, amount, visits[c].patient_balance)
            for c, amount in sorted(paid.items())
            if c in visits
        ),
        unapplied=payment.unapplied,
        credit_now=now.credit,
        balance_now=now.patient_balance,
        taken_by=payment.recorded_by,
        reversed_note=(
            f"{payment.reversal_reason} on {payment.reversed_at:%Y-%m-%d}"
            if payment.reversed_at
            else ""
        ),
    )


def refund_letter_facts(
    uow_factory: UowFactory, request_id: int, *, now: datetime
) -> RefundLetterFacts | None:
    """What the letter sent with a posted refund says; ``None`` until it is posted."""
    with uow_factory() as uow:
        request = uow.patient_payments.refund(request_id)
        if request is None or request.status is not RefundStatus.POSTED:
            return None
        patient = uow.patients.get(request.patient_account)
        practice, address = _practice_heading(uow)
        payer = uow.payers.get(request.payer_id) if request.payer_id else None
        today = practice_date(uow, now)
    name = "" if patient is None else f"{patient.first_name} {patient.last_name}"
    lines: tuple[str, ...] = ()
    if payer is not None:
        addressee = payer.name
        why = "a payment beyond what the claim was owed"
    else:
        a = patient.address if patient else None
        addressee = name
        lines = (a.line1, f"{a.city}, {a.state} {a.postal_code}") if a else ()
        why = "payments beyond your balance"
    return RefundLetterFacts(
        practice=practice,
        practice_address=address,
        written_on=today,
        addressee=addressee,
        address_lines=lines,
        patient_name=name,
        patient_account=request.patient_account,
        claim_id=request.claim_id or "",
        amount=request.amount,
        why=why,
        request_id=request_id,
    )


AWAIT_RECOUPMENT_DAYS = 45  # a payer that recoups usually does so within its next cycles
AWAITING_RECOUPMENT = "awaiting recoupment (PLB WO)"


def await_recoupment(uow_factory: UowFactory, claim_id: str, *, now: datetime, by: str) -> WorkItem:
    """Leave a payer overpayment to be recouped instead of refunded: the claim's credit-balance
    item, held by ``by``, is marked and snoozed until its deadline (a Medicare overpayment's 60
    days) or 45 days; the 835 whose PLB WO takes the money back closes it."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        found = [
            i
            for i in uow.work_items.active_of_claim(claim_id, "credit_balance")
            if i.kind is WorkKind.CREDIT_BALANCE
        ]
        if not found:
            raise PaymentError(f"claim {claim_id}: no open payer credit-balance item")
        item = found[0]
        until = now + timedelta(days=AWAIT_RECOUPMENT_DAYS)
        if item.deadline is not None:
            until = min(until, datetime.combine(item.deadline, time(), tzinfo=now.tzinfo))
        note = item.note(by, now, AWAITING_RECOUPMENT)
        event = item.snooze(by, now, until)
        uow.work_items.update(item, [note, event])
        uow.commit()
    return item
