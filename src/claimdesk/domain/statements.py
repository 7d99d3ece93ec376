"""Patient statements: what each visit left the patient to pay and why, and who gets one.

Pure. Every figure is a sum of ledger postings (the ledger keeps no balances): a visit's
patient balance is its ``ar:patient`` postings, the reasons are the transfers to the patient
by their CAS reason code (835 CAS PR group: CARC 1 deductible, 2 coinsurance, 3 copay, any
other PR code is not covered by the plan), and payments are the patient payments on it. A
reversal counts as the kind of the entry it reverses, with the opposite sign, so a reversed
payment raises the balance again without a special case.

Who gets a statement (docs/statements.md): an account (the guarantor, or the patient who has
none) whose visits are out of insurance's hands, whose balance reaches the practice's minimum,
whose cycle has come round, and which no hold stops.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from importlib.resources import files
from typing import Any

from claimdesk.domain.ledger import Account, EntryKind
from claimdesk.domain.money import Money, total


class Reason(StrEnum):
    """Why the patient owes a visit's amount (the transfer's CAS reason code)."""

    DEDUCTIBLE = "deductible"
    COINSURANCE = "coinsurance"
    COPAY = "copay"
    NON_COVERED = "non_covered"
    # The patient's share billed on to a secondary payer (negative), or back from it.
    SECONDARY = "secondary"
    # A visit without insurance: the charge is the patient's from the start.
    SELF_PAY = "self_pay"
    # A transfer that names no patient-responsibility code.
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Reason.DEDUCTIBLE: "deductible",
    Reason.COINSURANCE: "coinsurance",
    Reason.COPAY: "copay",
    Reason.NON_COVERED: "not covered by the plan",
    Reason.SECONDARY: "billed to secondary insurance",
    Reason.SELF_PAY: "self-pay charge",
    Reason.OTHER: "patient responsibility",
}
# CARC 1 deductible, 2 coinsurance, 3 copayment, 66 blood deductible; the posting memo of a
# transfer starts with the CAS group and reason code ("PR-2 patient_share", posting/policy.py).
_CARC_REASONS = {"1": Reason.DEDUCTIBLE, "66": Reason.DEDUCTIBLE, "2": Reason.COINSURANCE}
_CARC_REASONS["3"] = Reason.COPAY
_PATIENT_CAS = re.compile(r"PR-([A-Z0-9]+)\b")


def reason_of(memo: str, amount: Money) -> Reason:
    """The reason of a transfer to the patient, from its posting memo. A transfer without a
    PR code that takes from the patient is the share billed on to a secondary payer
    (services/secondary.py)."""
    found = _PATIENT_CAS.match(memo)
    if found is None:
        return Reason.SECONDARY if amount.is_negative() else Reason.OTHER
    return _CARC_REASONS.get(found.group(1), Reason.NON_COVERED)


class HoldReason(StrEnum):
    """An account no statement goes to while the hold stands."""

    DISPUTE = "dispute"
    BANKRUPTCY = "bankruptcy"
    # The account was handed to a collection agency (docs/collections.md): statements stop.
    COLLECTIONS = "collections"


class StatementError(ValueError):
    """A statement run, hold or plan that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class PatientPosting:
    """One ledger posting on a patient's visit (or on no visit: unapplied patient money)."""

    encounter_id: str | None
    patient_account: str
    account: str
    amount: Money
    # The entry's kind; a reversal carries the kind and memo of the entry it reverses.
    kind: str
    memo: str
    effective: date


