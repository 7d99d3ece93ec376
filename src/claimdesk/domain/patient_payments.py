"""Patient payments: how a payment is applied, how it is posted, reversed and refunded.

Pure: the store hands in the patient's open balances; these functions answer the applications
and the ledger entries. The rule (docs/patient-payments.md):

- A payment names a claim: it pays that claim's patient balance, up to the balance.
- A payment names none: it pays the patient's open balances oldest first, by date of service,
  then by claim id, each up to its balance.
- Inside a claim, each service line's open patient balance in line order, then what the claim
  owes beyond its lines at the claim level (as write-offs are posted: docs/books.md).
- Whatever is left is unapplied patient credit: its own ledger account, a liability, never lost.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from claimdesk.domain.ledger import Account, Dimensions, Entry, EntryKind, Posting
from claimdesk.domain.money import Money, total

# 42 CFR 401.305(b): a Medicare overpayment is reported and returned within 60 days of the day
# it was identified.
MEDICARE_OVERPAYMENT_DAYS = 60
MEDICARE_DEADLINE_KIND = "overpayment_60_day"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHECK = "check"
    CARD = "card"
    OTHER = "other"


class ReversalReason(StrEnum):
    """Why a posted patient payment is taken back; free text goes in the note only."""

    RETURNED_CHECK = "returned-check"  # NSF, account closed
    CHARGEBACK = "chargeback"  # the card holder disputed it with the card issuer
    STOP_PAYMENT = "stop-payment"
    POSTED_IN_ERROR = "posted-in-error"  # wrong patient, wrong amount: post it again right
    DUPLICATE = "duplicate"


class PaymentError(ValueError):
    """A payment, reversal or refund that cannot be; the message names the field and why."""


# Card numbers are 13 to 19 digits; separators are spaces or dashes.
_CARD_LIKE = re.compile(r"(?:\d[ -]?){12,18}\d")


def _luhn(digits: str) -> bool:
    checksum = 0
    for n, char in enumerate(reversed(digits)):
        value = int(char)
        if n % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        checksum += value
    return checksum % 10 == 0


def looks_like_card_number(text: str) -> bool:
    """True when ``text`` holds a run of 13-19 digits passing the Luhn check (ISO/IEC 7812):
    claimdesk refuses to store it, as card numbers never enter claimdesk (PCI DSS scope)."""
    for match in _CARD_LIKE.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return True
    return False


@dataclass(frozen=True, slots=True)
class CardCharge:
    """What a card processor answers for a charge it made: its own reference, nothing more."""

    processor: str  # the processor's name, e.g. "stripe"
    reference: str  # the processor's id of the charge (never the card number)
    amount: Money


class CardProcessor(Protocol):
    """The integration point for card payments; the card is handled outside claimdesk.

    Contract (docs/patient-payments.md): the processor's own terminal or hosted page takes the
    card, so no card number, expiry or security code ever reaches claimdesk. ``charge`` answers
    the processor's reference of an approved charge of exactly ``amount``, or raises
    :class:`PaymentError` when declined; ``idempotency_key`` makes a retried call answer the
    same charge. claimdesk then posts the payment with method ``card`` and that reference, the
    same path as a card payment typed in with the reference from the terminal's slip.
    """

    name: str

    def charge(self, amount: Money, *, idempotency_key: str, description: str) -> CardCharge: ...


@dataclass(frozen=True, slots=True)
class OpenBalance:
    """A claim the patient owes on: its patient balance, and per service line."""

    claim_id: str
    date_of_service: date
    balance: Money
    lines: Mapping[int, Money] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Application:
    claim_id: str
    line_number: int | None  # None: the claim level
    amount: Money


@dataclass(frozen=True, slots=True)
class Allocation:
    applications: tuple[Application, ...]
    unapplied: Money

    @property
    def applied(self) -> Money:
        return total(a.amount for a in self.applications)

    def per_claim(self) -> dict[str, Money]:
        found: dict[str, Money] = {}
        for a in self.applications:
            found[a.claim_id] = found.get(a.claim_id, Money.zero()) + a.amount
        return found


def oldest_first(balances: Sequence[OpenBalance]) -> list[OpenBalance]:
    """The order a payment pays claims in: date of service, then claim id."""
    return sorted(balances, key=lambda b: (b.date_of_service, b.claim_id))


def _within(claim: OpenBalance, amount: Money) -> list[Application]:
    applications = []
    left = amount
    for number in sorted(claim.lines):
        owed = claim.lines[number]
        if not left.is_positive():
            break
        if owed.is_positive():
            taken = min(owed, left)
            applications.append(Application(claim.claim_id, number, taken))
            left = left - taken
    if left.is_positive():
        applications.append(Application(claim.claim_id, None, left))
    return applications


def allocate(
    amount: Money, balances: Sequence[OpenBalance], claim_id: str | None = None
) -> Allocation:
    """Apply ``amount`` to the named claim, or to the open balances oldest first; the rest
    is unapplied credit. Balances of zero or less take nothing."""
    if not amount.is_positive():
        raise PaymentError(f"amount {amount}: a payment is more than 0.00")
    chosen = [b for b in balances if b.claim_id == claim_id] if claim_id else oldest_first(balances)
    applications: list[Application] = []
    left = amount
    for claim in chosen:
        if not left.is_positive():
            break
        if not claim.balance.is_positive():
            continue
        taken = min(claim.balance, left)
        applications.extend(_within(claim, taken))
        left = left - taken
    return Allocation(tuple(applications), left)


def payment_id_of(
    account: str, amount: Money, received: date, reference: str, idempotency_key: str
) -> str:
    """The payment's id, from what makes it the same payment: the idempotency key when one is
    given, else the account, reference, amount and date (posting it twice changes nothing)."""
    if idempotency_key:
        parts = ["key", account, idempotency_key]
    else:
        parts = ["pay", account, reference.strip().upper(), str(amount), received.isoformat()]
    return "PP" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:22]


def payment_entry(
    *,
    entry_id: str,
    account: str,
    amount: Money,
    allocation: Allocation,
    effective: date,
    recorded_at: datetime,
    recorded_by: str,
    source: str,
    memo: str,
) -> Entry:
    """Cash up by the payment; each application off the patient receivable of its claim and
    line; the rest to the patient's unapplied credit."""
    postings = [Posting(Account.CASH, amount, Dimensions(account))]
    postings += [
        Posting(Account.PATIENT_AR, -a.amount, Dimensions(account, a.claim_id, a.line_number))
        for a in allocation.applications
    ]
    if allocation.unapplied.is_positive():
        postings.append(Posting(Account.PATIENT_CREDIT, -allocation.unapplied, Dimensions(account)))
    return Entry(
        entry_id=entry_id,
        kind=EntryKind.PATIENT_PAYMENT,
        effective=effective,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        postings=tuple(postings),
        source=source,
        memo=memo,
    )


