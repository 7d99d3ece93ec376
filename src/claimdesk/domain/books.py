"""The books' invariants, checked as of a date: what an auditor re-computes before signing.

Each check takes facts the store read (sums already grouped by SQL) and answers findings as
data: a code, a message, and the claims and ledger entries behind it. Nothing here raises for a
broken book; a finding is the answer. The checks (docs/books.md says why each holds):

- BOOKS001 every entry balances: its postings sum to zero, and it has at least two.
- BOOKS002 every stored figure equals its postings: the accounts of the trial balance sum to
  zero, every posting names an account of the chart, and every posted write-off request's
  amount is what its entry debited to the write-off accounts. (The ledger caches no balance:
  every balance is a sum.)
- BOOKS003 no charge before its service: a charge entry is never effective before the date of
  service of the line it charges (a service is charged once it happened; a late charge is fine).
- BOOKS004 no negative claim balance, per claim and receivable, without an open
  credit-balance work item (money owed back is worked, never silently carried).
- BOOKS005 cash per 835 trace: the cash a posted remittance's entries moved (every CLP04, less
  the provider-level adjustments, PLB) equals BPR02.
- BOOKS006 aging equals receivables: the A/R aging report's buckets add up to the ledger's
  receivables (insurance and patient A/R) as of the date.
- BOOKS007 underpayment recoveries are cash: an underpayment item closed ``recovered`` claims
  exactly the cash posted on its claim after the item opened.
- BOOKS008 the KPI rollups are the books: every claim's stored KPI facts (``claim_rollups``:
  first adjudication, first payment, status-history facts, account totals) equal a
  recomputation from its status history, claim payments and postings, and every day's
  balance of every account (``ledger_days``, what trial balances read) equals that day's
  postings, and every sum of the open receivables (``open_sums``: by payer and date of
  service, by patient, by first day on patient A/R, the pending insurance and the allowance
  population, each payer's charges) equals the same sum over the rollups. The rollups hold
  the books as they stand, whatever the as-of date, so this check reads all of them.
- BOOKS009 closed periods stay closed: no entry is effective in a closed month that was
  recorded after the month closed, and each closed month's A/R roll-forward still reconciles
  to the ledger and equals the figures it closed with.
- BOOKS010 cash proven to the bank: every posted 835 that moved money and was paid in a
  closed month is matched to a deposit (ERA/EFT reassociation,
  ``posting.reassociation``), unless it is still inside the wait for its deposit.
- BOOKS011 unapplied patient credit is the credit account: every patient payment's receipt
  keeps the cash its entry posted and the credit it left, and no patient's credit account is
  in debit (more applied or refunded than was paid; docs/patient-payments.md).
- BOOKS012 no patient credit without an open credit-balance work item: money a patient paid
  beyond what they owe is worked (applied or refunded), never silently carried.
- BOOKS013 patient aging reconciles: the patient A/R aging, by patient account and by
  guarantor, adds up to the ledger's patient A/R as of the date (docs/statements.md).
- BOOKS014 collections are bad debt: every account exported to the collection agency had the
  amount it was referred for moved from patient A/R to bad debt by its referral's entries, on
  the claims the referral lists, and every recovery of bad debt ties to a patient payment in
  the books (docs/collections.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money


class Check(StrEnum):
    ENTRIES_BALANCE = "BOOKS001"
    FIGURES_EQUAL_POSTINGS = "BOOKS002"
    NO_CHARGE_BEFORE_SERVICE = "BOOKS003"
    NO_UNWORKED_CREDIT = "BOOKS004"
    CASH_PER_TRACE = "BOOKS005"
    AGING_EQUALS_RECEIVABLES = "BOOKS006"
    RECOVERIES_ARE_CASH = "BOOKS007"
    ROLLUPS_EQUAL_BOOKS = "BOOKS008"
    CLOSED_PERIODS_HOLD = "BOOKS009"
    CASH_IN_BANK = "BOOKS010"
    PATIENT_CREDIT_IS_ACCOUNT = "BOOKS011"
    NO_UNWORKED_PATIENT_CREDIT = "BOOKS012"
    PATIENT_AGING_EQUALS_PATIENT_AR = "BOOKS013"
    COLLECTIONS_ARE_BAD_DEBT = "BOOKS014"


RULES: dict[Check, str] = {
    Check.ENTRIES_BALANCE: "every entry's postings sum to zero",
    Check.FIGURES_EQUAL_POSTINGS: "every stored figure equals the sum of its postings",
    Check.NO_CHARGE_BEFORE_SERVICE: "no charge is effective before its date of service",
    Check.NO_UNWORKED_CREDIT: "no negative claim balance without an open credit-balance item",
    Check.CASH_PER_TRACE: "cash posted per 835 trace (TRN02) equals BPR02 (CLP04s less PLB)",
    Check.AGING_EQUALS_RECEIVABLES: "the A/R aging total equals the ledger's receivables",
    Check.RECOVERIES_ARE_CASH: "underpayment recoveries equal cash posted after the item opened",
    Check.ROLLUPS_EQUAL_BOOKS: "every claim's KPI rollup equals a recomputation from the books",
    Check.CLOSED_PERIODS_HOLD: "no entry lands in a closed period; each closed roll-forward "
    "still reconciles",
    Check.CASH_IN_BANK: "every 835 paid in a closed month is matched to a deposit in the bank",
    Check.PATIENT_AGING_EQUALS_PATIENT_AR: "the patient aging total (by account and by "
    "guarantor) equals the ledger's patient A/R",
    Check.PATIENT_CREDIT_IS_ACCOUNT: "patient payments' receipts equal their entries; no "
    "patient's credit account is in debit",
    Check.NO_UNWORKED_PATIENT_CREDIT: "no unapplied patient credit without an open "
    "credit-balance item",
    Check.COLLECTIONS_ARE_BAD_DEBT: "every collections referral moved what it referred from "
    "patient A/R to bad debt; every recovery ties to a patient payment",
}


@dataclass(frozen=True, slots=True)
class BooksFinding:
    check: Check
    message: str
    claims: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.check.value,
            "message": self.message,
            "claims": list(self.claims),
            "entries": list(self.entries),
        }


@dataclass(frozen=True, slots=True)
class BooksReport:
    as_of: date
    findings: tuple[BooksFinding, ...]

    @property
    def holds(self) -> bool:
        return not self.findings

    def of(self, check: Check) -> tuple[BooksFinding, ...]:
        return tuple(f for f in self.findings if f.check is check)

    def as_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "holds": self.holds,
            "checks": [
                {
                    "code": check.value,
                    "rule": RULES[check],
                    "holds": not self.of(check),
                    "findings": [f.as_json() for f in self.of(check)],
                }
                for check in Check
            ],
        }


# The facts the store hands in.


@dataclass(frozen=True, slots=True)
class EntryTotal:
    entry_id: str
    postings: int
    total: Money
    claims: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PostingAccount:
    entry_id: str
    account: str
    claim_id: str | None


@dataclass(frozen=True, slots=True)
class StoredFigure:
    """A figure a row keeps (e.g. a write-off request's amount) and what its entry posted."""

    what: str
    stored: Money
    posted: Money
    claim_id: str
    entry_id: str


@dataclass(frozen=True, slots=True)
class ChargeDate:
    entry_id: str
    claim_id: str
    line_number: int
    effective: date
    date_of_service: date


@dataclass(frozen=True, slots=True)
class ClaimBalance:
    claim_id: str
    account: str
    amount: Money
    credit_item_open: bool


@dataclass(frozen=True, slots=True)
class TraceCash:
    remittance_id: str
    trace_number: str
    bpr02: Money
    cash: Money
    claims: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recovery:
    item_id: int
    claim_id: str
    resolved: Money
    cash_after_opening: Money


@dataclass(frozen=True, slots=True)
class ClosedPeriodEntry:
    entry_id: str
    effective: date
    period: str
    claims: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnprovenCash:
    """Posted 835s of one trace whose money no deposit proves (reassociation's verdict)."""

    trace_number: str
    verdict: str
    remittances: tuple[str, ...]
    era_total: Money
    unproven: Money


@dataclass(frozen=True, slots=True)
class PatientCredit:
    """A patient's unapplied credit (the credit account's balance, turned) as of the date."""

    patient_account: str
    credit: Money
    credit_item_open: bool


@dataclass(frozen=True, slots=True)
class Referral:
    """A collections referral and what its hand-off entries (``collections:REFERRAL:CLAIM``)
    moved: ``referred`` is the amount it placed with the agency (none when it was never
    exported), ``bad_debt`` what its entries debited to bad debt and ``patient_ar`` what they
    credited to patient A/R (turned positive)."""

    referral_id: int
    account: str
    exported: bool
    referred: Money
    claims: tuple[str, ...]
    bad_debt: Money
    patient_ar: Money
    # Empty when the referral has no hand-off entry at all.
    entry_claims: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BadDebtRecovery:
    """A recovery entry (``collections-recovery:PAYMENT:CLAIM``): the bad debt it credited on
    its claim, whether the payment it names is in the books, and whether an exported referral
    wrote the claim off."""

    entry_id: str
    claim_id: str
    payment_id: str
    recovered: Money
    payment_posted: bool
    claim_referred: bool


@dataclass(frozen=True, slots=True)
class BooksFacts:
    as_of: date
    unbalanced: Sequence[EntryTotal] = ()
    trial_balance_total: Money = field(default_factory=Money.zero)
    posting_accounts: Sequence[PostingAccount] = ()
    stored_figures: Sequence[StoredFigure] = ()
    charges: Sequence[ChargeDate] = ()
    negative_balances: Sequence[ClaimBalance] = ()
    traces: Sequence[TraceCash] = ()
    aging_total: Money = field(default_factory=Money.zero)
    receivables: Money = field(default_factory=Money.zero)
    recoveries: Sequence[Recovery] = ()
    rollups_drifted: int = 0  # claims whose KPI rollup differs from a recomputation
    ledger_days_drifted: int = 0  # (day, account) balances that differ from their postings
    drifted_claims: Sequence[str] = ()  # the first of them, in claim order
    # Claims whose first adjudication's stored CAS adjustments differ from their 835 payment.
    adjustments_drifted: Sequence[str] = ()
    # Claims whose stored first day on patient A/R differs from their postings.
    patient_since_drifted: Sequence[str] = ()
    # The tables of open receivables' sums that differ from a recomputation.
    sums_drifted: Sequence[str] = ()
    # Entries whose postings carry another effective day than the entry (the first 20).
    misdated_entries: Sequence[str] = ()
    # Entries effective in a closed month but recorded after it closed, and what is wrong
    # with each closed month's roll-forward now (docs/close.md).
    closed_period_entries: Sequence[ClosedPeriodEntry] = ()
    closed_period_problems: Sequence[str] = ()
    unproven_cash: Sequence[UnprovenCash] = ()
    # The patient aging's totals by patient account and by guarantor, and the ledger's patient
    # A/R (docs/statements.md).
    patient_aging_totals: Sequence[Money] = ()
    patient_receivables: Money = field(default_factory=Money.zero)
    # Each patient payment's receipt figures (cash, credit left) against what its entry posted.
    payment_figures: Sequence[StoredFigure] = ()
    patient_credits: Sequence[PatientCredit] = ()
    referrals: Sequence[Referral] = ()
    bad_debt_recoveries: Sequence[BadDebtRecovery] = ()


def _entries_balance(entries: Iterable[EntryTotal]) -> list[BooksFinding]:
    return [
        BooksFinding(
            Check.ENTRIES_BALANCE,
            f"entry {e.entry_id}: its {e.postings} posting(s) sum to {e.total}, not zero"
            if e.total
            else f"entry {e.entry_id}: double entry needs two postings, it has {e.postings}",
            e.claims,
            (e.entry_id,),
        )
        for e in entries
        if e.total or e.postings < 2
    ]


_CHART = frozenset(a.value for a in Account)


def _figures(facts: BooksFacts) -> list[BooksFinding]:
    found = []
    if facts.trial_balance_total:
        found.append(
            BooksFinding(
                Check.FIGURES_EQUAL_POSTINGS,
                f"the trial balance sums to {facts.trial_balance_total}, not zero",
            )
        )
    found += [
        BooksFinding(
            Check.FIGURES_EQUAL_POSTINGS,
            f"entry {p.entry_id}: account {p.account!r} is not in the chart of accounts",
            (p.claim_id,) if p.claim_id else (),
            (p.entry_id,),
        )
        for p in facts.posting_accounts
        if p.account not in _CHART
    ]
    found += [
        BooksFinding(
            Check.FIGURES_EQUAL_POSTINGS,
            f"{f.what} keeps {f.stored}, but entry {f.entry_id} posted {f.posted}",
            (f.claim_id,),
            (f.entry_id,),
        )
        for f in facts.stored_figures
        if f.stored != f.posted
    ]
    return found


def _charges(charges: Iterable[ChargeDate]) -> list[BooksFinding]:
    return [
        BooksFinding(
            Check.NO_CHARGE_BEFORE_SERVICE,
            f"claim {c.claim_id} line {c.line_number}: charged effective {c.effective}, "
            f"before its date of service {c.date_of_service}",
            (c.claim_id,),
            (c.entry_id,),
        )
        for c in charges
        if c.effective < c.date_of_service
    ]


def _credits(balances: Iterable[ClaimBalance]) -> list[BooksFinding]:
    return [
        BooksFinding(
            Check.NO_UNWORKED_CREDIT,
            f"claim {b.claim_id}: {b.account} balance {b.amount} with no open "
            "credit-balance work item",
            (b.claim_id,),
        )
        for b in balances
        if b.amount.is_negative() and not b.credit_item_open
    ]


def _traces(traces: Iterable[TraceCash]) -> list[BooksFinding]:
    return [
        BooksFinding(
            Check.CASH_PER_TRACE,
            f"835 TRN02 {t.trace_number} (remittance {t.remittance_id}): cash posted "
            f"{t.cash}, BPR02 {t.bpr02} (off by {t.cash - t.bpr02})",
            t.claims,
        )
        for t in traces
        if t.cash != t.bpr02
    ]


def _aging(facts: BooksFacts) -> list[BooksFinding]:
    if facts.aging_total == facts.receivables:
        return []
    return [
        BooksFinding(
            Check.AGING_EQUALS_RECEIVABLES,
            f"A/R aging totals {facts.aging_total}, the ledger's receivables "
            f"{facts.receivables} as of {facts.as_of} (off by "
            f"{facts.aging_total - facts.receivables})",
        )
    ]


def _recoveries(recoveries: Iterable[Recovery]) -> list[BooksFinding]:
    return [
        BooksFinding(
            Check.RECOVERIES_ARE_CASH,
            f"work item {r.item_id} (claim {r.claim_id}): closed recovered {r.resolved}, but "
            f"{r.cash_after_opening} cash was posted on the claim after it opened",
            (r.claim_id,),
        )
        for r in recoveries
        if r.resolved != r.cash_after_opening
    ]


def _rollups(facts: BooksFacts) -> list[BooksFinding]:
    found = []
    if facts.rollups_drifted:
        found.append(
            BooksFinding(
                Check.ROLLUPS_EQUAL_BOOKS,
                f"{facts.rollups_drifted} claim(s) keep KPI rollups that differ from their "
                "status history, payments and postings",
                tuple(facts.drifted_claims),
            )
        )
    if facts.ledger_days_drifted:
        found.append(
            BooksFinding(
                Check.ROLLUPS_EQUAL_BOOKS,
                f"{facts.ledger_days_drifted} day balance(s) of an account (ledger_days) differ "
                "from the postings of that day",
            )
        )
    if facts.adjustments_drifted:
        found.append(
            BooksFinding(
                Check.ROLLUPS_EQUAL_BOOKS,
                f"{len(facts.adjustments_drifted)} claim(s) keep first-adjudication CAS "
                "adjustments (first_adjustments) that differ from their 835 payment",
                tuple(facts.adjustments_drifted[:20]),
            )
        )
    if facts.patient_since_drifted:
        found.append(
            BooksFinding(
                Check.ROLLUPS_EQUAL_BOOKS,
                f"{len(facts.patient_since_drifted)} claim(s) keep a first day on patient A/R "
                "(patient_since) that differs from their postings",
                tuple(facts.patient_since_drifted[:20]),
            )
        )
    if facts.sums_drifted:
        found.append(
            BooksFinding(
                Check.ROLLUPS_EQUAL_BOOKS,
                "the sums of the open receivables differ from the rollups in "
                + ", ".join(facts.sums_drifted),
            )
        )
    if facts.misdated_entries:
        found.append(
            BooksFinding(
                Check.ROLLUPS_EQUAL_BOOKS,
                "entries whose postings carry another effective day than the entry itself "
                "(the period sums would count them on that day)",
                entries=tuple(facts.misdated_entries),
            )
        )
    return found


def _closed_periods(facts: BooksFacts) -> list[BooksFinding]:
    return [
        *(
            BooksFinding(
                Check.CLOSED_PERIODS_HOLD,
                f"entry {e.entry_id} is effective {e.effective}, in period {e.period}, which "
                "was closed before it was recorded",
                e.claims,
                (e.entry_id,),
            )
            for e in facts.closed_period_entries
        ),
        *(BooksFinding(Check.CLOSED_PERIODS_HOLD, m) for m in facts.closed_period_problems),
    ]


def _bank(unproven: Iterable[UnprovenCash]) -> list[BooksFinding]:
    return [
        BooksFinding(
            Check.CASH_IN_BANK,
            f"835 TRN02 {u.trace_number} (remittance {', '.join(u.remittances)}): "
            f"{u.unproven} of {u.era_total} paid is in no deposit ({u.verdict})",
        )
        for u in unproven
        if u.unproven.is_positive()
    ]


def _patient_aging(facts: BooksFacts) -> list[BooksFinding]:
    return [
        BooksFinding(
            Check.PATIENT_AGING_EQUALS_PATIENT_AR,
            f"patient aging totals {aged}, the ledger's patient A/R {facts.patient_receivables} "
            f"as of {facts.as_of} (off by {aged - facts.patient_receivables})",
        )
        for aged in facts.patient_aging_totals
        if aged != facts.patient_receivables
    ]


def _patient_credit(facts: BooksFacts) -> list[BooksFinding]:
    found = [
        BooksFinding(
            Check.PATIENT_CREDIT_IS_ACCOUNT,
            f"{f.what} keeps {f.stored}, but entry {f.entry_id} posted {f.posted}",
            (f.claim_id,) if f.claim_id else (),
            (f.entry_id,),
        )
        for f in facts.payment_figures
        if f.stored != f.posted
    ]
    found += [
        BooksFinding(
            Check.PATIENT_CREDIT_IS_ACCOUNT,
            f"patient {c.patient_account}: credit account in debit ({c.credit}): more was "
            "applied or refunded than was paid",
        )
        for c in facts.patient_credits
        if c.credit.is_negative()
    ]
    found += [
        BooksFinding(
            Check.NO_UNWORKED_PATIENT_CREDIT,
            f"patient {c.patient_account}: unapplied credit {c.credit} with no open "
            "credit-balance work item",
        )
        for c in facts.patient_credits
        if c.credit.is_positive() and not c.credit_item_open
    ]
    return found


def _referral_findings(r: Referral) -> list[str]:
    named = f"collections referral {r.referral_id} (account {r.account})"
    if not r.exported:
        return [f"{named} was not exported, but entries moved {r.bad_debt} to bad debt for it"]
    found = []
    if r.bad_debt == r.patient_ar != r.referred:
        found.append(
            f"{named}: referred {r.referred} to the agency, but its entries moved "
            f"{r.bad_debt} from patient A/R to bad debt"
        )
    elif not r.referred == r.bad_debt == r.patient_ar:
        found.append(
            f"{named}: referred {r.referred} to the agency, but its entries took "
            f"{r.patient_ar} off patient A/R and put {r.bad_debt} in bad debt"
        )
    if sorted(r.claims) != sorted(r.entry_claims):
        found.append(
            f"{named}: lists claims {' '.join(sorted(r.claims)) or 'none'}, but its entries "
            f"write off {' '.join(sorted(r.entry_claims)) or 'none'}"
        )
    return found


def _collections(facts: BooksFacts) -> list[BooksFinding]:
    found = [
        BooksFinding(
            Check.COLLECTIONS_ARE_BAD_DEBT,
            message,
            tuple(sorted({*r.claims, *r.entry_claims})),
            r.entries,
        )
        for r in facts.referrals
        for message in _referral_findings(r)
    ]
    for c in facts.bad_debt_recoveries:
        said = f"entry {c.entry_id}: recovers {c.recovered} of bad debt on claim {c.claim_id}"
        if not c.payment_posted:
            message = f"{said} for payment {c.payment_id}, which is not in the books"
        elif not c.claim_referred:
            message = f"{said}, which no exported collections referral wrote off"
        else:
            continue
        found.append(
            BooksFinding(Check.COLLECTIONS_ARE_BAD_DEBT, message, (c.claim_id,), (c.entry_id,))
        )
    return found


def verify(facts: BooksFacts) -> BooksReport:
    """Every invariant over ``facts``; the report holds when no check found anything."""
    return BooksReport(
        facts.as_of,
        (
            *_entries_balance(facts.unbalanced),
            *_figures(facts),
            *_charges(facts.charges),
            *_credits(facts.negative_balances),
            *_traces(facts.traces),
            *_aging(facts),
            *_recoveries(facts.recoveries),
            *_rollups(facts),
            *_closed_periods(facts),
            *_bank(facts.unproven_cash),
            *_patient_aging(facts),
            *_patient_credit(facts),
            *_collections(facts),
        ),
    )
