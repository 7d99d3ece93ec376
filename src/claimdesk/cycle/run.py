"""``run_cycle``: the practice's revenue cycle, day by day, against the payer simulator.

Each simulated day (its "now" is the day at 17:00 UTC, handed to every service):

1. the day's visits become claims (:mod:`claimdesk.cycle.captured`);
2. 270 inquiries go out for the coverages that need a check; the simulator answers 271s;
   at check-in the front office estimates each visit's patient share (:mod:`front_desk`);
3. the claims are scrubbed (or not, with scrubbing off) and clean ones leave in 837Ps;
4. the simulator acknowledges them (999, 277CA) and adjudicates; due 835s arrive;
5. the inbox is read through the services: acknowledgments, eligibility, posting, routing;
6. claims with no answer are chased, the payers decide the appeals that are due, and the
   simulated staff work the Tier 1, 2 and 3 queues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from claimdesk.bootstrap import Composition
from claimdesk.bundle.reader import read_bundle
from claimdesk.cycle.appeal_desk import AppealDesk
from claimdesk.cycle.captured import captured_factory
from claimdesk.cycle.chart import Chart, ChartError, as_payers_know_it, read_chart
from claimdesk.cycle.front_desk import FrontDesk
from claimdesk.cycle.patients import Patients, PatientTally
from claimdesk.cycle.payer_link import PayerLink
from claimdesk.cycle.policy import StaffPolicy
from claimdesk.cycle.sftp_mailbox import INBOUND, OUTBOUND, TAKEN
from claimdesk.cycle.staff import Staff
from claimdesk.desk.desk import Desk
from claimdesk.desk.guard import Actor
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.clock import practice_today
from claimdesk.payer_sim.policy import default_policy
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from claimdesk.routing.access import Role
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.scrub.engine import Scrubber
from claimdesk.services.deposits import bank_folder, import_and_reconcile
from claimdesk.services.eligibility import send_inquiries
from claimdesk.services.inbox import InboxReport, ingest_inbox
from claimdesk.services.practice import ProfileIncompleteError
from claimdesk.services.statements import practice_dunning
from claimdesk.services.submit import submit
from claimdesk.services.tier2 import Tier2Settings, chase_unanswered, decide_appeal
from claimdesk.services.trading_partners import TradingPartners, partners_to_submit
from claimdesk.services.transport import TransportReport, state_folder
from claimdesk.services.transport_fetch import fetch_inbox
from claimdesk.services.transport_send import outbox_files, send_outbox
from claimdesk.services.users import add_user
from claimdesk.store.queries.queues import open_items_by_tier
from claimdesk.store.repositories.practice import PracticeRepository
from claimdesk.store.tables.batches import SubmissionBatchRow
from claimdesk.store.tables.imports import ImportRow
from claimdesk.store.uow import UnitOfWork
from claimdesk.transport.config import TransportConfig, TransportConfigError, required

DAY_END = time(17, 0)
SYSTEM_USER = "cycle"  # the program: its batch jobs (a system user)
CYCLE_ADMIN = "cycle-admin"  # adds the simulated staff on a home with no users yet


class CycleError(ValueError):
    """The cycle cannot start; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class CycleOptions:
    days: int
    staff: StaffPolicy
    scrub: bool = True
    seed: int | None = None  # the payer simulator's seed; None: its policy's
    start: date | None = None  # None: the N days end today
    bundle: Path | None = None  # None: the bundle of the latest import
    partners: TradingPartners | None = None
    # The practice's mailbox at an SFTP clearinghouse (the demo's, cycle/sftp_mailbox.py): the
    # outbox goes up by ``transport send``, the simulator works from the mailbox, and its
    # answers come down by ``transport fetch``. None: the simulator reads the outbox itself.
    clearinghouse: Path | None = None


