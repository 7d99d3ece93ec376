"""Work items: a problem a machine could not solve, waiting in the queue of the tier that can.

An item moves through an explicit state machine and records every change in its history, so a
manager can always see who held it, for how long, and why it moved. Leases are plain timestamps
compared with a ``now`` the caller passes in: nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from claimdesk.domain.money import Money


class WorkKind(StrEnum):
    SCRUB_HOLD = "scrub_hold"
    ELIGIBILITY_FAILURE = "eligibility_failure"
    CLEARINGHOUSE_REJECTION = "clearinghouse_rejection"  # 999 / 277CA
    PAYER_REJECTION = "payer_rejection"
    DENIAL = "denial"
    UNDERPAYMENT = "underpayment"
    NO_RESPONSE = "no_response"
    UNMATCHED_PAYMENT = "unmatched_payment"
    OUT_OF_BALANCE_REMITTANCE = "out_of_balance_remittance"
    WRITE_OFF_APPROVAL = "write_off_approval"
    CREDIT_BALANCE = "credit_balance"
    # A payment plan's installment not paid by its due date and grace days (docs/statements.md).
    PAYMENT_PLAN_MISSED = "payment_plan_missed"
    REFUND_APPROVAL = "refund_approval"  # a refund another person asked for (Tier 3)
    # An account proposed for the collection agency, decided by another manager (Tier 3).
    COLLECTIONS_APPROVAL = "collections_approval"
    # Billed charges $400+ over a good-faith estimate: the patient may dispute (45 CFR 149.620).
    GFE_DISPUTE = "gfe_dispute"
    # An EHR message (HL7 v2) kept but not applied: the segment and field say why.
    INTERFACE_ERROR = "interface_error"


class WorkStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SNOOZED = "snoozed"
    DONE = "done"
    ESCALATED = "escalated"  # closed here; a successor item is open in the tier above
    CANCELLED = "cancelled"


ACTIVE_STATUSES = frozenset({WorkStatus.OPEN, WorkStatus.IN_PROGRESS, WorkStatus.SNOOZED})


class Outcome(StrEnum):
    """How a closed item ended; only ``recovered`` carries dollars resolved."""

    RECOVERED = "recovered"
    WRITTEN_OFF = "written_off"
    NO_ACTION_NEEDED = "no_action_needed"
    PROBLEM_SOLVED = "problem_solved"  # closed automatically: the claim no longer has the problem


class WorkAction(StrEnum):
    """What a person did to resolve an item (shown as the item's possible actions)."""

    CORRECT_REGISTRATION = "correct_registration"
    VERIFY_ELIGIBILITY = "verify_eligibility"
    FIX_AND_RESUBMIT = "fix_and_resubmit"
    CORRECTED_CLAIM = "corrected_claim"
    APPEAL = "appeal"
    CALL_PAYER = "call_payer"
    CALL_PATIENT = "call_patient"  # a missed plan installment: the front desk calls the patient
    CLAIM_STATUS_INQUIRY = "claim_status_inquiry"
    MATCH_PAYMENT = "match_payment"
    BALANCE_REMITTANCE = "balance_remittance"
    REQUEST_WRITE_OFF = "request_write_off"
    APPROVE_WRITE_OFF = "approve_write_off"
    REFUND = "refund"


class WorkError(ValueError):
    """An action that the item's state or its holder does not allow."""


# Why each edge exists: an item is taken, put back, parked until a date, or ends; an ended item
# never reopens (a recurring problem opens a new item, counted as a failure).
S = WorkStatus
TRANSITIONS: dict[WorkStatus, frozenset[WorkStatus]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.SNOOZED, S.DONE, S.ESCALATED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.SNOOZED, S.DONE, S.ESCALATED, S.CANCELLED}),
    S.SNOOZED: frozenset({S.OPEN, S.DONE, S.ESCALATED, S.CANCELLED}),
    S.DONE: frozenset(),
    S.ESCALATED: frozenset(),
    S.CANCELLED: frozenset(),
}

SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Problem:
    """What went wrong, as the step that found it reports it; routing turns it into an item.

    ``problem_key`` names the problem within its claim (e.g. ``denial:CO-16``): a claim has at
    most one active item per key.
    """

    kind: WorkKind
    category: str
    problem_key: str
    amount_at_stake: Money
    claim_id: str | None = None
    patient_account: str | None = None
    remittance_id: str | None = None
    payer_id: str | None = None
    deadline: date | None = None
    deadline_kind: str = ""  # timely_filing, appeal_window or follow_up
    appeal_rights: bool = False
    summary: str = ""

    def __post_init__(self) -> None:
        if not self.problem_key:
            raise ValueError("a problem needs a problem_key")
        if self.amount_at_stake < Money(0):
            raise ValueError(f"problem {self.problem_key}: the amount at stake cannot be negative")


