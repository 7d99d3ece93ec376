"""Use cases: run patient statements, read them, and hold or release an account's statements.

A run is one transaction per practice day: it decides, account by account, who gets a
statement (domain/statements.py), keeps every statement (a row with its JSON, and its PDF,
JSON and CSV files in the practice's archive under ``statements/DAY/``) with the run's report
and one batch PDF for printing, and opens a Tier 1 item per missed payment plan installment.
A second run on the same day finds the first and changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from claimdesk.analytics.statement_pdf import batch_pdf, statement_pdf
from claimdesk.domain.money import Money, total
from claimdesk.domain.practice import PracticeProfile
from claimdesk.domain.statements import (
    CSV_COLUMNS,
    DUNNING_FILE,
    NOTHING_DUE,
    Dunning,
    HoldReason,
    Statement,
    StatementError,
    StatementPolicy,
    csv_rows,
    decide,
    parse_dunning,
    shipped_dunning,
    statement_of,
)
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services import good_faith
from claimdesk.services.archive import write_private
from claimdesk.services.patient_book import PatientBook, patient_book
from claimdesk.services.practice import practice_date
from claimdesk.services.remit_work import open_many
from claimdesk.store.queries.patient_accounts import (
    responsible_parties,
)
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
FOLDER = "statements"
PLAN_PROBLEM_PREFIX = "payment-plan:"


@dataclass
class RunResult:
    run_date: date
    dry_run: bool
    already_run: bool
    sent: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    total: Money = field(default_factory=Money.zero)
    batch_file: str = ""
    opened: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_date": self.run_date.isoformat(),
            "dry_run": self.dry_run,
            "already_run": self.already_run,
            "statements": self.sent,
            "skipped": self.skipped,
            "total": str(self.total),
            "batch_file": self.batch_file,
            "work_items_opened": self.opened,
        }


def practice_dunning(folder: Path) -> Dunning:
    """The dunning messages of the practice whose folder is ``folder``: its own
    ``dunning.toml`` there, else the shipped ones (docs/statements.md). Only the composition
    root and the web desk's factory call this; the run is handed the table."""
    override = folder / DUNNING_FILE
    if override.exists():
        return parse_dunning(override.read_text(encoding="utf-8"), str(override))
    return shipped_dunning()