@dataclass(slots=True)
class CycleReport:
    start: date
    end: date
    scrub: bool
    claims_submitted: int = 0
    claims_held: int = 0
    adjudicated_first_pass: int = 0
    denied_first_pass: int = 0
    denial_causes: dict[str, int] = field(default_factory=dict)
    # The payers' side of the first pass: claims adjudicated on first submission, and denied.
    first_pass_claims: frozenset[str] = frozenset()
    first_pass_denied: frozenset[str] = frozenset()
    rejected: int = 0
    estimates_made: int = 0  # at check-in, before the visit was billed
    estimates_failed: int = 0
    remittance_files: int = 0
    remittances_held: list[str] = field(default_factory=list)
    appeals_won: int = 0
    appeals_lost: int = 0
    staff_actions: dict[str, int] = field(default_factory=dict)
    open_items_by_tier: dict[int, int] = field(default_factory=dict)
    claims_by_status: dict[str, int] = field(default_factory=dict)
    # The simulated bank's deliberate mismatches: (mismatch, trace), see payer_sim/bank.py.
    bank_mismatches: list[tuple[str, str]] = field(default_factory=list)
    patients: PatientTally = field(default_factory=PatientTally)

    @property
    def initial_denial_rate(self) -> float | None:
        if not self.adjudicated_first_pass:
            return None
        return self.denied_first_pass / self.adjudicated_first_pass

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "scrub": self.scrub,
            "claims_submitted": self.claims_submitted,
            "claims_held": self.claims_held,
            "adjudicated_first_pass": self.adjudicated_first_pass,
            "denied_first_pass": self.denied_first_pass,
            "initial_denial_rate": self.initial_denial_rate,
            "denial_causes": dict(sorted(self.denial_causes.items())),
            "rejected": self.rejected,
            "estimates_made": self.estimates_made,
            "estimates_failed": self.estimates_failed,
            "remittance_files": self.remittance_files,
            "remittances_held": self.remittances_held,
            "appeals_won": self.appeals_won,
            "appeals_lost": self.appeals_lost,
            "staff_actions": dict(sorted(self.staff_actions.items())),
            "open_items_by_tier": {str(k): v for k, v in sorted(self.open_items_by_tier.items())},
            "claims_by_status": dict(sorted(self.claims_by_status.items())),
            "bank_mismatches": [list(m) for m in self.bank_mismatches],
            "patients": self.patients.as_dict(),
        }


def _moved(report: TransportReport) -> None:
    """A simulated day goes on only once its files moved: a failure stops the cycle, named."""
    if report.failures:
        raise CycleError(f"transport {report.direction}: {report.failures[0]}")


def day_end(day: date) -> datetime:
    return datetime.combine(day, DAY_END, tzinfo=UTC)


def _latest_bundle(sessions: sessionmaker[Session]) -> Path:
    with sessions() as session:
        found = session.execute(
            select(ImportRow.bundle_path).order_by(ImportRow.started_at.desc()).limit(1)
        ).scalar_one_or_none()
    if found is None:
        raise CycleError("no practice has been imported: run 'claimdesk import BUNDLE_DIR' first")
    return Path(found)


def _first_day(sessions: sessionmaker[Session], options: CycleOptions) -> date:
    """The first simulated day: the run ends today at the latest (nothing happens in the future)."""
    with sessions() as session:
        zone = PracticeRepository(session).profile().time_zone
    today = practice_today(datetime.now(UTC), zone)
    start = options.start or today - timedelta(days=options.days - 1)
    last = start + timedelta(days=options.days - 1)
    if last > today:
        raise CycleError(
            f"{options.days} days from {start} run through {last}, after today {today}: "
            "the cycle does not simulate the future; run fewer days or start earlier"
        )
    with sessions() as session:
        sent = session.execute(select(func.max(SubmissionBatchRow.created_at))).scalar()
    # Days simulated before claims the practice already sent would pay them before they went
    # out (negative days to pay, items taken before they were made).
    if sent is not None and practice_today(sent, zone) > start:
        raise CycleError(
            f"claims were already submitted on {practice_today(sent, zone)}, after the cycle's "
            f"first day {start}: the cycle simulates a practice's days in order, so run it on a "
            "fresh import (instead of submit and ingest by hand) or start it after that day"
        )
    return start


def _world(bundle_path: Path, seed: int | None, chart: Chart) -> PayerWorld:
    read = read_bundle(bundle_path)
    if read.bundle is None:
        first = read.errors[0] if read.errors else "unreadable"
        raise CycleError(f"{bundle_path}: the payers' copy of the practice cannot be read: {first}")
    policy = default_policy()
    if seed is not None:
        policy = replace(policy, seed=seed)
    return PayerWorld.from_bundle(as_payers_know_it(read.bundle, chart), policy)


