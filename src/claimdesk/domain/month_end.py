"""The month-end pack's figures: day sheets, movements by account and reason, and the A/R
roll-forward per payer class, with the findings that say where it fails to reconcile.

Pure: the store hands in the receivable postings of the month summed per day, receivable,
payer class and movement, the counter-postings summed per account and memo, and the A/R at
both ends of the month as the as-of A/R report reads it. The roll-forward is

    opening + charges - payments - adjustments + transfers = closing

per payer class (insurance by the payer's kind, and the patient), where *transfers* is the
money moved in from another class less the money moved out (a patient share moved from the
payer to the patient, a share billed on to a secondary payer). Every closing must equal the
A/R report's balance at the month's end; each class that does not is a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from claimdesk.domain.ledger import Account, EntryKind
from claimdesk.domain.money import Money, total
from claimdesk.domain.periods import CloseFinding, Month

PATIENT_CLASS = "patient"
UNASSIGNED_CLASS = "unassigned"  # insurance A/R on no payer (never expected; shown if found)
CARC = re.compile(r"(CO|OA|PI|PR|CR)-[A-Z0-9]+")
WRITE_OFF_PREFIX = Account.WRITE_OFF.value


class Movement(StrEnum):
    CHARGES = "charges"
    PAYMENTS = "payments"
    ADJUSTMENTS = "adjustments"
    TRANSFERS = "transfers"


# What each kind of entry does to a receivable (a reversal counts as the kind it reverses, so
# a CLP02 = 22 reversal nets against the payments it undoes).
MOVEMENTS: dict[EntryKind, Movement] = {
    EntryKind.CHARGE: Movement.CHARGES,
    EntryKind.INSURANCE_PAYMENT: Movement.PAYMENTS,
    EntryKind.PATIENT_PAYMENT: Movement.PAYMENTS,
    EntryKind.REFUND: Movement.PAYMENTS,
    EntryKind.RECOUPMENT: Movement.PAYMENTS,
    # Credit a patient paid earlier, applied now: the patient receivable falls as by a payment.
    EntryKind.CREDIT_APPLICATION: Movement.PAYMENTS,
    EntryKind.CONTRACTUAL_ADJUSTMENT: Movement.ADJUSTMENTS,
    EntryKind.OTHER_ADJUSTMENT: Movement.ADJUSTMENTS,
    EntryKind.WRITE_OFF: Movement.ADJUSTMENTS,
    EntryKind.TRANSFER_TO_PATIENT: Movement.TRANSFERS,
}


def movement_of(kind: EntryKind, reversed_kind: EntryKind | None = None) -> Movement:
    """The movement of an entry of ``kind``; a reversal takes the kind of its original."""
    if kind is EntryKind.REVERSAL:
        if reversed_kind is None or reversed_kind is EntryKind.REVERSAL:
            raise ValueError("a reversal counts as the entry it reverses, which must be named")
        kind = reversed_kind
    return MOVEMENTS[kind]


def payer_class(account: Account, payer_kind: str | None) -> str:
    """The roll-forward's class of a receivable posting."""
    if account is Account.PATIENT_AR:
        return PATIENT_CLASS
    return payer_kind or UNASSIGNED_CLASS


@dataclass(frozen=True, slots=True)
class ReceivableSum:
    """Receivable postings of one day, class and movement, summed (debits positive)."""

    day: date
    payer_class: str
    movement: Movement
    amount: Money


@dataclass(frozen=True, slots=True)
class CounterSum:
    """The other side of the month's entries: one account and memo of one movement."""

    movement: Movement
    account: str
    memo: str
    amount: Money  # debit positive, as posted


@dataclass(frozen=True, slots=True)
class RollForwardLine:
    payer_class: str
    opening: Money
    charges: Money
    payments: Money
    adjustments: Money
    transfers: Money
    ledger_closing: Money  # the A/R report's balance at the month's end

    @property
    def closing(self) -> Money:
        return self.opening + self.charges - self.payments - self.adjustments + self.transfers

    @property
    def reconciles(self) -> bool:
        return self.closing == self.ledger_closing

    def cells(self) -> tuple[str, ...]:
        return (
            self.payer_class,
            str(self.opening),
            str(self.charges),
            str(self.payments),
            str(self.adjustments),
            str(self.transfers),
            str(self.closing),
            str(self.ledger_closing),
        )