def safe_name(statement_id: str) -> str:
    """A file name for a statement id: account numbers come from the EHR and may hold any
    character."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", statement_id)


def _letterhead(profile: PracticeProfile) -> dict[str, str]:
    # Patients pay to the pay-to address when the practice has one (2010AB), else billing's.
    prefix = "pay_to" if profile.get("pay_to.address1") else "billing"
    postal = profile.get(f"{prefix}.zip")
    zip_code = f"{postal[:5]}-{postal[5:]}" if len(postal) == 9 else postal
    city = profile.get(f"{prefix}.city")
    phone = profile.get("submitter.phone")
    return {
        "name": profile.get("name"),
        "address1": profile.get(f"{prefix}.address1"),
        "address2": profile.get(f"{prefix}.address2"),
        "city_line": f"{city}, {profile.get(f'{prefix}.state')} {zip_code}" if city else "",
        "phone": f"Billing questions: {phone[:3]}-{phone[3:6]}-{phone[6:]}" if phone else "",
    }


def _missed_problems(uow: UnitOfWork, book: PatientBook) -> list[Problem]:
    known = {i.problem_key for i in uow.work_items.without_claim_prefixed(PLAN_PROBLEM_PREFIX)}
    problems = []
    for account, found in sorted(book.plans.items()):
        for installment in found.missed:
            key = f"{PLAN_PROBLEM_PREFIX}{found.plan.plan_id}:{installment.number}"
            if key in known:
                continue
            patients = book.patients.get(account, [])
            problems.append(
                Problem(
                    kind=WorkKind.PAYMENT_PLAN_MISSED,
                    category="payment_plan",
                    problem_key=key,
                    amount_at_stake=installment.amount,
                    patient_account=patients[0] if patients else None,
                    summary=(
                        f"payment plan {found.plan.plan_id} of account {account}: installment "
                        f"{installment.number} of {installment.amount} due "
                        f"{installment.due.isoformat()} was missed; call the patient"
                    ),
                )
            )
    return problems


def _stored(run: dict[str, Any]) -> RunResult:
    report = json.loads(run["report"])
    return RunResult(
        run_date=run["run_date"],
        dry_run=False,
        already_run=True,
        sent=report["statements"],
        skipped=report["skipped"],
        total=Money(run["total"]),
        batch_file=run["batch_file"],
        opened=[],
    )


def _csv_text(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(statement))
    return out.getvalue()


def run(
    uow_factory: UowFactory,
    *,
    dunning: Dunning,
    archive: Path,
    policy: RoutingPolicy,
    now: datetime,
    by: str,
    as_of: date | None = None,
    dry_run: bool = False,
) -> RunResult:
    """Run the statements of ``as_of`` (default: the practice's today)."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        today = practice_date(uow, now)
        day = as_of or today
        if day > today:
            raise StatementError(f"--as-of {day.isoformat()} is after today ({today.isoformat()})")
        stored = uow.statements.run(day)
        if stored is not None:
            return _stored(stored)
        latest = uow.statements.latest_run_date()
        if latest is not None and day < latest:
            raise StatementError(
                f"--as-of {day.isoformat()}: statements were already run for "
                f"{latest.isoformat()}, a later day"
            )
        # A bill $400+ over a good-faith estimate holds the account before it is billed
        # again (45 CFR 149.620; docs/good-faith-estimates.md). A dry run flags too, so it
        # lists what the run would hold; it never commits, so the flags are not kept.
        good_faith.flag_in(uow, now=now, policy=policy, by=by)
        profile = uow.practice.profile()
        book = patient_book(uow, day, profile)
        rules = StatementPolicy(
            day, profile.statement_cycle_days, profile.statement_min_balance, dunning
        )
        letterhead = _letterhead(profile)
        statements: list[Statement] = []
        result = RunResult(day, dry_run, False)
        for account, facts in sorted(book.accounts.items()):
            decision = decide(facts, rules)
            if not decision.send:
                # An account with nothing owed is not a skipped statement: nobody expects one.
                if decision.reason != NOTHING_DUE:
                    result.skipped.append(
                        {
                            "account": account,
                            "balance": str(decision.balance),
                            "reason": decision.reason,
                        }
                    )
                continue
            statement = statement_of(
                facts,
                rules,
                statement_id=f"{account}-{day:%Y%m%d}",
                practice=letterhead,
            )
            statements.append(statement)
            result.sent.append(
                {
                    "statement_id": statement.statement_id,
                    "account": account,
                    "balance": str(statement.balance),
                    "dunning_level": statement.dunning_level,
                    "visits": len(statement.visits),
                }
            )
        result.total = total(s.balance for s in statements)
        folder = f"{FOLDER}/{day.isoformat()}"
        result.batch_file = f"{folder}/batch-{day.isoformat()}.pdf"
        if dry_run:
            return result
        made = open_many(
            uow,
            _missed_problems(uow, book),
            now=now,
            policy=policy,
            history=uow.work_items.recovery_history(),
        )
        result.opened = [i.item_id for i in made if i.item_id is not None]
        rows = []
        # The files are written before the commit: a run that fails leaves files no row
        # names, and the day's next run writes them again.
        for statement in statements:
            base = f"{folder}/{safe_name(statement.statement_id)}"
            data = json.dumps(statement.as_dict(), indent=2, sort_keys=True)
            write_private(archive / f"{base}.pdf", statement_pdf(statement))
            write_private(archive / f"{base}.json", data.encode())
            write_private(archive / f"{base}.csv", _csv_text(statement).encode())
            rows.append(
                {
                    "statement_id": statement.statement_id,
                    "run_date": day,
                    "account": statement.party.account,
                    "statement_date": day,
                    "balance": statement.balance.amount,
                    "dunning_level": statement.dunning_level,
                    "data": data,
                    "pdf_file": f"{base}.pdf",
                }
            )
        write_private(archive / result.batch_file, batch_pdf(statements, f"Statements of {day}"))
        report = {"statements": result.sent, "skipped": result.skipped}
        uow.statements.add_run(
            {
                "run_date": day,
                "statements": len(statements),
                "skipped": len(result.skipped),
                "total": result.total.amount,
                "report": json.dumps(report, sort_keys=True),
                "batch_file": result.batch_file,
                "run_at": now,
                "run_by": by,
            },
            rows,
        )
        uow.commit()
    return result


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A statement run kept: its day, what it sent and skipped, and its batch PDF."""

    run_date: date
    statements: int
    skipped: int
    total: Money
    batch_file: str
    run_by: str


def runs(uow_factory: UowFactory, limit: int = 12) -> list[RunSummary]:
    """The latest runs, newest first."""
    with uow_factory() as uow:
        return [
            RunSummary(
                r["run_date"],
                r["statements"],
                r["skipped"],
                Money(r["total"]),
                r["batch_file"],
                r["run_by"],
            )
            for r in uow.statements.runs(limit)
        ]


def batch_file(uow_factory: UowFactory, day: date) -> str | None:
    """The batch PDF of the run of ``day`` (relative to the archive); None: no run that day."""
    with uow_factory() as uow:
        found = uow.statements.run(day)
    return None if found is None else str(found["batch_file"])


@dataclass(frozen=True, slots=True)
class StatementSummary:
    statement_id: str
    account: str
    statement_date: date
    balance: Money
    dunning_level: str
    pdf_file: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "account": self.account,
            "statement_date": self.statement_date.isoformat(),
            "balance": str(self.balance),
            "dunning_level": self.dunning_level,
            "pdf_file": self.pdf_file,
        }


def _summary(row: dict[str, Any]) -> StatementSummary:
    return StatementSummary(
        row["statement_id"],
        row["account"],
        row["statement_date"],
        Money(row["balance"]),
        row["dunning_level"],
        row["pdf_file"],
    )


def listing(uow_factory: UowFactory, account: str | None = None) -> list[StatementSummary]:
    with uow_factory() as uow:
        return [_summary(r) for r in uow.statements.statements(account=account)]


@dataclass(frozen=True, slots=True)
class StoredStatement:
    summary: StatementSummary
    data: dict[str, Any]


def show(uow_factory: UowFactory, statement_id: str) -> StoredStatement | None:
    with uow_factory() as uow:
        row = uow.statements.statement(statement_id)
    if row is None:
        return None
    return StoredStatement(_summary(row), json.loads(row["data"]))


def hold(
    uow_factory: UowFactory, account: str, reason: HoldReason, note: str, *, now: datetime, by: str
) -> bool:
    """Hold the account's statements; refused for an account no patient answers to."""
    with uow_factory() as uow:
        parties = responsible_parties(uow.read)
        if account not in {r.party.account for r in parties.values()}:
            raise StatementError(f"account {account!r}: no patient or guarantor has it")
        done = uow.statements.hold(account, reason, note, at=now, by=by)
        uow.commit()
    return done


def release(uow_factory: UowFactory, account: str, *, now: datetime, by: str) -> int:
    with uow_factory() as uow:
        done = uow.statements.release(account, at=now, by=by)
        uow.commit()
    return done