def ensure_staff(uow_factory: Callable[[], UnitOfWork], staff: StaffPolicy, now: datetime) -> None:
    """The simulated people exist as users with their roles, added by an administrator (the
    cycle's own, when the practice has no users yet)."""
    with uow_factory() as uow:
        users = uow.users.list()
    if not users:
        add_user(
            uow_factory,
            user_id=CYCLE_ADMIN,
            name="Cycle simulation administrator",
            role=Role.ADMIN,
            by=CYCLE_ADMIN,
            now=now,
        )
        admin = CYCLE_ADMIN
    else:
        admins = sorted(u.user_id for u in users if u.role is Role.ADMIN and u.active)
        if not admins:
            raise CycleError(
                "the practice has users but no active admin to add the simulated staff"
            )
        admin = admins[0]
    known = {u.user_id for u in users}
    for person in staff.people:
        if person.user_id not in known:
            add_user(
                uow_factory,
                user_id=person.user_id,
                name=person.name,
                role=person.role,
                by=admin,
                now=now,
            )


def run_cycle(
    parts: Composition,
    options: CycleOptions,
    on_day: Callable[[date, int], None] | None = None,
) -> CycleReport:
    """Run ``options.days`` days of the cycle on the practice in ``parts``' database."""
    sessions = sessionmaker(bind=parts.engine, expire_on_commit=False)
    start = _first_day(sessions, options)
    bundle = options.bundle or _latest_bundle(sessions)
    try:
        chart = read_chart(bundle)
    except ChartError as exc:
        raise CycleError(str(exc)) from exc
    world = _world(bundle, options.seed, chart)
    return _Cycle(parts, options, sessions, world, start, chart).run(on_day)


