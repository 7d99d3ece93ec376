"""Use cases: hand unpaid patient accounts to a collection agency, and recover what they pay.

An account is a **candidate** once it was sent ``collections.after_statements`` statements and
its oldest billed balance is ``collections.after_days`` old, it owes at least
``collections.min_balance``, with no hold and no payment plan in good standing
(docs/collections.md). ``review`` proposes each candidate once, as a Tier 3
``collections_approval`` item; a manager other than the proposer decides it (nobody approves
their own request); ``export`` writes the approved accounts to the agency's CSV, writes their
patient balance off as bad debt claim by claim, and holds their statements (hold kind
``collections``). A later patient payment on such an account is a **recovery**: the bad-debt
write-off is undone for the amount, claim by claim, in the payment's transaction
(``recover_in``), and the payment then pays the balance that restored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from claimdesk.domain.ledger import Account, BalanceQuery, Dimensions, Entry, EntryKind, Posting
from claimdesk.domain.money import Money, total
from claimdesk.domain.payment_plans import PlanStatus
from claimdesk.domain.statements import HoldReason, billed_visits
from claimdesk.domain.work import SYSTEM, HistoryEvent, Outcome, Problem, WorkKind
from claimdesk.domain.write_offs import ClaimOpen, ReasonCode, reason_of, write_off_entry
from claimdesk.routing.access import Role
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.archive import write_private
from claimdesk.services.patient_book import patient_book
from claimdesk.services.practice import posting_date, practice_date
from claimdesk.services.remit_work import insurance_balance, open_in
from claimdesk.services.users import acting_user
from claimdesk.store.queries.patient_accounts import patient_payments, responsible_parties
from claimdesk.store.queries.search import claims_of_patient
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
PATIENT_AR = frozenset({Account.PATIENT_AR})
BAD_DEBT = frozenset({Account.WRITE_OFF_BAD_DEBT})
FOLDER = "collections"
RECOVERY_PREFIX = "collections-recovery:"  # the entry id of a recovery: PREFIX PAYMENT:CLAIM

PROPOSED, APPROVED, REJECTED, EXPORTED = "proposed", "approved", "rejected", "exported"
# A referral in one of these stops the account from being proposed again.
STANDING = frozenset({PROPOSED, APPROVED, EXPORTED})

# The agency file's columns (docs/collections.md): who owes, where, how much, for which visits,
# and when they last heard from the practice. No diagnosis or procedure codes: the agency needs
# none of them to collect (45 CFR 164.502(b), minimum necessary).
CSV_COLUMNS = (
    "referral",
    "account",
    "name",
    "address",
    "balance",
    "dates_of_service",
    "last_statement_date",
    "last_payment_date",
    "referred_on",
)


class CollectionsError(ValueError):
    """A review, decision, export or recovery that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class Candidate:
    account: str
    balance: Money
    oldest_since: date
    statements: int
    last_statement: date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "balance": str(self.balance),
            "oldest_since": self.oldest_since.isoformat(),
            "statements": self.statements,
            "last_statement": self.last_statement.isoformat() if self.last_statement else None,
        }


@dataclass
class ReviewResult:
    day: date
    dry_run: bool
    candidates: list[Candidate] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)  # referral ids opened by this review

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "candidates": [c.as_dict() for c in self.candidates],
            "referrals_opened": self.proposed,
        }


def _claims_owed(uow: UnitOfWork, patients: list[str]) -> list[tuple[str, date, Money]]:
    """The patients' claims insurance is done with that still owe a patient balance, oldest
    first: what a hand-off writes off."""
    found: list[tuple[str, date, Money]] = []
    for patient in patients:
        claims = claims_of_patient(uow.read, patient)
        owed = uow.ledger.balances_of_claims(
            [c.claim_id for c in claims], BalanceQuery(accounts=PATIENT_AR)
        )
        for c in claims:
            balance = owed.get(c.claim_id, Money.zero())
            if balance.is_positive() and not insurance_balance(uow, c.claim_id):
                found.append((c.claim_id, c.date_of_service, balance))
    return sorted(found, key=lambda f: (f[1], f[0]))


