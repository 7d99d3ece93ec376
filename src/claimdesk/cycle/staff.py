"""Simulated staff: Tier 1, Tier 2 and Tier 3 people working their queues by the staff policy.

Each person takes items the way a person at the desk does (``next_item``, highest priority
first, leased to them) and acts through the same services: a rejected claim is released after
its correction, an item that has to wait is snoozed until it is due, a denial with appeal rights
in the policy's categories is appealed (letter, submission, then the payer's decision), the
rest is written off, and a write-off above the approval amount waits for the manager. Tier 1 may
not write off: what it cannot correct it escalates to Tier 2. Every action goes through the
desk, so the role is checked and the action audited as for a person at the web desk.

A held claim is corrected the way a biller does it: Tier 1 reads the chart (or calls the
patient) for what the scrub named (:mod:`claimdesk.cycle.chart`), asks the payer for an
authorization after the service when one is missing (:mod:`claimdesk.cycle.payer_line`), and
types it into the claim editor, which scrubs the claim again and releases it when nothing
blocks it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claimdesk.config import Settings
from claimdesk.cycle.appeal_desk import AppealDesk
from claimdesk.cycle.chart import Chart, Correction, corrected
from claimdesk.cycle.payer_line import PayerLine
from claimdesk.cycle.policy import Person, StaffPolicy
from claimdesk.desk.billing import BillingDesk
from claimdesk.desk.guard import Actor
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkAction, WorkItem, WorkKind, WorkStatus
from claimdesk.routing.actions import actions_for
from claimdesk.services.acknowledgments import release_rejected
from claimdesk.services.claim_editor import ClaimEditError, ClaimInputError
from claimdesk.services.remit_work import cash_received_since
from claimdesk.services.rules import Rules
from claimdesk.services.tier2 import Tier2Error, insurance_balance, submit_appeal
from claimdesk.services.work_queue import show
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
SATURDAY = 5
_WAITING = (ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED)
# AUT002: the 271 says a billed code needs an authorization the claim lacks.
AUTHORIZATION_REQUIRED = "AUT002"
# What Tier 1 corrects; Tier 2 sees these only when Tier 1 gave up on them.
_CORRECTABLE = (WorkKind.SCRUB_HOLD, WorkKind.CLEARINGHOUSE_REJECTION, WorkKind.PAYER_REJECTION)


@dataclass(slots=True)
class StaffReport:
    """What the simulated staff did, by action."""

    actions: Counter[str] = field(default_factory=Counter)


class Staff:
    def __init__(
        self,
        uow_factory: UowFactory,
        *,
        policy: StaffPolicy,
        rules: Rules,
        desk: AppealDesk,
        letters: Path,
        chart: Chart | None = None,
        settings: Settings | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._policy = policy
        self._desk = desk
        self._letters = letters
        self._chart = chart or Chart()
        self._payer_line = PayerLine(policy.seed, policy.retro_authorization_rate)
        self._rng = random.Random(policy.seed)
        self._releases: Counter[str] = Counter()
        self.report = StaffReport()
        # The simulated people work the queues through the desk, as people do: checked, audited.
        self._today = datetime.min.replace(tzinfo=UTC)
        self._queues = BillingDesk(
            uow_factory, rules, lambda: self._today, settings, letters=letters
        )
        self._actors: dict[str, Actor] = {}

    def work_day(self, now: datetime) -> None:
        if now.weekday() >= SATURDAY:
            return
        self._today = now
        handlers = {1: self._tier1, 2: self._tier2_item, 3: self._tier3}
        for tier, person in enumerate(self._policy.people, start=1):
            self._actors[person.user_id] = self._queues.actor_named(person.user_id)
            for _ in range(person.items_per_day):
                item = self._queues.next_item(self._actors[person.user_id], tier=tier)
                if item is None:
                    break
                handlers[tier](person, item, now)

    # -- shared ------------------------------------------------------------------------------

    def _count(self, action: str) -> None:
        self.report.actions[action] += 1

    def _close(
        self,
        person: Person,
        item: WorkItem,
        now: datetime,
        outcome: Outcome,
        action: WorkAction | None,
        resolved: Money | None = None,
    ) -> None:
        if not self._holding(person, item):
            # The action itself solved the problem (a write-off of all that is owed, a won
            # appeal) and the service closed the item.
            self._count(f"tier{item.tier} closed by the service")
            return
        allowed = actions_for(item.kind, appeal_rights=item.appeal_rights)
        chosen = action if action in allowed else None
        self._queues.close(self._actors[person.user_id], _id(item), outcome, resolved, chosen)
        self._count(f"tier{item.tier} close {outcome.value}")

    def _holding(self, person: Person, item: WorkItem) -> bool:
        current = show(self._uow_factory, _id(item))
        return current.status is WorkStatus.IN_PROGRESS and current.assignee == person.user_id

    def _wait(self, person: Person, item: WorkItem, now: datetime, until: datetime) -> None:
        # Something else has to happen first; the item comes back when it is due.
        if not self._holding(person, item):
            self._count(f"tier{item.tier} closed by the service")
            return
        self._queues.snooze(self._actors[person.user_id], _id(item), max(until, _next_day(now)))
        self._count(f"tier{item.tier} wait")

    def _claim_status(self, claim_id: str) -> tuple[ClaimStatus | None, Money]:
        with self._uow_factory() as uow:
            claim = uow.claims.get(claim_id)
            if claim is None:
                return None, Money.zero()
            return claim.status, insurance_balance(uow, claim_id)

    def _cash_since(self, claim_id: str, since: datetime) -> Money:
        with self._uow_factory() as uow:
            return cash_received_since(uow, claim_id, since)

    def _write_off(self, person: Person, item: WorkItem, now: datetime, reason: str) -> None:
        claim_id = item.claim_id or ""
        _status, owed = self._claim_status(claim_id)
        if not owed.is_positive():
            self._close(person, item, now, Outcome.NO_ACTION_NEEDED, None)
            return
        # Through the item when it offers a write-off; an escalated hold or rejection does not,
        # so the write-off is made on its claim, as a specialist would from the claim's page.
        offers = WorkAction.REQUEST_WRITE_OFF in actions_for(
            item.kind, appeal_rights=item.appeal_rights
        )
        self._queues.request_write_off(
            self._actors[person.user_id],
            _id(item) if offers else claim_id,
            owed,
            self._policy.write_off_reasons[_situation(item)].value,
            reason,
        )
        self._count("write-off requested")
        self._close(
            person, item, now, Outcome.WRITTEN_OFF, WorkAction.REQUEST_WRITE_OFF, resolved=None
        )

    def _give_up(self, person: Person, item: WorkItem, reason: str) -> None:
        # Tier 1 may not write off: what it cannot correct goes up to Tier 2, which may.
        self._queues.escalate(self._actors[person.user_id], _id(item), reason)
        self._count("tier1 escalated")

    # -- Tier 1: rejections and holds ---------------------------------------------------------

    def _tier1(self, person: Person, item: WorkItem, now: datetime) -> None:
        policy = self._policy
        claim_id = item.claim_id
        if item.kind is WorkKind.PAYMENT_PLAN_MISSED:
            # The front desk calls the patient about the installment (docs/statements.md); the
            # simulated patient pays the next one or not, as the patients' policy drew it.
            self._close(person, item, now, Outcome.NO_ACTION_NEEDED, WorkAction.CALL_PATIENT)
            self._count("patient called about a missed installment")
            return
        status, _owed = self._claim_status(claim_id) if claim_id else (None, Money.zero())
        if claim_id is None or status is None:
            self._close(person, item, now, Outcome.NO_ACTION_NEEDED, None)
            return
        if item.kind is WorkKind.ELIGIBILITY_FAILURE:
            # The claim's own hold, rejection or denial carries the money; the check is noted.
            self._close(person, item, now, Outcome.NO_ACTION_NEEDED, WorkAction.VERIFY_ELIGIBILITY)
            return
        if status is ClaimStatus.REJECTED:
            due = item.created_at + timedelta(days=policy.release_after_days)
            if now < due:
                self._wait(person, item, now, due)
            elif self._releases[claim_id] < policy.max_releases:
                self._releases[claim_id] += 1
                release_rejected(self._uow_factory, claim_id, now=now, by=person.user_id)
                self._count("rejection released")
            else:
                self._give_up(person, item, "rejected again after correction")
            return
        if status is ClaimStatus.HELD:
            if self._corrected(person, claim_id):
                return
            due = item.created_at + timedelta(days=policy.hold_write_off_after_days)
            if now < due:
                self._wait(person, item, now, due)
            else:
                self._give_up(person, item, "held: the record could not be corrected")
            return
        if item.kind is WorkKind.DENIAL:
            self._give_up(person, item, "registration denial not correctable")
            return
        self._close(person, item, now, Outcome.NO_ACTION_NEEDED, None)

    def _corrected(self, person: Person, claim_id: str) -> bool:
        """Type what the chart says into the claim editor; True when the claim left the hold
        (the editor then closed its item)."""
        with self._uow_factory() as uow:
            claim = uow.claims.get(claim_id)
        if claim is None:
            return False
        corrections = self._chart.corrections(
            claim.encounter.encounter_id, claim.encounter.patient_account, claim.coverage_id
        )
        actor = self._actors[person.user_id]
        view = self._queues.claim_editor(actor, claim_id)
        if any(f.rule == AUTHORIZATION_REQUIRED for f in view.findings):
            number = self._payer_line.retro_authorization(claim.payer_id, claim_id)
            self._count("tier1 retro authorization " + ("granted" if number else "refused"))
            if number:
                corrections.append(Correction("prior_authorization", None, number))
        if not corrections:
            return False
        form = corrected(view.form, corrections)
        try:
            outcome = self._queues.edit_claim(actor, claim_id, form)
        except (ClaimInputError, ClaimEditError):
            self._count("tier1 correction refused")
            return False
        if not outcome.released:
            self._count("tier1 corrected, still held")
            return False
        self._count("tier1 hold corrected")
        return True

    # -- Tier 2: denials, underpayments, no response -------------------------------------------

    def _tier2_item(self, person: Person, item: WorkItem, now: datetime) -> None:
        claim_id = item.claim_id
        if claim_id is None:
            self._wait(person, item, now, now + timedelta(days=30))
            return
        status, owed = self._claim_status(claim_id)
        if item.kind is WorkKind.NO_RESPONSE:
            self._no_response(person, item, now, status)
            return
        if item.kind in _CORRECTABLE:
            self._write_off(person, item, now, f"{item.category}: Tier 1 could not correct it")
            return
        if item.kind not in (WorkKind.DENIAL, WorkKind.UNDERPAYMENT):
            self._wait(person, item, now, now + timedelta(days=30))
            return
        if not owed.is_positive():
            # Recovered is what cash says: the payer's money on the claim since the item opened
            # (never the amount at stake taken on trust); settled without cash is no recovery.
            cash = self._cash_since(claim_id, item.created_at)
            if cash.is_positive():
                self._close(person, item, now, Outcome.RECOVERED, WorkAction.APPEAL, resolved=cash)
            else:
                self._close(person, item, now, Outcome.NO_ACTION_NEEDED, None)
            return
        if status is ClaimStatus.APPEALED:
            self._wait(person, item, now, now + timedelta(days=self._policy.follow_up_days))
            return
        if self._appealable(item, claim_id):
            try:
                appeal_id = self._queues.appeal(
                    self._actors[person.user_id],
                    _id(item),
                    "The service was medically necessary and billed as documented; "
                    "we ask that the claim be reconsidered and paid at the contract rate.",
                )
            except Tier2Error:
                self._write_off(person, item, now, "appeal not possible")
                return
            submit_appeal(self._uow_factory, appeal_id, on=now.date())
            self._desk.receive(appeal_id, claim_id, now.date(), self._policy.appeal_decision_days)
            self._count("appeal sent")
            self._wait(
                person, item, now, now + timedelta(days=self._policy.appeal_decision_days + 1)
            )
            return
        self._write_off(person, item, now, f"{item.category}: not appealable by policy")

    def _appealable(self, item: WorkItem, claim_id: str) -> bool:
        if not item.appeal_rights or item.category not in self._policy.appeal_categories:
            return False
        with self._uow_factory() as uow:
            # One level of appeal: a lost appeal is not appealed again.
            return not uow.appeals.of_claim(claim_id)

    def _no_response(
        self, person: Person, item: WorkItem, now: datetime, status: ClaimStatus | None
    ) -> None:
        if status not in _WAITING:
            self._close(person, item, now, Outcome.NO_ACTION_NEEDED, WorkAction.CALL_PAYER)
            return
        days = self._policy.follow_up_days
        self._queues.follow_up(
            self._actors[person.user_id],
            _id(item),
            channel="call",
            reference=f"{item.claim_id}-{now:%Y%m%d}",
            notes="called the payer: claim in process",
            next_follow_up=(now + timedelta(days=days)).date(),
        )
        self._count("payer called")
        self._wait(person, item, now, now + timedelta(days=days))

    # -- Tier 3: write-off approval ------------------------------------------------------------

    def _tier3(self, person: Person, item: WorkItem, now: datetime) -> None:
        if item.kind is not WorkKind.WRITE_OFF_APPROVAL:
            self._wait(person, item, now, now + timedelta(days=30))
            return
        approve = self._rng.random() < float(self._policy.write_off_approval_rate)
        try:
            # The desk decides the request and closes the approval item.
            self._queues.decide_write_off(self._actors[person.user_id], _id(item), approve)
        except Tier2Error:
            # The claim was paid or written off meanwhile: nothing is left to approve.
            self._close(person, item, now, Outcome.NO_ACTION_NEEDED, None)
            return
        self._count("write-off approved" if approve else "write-off rejected")


def _situation(item: WorkItem) -> str:
    """Which of the policy's write-off reasons a write-off through ``item`` takes."""
    if item.kind in _CORRECTABLE:
        return "uncorrectable"
    if item.category == "timely_filing":
        return "timely_filing"
    return "underpayment" if item.kind is WorkKind.UNDERPAYMENT else "denial"


def _id(item: WorkItem) -> int:
    if item.item_id is None:
        raise ValueError(f"{item.label}: a stored item has an id")
    return item.item_id


def _next_day(now: datetime) -> datetime:
    return now + timedelta(days=1)