@dataclass(frozen=True, slots=True)
class VisitFacts:
    encounter_id: str
    patient_account: str
    patient_name: str
    date_of_service: date
    provider: str
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit on a statement: what was charged, what insurance did, what the patient owes
    and why, what the patient paid, and what is left."""

    facts: VisitFacts
    charge: Money
    insurance_paid: Money
    insurance_adjusted: Money
    insurance_open: Money
    owed: tuple[tuple[Reason, Money], ...]
    payments: Money
    adjustments: Money
    balance: Money
    patient_since: date | None

    @property
    def resolved(self) -> bool:
        """Insurance is done with the visit: nothing is open on insurance A/R."""
        return not self.insurance_open

    @property
    def owed_total(self) -> Money:
        return total(amount for _reason, amount in self.owed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "encounter_id": self.facts.encounter_id,
            "patient_account": self.facts.patient_account,
            "patient_name": self.facts.patient_name,
            "date_of_service": self.facts.date_of_service.isoformat(),
            "provider": self.facts.provider,
            "services": list(self.facts.services),
            "charge": str(self.charge),
            "insurance_paid": str(self.insurance_paid),
            "insurance_adjusted": str(self.insurance_adjusted),
            "patient_owes": {reason.value: str(amount) for reason, amount in self.owed},
            "patient_owes_total": str(self.owed_total),
            "payments": str(self.payments),
            "adjustments": str(self.adjustments),
            "balance": str(self.balance),
        }


_INSURANCE_CASH = {EntryKind.INSURANCE_PAYMENT.value, EntryKind.RECOUPMENT.value}
_INSURANCE_CASH.add(EntryKind.REFUND.value)
_PATIENT_CASH = {EntryKind.PATIENT_PAYMENT.value, EntryKind.REFUND.value}
_CHARGE = EntryKind.CHARGE.value
_OWED_KINDS = {EntryKind.TRANSFER_TO_PATIENT.value, _CHARGE}


def visit_of(facts: VisitFacts, postings: Iterable[PatientPosting]) -> Visit:
    """The visit's figures from its postings. Insurance's adjustments and the patient's are
    what is left once the charge, the payments, the transfers and the balances are known, so
    every row adds up: charge = paid + adjusted + patient owes + open on insurance, and
    patient owes = payments + adjustments + balance."""
    charge = insurance_paid = insurance_open = Money.zero()
    payments = balance = Money.zero()
    owed: dict[Reason, Money] = {}
    since: date | None = None
    for p in postings:
        if p.account == Account.GROSS_CHARGES.value:
            charge -= p.amount
        elif p.account == Account.INSURANCE_AR.value:
            insurance_open += p.amount
            if p.kind in _INSURANCE_CASH:
                insurance_paid -= p.amount
        elif p.account == Account.PATIENT_AR.value:
            balance += p.amount
            if p.kind in _OWED_KINDS:
                reason = reason_of(p.memo, p.amount) if p.kind != _CHARGE else Reason.SELF_PAY
                owed[reason] = owed.get(reason, Money.zero()) + p.amount
                if p.amount.is_positive() and (since is None or p.effective < since):
                    since = p.effective
            elif p.kind in _PATIENT_CASH:
                payments -= p.amount
    owed_total = total(owed.values())
    return Visit(
        facts=facts,
        charge=charge,
        insurance_paid=insurance_paid,
        insurance_adjusted=charge - insurance_paid - insurance_open - owed_total,
        insurance_open=insurance_open,
        owed=tuple((r, owed[r]) for r in Reason if owed.get(r)),
        payments=payments,
        adjustments=owed_total - payments - balance,
        balance=balance,
        patient_since=since,
    )


@dataclass(frozen=True, slots=True)
class DunningLevel:
    days: int
    name: str
    message: str


@dataclass(frozen=True, slots=True)
class Dunning:
    """The statement's message by the age of the oldest balance (days since it became the
    patient's): the level with the most days not above the age."""

    levels: tuple[DunningLevel, ...]

    def level_for(self, age: int) -> DunningLevel:
        found = self.levels[0]
        for level in self.levels:
            if level.days <= age:
                found = level
        return found