def candidates_in(uow: UnitOfWork, day: date) -> list[Candidate]:
    profile = uow.practice.profile()
    book = patient_book(uow, day, profile)
    referred = uow.collections.of_accounts(STANDING)
    counts: dict[str, int] = {}
    for row in uow.statements.statements(limit=100_000):
        counts[row["account"]] = counts.get(row["account"], 0) + 1
    cutoff = day - timedelta(days=profile.collections_after_days)
    found: list[Candidate] = []
    for account, facts in sorted(book.accounts.items()):
        if account in referred or facts.hold is not None:
            continue
        plan = book.plans.get(account)
        if plan is not None and plan.status is PlanStatus.GOOD:
            continue
        billed = billed_visits(facts)
        balance = total(v.balance for v in billed) + facts.unapplied
        since = [v.patient_since for v in billed if v.balance.is_positive() and v.patient_since]
        if balance < profile.collections_min_balance or not since or min(since) > cutoff:
            continue
        if counts.get(account, 0) < profile.collections_after_statements:
            continue
        found.append(Candidate(account, balance, min(since), counts[account], facts.last_statement))
    return found


def review(
    uow_factory: UowFactory,
    *,
    now: datetime,
    by: str,
    policy: RoutingPolicy,
    dry_run: bool = False,
) -> ReviewResult:
    """Propose every candidate once: a referral and its Tier 3 approval item. Proposing
    again finds the referral and opens nothing."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        day = practice_date(uow, now)
        result = ReviewResult(day, dry_run, candidates_in(uow, day))
        if dry_run:
            return result
        history = uow.work_items.recovery_history()
        for c in result.candidates:
            referral_id = uow.collections.add(
                {
                    "account": c.account,
                    "status": PROPOSED,
                    "balance": c.balance.amount,
                    "oldest_since": c.oldest_since,
                    "statements": c.statements,
                    "last_statement": c.last_statement,
                    "proposed_at": now,
                    "proposed_by": by,
                    "claims": "",
                    "export_file": "",
                }
            )
            item = open_in(
                uow,
                Problem(
                    kind=WorkKind.COLLECTIONS_APPROVAL,
                    category="write_off",
                    problem_key=f"collections:{referral_id}",
                    amount_at_stake=c.balance,
                    summary=(
                        f"collections referral {referral_id}: account {c.account} owes "
                        f"{c.balance} since {c.oldest_since.isoformat()} after {c.statements} "
                        f"statement(s); proposed by {by}; approve or reject"
                    ),
                ),
                now=now,
                policy=policy,
                history=history,
            )
            if item is not None:
                uow.collections.save(referral_id, {"work_item_id": item.item_id})
            result.proposed.append(referral_id)
        uow.commit()
    return result


def decide(
    uow_factory: UowFactory, referral_id: int, *, approve: bool, now: datetime, by: str
) -> str:
    """A manager other than the proposer approves or rejects the referral."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        user = acting_user(uow, by)
        if user.role is not Role.MANAGER:
            raise CollectionsError(f"referral {referral_id}: only a manager (Tier 3) may decide it")
        found = uow.collections.get(referral_id)
        if found is None or found["status"] != PROPOSED:
            raise CollectionsError(f"referral {referral_id}: no proposed referral")
        if found["proposed_by"] == by:
            raise CollectionsError(
                f"referral {referral_id}: you proposed it; another manager must decide it"
            )
        status = APPROVED if approve else REJECTED
        uow.collections.save(referral_id, {"status": status, "decided_at": now, "decided_by": by})
        if found["work_item_id"] is not None:
            item = uow.work_items.get(found["work_item_id"], with_history=False)
            if item is not None and item.active:
                event = item.close(SYSTEM, now, Outcome.NO_ACTION_NEEDED)
                note = HistoryEvent(
                    now, SYSTEM, "note", item.status, item.status, f"referral {status}"
                )
                uow.work_items.update(item, [event, note])
        uow.commit()
    return status


@dataclass
class ExportResult:
    file: str
    referrals: list[dict[str, Any]] = field(default_factory=list)
    written_off: Money = field(default_factory=Money.zero)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "referrals": self.referrals,
            "written_off": str(self.written_off),
        }