def credit_application_entry(
    *,
    entry_id: str,
    account: str,
    allocation: Allocation,
    effective: date,
    recorded_at: datetime,
    recorded_by: str,
    memo: str,
) -> Entry:
    """Unapplied credit moved onto patient balances: the credit falls, the receivable falls."""
    postings = [Posting(Account.PATIENT_CREDIT, allocation.applied, Dimensions(account))]
    postings += [
        Posting(Account.PATIENT_AR, -a.amount, Dimensions(account, a.claim_id, a.line_number))
        for a in allocation.applications
    ]
    return Entry(
        entry_id=entry_id,
        kind=EntryKind.CREDIT_APPLICATION,
        effective=effective,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        postings=tuple(postings),
        source=f"patient credit of {account}",
        memo=memo,
    )


class RefundSource(StrEnum):
    """Whose money goes back, and from which balance."""

    PATIENT_CREDIT = "patient-credit"  # the patient's unapplied credit
    PATIENT_CLAIM = "patient-claim"  # a claim's patient balance below zero
    PAYER_CLAIM = "payer-claim"  # a claim's insurance balance below zero


def refund_entry(
    *,
    entry_id: str,
    source: RefundSource,
    amount: Money,
    dims: Dimensions,
    effective: date,
    recorded_at: datetime,
    recorded_by: str,
    memo: str,
) -> Entry:
    """Cash out; the balance owed back (the credit, or the claim's negative receivable) rises
    back toward zero."""
    account = {
        RefundSource.PATIENT_CREDIT: Account.PATIENT_CREDIT,
        RefundSource.PATIENT_CLAIM: Account.PATIENT_AR,
        RefundSource.PAYER_CLAIM: Account.INSURANCE_AR,
    }[source]
    return Entry(
        entry_id=entry_id,
        kind=EntryKind.REFUND,
        effective=effective,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        postings=(Posting(account, amount, dims), Posting(Account.CASH, -amount, dims)),
        source=f"refund {entry_id}",
        memo=memo,
    )


def medicare_deadline(identified: date) -> date:
    """The day a Medicare overpayment identified on ``identified`` must be returned by."""
    return identified + timedelta(days=MEDICARE_OVERPAYMENT_DAYS)


@dataclass(frozen=True, slots=True)
class PatientPayment:
    """A posted payment: what its receipt prints, and how it ended."""

    payment_id: str
    receipt_number: int
    patient_account: str
    amount: Money
    applied: Money
    unapplied: Money
    method: PaymentMethod
    reference: str
    claim_id: str | None
    received_on: date
    entry_id: str
    recorded_at: datetime
    recorded_by: str
    reversal_entry_id: str | None = None
    reversal_reason: str = ""
    reversal_note: str = ""
    reversed_at: datetime | None = None
    reversed_by: str | None = None

    @property
    def reversed(self) -> bool:
        return self.reversal_entry_id is not None


class RefundStatus(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class RefundRequest:
    source: RefundSource
    patient_account: str
    amount: Money
    requested_by: str
    requested_at: datetime
    claim_id: str | None = None
    payer_id: str | None = None
    note: str = ""
    status: RefundStatus = RefundStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    entry_id: str | None = None
    work_item_id: int | None = None
    request_id: int | None = None
