"""The practice's books: an append-only, double-entry journal.

Every entry's postings sum to zero (debits positive, credits negative). Nothing is ever changed
or removed: a mistake is undone by a reversal entry that mirrors the original. Every balance (per
claim, service line, payer, patient) is derived by summing postings, never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from claimdesk.domain.money import Money, total


class Account(StrEnum):
    INSURANCE_AR = "ar:insurance"
    PATIENT_AR = "ar:patient"
    GROSS_CHARGES = "revenue:gross-charges"
    CONTRACTUAL = "adjustment:contractual"
    OTHER_ADJUSTMENT = "adjustment:other"
    # The single write-off account of the books before reason codes: its entries stay where
    # they were posted (append-only) and are reported as "unspecified (before reason codes)".
    WRITE_OFF = "adjustment:write-off"
    # One account per write-off reason (domain/write_offs.py), so HFMA's bad-debt and denial
    # write-off measures read their own account; every name starts with WRITE_OFF's.
    WRITE_OFF_CONTRACTUAL = "adjustment:write-off:contractual"
    WRITE_OFF_ADMINISTRATIVE = "adjustment:write-off:administrative"
    WRITE_OFF_SMALL_BALANCE = "adjustment:write-off:small-balance"
    WRITE_OFF_TIMELY_FILING = "adjustment:write-off:timely-filing"
    WRITE_OFF_DENIAL = "adjustment:write-off:denial"
    WRITE_OFF_BAD_DEBT = "adjustment:write-off:bad-debt"
    WRITE_OFF_CHARITY = "adjustment:write-off:charity"
    WRITE_OFF_PROMPT_PAY = "adjustment:write-off:prompt-pay"
    # PLB items on no claim of ours (CS, J1, IR, FB, ...): the payer's provider-level money.
    PROVIDER_LEVEL = "adjustment:provider-level"
    CASH = "cash"
    # What patients paid beyond what they owed, kept until it is applied to a new patient
    # balance or refunded (docs/patient-payments.md): money the practice owes back, a liability,
    # one balance per patient (postings name the patient, never a claim).
    PATIENT_CREDIT = "liability:patient-credit"


RECEIVABLES = frozenset({Account.INSURANCE_AR, Account.PATIENT_AR})


class EntryKind(StrEnum):
    CHARGE = "charge"
    INSURANCE_PAYMENT = "insurance_payment"
    CONTRACTUAL_ADJUSTMENT = "contractual_adjustment"
    OTHER_ADJUSTMENT = "other_adjustment"
    TRANSFER_TO_PATIENT = "transfer_to_patient"
    PATIENT_PAYMENT = "patient_payment"
    WRITE_OFF = "write_off"
    REFUND = "refund"
    RECOUPMENT = "recoupment"
    REVERSAL = "reversal"
    # Unapplied patient credit moved onto a patient balance: no cash moves, the receivable falls.
    CREDIT_APPLICATION = "credit_application"


class Responsibility(StrEnum):
    """Which receivable a charge, write-off or refund sits on."""

    INSURANCE = "insurance"
    PATIENT = "patient"

    @property
    def account(self) -> Account:
        return Account.INSURANCE_AR if self is Responsibility.INSURANCE else Account.PATIENT_AR


# (debit, credit) per kind; None means "the receivable named by the entry's responsibility".
_STANDARD: dict[EntryKind, tuple[Account | None, Account | None]] = {
    EntryKind.CHARGE: (None, Account.GROSS_CHARGES),
    EntryKind.INSURANCE_PAYMENT: (Account.CASH, Account.INSURANCE_AR),
    EntryKind.CONTRACTUAL_ADJUSTMENT: (Account.CONTRACTUAL, Account.INSURANCE_AR),
    EntryKind.OTHER_ADJUSTMENT: (Account.OTHER_ADJUSTMENT, Account.INSURANCE_AR),
    EntryKind.TRANSFER_TO_PATIENT: (Account.PATIENT_AR, Account.INSURANCE_AR),
    EntryKind.PATIENT_PAYMENT: (Account.CASH, Account.PATIENT_AR),
    EntryKind.WRITE_OFF: (Account.WRITE_OFF, None),
    EntryKind.REFUND: (None, Account.CASH),
    EntryKind.RECOUPMENT: (Account.INSURANCE_AR, Account.CASH),
    EntryKind.CREDIT_APPLICATION: (Account.PATIENT_CREDIT, Account.PATIENT_AR),
}


class LedgerError(ValueError):
    """An entry that would break the books: unbalanced, duplicate, or an invalid reversal."""


@dataclass(frozen=True, slots=True)
class Dimensions:
    """What a posting is about; balances are sums over postings that match these."""

    patient_account: str | None  # None: provider-level money (no patient, no claim)
    claim_id: str | None = None
    line_number: int | None = None
    payer_id: str | None = None


@dataclass(frozen=True, slots=True)
class Posting:
    account: Account
    amount: Money  # debit positive, credit negative
    dims: Dimensions


@dataclass(frozen=True, slots=True)
class Entry:
    entry_id: str
    kind: EntryKind
    effective: date
    recorded_at: datetime
    recorded_by: str
    postings: tuple[Posting, ...]
    source: str = ""  # where the money came from, e.g. "835 TRN02=12345 CLP01=C1"
    memo: str = ""
    reverses: str | None = None

    def __post_init__(self) -> None:
        # A list passed in would stay mutable inside the frozen entry, and the journal with it.
        object.__setattr__(self, "postings", tuple(self.postings))
        if len(self.postings) < 2:
            raise LedgerError(f"entry {self.entry_id}: double entry needs at least two postings")
        if total(p.amount for p in self.postings):
            raise LedgerError(
                f"entry {self.entry_id}: postings sum to {total(p.amount for p in self.postings)}, "
                "not zero"
            )
        if all(not p.amount for p in self.postings):
            raise LedgerError(f"entry {self.entry_id}: every posting is zero")
        if (self.kind is EntryKind.REVERSAL) != (self.reverses is not None):
            raise LedgerError(f"entry {self.entry_id}: only a reversal names an entry it reverses")

    @property
    def amount(self) -> Money:
        """The size of the entry: the sum of its debits."""
        return total(p.amount for p in self.postings if p.amount.is_positive())


def standard_entry(
    *,
    entry_id: str,
    kind: EntryKind,
    amount: Money,
    dims: Dimensions,
    effective: date,
    recorded_at: datetime,
    recorded_by: str,
    responsibility: Responsibility = Responsibility.INSURANCE,
    source: str = "",
    memo: str = "",
) -> Entry:
    """An entry of ``kind`` moving ``amount`` between the kind's standard pair of accounts.

    A negative amount moves money the other way (e.g. a negative insurance payment from a
    CLP02 = 22 reversal is posted as a reversal entry instead; see :func:`reversal_of`).
    """
    if kind is EntryKind.REVERSAL:
        raise LedgerError("a reversal is made with reversal_of(), from the entry it reverses")
    debit, credit = _STANDARD[kind]
    debit_account = debit or responsibility.account
    credit_account = credit or responsibility.account
    return Entry(
        entry_id=entry_id,
        kind=kind,
        effective=effective,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        postings=(
            Posting(debit_account, amount, dims),
            Posting(credit_account, -amount, dims),
        ),
        source=source,
        memo=memo,
    )


def reversal_of(
    original: Entry,
    *,
    entry_id: str,
    effective: date,
    recorded_at: datetime,
    recorded_by: str,
    memo: str = "",
) -> Entry:
    """The entry that undoes ``original`` exactly: every posting negated."""
    return Entry(
        entry_id=entry_id,
        kind=EntryKind.REVERSAL,
        effective=effective,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        postings=tuple(Posting(p.account, -p.amount, p.dims) for p in original.postings),
        source=original.source,
        memo=memo or f"reverses {original.entry_id}",
        reverses=original.entry_id,
    )


@dataclass(frozen=True, slots=True)
class BalanceQuery:
    """Which postings to sum. ``None`` fields match anything."""

    accounts: frozenset[Account] = RECEIVABLES
    patient_account: str | None = None
    claim_id: str | None = None
    line_number: int | None = None
    payer_id: str | None = None

    def matches(self, posting: Posting) -> bool:
        d = posting.dims
        return (
            posting.account in self.accounts
            and (self.patient_account is None or d.patient_account == self.patient_account)
            and (self.claim_id is None or d.claim_id == self.claim_id)
            and (self.line_number is None or d.line_number == self.line_number)
            and (self.payer_id is None or d.payer_id == self.payer_id)
        )


class Journal:
    """The append-only list of entries with the invariants the books depend on."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._reversed: set[str] = set()
        for entry in entries:
            self.post(entry)

    def check(self, entry: Entry) -> None:
        """Raise :class:`LedgerError` if ``entry`` cannot be appended."""
        if entry.entry_id in self._by_id:
            raise LedgerError(f"entry {entry.entry_id} is already in the journal")
        if entry.reverses is None:
            return
        original = self._by_id.get(entry.reverses)
        if original is None:
            raise LedgerError(f"entry {entry.entry_id} reverses unknown entry {entry.reverses}")
        if original.kind is EntryKind.REVERSAL:
            raise LedgerError(f"entry {entry.entry_id}: a reversal cannot itself be reversed")
        if entry.reverses in self._reversed:
            raise LedgerError(f"entry {entry.reverses} has already been reversed")
        mirrored = tuple(Posting(p.account, -p.amount, p.dims) for p in original.postings)
        if entry.postings != mirrored:
            raise LedgerError(
                f"entry {entry.entry_id} does not mirror the postings of {entry.reverses}"
            )

    def post(self, entry: Entry) -> Entry:
        self.check(entry)
        self._entries.append(entry)
        self._by_id[entry.entry_id] = entry
        if entry.reverses is not None:
            self._reversed.add(entry.reverses)
        return entry

    def __iter__(self) -> Iterator[Entry]:
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def is_reversed(self, entry_id: str) -> bool:
        return entry_id in self._reversed

    def balance(self, query: BalanceQuery = BalanceQuery()) -> Money:
        return total(p.amount for e in self._entries for p in e.postings if query.matches(p))

    def trial_balance(self) -> dict[Account, Money]:
        """Balance of every account; the values always sum to zero."""
        sums = {account: Money.zero() for account in Account}
        for entry in self._entries:
            for posting in entry.postings:
                sums[posting.account] = sums[posting.account] + posting.amount
        return sums
