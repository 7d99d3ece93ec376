"""The desk's patient statement use cases: run statements, read them and their PDFs, hold or
release an account, payment plans, and the collections hand-off.

Running statements is a batch job (whoever may run jobs). Reading statements and plans names
patients: whoever may read patients. Holds and plans change what patients are sent: the work
of the desk's staff (whoever works queues), never an auditor's. The collections review is a
batch job; deciding a referral and exporting the approved ones write balances off as bad debt:
a manager's (whoever may approve write-offs), and nobody decides their own proposal. A
good-faith estimate is made by the desk's staff (whoever works queues), read by whoever reads
patients, checked against the bill as a batch job, and its dispute ended by Tier 2 (whoever
recovers claims). Every use is audited whether refused, not found, failed or done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from claimdesk.audit.log import Outcome as AuditOutcome
from claimdesk.desk.desk import Desk, DeskSetupError, UowFactory
from claimdesk.desk.guard import Actor, Capability, NotFoundError
from claimdesk.domain.good_faith import GoodFaithError
from claimdesk.domain.money import Money
from claimdesk.domain.payment_plans import PlanError, Standing
from claimdesk.domain.statements import Dunning, HoldReason, StatementError
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services import collections, good_faith, payment_plans, statements
from claimdesk.services.collections import (
    CollectionsError,
    ExportResult,
    Referred,
    ReviewResult,
)
from claimdesk.services.good_faith import FlagResult, GfeStanding, Made
from claimdesk.services.statements import (
    RunResult,
    RunSummary,
    StatementSummary,
    StoredStatement,
)


class StatementDesk(Desk):
    input_errors = (StatementError, PlanError, CollectionsError, GoodFaithError)

    def __init__(
        self,
        uow_factory: UowFactory,
        policy: RoutingPolicy,
        clock: Callable[[], datetime],
        *,
        dunning: Dunning,
        archive: Path | None,
        anchor: Path | None = None,
    ) -> None:
        super().__init__(uow_factory, policy, clock, anchor=anchor)
        self.dunning = dunning
        # None: a web desk without a data home reads statements but keeps no files.
        self.archive = archive

    def _archive(self) -> Path:
        if self.archive is None:
            raise DeskSetupError("this desk runs without a data home (claimdesk serve sets one)")
        return self.archive

    def run_statements(
        self, actor: Actor, as_of: date | None = None, *, dry_run: bool = False
    ) -> RunResult:
        job = "statements (dry run)" if dry_run else "statements"
        return self.run_job(
            actor,
            job,
            lambda: statements.run(
                self.uow_factory,
                dunning=self.dunning,
                archive=self._archive(),
                policy=self.policy,
                now=self.clock(),
                by=actor.user.user_id,
                as_of=as_of,
                dry_run=dry_run,
            ),
            lambda done: (
                f"{done.run_date}: "
                + ("already run; " if done.already_run else "")
                + f"{len(done.sent)} statement(s), {len(done.skipped)} skipped, "
                f"{len(done.opened)} item(s) opened"
            ),
        )

    def statement_runs(self, actor: Actor) -> list[RunSummary]:
        return self._read(
            actor,
            Capability.READ_PATIENTS,
            "view_statement_runs",
            "statement runs",
            lambda: statements.runs(self.uow_factory),
            lambda found: f"{len(found)} run(s)",
        )

    def statement_batch_pdf(self, actor: Actor, day: date) -> bytes:
        """The run's batch PDF for printing, as it was kept in the practice's archive."""
        action, target = "view_statement_batch", f"statement run {day.isoformat()}"
        self._checked(actor, Capability.READ_PATIENTS, action, target)
        found = statements.batch_file(self.uow_factory, day)
        if found is None:
            self._audit(actor, action, target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"statements of {day.isoformat()}: no run that day")
        return self._audited(
            actor,
            action,
            target,
            None,
            lambda: (self._archive() / found).read_bytes(),
            lambda data: f"{len(data)} bytes",
        )

    def statements(self, actor: Actor, account: str | None = None) -> list[StatementSummary]:
        target = f"statements of {account}" if account else "statements"
        return self._read(
            actor,
            Capability.READ_PATIENTS,
            "view_statements",
            target,
            lambda: statements.listing(self.uow_factory, account),
            lambda found: f"{len(found)} statement(s)",
        )

    def _found(self, actor: Actor, action: str, statement_id: str) -> StoredStatement:
        target = f"statement {statement_id}"
        self._checked(actor, Capability.READ_PATIENTS, action, target)
        found = statements.show(self.uow_factory, statement_id)
        if found is None:
            self._audit(actor, action, target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"statement {statement_id}: no such statement")
        return found

    def statement(self, actor: Actor, statement_id: str) -> StoredStatement:
        found = self._found(actor, "view_statement", statement_id)
        self._audit(
            actor,
            "view_statement",
            f"statement {statement_id}",
            AuditOutcome.OK,
            detail=f"account {found.summary.account}",
        )
        return found

    def statement_pdf(self, actor: Actor, statement_id: str) -> bytes:
        """The statement's PDF as it was kept in the practice's archive."""
        found = self._found(actor, "view_statement_pdf", statement_id)
        return self._audited(
            actor,
            "view_statement_pdf",
            f"statement {statement_id}",
            None,
            lambda: (self._archive() / found.summary.pdf_file).read_bytes(),
            lambda data: f"{len(data)} bytes",
        )

    def hold_statements(
        self, actor: Actor, account: str, reason: HoldReason, note: str = ""
    ) -> bool:
        target = f"account {account}"
        self._checked(actor, Capability.WORK, "hold_statements", target)
        return self._audited(
            actor,
            "hold_statements",
            target,
            None,
            lambda: statements.hold(
                self.uow_factory, account, reason, note, now=self.clock(), by=actor.user.user_id
            ),
            lambda done: f"{reason.value}: {'held' if done else 'already held'}",
        )

    def release_statements(self, actor: Actor, account: str) -> int:
        target = f"account {account}"
        self._checked(actor, Capability.WORK, "release_statements", target)
        return self._audited(
            actor,
            "release_statements",
            target,
            None,
            lambda: statements.release(
                self.uow_factory, account, now=self.clock(), by=actor.user.user_id
            ),
            lambda done: f"{done} hold(s) released",
        )

    def add_plan(
        self,
        actor: Actor,
        account: str,
        *,
        amount: Money,
        every_days: int,
        first_due: date,
        installments: int | None,
    ) -> Standing:
        target = f"account {account}"
        self._checked(actor, Capability.WORK, "add_payment_plan", target)
        return self._audited(
            actor,
            "add_payment_plan",
            target,
            None,
            lambda: payment_plans.add(
                self.uow_factory,
                account,
                amount=amount,
                every_days=every_days,
                first_due=first_due,
                installments=installments,
                now=self.clock(),
                by=actor.user.user_id,
            ),
            lambda done: (
                f"{done.plan.plan_id}: {done.plan.installments} installment(s) of "
                f"{done.plan.amount} for {done.plan.total}"
            ),
        )

    def plans(self, actor: Actor) -> list[Standing]:
        return self._read(
            actor,
            Capability.READ_PATIENTS,
            "view_payment_plans",
            "payment plans",
            lambda: payment_plans.listing(self.uow_factory, now=self.clock()),
            lambda found: f"{len(found)} plan(s)",
        )

    def plan(self, actor: Actor, plan_id: str) -> Standing:
        target = f"payment plan {plan_id}"
        self._checked(actor, Capability.READ_PATIENTS, "view_payment_plan", target)
        found = payment_plans.show(self.uow_factory, plan_id, now=self.clock())
        if found is None:
            self._audit(actor, "view_payment_plan", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"payment plan {plan_id}: no such plan")
        self._audit(actor, "view_payment_plan", target, AuditOutcome.OK, detail=found.status)
        return found

    def review_collections(self, actor: Actor, *, dry_run: bool = False) -> ReviewResult:
        job = "collections review (dry run)" if dry_run else "collections review"
        return self.run_job(
            actor,
            job,
            lambda: collections.review(
                self.uow_factory,
                now=self.clock(),
                by=actor.user.user_id,
                policy=self.policy,
                dry_run=dry_run,
            ),
            lambda done: (
                f"{len(done.candidates)} candidate(s), {len(done.proposed)} referral(s) opened"
            ),
        )

    def decide_collections(self, actor: Actor, referral_id: int, *, approve: bool) -> str:
        target = f"collections referral {referral_id}"
        self._checked(actor, Capability.APPROVE_WRITE_OFFS, "decide_collections", target)
        return self._audited(
            actor,
            "decide_collections",
            target,
            None,
            lambda: collections.decide(
                self.uow_factory,
                referral_id,
                approve=approve,
                now=self.clock(),
                by=actor.user.user_id,
            ),
            lambda status: status,
        )

    def export_collections(self, actor: Actor, out: Path | None = None) -> ExportResult:
        target = "collections export"
        self._checked(actor, Capability.APPROVE_WRITE_OFFS, "export_collections", target)
        return self._audited(
            actor,
            "export_collections",
            target,
            None,
            lambda: collections.export(
                self.uow_factory,
                archive=self._archive(),
                out=out,
                now=self.clock(),
                by=actor.user.user_id,
            ),
            lambda done: (
                f"{len(done.referrals)} account(s), {done.written_off} to bad debt, "
                f"file {done.file or 'none'}"
            ),
        )

    def collection_referrals(self, actor: Actor, status: str | None = None) -> list[dict[str, Any]]:
        return self._read(
            actor,
            Capability.READ_PATIENTS,
            "view_collections",
            "collections referrals",
            lambda: collections.referrals(self.uow_factory, status),
            lambda found: f"{len(found)} referral(s)",
        )

    def collection_candidates(self, actor: Actor) -> ReviewResult:
        """The accounts a review would propose today; proposes nothing (a read)."""
        return self._read(
            actor,
            Capability.READ_PATIENTS,
            "view_collection_candidates",
            "collections candidates",
            lambda: collections.candidates(self.uow_factory, now=self.clock()),
            lambda found: f"{len(found.candidates)} candidate(s)",
        )

    def collections_referred(self, actor: Actor) -> list[Referred]:
        return self._read(
            actor,
            Capability.READ_PATIENTS,
            "view_collections_referred",
            "collections referred accounts",
            lambda: collections.referred(self.uow_factory),
            lambda found: f"{len(found)} account(s)",
        )

    def collections_export_file(self, actor: Actor, name: str) -> bytes:
        """An agency file an export kept: names and addresses of debtors, so a manager's."""
        target = f"collections export {name}"
        self._checked(actor, Capability.APPROVE_WRITE_OFFS, "download_collections_export", target)
        return self._audited(
            actor,
            "download_collections_export",
            target,
            None,
            lambda: collections.export_file(self._archive(), name),
            lambda data: f"{len(data)} bytes",
        )

    def make_gfe(self, actor: Actor, encounter_id: str) -> Made:
        target = f"encounter {encounter_id}"
        self._checked(actor, Capability.WORK, "make_good_faith_estimate", target)
        return self._audited(
            actor,
            "make_good_faith_estimate",
            target,
            None,
            lambda: good_faith.make(
                self.uow_factory,
                encounter_id,
                archive=self._archive(),
                now=self.clock(),
                by=actor.user.user_id,
            ),
            lambda made: (
                f"{made.estimate['gfe_id']} {made.estimate['total']}"
                + ("" if made.created else " (already made)")
            ),
        )

    def gfe(self, actor: Actor, gfe_id: str) -> dict[str, Any]:
        target = f"good-faith estimate {gfe_id}"
        self._checked(actor, Capability.READ_PATIENTS, "view_good_faith_estimate", target)
        found = good_faith.show(self.uow_factory, gfe_id)
        if found is None:
            self._audit(actor, "view_good_faith_estimate", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"{gfe_id}: no such good-faith estimate")
        self._audit(
            actor, "view_good_faith_estimate", target, AuditOutcome.OK, detail=found["status"]
        )
        return found

    def gfe_standing(self, actor: Actor, gfe_id: str) -> GfeStanding:
        """The estimate against what its visit is billed now, and the hold on the account."""
        target = f"good-faith estimate {gfe_id}"
        self._checked(actor, Capability.READ_PATIENTS, "view_good_faith_estimate", target)
        found = good_faith.standing(self.uow_factory, gfe_id)
        if found is None:
            self._audit(actor, "view_good_faith_estimate", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"{gfe_id}: no such good-faith estimate")
        self._audit(
            actor,
            "view_good_faith_estimate",
            target,
            AuditOutcome.OK,
            detail=str(found.estimate["status"]),
        )
        return found

    def gfe_pdf(self, actor: Actor, gfe_id: str) -> bytes:
        found = self.gfe(actor, gfe_id)
        return self._audited(
            actor,
            "view_good_faith_estimate_pdf",
            f"good-faith estimate {gfe_id}",
            None,
            lambda: (self._archive() / str(found["pdf_file"])).read_bytes(),
            lambda data: f"{len(data)} bytes",
        )

    def review_gfes(self, actor: Actor) -> FlagResult:
        return self.run_job(
            actor,
            "good-faith estimates review",
            lambda: good_faith.review(
                self.uow_factory, now=self.clock(), policy=self.policy, by=actor.user.user_id
            ),
            lambda done: f"{done.checked} checked, {len(done.flagged)} flagged",
        )

    def resolve_gfe(self, actor: Actor, gfe_id: str, note: str) -> str:
        target = f"good-faith estimate {gfe_id}"
        self._checked(actor, Capability.RECOVER_CLAIMS, "resolve_good_faith_dispute", target)
        return self._audited(
            actor,
            "resolve_good_faith_dispute",
            target,
            None,
            lambda: good_faith.resolve(
                self.uow_factory, gfe_id, note, now=self.clock(), by=actor.user.user_id
            ),
            lambda status: status,
        )