DAY_SHEET_COLUMNS = ("day", "charges", "payments", "adjustments", "transfers")
ACCOUNT_COLUMNS = ("movement", "account", "amount")
REASON_COLUMNS = ("movement", "group", "reason", "amount")
ROLL_FORWARD_COLUMNS = (
    "payer_class",
    "opening",
    "charges",
    "payments",
    "adjustments",
    "transfers",
    "closing",
    "ledger_closing",
)


@dataclass(frozen=True, slots=True)
class DaySheet:
    day: date
    charges: Money
    payments: Money
    adjustments: Money
    transfers: Money


@dataclass(frozen=True, slots=True)
class ReasonLine:
    movement: Movement
    group: str  # a CARC group (CO, OA, PI, PR, CR), "write-off", or "account"
    reason: str  # a CARC (CO-45), a write-off reason, or the account
    amount: Money  # what the receivables went down by (positive) or up by (negative)


@dataclass(frozen=True, slots=True)
class MonthEnd:
    month: Month
    roll_forward: tuple[RollForwardLine, ...]
    day_sheets: tuple[DaySheet, ...]
    by_account: tuple[tuple[Movement, str, Money], ...]
    by_reason: tuple[ReasonLine, ...]
    findings: tuple[CloseFinding, ...] = field(default=())

    @property
    def reconciles(self) -> bool:
        return not self.findings

    def roll_forward_rows(self) -> list[tuple[str, ...]]:
        """The roll-forward's lines and the ``all`` line, as the CSV file and the PDF show them."""
        return [line.cells() for line in (*self.roll_forward, self.total_line())]

    def day_sheet_rows(self) -> list[tuple[str, ...]]:
        return [
            (d.day.isoformat(), *map(str, (d.charges, d.payments, d.adjustments, d.transfers)))
            for d in self.day_sheets
        ]

    def account_rows(self) -> list[tuple[str, ...]]:
        return [(m.value, a, str(x)) for m, a, x in self.by_account]

    def reason_rows(self) -> list[tuple[str, ...]]:
        return [(r.movement.value, r.group, r.reason, str(r.amount)) for r in self.by_reason]

    def total_line(self) -> RollForwardLine:
        lines = self.roll_forward
        return RollForwardLine(
            "all",
            total(x.opening for x in lines),
            total(x.charges for x in lines),
            total(x.payments for x in lines),
            total(x.adjustments for x in lines),
            total(x.transfers for x in lines),
            total(x.ledger_closing for x in lines),
        )


def _signed(movement: Movement, receivable_sum: Money) -> Money:
    """The column's figure from the receivables' change: charges and transfers as they add
    to A/R, payments and adjustments as they take from it."""
    if movement in (Movement.CHARGES, Movement.TRANSFERS):
        return receivable_sum
    return -receivable_sum


def roll_forward(
    sums: Iterable[ReceivableSum],
    opening: dict[str, Money],
    closing: dict[str, Money],
) -> tuple[RollForwardLine, ...]:
    """One line per payer class seen at either end of the month or moving in it."""
    moved: dict[tuple[str, Movement], Money] = {}
    for s in sums:
        key = (s.payer_class, s.movement)
        moved[key] = moved.get(key, Money.zero()) + _signed(s.movement, s.amount)
    classes = sorted(set(opening) | set(closing) | {c for c, _ in moved})

    def of(payer: str, movement: Movement) -> Money:
        return moved.get((payer, movement), Money.zero())

    return tuple(
        RollForwardLine(
            payer,
            opening.get(payer, Money.zero()),
            of(payer, Movement.CHARGES),
            of(payer, Movement.PAYMENTS),
            of(payer, Movement.ADJUSTMENTS),
            of(payer, Movement.TRANSFERS),
            closing.get(payer, Money.zero()),
        )
        for payer in classes
    )