class _Cycle:
    def __init__(
        self,
        parts: Composition,
        options: CycleOptions,
        sessions: sessionmaker[Session],
        world: PayerWorld,
        start: date,
        chart: Chart,
    ) -> None:
        settings = parts.settings
        self.chart = chart
        self.settings = settings
        self.options = options
        self.sessions = sessions
        self.start = start
        self.staff_policy = options.staff
        self.rules = parts.rules
        self.routing: RoutingPolicy = parts.routing
        self.partners = options.partners or self._stored_partners()
        self.reference = parts.reference
        self.config = parts.scrub_config
        self.scrubber = None if options.scrub else Scrubber(())
        self.simulator = PayerSimulator(world)
        mailbox = options.clearinghouse
        self.transport = None if mailbox is None else self._transport(parts)
        # Where the simulator picks files up: the outbox, or the mailbox they were sent to.
        self.pickup = settings.outbox if mailbox is None else mailbox / INBOUND
        self.link = PayerLink(
            self.simulator,
            settings.inbox if mailbox is None else mailbox / OUTBOUND,
            settings.sent if mailbox is None else mailbox / TAKEN,
            bank_folder(settings.home),
            world.policy.seed if options.seed is None else options.seed,
        )
        self.desk = AppealDesk(
            self.simulator,
            self.staff_policy.seed,
            float(self.staff_policy.appeal_success_rate),
        )
        self.tier2 = Tier2Settings()
        self.front_desk = FrontDesk(parts.rules, self.staff_policy.tier1.user_id)
        self.patients = Patients(
            self.staff_policy, self.routing, practice_dunning(settings.practice_home)
        )
        self.report = CycleReport(start=start, end=start, scrub=options.scrub)
        self.inbox = InboxReport()

    def _transport(self, parts: Composition) -> TransportConfig:
        try:
            return required(parts.transport, self.settings.practice_home)
        except TransportConfigError as exc:
            raise CycleError(str(exc)) from exc

    def _stored_partners(self) -> TradingPartners:
        try:
            return partners_to_submit(self.uow_factory(self.start))
        except ProfileIncompleteError as exc:
            raise CycleError(str(exc)) from exc

    def uow_factory(self, day: date) -> Callable[[], UnitOfWork]:
        return captured_factory(self.sessions, day)

    def run(self, on_day: Callable[[date, int], None] | None) -> CycleReport:
        for folder in (self.settings.inbox, self.settings.outbox, self.settings.archive):
            folder.mkdir(parents=True, exist_ok=True)
        ensure_staff(self.uow_factory(self.start), self.staff_policy, day_end(self.start))
        staff = Staff(
            self.uow_factory(self.start),
            policy=self.staff_policy,
            rules=self.rules,
            desk=self.desk,
            letters=self.settings.practice_home / "letters",
            chart=self.chart,
            settings=self.settings,
        )
        for number in range(self.options.days):
            day = self.start + timedelta(days=number)
            self._day(day, staff)
            if on_day is not None:
                on_day(day, number + 1)
        self.report.end = self.start + timedelta(days=max(self.options.days - 1, 0))
        self._finish(staff)
        return self.report

    def _day(self, day: date, staff: Staff) -> None:
        now = day_end(day)
        uow_factory = self.uow_factory(day)
        settings, link = self.settings, self.link
        # The cycle's batch work runs as its own system user through the desk, audited like the
        # worker's jobs.
        desk = Desk(uow_factory, self.routing, lambda: now)
        actor = desk.system_actor(SYSTEM_USER, "simulated cycle")
        desk.run_job(
            actor,
            "eligibility",
            lambda: send_inquiries(
                uow_factory,
                settings.outbox,
                partners=self.partners,
                config=self.config,
                now=now,
                policy=self.routing,
            ),
            lambda done: f"{done.requests} 270 request(s)",
        )
        went_up = self._send(desk, actor, uow_factory, now)
        link.send(self.pickup, day)
        if went_up:
            self._fetch(desk, actor, uow_factory, now)  # the 271s, before check-in
        self._read_inbox(desk, actor, uow_factory, now)
        # Check-in: the 271s are read, the visit not yet billed.
        self.front_desk.check_in(
            uow_factory,
            now,
            lambda claim_id, estimate: self.patients.collect_at_check_in(
                uow_factory, now, claim_id, estimate
            ),
        )
        self.patients.collect_self_pay(uow_factory, now, day)
        sent = desk.run_job(
            actor,
            "submit",
            lambda: submit(
                uow_factory,
                settings.outbox,
                reference=self.reference,
                config=self.config,
                partners=self.partners,
                now=now,
                by=SYSTEM_USER,
                scrubber=self.scrubber,
                policy=self.routing,
            ),
            lambda done: f"{sum(b.submitted for b in done.batches)} claim(s) sent",
        )
        self.report.claims_submitted += sum(b.submitted for b in sent.batches)
        self._send(desk, actor, uow_factory, now)
        link.send(self.pickup, day)
        self._appeal_decisions(uow_factory, day, now)
        link.deliver(day)
        self._fetch(desk, actor, uow_factory, now)
        self._read_inbox(desk, actor, uow_factory, now)
        self._reconcile_deposits(desk, actor, uow_factory, now)
        desk.run_job(
            actor,
            "chase",
            lambda: chase_unanswered(
                uow_factory,
                now=now,
                settings=self.tier2,
                policy=self.routing,
                outbox=self.settings.outbox,
                partners=self.partners,
            ),
            lambda waiting: f"{len(waiting)} claim(s) with no answer",
        )
        self._patients_day(day, uow_factory, now)
        staff.work_day(now)

    def _patients_day(
        self, day: date, uow_factory: Callable[[], UnitOfWork], now: datetime
    ) -> None:
        """The day's patient mail is posted, then, on the schedule, statements go out (the
        missed plan installments they find open Tier 1 items the staff then work)."""
        self.patients.pay_due(uow_factory, now)
        if self.patients.statement_day(self.start, day):
            self.patients.run_statements(
                uow_factory,
                now,
                lambda desk: desk.system_actor(SYSTEM_USER, "simulated cycle"),
                self.settings.archive,
            )

    def _send(
        self, desk: Desk, actor: Actor, uow_factory: Callable[[], UnitOfWork], now: datetime
    ) -> bool:
        """The outbox up to the clearinghouse's mailbox, when files travel by SFTP and the
        outbox holds any; whether files went up."""
        transport, settings = self.transport, self.settings
        if transport is None or not outbox_files(settings.outbox):
            return False
        done = desk.run_job(
            actor,
            "transport send",
            lambda: send_outbox(
                uow_factory,
                transport,
                outbox=settings.outbox,
                sent=settings.sent,
                state=state_folder(settings.practice_home),
                now=now,
                policy=self.routing,
            ),
            lambda report: report.summary(),
        )
        _moved(done)
        return bool(done.moved)

    def _fetch(
        self, desk: Desk, actor: Actor, uow_factory: Callable[[], UnitOfWork], now: datetime
    ) -> None:
        """The clearinghouse's answers down into the inbox, when files travel by SFTP."""
        transport, settings = self.transport, self.settings
        if transport is None:
            return
        done = desk.run_job(
            actor,
            "transport fetch",
            lambda: fetch_inbox(
                uow_factory,
                transport,
                inbox=settings.inbox,
                state=state_folder(settings.practice_home),
                now=now,
                policy=self.routing,
            ),
            lambda report: report.summary(),
        )
        _moved(done)

    def _read_inbox(
        self, desk: Desk, actor: Actor, uow_factory: Callable[[], UnitOfWork], now: datetime
    ) -> None:
        settings = self.settings
        read = desk.run_job(
            actor,
            "ingest",
            lambda: ingest_inbox(
                uow_factory,
                settings.inbox,
                settings.archive,
                now=now,
                by=SYSTEM_USER,
                rules=self.rules,
            ),
            lambda done: done.summary(),
        )
        self.inbox.merge(read)

    def _reconcile_deposits(
        self, desk: Desk, actor: Actor, uow_factory: Callable[[], UnitOfWork], now: datetime
    ) -> None:
        """The staff import the bank's files of the day and reconcile them to the 835s."""
        desk.run_job(
            actor,
            "deposits",
            lambda: import_and_reconcile(
                uow_factory,
                bank_folder(self.settings.home),
                self.settings.archive / "bank",
                now=now,
                by=SYSTEM_USER,
                policy=self.routing,
            ),
            lambda done: (
                f"{len(done.reassociation.exceptions)} reconciliation exception(s); "
                f"{len(done.opened)} item(s) opened, {len(done.solved)} solved"
            ),
        )

    def _appeal_decisions(
        self, uow_factory: Callable[[], UnitOfWork], day: date, now: datetime
    ) -> None:
        by = self.staff_policy.tier2.user_id
        for appeal in self.desk.decisions(day):
            route = self.link.routes.get(appeal.claim_id)
            won = appeal.won and route is not None
            if won and route is not None:
                self.desk.pay(appeal.claim_id, route, day)
            decide_appeal(
                uow_factory,
                appeal.appeal_id,
                outcome="won" if won else "lost",
                on=day,
                by=by,
                now=now,
            )

    def _finish(self, staff: Staff) -> None:
        report, tally = self.report, self.link.first_pass
        report.adjudicated_first_pass = len(tally.adjudicated)
        report.denied_first_pass = len(tally.denied)
        report.denial_causes = dict(tally.causes)
        report.first_pass_claims = frozenset(tally.adjudicated)
        report.first_pass_denied = frozenset(tally.denied)
        report.rejected = self.link.counts.claims_rejected
        report.estimates_made = self.front_desk.tally.estimated
        report.estimates_failed = self.front_desk.tally.not_estimated
        report.remittance_files = self.link.counts.remittance_files
        report.remittances_held = list(self.inbox.held)
        report.appeals_won = self.desk.won
        report.appeals_lost = self.desk.lost
        report.staff_actions = dict(staff.report.actions)
        report.bank_mismatches = list(self.link.bank.mismatches)
        report.patients = self.patients.tally
        with self.uow_factory(report.end)() as uow:
            statuses: Counter[str] = Counter()
            for status in ClaimStatus:
                statuses[status.value] = len(uow.claims.with_status(status))
            report.claims_by_status = {k: v for k, v in statuses.items() if v}
            report.claims_held = statuses[ClaimStatus.HELD.value]
            report.open_items_by_tier = open_items_by_tier(uow.read)