def parse_dunning(text: str, source: str) -> Dunning:
    """The dunning table of a TOML text; :class:`StatementError` names the source, entry and
    field of anything wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StatementError(f"{source}: not TOML: {exc}") from exc
    entries = data.get("levels")
    if not isinstance(entries, list) or not entries:
        raise StatementError(f"{source}: [[levels]]: at least one level is required")
    levels: list[DunningLevel] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: [[levels]] #{number}"
        days, name, message = entry.get("days"), entry.get("name"), entry.get("message")
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise StatementError(f"{where}: days: a whole number of days from 0 is required")
        if not isinstance(name, str) or not name:
            raise StatementError(f"{where}: name: a name is required")
        if not isinstance(message, str) or not message.strip():
            raise StatementError(f"{where}: message: a message is required")
        if levels and days <= levels[-1].days:
            raise StatementError(f"{where}: days: levels must be in increasing days")
        levels.append(DunningLevel(days, name, message.strip()))
    if levels[0].days != 0:
        raise StatementError(f"{source}: [[levels]] #1: days: the first level starts at 0")
    return Dunning(tuple(levels))


DUNNING_FILE = "dunning.toml"


def shipped_dunning() -> Dunning:
    """The dunning messages claimdesk ships (``domain/dunning.toml``)."""
    text = files("claimdesk.domain").joinpath(DUNNING_FILE).read_text(encoding="utf-8")
    return parse_dunning(text, DUNNING_FILE)


@dataclass(frozen=True, slots=True)
class Party:
    """Whom a statement is addressed to: the guarantor, or the patient who has none."""

    account: str
    name: str
    address_lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanNote:
    """A payment plan in good standing: its statement says what is due next, not a dunning."""

    plan_id: str
    next_due: date | None
    next_amount: Money

    @property
    def message(self) -> str:
        if self.next_due is None:
            return f"Payment plan {self.plan_id}: every installment is paid."
        return (
            f"Payment plan {self.plan_id}: next installment {self.next_amount} "
            f"due {self.next_due.isoformat()}."
        )


@dataclass(frozen=True, slots=True)
class AccountFacts:
    party: Party
    visits: tuple[Visit, ...]
    unapplied: Money  # patient money on no visit (a credit is negative)
    last_statement: date | None = None
    hold: HoldReason | None = None
    plan: PlanNote | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    account: str
    send: bool
    reason: str  # why it is skipped ("" when sent)
    balance: Money


@dataclass(frozen=True, slots=True)
class StatementPolicy:
    as_of: date
    cycle_days: int
    min_balance: Money
    dunning: Dunning


NOTHING_DUE = "no balance due"


def billed_visits(facts: AccountFacts) -> tuple[Visit, ...]:
    """The visits a statement bills: out of insurance's hands, with something left on them."""
    return tuple(v for v in facts.visits if v.resolved and v.balance)