def day_sheets(sums: Iterable[ReceivableSum]) -> tuple[DaySheet, ...]:
    """Per day of the month that moved money: the charges, payments, adjustments and
    (net, all classes) transfers, signed as the roll-forward signs them."""
    days: dict[date, dict[Movement, Money]] = {}
    for s in sums:
        row = days.setdefault(s.day, {m: Money.zero() for m in Movement})
        row[s.movement] += _signed(s.movement, s.amount)
    return tuple(
        DaySheet(
            day,
            row[Movement.CHARGES],
            row[Movement.PAYMENTS],
            row[Movement.ADJUSTMENTS],
            row[Movement.TRANSFERS],
        )
        for day, row in sorted(days.items())
    )


def reason_of(account: str, memo: str) -> tuple[str, str]:
    """(group, reason) of a counter-posting: the CARC the 835 posting wrote first in its memo
    (posting/policy.py), else the write-off reason of the account, else the account."""
    found = CARC.match(memo)
    if found is not None:
        return found.group(1), found.group(0)
    if account.startswith(WRITE_OFF_PREFIX + ":"):
        return "write-off", account.removeprefix(WRITE_OFF_PREFIX + ":")
    if account == WRITE_OFF_PREFIX:
        return "write-off", "unspecified (before reason codes)"
    return "account", account


def by_account(counters: Iterable[CounterSum]) -> tuple[tuple[Movement, str, Money], ...]:
    """The month's movements by the account on the other side of the receivable (gross
    charges, cash, each adjustment account), as the receivables moved."""
    found: dict[tuple[Movement, str], Money] = {}
    for c in counters:
        key = (c.movement, c.account)
        found[key] = found.get(key, Money.zero()) + _counter_signed(c)
    return tuple((m, a, amount) for (m, a), amount in sorted(found.items()) if amount)


def _counter_signed(c: CounterSum) -> Money:
    # A charge credits gross charges (negative) by what A/R rose; a payment debits cash by
    # what A/R fell; an adjustment debits its account by what A/R fell.
    return -c.amount if c.movement is Movement.CHARGES else c.amount


def by_reason(counters: Iterable[CounterSum]) -> tuple[ReasonLine, ...]:
    """Adjustments by CARC group and code, and by write-off reason."""
    found: dict[tuple[Movement, str, str], Money] = {}
    for c in counters:
        if c.movement is not Movement.ADJUSTMENTS:
            continue
        group, reason = reason_of(c.account, c.memo)
        key = (c.movement, group, reason)
        found[key] = found.get(key, Money.zero()) + c.amount
    return tuple(ReasonLine(m, g, r, amount) for (m, g, r), amount in sorted(found.items()))


def findings_of(month: Month, lines: Sequence[RollForwardLine]) -> tuple[CloseFinding, ...]:
    return tuple(
        CloseFinding(
            code="CLOSE101",
            message=(
                f"{month} {line.payer_class}: opening {line.opening} + charges {line.charges} "
                f"- payments {line.payments} - adjustments {line.adjustments} + transfers "
                f"{line.transfers} = {line.closing}, but the ledger's A/R at {month.last_day} "
                f"is {line.ledger_closing}"
            ),
            fix_hint=(
                "an entry was written outside the posting services, or into a closed month: "
                "run claimdesk books verify for the entries behind it"
            ),
            location=f"period {month}, payer class {line.payer_class}",
        )
        for line in lines
        if not line.reconciles
    )


def month_end(
    month: Month,
    sums: Sequence[ReceivableSum],
    counters: Sequence[CounterSum],
    opening: dict[str, Money],
    closing: dict[str, Money],
) -> MonthEnd:
    lines = roll_forward(sums, opening, closing)
    return MonthEnd(
        month=month,
        roll_forward=lines,
        day_sheets=day_sheets(sums),
        by_account=by_account(counters),
        by_reason=by_reason(counters),
        findings=findings_of(month, lines),
    )