def _bad_debt_entry(
    uow: UnitOfWork, referral_id: int, claim_id: str, amount: Money, *, now: datetime, by: str
) -> Entry:
    claim = uow.claims.get(claim_id)
    if claim is None:
        raise CollectionsError(f"claim {claim_id}: no such claim")
    lines = uow.ledger.balances_by_line(claim_id, PATIENT_AR)
    return write_off_entry(
        entry_id=f"collections:{referral_id}:{claim_id}",
        reason=reason_of(ReasonCode.BAD_DEBT),
        amount=amount,
        claim=ClaimOpen(
            patient_account=claim.encounter.patient_account,
            claim_id=claim_id,
            payer_id=claim.payer_id,
            account=Account.PATIENT_AR,
            lines=lines,
            claim_level=amount - total(lines.values()),
        ),
        effective=posting_date(uow, now),
        recorded_at=now,
        recorded_by=by,
        source=f"collections referral {referral_id}",
        memo="bad debt: sent to collections",
    )


def _csv_text(rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def export(
    uow_factory: UowFactory, *, archive: Path, out: Path | None, now: datetime, by: str
) -> ExportResult:
    """Hand every approved referral to the agency: one CSV (kept in the archive, and copied to
    ``out`` when given), each account's patient balance written off as bad debt claim by
    claim, and its statements held. With nothing approved, no file is written."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        day = practice_date(uow, now)
        approved = uow.collections.referrals(status=APPROVED)
        parties = responsible_parties(uow.read)
        relative = f"{FOLDER}/collections-{now:%Y%m%dT%H%M%S}.csv"
        result = ExportResult(relative if approved else "")
        rows: list[tuple[str, ...]] = []
        for referral in approved:
            account = referral["account"]
            patients = sorted(p for p, r in parties.items() if r.party.account == account)
            if not patients:
                raise CollectionsError(f"referral {referral['referral_id']}: account {account}")
            party = parties[patients[0]].party
            claims = _claims_owed(uow, patients)
            if not claims:
                raise CollectionsError(
                    f"referral {referral['referral_id']}: account {account} owes nothing now; "
                    "reject it"
                )
            entries = [
                _bad_debt_entry(uow, referral["referral_id"], c, amount, now=now, by=by)
                for c, _dos, amount in claims
            ]
            uow.ledger.append_many(entries)
            amount = total(a for _c, _d, a in claims)
            paid = [d for d, a in patient_payments(uow.read, patients) if a.is_positive()]
            rows.append(
                (
                    str(referral["referral_id"]),
                    account,
                    party.name,
                    " | ".join(party.address_lines),
                    str(amount),
                    " ".join(sorted({d.isoformat() for _c, d, _a in claims})),
                    referral["last_statement"].isoformat() if referral["last_statement"] else "",
                    max(paid).isoformat() if paid else "",
                    day.isoformat(),
                )
            )
            uow.collections.save(
                referral["referral_id"],
                {
                    "status": EXPORTED,
                    "exported_at": now,
                    "exported_by": by,
                    "written_off": amount.amount,
                    "claims": " ".join(c for c, _d, _a in claims),
                    "export_file": relative,
                },
            )
            uow.statements.hold(
                account,
                HoldReason.COLLECTIONS,
                f"collections referral {referral['referral_id']}",
                at=now,
                by=by,
            )
            result.referrals.append(
                {"referral": referral["referral_id"], "account": account, "balance": str(amount)}
            )
            result.written_off += amount
        if rows:
            data = _csv_text(rows).encode()
            # Written before the commit: a failed export leaves a file no referral names.
            write_private(archive / relative, data)
            if out is not None:
                write_private(out, data)
        uow.commit()
    return result


def referrals(uow_factory: UowFactory, status: str | None = None) -> list[dict[str, Any]]:
    with uow_factory() as uow:
        return [_plain(r) for r in uow.collections.referrals(status=status)]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, date) else str(v) if v is not None else None)
        for k, v in row.items()
    }


def recover_in(
    uow: UnitOfWork,
    patient: str,
    amount: Money,
    effective: date,
    *,
    payment_id: str,
    now: datetime,
    by: str,
) -> list[str]:
    """In a patient payment's transaction: when the patient's account is in collections, undo
    the bad-debt write-off for up to ``amount``, claim by claim oldest first, so the payment
    pays a restored balance (a recovery), each entry named after the payment. The claims
    restored, oldest first; none when the account is not in collections."""
    parties = responsible_parties(uow.read)
    found = parties.get(patient)
    if found is None:
        return []
    referral = uow.collections.of_accounts(frozenset({EXPORTED})).get(found.party.account)
    if referral is None:
        return []
    written = set(referral["claims"].split())
    claims = [c for c in claims_of_patient(uow.read, patient) if c.claim_id in written]
    left = amount
    restored: list[str] = []
    for c in sorted(claims, key=lambda c: (c.date_of_service, c.claim_id)):
        if not left.is_positive():
            break
        bad = uow.ledger.balance(BalanceQuery(accounts=BAD_DEBT, claim_id=c.claim_id))
        if not bad.is_positive():
            continue
        taken = min(bad, left)
        dims = Dimensions(patient, c.claim_id, None, c.payer_id)
        # The write-off undone for what the patient paid: bad debt credited, the patient
        # receivable debited back at the claim level, where the payment then takes it.
        uow.ledger.append(
            Entry(
                entry_id=f"{RECOVERY_PREFIX}{payment_id}:{c.claim_id}",
                kind=EntryKind.WRITE_OFF,
                effective=effective,
                recorded_at=now,
                recorded_by=by,
                postings=(
                    Posting(Account.WRITE_OFF_BAD_DEBT, -taken, dims),
                    Posting(Account.PATIENT_AR, taken, dims),
                ),
                source=f"collections referral {referral['referral_id']}",
                memo="bad debt recovered",
            )
        )
        restored.append(c.claim_id)
        left = left - taken
    return restored


def candidates(uow_factory: UowFactory, *, now: datetime) -> ReviewResult:
    """The accounts a review would propose today, proposing nothing (the Collections page)."""
    with uow_factory() as uow:
        day = practice_date(uow, now)
        return ReviewResult(day, True, candidates_in(uow, day))


@dataclass(frozen=True, slots=True)
class Referred:
    """An account handed to the agency, with what its patients paid back since."""

    referral_id: int
    account: str
    exported_on: date
    written_off: Money
    recovered: Money
    last_recovery: date | None
    export_file: str

    @property
    def still_bad_debt(self) -> Money:
        return self.written_off - self.recovered


def _recovered(uow: UnitOfWork, referral: dict[str, Any]) -> tuple[Money, date | None]:
    """What the recoveries of ``referral`` took back off bad debt, and the day of the latest.
    A recovery stands when its payment is reversed later: the reversal puts the amount back
    on the patient's receivable, not on bad debt."""
    source = f"collections referral {referral['referral_id']}"
    back = Money.zero()
    days: list[date] = []
    for claim_id in referral["claims"].split():
        for entry in uow.ledger.entries(claim_id=claim_id):
            if entry.entry_id.startswith(RECOVERY_PREFIX) and entry.source == source:
                back -= total(p.amount for p in entry.postings if p.account in BAD_DEBT)
                days.append(entry.effective)
    return back, max(days) if days else None


def referred(uow_factory: UowFactory) -> list[Referred]:
    """Every exported referral, newest first, with its recoveries posted back."""
    with uow_factory() as uow:
        found = []
        for row in reversed(uow.collections.referrals(status=EXPORTED)):
            back, last = _recovered(uow, row)
            found.append(
                Referred(
                    row["referral_id"],
                    row["account"],
                    practice_date(uow, row["exported_at"]),
                    Money(row["written_off"]),
                    back,
                    last,
                    row["export_file"],
                )
            )
        return found


EXPORT_NAME = re.compile(r"collections-\d{8}T\d{6}\.csv")


def export_file(archive: Path, name: str) -> bytes:
    """An agency file kept by an export, by its name alone (no path leaves the folder)."""
    if EXPORT_NAME.fullmatch(name) is None:
        raise CollectionsError(f"{name!r}: not a collections export file name")
    path = archive / FOLDER / name
    if not path.is_file():
        raise CollectionsError(f"{name}: no such collections export")
    return path.read_bytes()