def decide(facts: AccountFacts, policy: StatementPolicy) -> Decision:
    """Send or skip, with the reason a skipped account is listed under."""
    billed = billed_visits(facts)
    balance = total(v.balance for v in billed) + facts.unapplied
    account = facts.party.account

    def skip(reason: str) -> Decision:
        return Decision(account, False, reason, balance)

    if facts.hold is not None:
        return skip(f"on hold: {facts.hold.value}")
    pending = [v for v in facts.visits if not v.resolved and v.owed_total]
    if not billed and pending:
        return skip(f"insurance not resolved on {len(pending)} visit(s)")
    if not balance.is_positive():
        return skip(NOTHING_DUE if not balance else f"credit balance {-balance}")
    if balance < policy.min_balance:
        return skip(f"balance {balance} below the minimum {policy.min_balance}")
    if facts.last_statement is not None:
        due = facts.last_statement + timedelta(days=policy.cycle_days)
        if due > policy.as_of:
            return skip(
                f"cycle: last statement {facts.last_statement.isoformat()}, "
                f"next on or after {due.isoformat()}"
            )
    return Decision(account, True, "", balance)


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as sent: the PDF, the JSON and the CSV are all drawn from this."""

    statement_id: str
    statement_date: date
    due_date: date
    party: Party
    practice: Mapping[str, str]  # letterhead: name, address lines, phone
    visits: tuple[Visit, ...]
    unapplied: Money
    balance: Money
    oldest_age: int
    dunning_level: str
    message: str
    pending_visits: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "statement_date": self.statement_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "account": self.party.account,
            "to": {"name": self.party.name, "address": list(self.party.address_lines)},
            "practice": dict(self.practice),
            "visits": [v.as_dict() for v in self.visits],
            "unapplied": str(self.unapplied),
            "balance": str(self.balance),
            "oldest_balance_days": self.oldest_age,
            "dunning_level": self.dunning_level,
            "message": self.message,
            "visits_with_insurance": self.pending_visits,
        }


STATEMENT_DUE_DAYS = 30  # a statement is due 30 days after its date (docs/statements.md)


def statement_of(
    facts: AccountFacts,
    policy: StatementPolicy,
    *,
    statement_id: str,
    practice: Mapping[str, str],
) -> Statement:
    billed = billed_visits(facts)
    balance = total(v.balance for v in billed) + facts.unapplied
    since = [v.patient_since for v in billed if v.patient_since and v.balance.is_positive()]
    oldest = (policy.as_of - min(since)).days if since else 0
    level = policy.dunning.level_for(oldest)
    # A plan in good standing holds dunning: its statement says what is due next instead.
    if facts.plan is not None:
        level_name, message = "payment_plan", facts.plan.message
    else:
        level_name, message = level.name, level.message
    return Statement(
        statement_id=statement_id,
        statement_date=policy.as_of,
        due_date=policy.as_of + timedelta(days=STATEMENT_DUE_DAYS),
        party=facts.party,
        practice=practice,
        visits=billed,
        unapplied=facts.unapplied,
        balance=balance,
        oldest_age=oldest,
        dunning_level=level_name,
        message=message,
        pending_visits=sum(1 for v in facts.visits if not v.resolved and v.owed_total),
    )


CSV_COLUMNS = (
    "statement_id",
    "statement_date",
    "due_date",
    "account",
    "to_name",
    "to_address",
    "record",
    "date_of_service",
    "patient_name",
    "provider",
    "services",
    "charge",
    "insurance_paid",
    "insurance_adjusted",
    "deductible",
    "coinsurance",
    "copay",
    "non_covered",
    "secondary",
    "self_pay",
    "other",
    "payments",
    "adjustments",
    "balance",
    "message",
)


def csv_rows(statement: Statement) -> list[tuple[str, ...]]:
    """The statement for print-and-mail vendors: one ``visit`` row per visit, then one
    ``total`` row with the balance due and the message (docs/statements.md)."""
    head = (
        statement.statement_id,
        statement.statement_date.isoformat(),
        statement.due_date.isoformat(),
        statement.party.account,
        statement.party.name,
        " | ".join(statement.party.address_lines),
    )
    rows: list[tuple[str, ...]] = []
    for v in statement.visits:
        owed = dict(v.owed)
        rows.append(
            (
                *head,
                "visit",
                v.facts.date_of_service.isoformat(),
                v.facts.patient_name,
                v.facts.provider,
                " ".join(v.facts.services),
                str(v.charge),
                str(v.insurance_paid),
                str(v.insurance_adjusted),
                *(str(owed.get(r, Money.zero())) for r in Reason),
                str(v.payments),
                str(v.adjustments),
                str(v.balance),
                "",
            )
        )
    blank = ("",) * (len(CSV_COLUMNS) - len(head) - 3)
    rows.append((*head, "total", *blank, str(statement.balance), statement.message))
    return rows


def visits_of(
    facts: Sequence[VisitFacts], postings: Iterable[PatientPosting]
) -> tuple[tuple[Visit, ...], dict[str, Money]]:
    """Each visit's figures, and per patient the patient money on no visit."""
    by_visit: dict[str, list[PatientPosting]] = {f.encounter_id: [] for f in facts}
    loose: dict[str, Money] = {}
    for p in postings:
        if p.encounter_id is None:
            if p.account == Account.PATIENT_AR.value:
                loose[p.patient_account] = loose.get(p.patient_account, Money.zero()) + p.amount
        elif p.encounter_id in by_visit:
            by_visit[p.encounter_id].append(p)
    visits = tuple(
        visit_of(f, by_visit[f.encounter_id])
        for f in sorted(facts, key=lambda f: (f.date_of_service, f.encounter_id))
    )
    return visits, loose