@dataclass(frozen=True, slots=True)
class PriorityScore:
    """Why an item is where it is in the queue: every part of the score, shown with the item.

    ``value`` = amount at stake x recovery rate / effort hours x urgency, in dollars per hour.
    """

    amount_at_stake: Money
    recovery_rate: Decimal
    rate_source: str  # "practice" (learned from closed items) or "default" (routing.toml)
    expected_recovery: Money
    effort_minutes: int
    urgency: Decimal
    days_left: int | None
    value: Decimal

    def explain(self) -> str:
        deadline = "no deadline" if self.days_left is None else f"{self.days_left} days left"
        return (
            f"{self.amount_at_stake} at stake x {self.recovery_rate} recovery "
            f"({self.rate_source}) = {self.expected_recovery}; / {self.effort_minutes} min effort; "
            f"x {self.urgency} urgency ({deadline}) = {self.value} per hour"
        )


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    at: datetime
    by: str
    action: str
    from_status: WorkStatus | None
    to_status: WorkStatus
    detail: str = ""


@dataclass(slots=True)
class WorkItem:
    kind: WorkKind
    category: str
    tier: int
    queue: str
    problem_key: str
    amount_at_stake: Money
    score: PriorityScore
    created_at: datetime
    claim_id: str | None = None
    patient_account: str | None = None
    remittance_id: str | None = None
    payer_id: str | None = None
    deadline: date | None = None
    deadline_kind: str = ""
    appeal_rights: bool = False
    summary: str = ""
    failures: int = 1
    escalated_from: int | None = None
    item_id: int | None = None
    status: WorkStatus = WorkStatus.OPEN
    assignee: str | None = None
    lease_until: datetime | None = None
    snoozed_until: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    outcome: Outcome | None = None
    resolved_amount: Money | None = None
    history: list[HistoryEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.tier not in (1, 2, 3):
            raise ValueError(f"work item {self.problem_key}: tier must be 1, 2 or 3")
        if self.created_at.tzinfo is None:
            raise ValueError(f"work item {self.problem_key}: created_at has no time zone")

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def days_left(self, today: date) -> int | None:
        """Days from ``today`` to the item's deadline (negative once it has passed); the
        score's ``days_left`` is as of the day the item was scored."""
        return None if self.deadline is None else (self.deadline - today).days

    @property
    def label(self) -> str:
        return f"work item {self.item_id if self.item_id is not None else self.problem_key}"

    def _move(
        self, to: WorkStatus, at: datetime, by: str, action: str, detail: str
    ) -> HistoryEvent:
        if to not in TRANSITIONS[self.status]:
            raise WorkError(f"{self.label}: is {self.status}, so it cannot be {action}")
        event = HistoryEvent(at, by, action, self.status, to, detail)
        self.status = to
        self.history.append(event)
        return event

    def _check_holder(self, user: str, now: datetime, action: str) -> None:
        if self.status is not WorkStatus.IN_PROGRESS or self.assignee != user:
            raise WorkError(f"{self.label}: only its holder can {action} it; take it first")
        if self.lease_until is not None and self.lease_until <= now:
            raise WorkError(f"{self.label}: the lease of {user} expired at {self.lease_until}")

    def take(self, user: str, now: datetime, lease: timedelta) -> HistoryEvent:
        event = self._move(WorkStatus.IN_PROGRESS, now, user, "taken", f"lease {lease}")
        self.assignee = user
        self.lease_until = now + lease
        return event

    def take_chosen(self, user: str, now: datetime, lease: timedelta) -> list[HistoryEvent]:
        """The person takes this very item (not the queue's next): a snoozed one is woken for
        them, a lapsed lease returned first; one another person holds stays theirs."""
        events: list[HistoryEvent] = []
        if self.status is WorkStatus.SNOOZED:
            events.append(self._move(WorkStatus.OPEN, now, user, "woken", "taken before its time"))
            self.snoozed_until = None
        elif self.status is WorkStatus.IN_PROGRESS:
            if self.lease_until is not None and self.lease_until > now:
                until = f"{self.lease_until:%Y-%m-%d %H:%M}"
                raise WorkError(f"{self.label}: {self.assignee} holds it until {until}")
            events.append(self.expire_lease(now))
        events.append(self.take(user, now, lease))
        return events

    def renew(self, user: str, now: datetime, lease: timedelta) -> HistoryEvent:
        self._check_holder(user, now, "renew")
        self.lease_until = now + lease
        event = HistoryEvent(now, user, "renewed", self.status, self.status, f"until {now + lease}")
        self.history.append(event)
        return event

    def release(self, user: str, now: datetime) -> HistoryEvent:
        self._check_holder(user, now, "release")
        return self._back_to_queue(now, user, "released", "")

    def expire_lease(self, now: datetime) -> HistoryEvent:
        if self.status is not WorkStatus.IN_PROGRESS or self.lease_until is None:
            raise WorkError(f"{self.label}: has no lease to expire")
        if self.lease_until > now:
            raise WorkError(f"{self.label}: the lease runs until {self.lease_until}")
        return self._back_to_queue(now, SYSTEM, "lease_expired", f"held by {self.assignee}")

    def _back_to_queue(self, now: datetime, by: str, action: str, detail: str) -> HistoryEvent:
        event = self._move(WorkStatus.OPEN, now, by, action, detail)
        self.assignee = None
        self.lease_until = None
        return event

    def snooze(self, user: str, now: datetime, until: datetime) -> HistoryEvent:
        if until <= now:
            raise WorkError(f"{self.label}: snooze until {until} is not in the future")
        self._check_holder(user, now, "snooze")
        event = self._move(WorkStatus.SNOOZED, now, user, "snoozed", f"until {until}")
        self.snoozed_until = until
        self.assignee = None
        self.lease_until = None
        return event

    def wake(self, now: datetime) -> HistoryEvent:
        if self.status is not WorkStatus.SNOOZED or self.snoozed_until is None:
            raise WorkError(f"{self.label}: is not snoozed")
        if self.snoozed_until > now:
            raise WorkError(f"{self.label}: snoozed until {self.snoozed_until}")
        event = self._move(WorkStatus.OPEN, now, SYSTEM, "woke", "")
        self.snoozed_until = None
        return event

    def note(self, user: str, now: datetime, text: str) -> HistoryEvent:
        if not text.strip():
            raise WorkError(f"{self.label}: a note needs text")
        event = HistoryEvent(now, user, "note", self.status, self.status, text.strip())
        self.history.append(event)
        return event

    def close(
        self,
        user: str,
        now: datetime,
        outcome: Outcome,
        *,
        resolved: Money | None = None,
        action: WorkAction | None = None,
    ) -> HistoryEvent:
        if user != SYSTEM:
            self._check_holder(user, now, "close")
        if action is WorkAction.APPEAL and not self.appeal_rights:
            raise WorkError(f"{self.label}: has no appeal rights, so it cannot be appealed")
        if (outcome is Outcome.RECOVERED) != (resolved is not None):
            raise WorkError(f"{self.label}: dollars resolved go with the outcome 'recovered' only")
        if resolved is not None and not Money(0) < resolved:
            raise WorkError(f"{self.label}: dollars recovered must be positive, not {resolved}")
        detail = outcome.value if action is None else f"{outcome.value} by {action.value}"
        if resolved is not None:
            detail += f"; {resolved} recovered"
        event = self._move(WorkStatus.DONE, now, user, "closed", detail)
        self._finish(now, user)
        self.outcome = outcome
        self.resolved_amount = resolved
        return event

    def solve(self, by: str, now: datetime) -> HistoryEvent:
        """Close the item because its problem is gone: noticed by the system (``SYSTEM``), or
        removed by a person's change, checked and audited where it was made (an edit that
        released the held claim), who is credited with it; no lease is needed for that."""
        event = self._move(WorkStatus.DONE, now, by, "closed", Outcome.PROBLEM_SOLVED.value)
        self._finish(now, by)
        self.outcome = Outcome.PROBLEM_SOLVED
        self.resolved_amount = None
        return event

    def escalate(self, by: str, now: datetime, reason: str) -> HistoryEvent:
        """Close this item as escalated; the caller opens its successor in the tier above."""
        if self.tier >= 3:
            raise WorkError(f"{self.label}: tier 3 is the top tier; it cannot escalate")
        event = self._move(WorkStatus.ESCALATED, now, by, "escalated", reason)
        self._finish(now, by)
        return event

    def cancel(self, by: str, now: datetime, reason: str) -> HistoryEvent:
        event = self._move(WorkStatus.CANCELLED, now, by, "cancelled", reason)
        self._finish(now, by)
        return event

    def _finish(self, now: datetime, by: str) -> None:
        self.closed_at = now
        self.closed_by = by
        self.assignee = None
        self.lease_until = None
        self.snoozed_until = None

    def age_days(self, now: datetime) -> int:
        return (now - self.created_at).days
