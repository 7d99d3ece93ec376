"""The desk: every use case a person starts from the web or the API, checked and audited.

Each method takes the acting person, checks what they may do with the object asked for, calls
the services, and writes an audit record for every view or change of patient data, also when it
is refused. The faces (JSON API, HTML pages) only translate requests and answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import ClassVar, TypeVar

from claimdesk.analytics.served_collection import ServedCollection
from claimdesk.audit.anchor import append_anchor
from claimdesk.audit.chain import AuditRecord
from claimdesk.audit.log import Outcome as AuditOutcome
from claimdesk.audit.log import head, record
from claimdesk.desk.guard import Actor, Capability, ForbiddenError, NotFoundError
from claimdesk.domain.books import BooksReport
from claimdesk.domain.claims import Claim, StatusChange
from claimdesk.domain.clock import checked_day
from claimdesk.domain.coverage import Coverage
from claimdesk.domain.ledger import RECEIVABLES, Account, BalanceQuery, Entry
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Patient
from claimdesk.domain.work import Outcome, WorkAction, WorkItem, WorkStatus
from claimdesk.domain.worklist import ItemFilter
from claimdesk.posting.remit_view import PaymentView, payment_view
from claimdesk.routing.access import Role, check_grant
from claimdesk.routing.actions import actions_for
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.security import accounts
from claimdesk.security.masking import member_id_for
from claimdesk.security.secret_box import SecretBox
from claimdesk.services import books, practices, work_queue
from claimdesk.services import users as user_service
from claimdesk.services.kpis import SERVED_AGE_DAYS, collection_of_served
from claimdesk.services.practice import practice_date, set_settings
from claimdesk.services.practice_summary import PracticeSummary, practice_summary
from claimdesk.services.receivables import csv_line
from claimdesk.services.users import Person, acting_user, queues_of
from claimdesk.store.queries.productivity import ProductivityRow
from claimdesk.store.queries.search import (
    ClaimHit,
    PatientHit,
    claims_of_patient,
    find_claims,
    find_patients,
)
from claimdesk.store.repositories import work_items as item_store
from claimdesk.store.repositories.practices import Practice
from claimdesk.store.repositories.users import User
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
T = TypeVar("T")
SEARCH_LIMIT = 50
QUEUE_PAGE = 100
CSV_PAGE = 2000
QUEUE_COLUMNS = (
    "item",
    "queue",
    "kind",
    "category",
    "claim_id",
    "at_stake",
    "score",
    "deadline",
    "days_left",
    "summary",
)


class DeskSetupError(RuntimeError):
    """The desk was started without a data home, which this use case needs (HTTP 503)."""


@dataclass(frozen=True, slots=True)
class CoverageView:
    coverage_id: str
    payer_id: str
    plan_name: str
    member_id: str  # masked for roles that do not need it
    group_number: str
    priority: int
    effective: str
    termination: str


@dataclass(frozen=True, slots=True)
class LedgerLine:
    entry_id: str
    kind: str
    effective: str
    account: str
    line_number: int | None
    amount: Money
    memo: str


@dataclass(frozen=True, slots=True)
class ClaimView:
    claim: Claim
    patient: Patient
    payer_name: str
    coverage: CoverageView | None
    history: tuple[StatusChange, ...]
    ledger: tuple[LedgerLine, ...]
    balance: Money
    insurance_balance: Money
    patient_balance: Money
    line_balances: dict[int, Money]
    payments: tuple[PaymentView, ...] = ()  # the claim's 835 payments, oldest first


@dataclass(frozen=True, slots=True)
class PatientView:
    patient: Patient
    coverages: tuple[CoverageView, ...]
    claims: tuple[ClaimHit, ...]
    balance: Money


@dataclass(frozen=True, slots=True)
class ItemView:
    item: WorkItem
    claim: ClaimView | None
    may_act: bool
    holds: bool
    actions: tuple[WorkAction, ...]
    can_escalate: bool


@dataclass(frozen=True, slots=True)
class QueueView:
    """One page of the items of one's queues that ``where`` picks, in ``sort`` order, with how
    many matched; and the items one holds."""

    queues: tuple[str, ...]
    open_items: tuple[WorkItem, ...]
    mine: tuple[WorkItem, ...]
    matched: int = 0
    page: int = 1
    page_size: int = QUEUE_PAGE
    where: ItemFilter = field(default_factory=ItemFilter)
    sort: str = "score"
    descending: bool = True

    @property
    def over_cap(self) -> bool:
        """More items match than are counted (``COUNT_CAP``): the page says "more than"."""
        return self.matched > item_store.COUNT_CAP

    @property
    def last_page(self) -> int:
        counted = max(1, -(-self.matched // self.page_size))
        if self.over_cap and len(self.open_items) == self.page_size:
            return max(counted, self.page + 1)  # past the count, a full page has a next one
        return counted


@dataclass(frozen=True, slots=True)
class SearchResult:
    term: str
    patients: tuple[PatientHit, ...]
    claims: tuple[ClaimHit, ...]


@dataclass(frozen=True, slots=True)
class Dashboard:
    summary: PracticeSummary
    productivity: tuple[ProductivityRow, ...]
    start: datetime
    end: datetime


def _coverage_view(coverage: Coverage, role: Role) -> CoverageView:
    return CoverageView(
        coverage_id=coverage.coverage_id,
        payer_id=coverage.payer_id,
        plan_name=coverage.plan_name,
        member_id=member_id_for(role, coverage.member_id),
        group_number=coverage.group_number,
        priority=int(coverage.priority),
        effective=coverage.effective.isoformat(),
        termination="" if coverage.termination is None else coverage.termination.isoformat(),
    )


def _ledger_lines(entries: Sequence[Entry], claim_id: str) -> tuple[LedgerLine, ...]:
    return tuple(
        LedgerLine(
            entry_id=entry.entry_id,
            kind=entry.kind.value,
            effective=entry.effective.isoformat(),
            account=posting.account.value,
            line_number=posting.dims.line_number,
            amount=posting.amount,
            memo=entry.memo,
        )
        for entry in entries
        for posting in entry.postings
        if posting.dims.claim_id == claim_id and posting.account in RECEIVABLES
    )


class Desk:
    # The errors of this desk's use cases that say the person's input cannot be done (a value
    # refused, a state that does not allow it), as opposed to a refusal of the person: every
    # face answers them as such (the terminal exits 1; ``cli/jobs.as_actor``).
    input_errors: ClassVar[tuple[type[Exception], ...]] = ()

    def __init__(
        self,
        uow_factory: UowFactory,
        policy: RoutingPolicy,
        clock: Callable[[], datetime],
        *,
        box: SecretBox | None = None,
        anchor: Path | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.policy = policy
        self.clock = clock
        # Seals second-factor secrets; only the faces that enrol people need one.
        self.box = box
        # The file outside the database where each batch pins the audit chain's head.
        self.anchor = anchor

    # People and who they are.

    def actor(self, user: User) -> Actor:
        """``user`` at work in this desk's practice: refused (and the refusal audited in the
        company's chain, nothing else done) unless the practice was granted them."""
        with self.uow_factory() as uow:
            practice = uow.practice_id
            allowed = practices.may_work(uow, user, practice)
            queues = queues_of(uow, user, self.policy) if allowed else ()
            open_to = practices.practices_of(uow, user)
        actor = Actor(user, queues, practice, open_to)
        if not allowed:
            target = f"practice {practice}"
            self._audit(actor, "open_practice", target, AuditOutcome.DENIED, company=True)
            raise ForbiddenError(f"user {user.user_id!r} is not granted practice {practice!r}")
        return actor

    def actor_named(self, user_id: str) -> Actor:
        """The active person called ``user_id`` (the terminal's ``--as``): a known user or a
        refusal, never a name taken on trust."""
        with self.uow_factory() as uow:
            user = acting_user(uow, user_id)
        return self.actor(user)

    def practices_open_to(self, user: User) -> tuple[str, ...]:
        """The practices ``user`` may work (menus; every use case checks again)."""
        with self.uow_factory() as uow:
            return practices.practices_of(uow, user)

    def choose_practice(self, user: User, token_digest: str, practice_id: str) -> None:
        """Make ``practice_id`` the practice the web session works in: refused (and audited in
        the company's chain) unless it was granted ``user``."""
        actor = Actor(user, (), practice_id)
        target = f"practice {practice_id}"
        with self.uow_factory() as uow:
            allowed = practices.exists(uow, practice_id) and practices.may_work(
                uow, user, practice_id
            )
            if allowed:
                uow.sessions.choose_practice(token_digest, practice_id)
                uow.commit()
        if not allowed:
            self._audit(actor, "open_practice", target, AuditOutcome.DENIED, company=True)
            raise ForbiddenError(f"user {user.user_id!r} is not granted practice {practice_id!r}")
        self._audit(actor, "open_practice", target, AuditOutcome.OK, company=True)

    def company_actor_named(self, user_id: str) -> Actor:
        """The active person called ``user_id`` acting for the company (list or add practices),
        in no practice: they work no queue here, whatever practices they were granted."""
        with self.uow_factory() as uow:
            user = acting_user(uow, user_id)
        return Actor(user, (), practice="")

    def system_actor(self, user_id: str, name: str) -> Actor:
        """The program called ``user_id`` (the worker, the simulated cycle) as a user of its own
        with the system role, registered the first time it runs, so its jobs are checked and
        audited like a person's."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
            if user is None:
                user = uow.users.add_once(
                    User(user_id, name, Role.SYSTEM, True, self.clock(), user_id)
                )
                uow.commit()
            if user.role is not Role.SYSTEM:
                raise ForbiddenError(f"user {user_id!r} is a person ({user.role}), not a program")
        return self.actor(user)

    def run_job(self, actor: Actor, job: str, work: Callable[[], T], done: Callable[[T], str]) -> T:
        """A batch use case (import a bundle, submit, read the inbox, ask payers): the actor
        must be allowed to run jobs; the run is audited whether refused, failed or done."""
        target = f"job {job}"
        self._checked(actor, Capability.RUN_JOBS, "run_job", target)
        try:
            return self._audited(actor, "run_job", target, None, work, done)
        finally:
            self._anchor()

    def _anchor(self) -> None:
        """Pin the chain's head after a batch (``CLAIMDESK_AUDIT_ANCHOR``): whoever can write
        the table can cut, empty or recompute the chain, but not this file, so ``audit verify
        --anchor`` finds it."""
        if self.anchor is not None:
            append_anchor(self.anchor, head(self.uow_factory, self.clock()))

    def read_figures(
        self, actor: Actor, report: str, work: Callable[[], T], done: Callable[[T], str]
    ) -> T:
        """A report of totals and rates over the books (``summary``, the KPI report): it names
        no patient, but reading the books is still a use case, checked and audited."""
        return self._read(
            actor, Capability.READ_FIGURES, "read_report", f"report {report}", work, done
        )

    def export_records(
        self, actor: Actor, what: str, work: Callable[[], T], done: Callable[[T], str]
    ) -> T:
        """Patients' billing records written out of the system (``fhir export``): whoever may
        read patients' claims may export them; audited whether refused, failed or done."""
        return self._read(actor, Capability.READ_PATIENTS, "export_records", what, work, done)

    def list_claims_behind(
        self, actor: Actor, kpi: str, work: Callable[[], T], done: Callable[[T], str]
    ) -> T:
        """The claims behind one KPI (``kpi --explain``): a list of claims, so the dashboard's
        capability and audited like any list of claims."""
        return self._read(
            actor, Capability.SEE_SUMMARY, "view_claim_list", f"kpi {kpi}", work, done
        )

    def check_audit_log(
        self, actor: Actor, what: str, work: Callable[[], T], done: Callable[[T], str]
    ) -> T:
        """Verify or anchor the audit chain: hashes and counts, no record's content, so whoever
        may verify the books may do it; its own row lands after the check."""
        return self._read(actor, Capability.VERIFY_BOOKS, "check_audit_log", what, work, done)

    def restored(self, user_id: str, detail: str) -> None:
        """Record a restore in the restored books: it runs on an empty database, where nobody
        is registered yet, so the machine's access is the check and this row the trace."""
        record(
            self.uow_factory,
            AuditRecord(
                self.clock(), user_id, None, "restore", "data home", AuditOutcome.OK, detail
            ),
        )

    def practice_profile(self, actor: Actor, work: Callable[[], T], done: Callable[[T], str]) -> T:
        """The practice profile (``practice show``): every known person may read it (it names
        no patient); audited like every use case."""
        return self._audited(actor, "view_practice", "practice profile", None, work, done)

    def _read(
        self,
        actor: Actor,
        capability: Capability,
        action: str,
        target: str,
        work: Callable[[], T],
        done: Callable[[T], str],
    ) -> T:
        self._checked(actor, capability, action, target)
        return self._audited(actor, action, target, None, work, done)

    def back_up(self, actor: Actor, work: Callable[[], T], done: Callable[[T], str]) -> T:
        """Copy the books and files out (``claimdesk backup``): an admin's job, audited
        whether refused, failed or done, since every patient's record leaves with it."""
        self._checked(actor, Capability.BACK_UP, "back_up", "data home")
        return self._audited(actor, "back_up", "data home", None, work, done)

    def _audited(
        self,
        actor: Actor,
        action: str,
        target: str,
        patient: str | None,
        change: Callable[[], T],
        done: Callable[[T], str],
        *,
        company: bool = False,
        refused: Callable[[T], bool] = lambda _result: False,
    ) -> T:
        """Run the change and audit how it ended: failed (with the reason), ok, or failed when
        the change answered a refusal as data (``refused``: a close its pre-checks stopped)."""
        try:
            result = change()
        except Exception as exc:
            self._audit(
                actor, action, target, AuditOutcome.FAILED, patient, str(exc)[:500], company=company
            )
            raise
        outcome = AuditOutcome.FAILED if refused(result) else AuditOutcome.OK
        self._audit(actor, action, target, outcome, patient, done(result)[:500], company=company)
        return result

    def _audit(
        self,
        actor: Actor,
        action: str,
        target: str,
        outcome: str,
        patient: str | None = None,
        detail: str = "",
        *,
        company: bool = False,
    ) -> None:
        """Append to the practice's chain, or the company's for people, grants and practices."""
        record(
            self.uow_factory,
            AuditRecord(self.clock(), actor.user.user_id, patient, action, target, outcome, detail),
            company=company,
        )

    def _checked(
        self,
        actor: Actor,
        capability: Capability,
        action: str,
        target: str,
        patient: str | None = None,
        *,
        company: bool = False,
    ) -> None:
        """Refuse (and audit the refusal) unless the actor's role has ``capability``."""
        if not actor.can(capability):
            self._audit(actor, action, target, AuditOutcome.DENIED, patient, company=company)
            actor.require(capability)

    # Reading patient data.

    def _claim_view(self, uow: UnitOfWork, claim_id: str, role: Role) -> ClaimView | None:
        claim = uow.claims.get(claim_id)
        if claim is None:
            return None
        patient = uow.patients.get(claim.encounter.patient_account)
        if patient is None:
            return None
        payer = uow.payers.get(claim.payer_id)
        coverage = uow.coverages.get(claim.coverage_id) if claim.coverage_id else None
        claim_query = BalanceQuery(claim_id=claim_id)
        return ClaimView(
            claim=claim,
            patient=patient,
            payer_name=claim.payer_id if payer is None else payer.name,
            coverage=None if coverage is None else _coverage_view(coverage, role),
            history=tuple(claim.history),
            ledger=_ledger_lines(uow.ledger.entries(claim_id=claim_id), claim_id),
            balance=uow.ledger.balance(claim_query),
            insurance_balance=uow.ledger.balance(
                BalanceQuery(accounts=frozenset({Account.INSURANCE_AR}), claim_id=claim_id)
            ),
            patient_balance=uow.ledger.balance(
                BalanceQuery(accounts=frozenset({Account.PATIENT_AR}), claim_id=claim_id)
            ),
            line_balances=uow.ledger.balances_by_line(claim_id),
            payments=tuple(
                payment_view(dict(p)) for p in uow.remittances.payments_of_claim(claim_id)
            ),
        )

    def claim(self, actor: Actor, claim_id: str) -> ClaimView:
        target = f"claim {claim_id}"
        if not actor.can(Capability.READ_PATIENTS):
            self._audit(actor, "view_claim", target, AuditOutcome.DENIED)
            raise ForbiddenError(f"{actor.called} may not read claims")
        with self.uow_factory() as uow:
            view = self._claim_view(uow, claim_id, actor.role)
        if view is None:
            self._audit(actor, "view_claim", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"claim {claim_id}: no such claim")
        self._audit(actor, "view_claim", target, AuditOutcome.OK, view.patient.account)
        return view

    def patient(self, actor: Actor, account: str) -> PatientView:
        target = f"patient {account}"
        if not actor.can(Capability.READ_PATIENTS):
            self._audit(actor, "view_patient", target, AuditOutcome.DENIED)
            raise ForbiddenError(f"{actor.called} may not read patients")
        with self.uow_factory() as uow:
            patient = uow.patients.get(account)
            if patient is not None:
                view = PatientView(
                    patient=patient,
                    coverages=tuple(
                        _coverage_view(c, actor.role) for c in uow.coverages.for_patient(account)
                    ),
                    claims=tuple(claims_of_patient(uow.read, account)),
                    balance=uow.ledger.balance(BalanceQuery(patient_account=account)),
                )
        if patient is None:
            self._audit(actor, "view_patient", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"patient {account}: no such patient")
        self._audit(actor, "view_patient", target, AuditOutcome.OK, account)
        return view

    def search(self, actor: Actor, term: str) -> SearchResult:
        term = term.strip()
        if not actor.can(Capability.READ_PATIENTS):
            self._audit(actor, "search", f"search {term}", AuditOutcome.DENIED)
            raise ForbiddenError(f"{actor.called} may not search patients or claims")
        if not term:
            return SearchResult(term, (), ())
        with self.uow_factory() as uow:
            patients = tuple(find_patients(uow.read, term, SEARCH_LIMIT))
            claims = tuple(find_claims(uow.read, term, SEARCH_LIMIT))
        shown = sorted({p.account for p in patients} | {c.patient_account for c in claims})
        self._audit(
            actor,
            "search",
            f"search {term}",
            AuditOutcome.OK,
            detail=f"patients shown: {', '.join(shown)}" if shown else "nothing found",
        )
        return SearchResult(term, patients, claims)

    # Work items.

    def queue(
        self,
        actor: Actor,
        where: ItemFilter | None = None,
        *,
        sort: str = "score",
        descending: bool = True,
        page: int = 1,
    ) -> QueueView:
        """A page (``QUEUE_PAGE`` items) of one's queues picked by ``where`` (default: the
        open items, best first), and the items one holds; audited."""
        where = where or ItemFilter()
        if not actor.queues:
            return QueueView((), (), (), where=where, sort=sort, descending=descending)
        with self.uow_factory() as uow:
            today = practice_date(uow, self.clock())
            found, matched = uow.work_items.listed(
                actor.queues,
                where,
                today=today,
                sort=sort,
                descending=descending,
                offset=(page - 1) * QUEUE_PAGE,
                limit=QUEUE_PAGE,
            )
        held = work_queue.list_queue(
            self.uow_factory,
            queues=actor.queues,
            statuses=(WorkStatus.IN_PROGRESS,),
            limit=QUEUE_PAGE,
        )
        mine = tuple(i for i in held if i.assignee == actor.user.user_id)
        self._audit(
            actor,
            "view_queue",
            f"my queues: {where.describe()}, page {page}",
            AuditOutcome.OK,
            detail=f"{matched} matched, {len(mine)} mine",
        )
        return QueueView(
            actor.queues, tuple(found), mine, matched, page, QUEUE_PAGE, where, sort, descending
        )

    def queue_csv(
        self, actor: Actor, where: ItemFilter, *, sort: str, descending: bool
    ) -> Iterator[str]:
        """Every item of one's queues ``where`` picks as CSV lines, a page at a time; the
        export is audited when it is asked for."""
        self._audit(actor, "export_queue", f"my queues: {where.describe()}", AuditOutcome.OK)

        def lines() -> Iterator[str]:
            yield csv_line(QUEUE_COLUMNS)
            page = 1
            while True:
                with self.uow_factory() as uow:
                    today = practice_date(uow, self.clock())
                    found, _matched = uow.work_items.listed(
                        actor.queues,
                        where,
                        today=today,
                        sort=sort,
                        descending=descending,
                        offset=(page - 1) * CSV_PAGE,
                        limit=CSV_PAGE,
                    )
                for item in found:
                    left = item.days_left(today)
                    yield csv_line(
                        (
                            str(item.item_id),
                            item.queue,
                            str(item.kind),
                            item.category,
                            item.claim_id or "",
                            str(item.amount_at_stake),
                            str(item.score.value),
                            "" if item.deadline is None else item.deadline.isoformat(),
                            "" if left is None else str(left),
                            item.summary,
                        )
                    )
                if len(found) < CSV_PAGE:
                    return
                page += 1

        return lines() if actor.queues else iter([csv_line(QUEUE_COLUMNS)])

    def list_items(
        self, actor: Actor, queues: Sequence[str], status: WorkStatus, limit: int
    ) -> list[WorkItem]:
        """Items of ``queues`` in hand-out order (``queue list``): only the queues the person
        works, or any for whoever oversees them; audited, since the list names claims."""
        shown = [q for q in queues if q in actor.queues or actor.can(Capability.OVERSEE_QUEUES)]
        hidden = len(queues) - len(shown)
        target = f"{status} items"
        if not shown:
            self._audit(actor, "view_queue", target, AuditOutcome.DENIED)
            raise ForbiddenError(f"{actor.user.user_id} works none of the queues asked for")
        items = work_queue.list_queue(
            self.uow_factory, queues=shown, statuses=[status], limit=limit
        )
        detail = f"{len(items)} items of {', '.join(shown)}"
        if hidden:
            detail += f"; {hidden} queue(s) not theirs left out"
        self._audit(actor, "view_queue", target, AuditOutcome.OK, detail=detail[:500])
        return items

    def _visible_item(self, actor: Actor, item_id: int, action: str) -> WorkItem:
        try:
            item = work_queue.show(self.uow_factory, item_id)
        except work_queue.ItemNotFoundError:
            item = None
        if item is None or not actor.sees_item(item):
            self._audit(actor, action, f"work item {item_id}", AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"work item {item_id}: no such item in your queues")
        return item

    def item(self, actor: Actor, item_id: int) -> ItemView:
        item = self._visible_item(actor, item_id, "view_item")
        claim = None
        if item.claim_id is not None:
            with self.uow_factory() as uow:
                claim = self._claim_view(uow, item.claim_id, actor.role)
        patient = item.patient_account or (None if claim is None else claim.patient.account)
        self._audit(actor, "view_item", f"work item {item_id}", AuditOutcome.OK, patient)
        holds = item.assignee == actor.user.user_id and item.status is WorkStatus.IN_PROGRESS
        return ItemView(
            item=item,
            claim=claim,
            may_act=actor.works_item(item),
            holds=holds,
            actions=actions_for(item.kind, appeal_rights=item.appeal_rights),
            can_escalate=self.policy.tiers[item.tier].escalation_queue is not None,
        )

    def _acting_on(self, actor: Actor, item_id: int, action: str) -> WorkItem:
        item = self._visible_item(actor, item_id, action)
        if not actor.works_item(item):
            self._audit(
                actor, action, f"work item {item_id}", AuditOutcome.DENIED, item.patient_account
            )
            raise ForbiddenError(f"work item {item_id}: queue {item.queue} is not one you work")
        return item

    def _changed(
        self, actor: Actor, item: WorkItem, action: str, change: Callable[[], WorkItem]
    ) -> WorkItem:
        target = f"work item {item.item_id}"
        try:
            changed = change()
        except Exception as exc:
            self._audit(
                actor, action, target, AuditOutcome.FAILED, item.patient_account, str(exc)[:500]
            )
            raise
        self._audit(actor, action, target, AuditOutcome.OK, item.patient_account)
        return changed

    def next_item(self, actor: Actor, tier: int | None = None) -> WorkItem | None:
        if not actor.can(Capability.WORK):
            self._audit(actor, "take_item", "next item", AuditOutcome.DENIED)
            raise ForbiddenError(f"{actor.called} takes no items")
        item = work_queue.next_item(
            self.uow_factory,
            actor.user.user_id,
            now=self.clock(),
            policy=self.policy,
            tier=tier,
            queues=actor.queues,
        )
        if item is not None:
            self._audit(
                actor,
                "take_item",
                f"work item {item.item_id}",
                AuditOutcome.OK,
                item.patient_account,
            )
        return item

    def take(self, actor: Actor, item_id: int) -> WorkItem:
        """Take this item of a queue one works, open or snoozed (a month-end exception that
        cannot wait for its snooze), with a lease."""
        item = self._acting_on(actor, item_id, "take_item")
        return self._changed(
            actor,
            item,
            "take_item",
            lambda: work_queue.take_item(
                self.uow_factory, item_id, actor.user.user_id, now=self.clock(), policy=self.policy
            ),
        )

    def renew(self, actor: Actor, item_id: int) -> WorkItem:
        item = self._acting_on(actor, item_id, "renew_item")
        return self._changed(
            actor,
            item,
            "renew_item",
            lambda: work_queue.renew(
                self.uow_factory, item_id, actor.user.user_id, now=self.clock(), policy=self.policy
            ),
        )

    def note(self, actor: Actor, item_id: int, text: str) -> WorkItem:
        item = self._acting_on(actor, item_id, "note_item")
        return self._changed(
            actor,
            item,
            "note_item",
            lambda: work_queue.add_note(
                self.uow_factory, item_id, actor.user.user_id, text, now=self.clock()
            ),
        )

    def snooze(self, actor: Actor, item_id: int, until: datetime) -> WorkItem:
        item = self._acting_on(actor, item_id, "snooze_item")
        return self._changed(
            actor,
            item,
            "snooze_item",
            lambda: work_queue.snooze(
                self.uow_factory, item_id, actor.user.user_id, until=until, now=self.clock()
            ),
        )

    def release(self, actor: Actor, item_id: int) -> WorkItem:
        item = self._acting_on(actor, item_id, "release_item")
        return self._changed(
            actor,
            item,
            "release_item",
            lambda: work_queue.release(
                self.uow_factory, item_id, actor.user.user_id, now=self.clock()
            ),
        )

    def escalate(self, actor: Actor, item_id: int, reason: str) -> WorkItem:
        item = self._acting_on(actor, item_id, "escalate_item")
        return self._changed(
            actor,
            item,
            "escalate_item",
            lambda: work_queue.escalate(
                self.uow_factory,
                item_id,
                actor.user.user_id,
                reason=reason,
                now=self.clock(),
                policy=self.policy,
            ),
        )

    def close(
        self,
        actor: Actor,
        item_id: int,
        outcome: Outcome,
        resolved: Money | None,
        action: WorkAction | None,
    ) -> WorkItem:
        item = self._acting_on(actor, item_id, "close_item")
        return self._changed(
            actor,
            item,
            "close_item",
            lambda: work_queue.close(
                self.uow_factory,
                item_id,
                actor.user.user_id,
                outcome=outcome,
                now=self.clock(),
                resolved=resolved,
                action=action,
            ),
        )

    # People.

    def people(self, actor: Actor) -> list[Person]:
        return self._read(
            actor,
            Capability.MANAGE_PEOPLE,
            "list_users",
            "users",
            lambda: user_service.list_people(self.uow_factory, self.policy),
            lambda people: f"{len(people)} user(s)",
        )

    def add_person(self, actor: Actor, user_id: str, name: str, role: Role) -> User:
        self._checked(actor, Capability.MANAGE_PEOPLE, "add_user", f"user {user_id}", company=True)
        user = user_service.add_user(
            self.uow_factory,
            user_id=user_id,
            name=name,
            role=role,
            by=actor.user.user_id,
            now=self.clock(),
        )
        self._audit(
            actor, "add_user", f"user {user_id}", AuditOutcome.OK, detail=role.value, company=True
        )
        return user

    def enroll(self, acting: str, user_id: str, name: str, role: Role) -> User:
        """Add a person on behalf of the user called ``acting``. On a home with nobody yet, the
        first person is an admin adding themself (no one else could vouch for them)."""
        with self.uow_factory() as uow:
            first = uow.users.count() == 0
        if not first:
            return self.add_person(self.actor_named(acting), user_id, name, role)
        user = user_service.add_user(
            self.uow_factory, user_id=user_id, name=name, role=role, by=acting, now=self.clock()
        )
        self._audit(
            self.actor(user),
            "add_user",
            f"user {user_id}",
            AuditOutcome.OK,
            detail=role,
            company=True,
        )
        return user

    def grant(self, actor: Actor, user_id: str, queue: str) -> bool:
        self._checked(
            actor, Capability.MANAGE_PEOPLE, "grant_queue", f"user {user_id}", company=True
        )
        self.person(actor, user_id)
        added = user_service.grant_queue(
            self.uow_factory,
            user_id=user_id,
            queue=queue,
            by=actor.user.user_id,
            now=self.clock(),
            policy=self.policy,
        )
        self._audit(
            actor, "grant_queue", f"user {user_id}", AuditOutcome.OK, detail=queue, company=True
        )
        return added

    def disable(self, actor: Actor, user_id: str) -> int:
        self._checked(
            actor, Capability.MANAGE_PEOPLE, "disable_user", f"user {user_id}", company=True
        )
        self.person(actor, user_id)
        ended = accounts.disable_user(
            self.uow_factory, user_id, by=actor.user.user_id, now=self.clock()
        )
        self._audit(actor, "disable_user", f"user {user_id}", AuditOutcome.OK, company=True)
        return ended

    def enable(self, actor: Actor, user_id: str) -> bool:
        """Let a disabled person sign in again."""
        self._checked(
            actor, Capability.MANAGE_PEOPLE, "enable_user", f"user {user_id}", company=True
        )
        self.person(actor, user_id)
        enabled = accounts.enable_user(
            self.uow_factory, user_id, by=actor.user.user_id, now=self.clock()
        )
        self._audit(actor, "enable_user", f"user {user_id}", AuditOutcome.OK, company=True)
        return enabled

    def revoke(self, actor: Actor, user_id: str, queue: str) -> bool:
        """Take back a queue granted beyond the person's role."""
        self._checked(
            actor, Capability.MANAGE_PEOPLE, "revoke_queue", f"user {user_id}", company=True
        )
        self.person(actor, user_id)
        taken = user_service.revoke_queue(
            self.uow_factory, user_id=user_id, queue=queue, by=actor.user.user_id
        )
        self._audit(
            actor, "revoke_queue", f"user {user_id}", AuditOutcome.OK, detail=queue, company=True
        )
        return taken

    def change_role(self, actor: Actor, user_id: str, role: Role) -> int:
        """Give a person another role (an admin's use case); their sessions end."""
        self._checked(
            actor, Capability.MANAGE_PEOPLE, "change_role", f"user {user_id}", company=True
        )
        before = self.person(actor, user_id).role
        ended = accounts.change_role(
            self.uow_factory, user_id, role, by=actor.user.user_id, now=self.clock()
        )
        self._audit(
            actor,
            "change_role",
            f"user {user_id}",
            AuditOutcome.OK,
            detail=f"{before} -> {role}",
            company=True,
        )
        return ended

    def set_password(self, actor: Actor, user_id: str, password: str) -> None:
        if user_id != actor.user.user_id:
            self._checked(
                actor, Capability.MANAGE_PEOPLE, "set_password", f"user {user_id}", company=True
            )
            self.person(actor, user_id)
        accounts.set_password(
            self.uow_factory, user_id, password, by=actor.user.user_id, now=self.clock()
        )
        self._audit(actor, "set_password", f"user {user_id}", AuditOutcome.OK, company=True)

    def password_link(self, actor: Actor, user_id: str) -> accounts.IssuedLink:
        """A one-time link for ``user_id`` to choose their password (an admin's use case for
        someone else); its token is shown once and kept only as a digest."""
        target = f"user {user_id}"
        self._checked(actor, Capability.MANAGE_PEOPLE, "password_link", target, company=True)
        self.person(actor, user_id)
        issued = accounts.issue_password_link(
            self.uow_factory, user_id, by=actor.user.user_id, now=self.clock()
        )
        detail = f"expires {issued.expires_at.isoformat()}"
        self._audit(actor, "password_link", target, AuditOutcome.OK, detail=detail, company=True)
        return issued

    def password_link_user(self, token: str) -> str:
        """Whose password an open link sets (the page names them); nobody is signed in."""
        return accounts.password_link_user(self.uow_factory, token, now=self.clock())

    def set_password_by_link(self, token: str, password: str) -> str:
        """The person chooses their password through an open link: audited as them, since the
        link proves who they are; whose it was."""
        user_id = accounts.set_password_by_link(self.uow_factory, token, password, now=self.clock())
        record(
            self.uow_factory,
            AuditRecord(
                self.clock(),
                user_id,
                None,
                "set_password_by_link",
                f"user {user_id}",
                AuditOutcome.OK,
                "",
            ),
            company=True,
        )
        return user_id

    def enrol_totp(self, actor: Actor, user_id: str) -> str:
        """A new one-time-code secret for ``user_id`` (themself, or someone a manager or admin
        manages); returns the secret to show once."""
        if user_id != actor.user.user_id:
            self._checked(
                actor, Capability.MANAGE_PEOPLE, "enrol_totp", f"user {user_id}", company=True
            )
            self.person(actor, user_id)
        if self.box is None:
            raise ForbiddenError("this desk has no key for second-factor secrets")
        secret = accounts.enable_totp(
            self.uow_factory, user_id, by=actor.user.user_id, box=self.box
        )
        self._audit(actor, "enrol_totp", f"user {user_id}", AuditOutcome.OK, company=True)
        return secret

    # Client practices.

    def practices(self, actor: Actor) -> list[Practice]:
        """The practices ``actor`` may work (every one for the company's admins)."""
        with self.uow_factory() as uow:
            mine = set(practices.practices_of(uow, actor.user))
            registered = practices.all_practices(uow)
        self._audit(actor, "list_practices", "practices", AuditOutcome.OK, company=True)
        return [p for p in registered if p.practice_id in mine]

    def add_practice(
        self,
        actor: Actor,
        practice_id: str,
        name: str,
        set_up_store: Callable[[str], UowFactory],
    ) -> Practice:
        """Register a client practice: ``set_up_store`` creates and migrates its store and
        returns units of work on it. An admin's use case, audited in the company's chain."""
        target = f"practice {practice_id}"
        self._checked(actor, Capability.MANAGE_PRACTICES, "add_practice", target, company=True)

        def add() -> Practice:
            practices.checked_new_id(practice_id, self.uow_factory)
            if not name.strip():
                raise practices.PracticeError(f"practice {practice_id!r}: give it a --name")
            return practices.add_practice(
                self.uow_factory,
                set_up_store(practice_id),
                practice_id,
                name.strip(),
                actor.user.user_id,
                self.clock(),
            )

        return self._audited(
            actor, "add_practice", target, None, add, lambda p: p.name, company=True
        )

    def grant_practice(self, actor: Actor, user_id: str, practice_id: str, queue: str) -> bool:
        """Allow a person to work a client practice (and one more queue in it)."""
        target = f"user {user_id}"
        self._checked(actor, Capability.MANAGE_PEOPLE, "grant_practice", target, company=True)
        person = self.person(actor, user_id)
        with self.uow_factory() as uow:
            # Only what one works oneself can be granted: a client's manager grants no other
            # client's practice.
            granter_works = practices.may_work(uow, actor.user, practice_id)
        if not granter_works:
            self._audit(actor, "grant_practice", target, AuditOutcome.DENIED, company=True)
            raise ForbiddenError(f"practice {practice_id!r} is not one you work")
        if queue:
            check_grant(actor.role, person.role, queue, self.policy)
        return self._audited(
            actor,
            "grant_practice",
            target,
            None,
            lambda: practices.grant_practice(
                self.uow_factory,
                user_id=user_id,
                practice_id=practice_id,
                queue=queue,
                by=actor.user.user_id,
                now=self.clock(),
            ),
            lambda added: (
                f"{practice_id}{f' queue {queue}' if queue else ''}"
                + ("" if added else " (already granted)")
            ),
            company=True,
        )

    def set_practice(self, actor: Actor, changes: Mapping[str, str]) -> list[str]:
        """Change practice settings (checked all together; each change audited by the service in
        its transaction); the keys that changed."""
        self._checked(actor, Capability.SET_UP_PRACTICE, "set_practice", "practice profile")
        return set_settings(self.uow_factory, changes, by=actor.user.user_id, now=self.clock())

    def person(self, actor: Actor, user_id: str) -> User:
        """Someone the actor manages: a person of the actor's practice (any person for the
        company's admins)."""
        actor.require(Capability.MANAGE_PEOPLE)
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
            ours = user is not None and (
                actor.role in practices.COMPANY_ROLES
                or practices.may_work(uow, user, uow.practice_id)
            )
        if user is None or not ours:
            raise NotFoundError(f"user {user_id}: no such user")
        return user

    # Figures.

    def dashboard(self, actor: Actor, days: int = 30, as_of: date | None = None) -> Dashboard:
        """The books as of ``as_of`` (default: the practice's today) and the last ``days`` of
        queue productivity."""
        day = None if as_of is None else checked_day(as_of)
        return self._read(
            actor,
            Capability.SEE_SUMMARY,
            "read_report",
            "report dashboard",
            lambda: self._dashboard(days, day),
            lambda shown: f"as of {shown.summary.as_of}",
        )

    def _dashboard(self, days: int, as_of: date | None) -> Dashboard:
        end = self.clock()
        start = end - timedelta(days=days)
        with self.uow_factory() as uow:
            summary = practice_summary(uow, as_of or practice_date(uow, end))
        rows = work_queue.productivity(self.uow_factory, start=start, end=end)
        return Dashboard(summary, tuple(rows), start, end)

    def verify_books(self, actor: Actor, as_of: date | None = None) -> BooksReport:
        """The ledger's invariants as of ``as_of`` (default: the practice's today)."""
        return self._read(
            actor,
            Capability.VERIFY_BOOKS,
            "verify_books",
            f"books as of {as_of or 'today'}",
            lambda: books.verify_books(self.uow_factory, as_of=as_of, now=self.clock()),
            lambda report: f"{len(report.findings)} finding(s) as of {report.as_of}",
        )

    def served_collection(
        self, actor: Actor, as_of: date | None = None, min_age_days: int = SERVED_AGE_DAYS
    ) -> ServedCollection:
        """Net collection over the visits at least ``min_age_days`` old at ``as_of`` (default:
        the practice's today); read as the books are."""

        def read() -> ServedCollection:
            with self.uow_factory() as uow:
                day = as_of or practice_date(uow, self.clock())
                return collection_of_served(uow, day, min_age_days)

        return self._read(
            actor,
            Capability.VERIFY_BOOKS,
            "read_figures",
            f"collection of visits served {min_age_days} days before {as_of or 'today'}",
            read,
            lambda found: f"{found.claims} claims, rate {found.rate}",
        )

    def audit_log(self, actor: Actor, limit: int = 200) -> list[AuditRecordView]:
        def read() -> list[AuditRecordView]:
            with self.uow_factory() as uow:
                stored = uow.audit.records(limit=limit, newest_first=True)
            return [AuditRecordView(s.record_id, s.record) for s in stored]

        return self._read(
            actor,
            Capability.READ_AUDIT,
            "read_audit",
            "audit log",
            read,
            lambda shown: f"{len(shown)} records",
        )


@dataclass(frozen=True, slots=True)
class AuditRecordView:
    record_id: int
    record: AuditRecord
