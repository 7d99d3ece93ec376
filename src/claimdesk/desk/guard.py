"""Who may do what: capabilities per role, and the per-object checks on work items.

Menus are drawn from these too, but every route checks them on the object it serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claimdesk.config import DEFAULT_PRACTICE
from claimdesk.domain.work import WorkItem
from claimdesk.routing.access import Role
from claimdesk.store.repositories.users import User


class Capability(StrEnum):
    WORK = "work"  # take and act on items of the queues one may work
    READ_PATIENTS = "read_patients"  # search, claim and patient pages
    OVERSEE_QUEUES = "oversee_queues"  # read items of any queue
    MANAGE_PEOPLE = "manage_people"
    SEE_SUMMARY = "see_summary"  # the dashboard and the claims behind each figure
    # Totals and rates over the books (summary, the KPI report): no patient is named.
    READ_FIGURES = "read_figures"
    READ_AUDIT = "read_audit"
    POST_REMITTANCES = "post_remittances"  # upload an 835 and post it
    RECOVER_CLAIMS = "recover_claims"  # Tier 2: correct, void, appeal, follow up, write off
    APPROVE_WRITE_OFFS = "approve_write_offs"  # Tier 3: decide a write-off request
    # Batch work: import a bundle, scrub and submit, read the inbox, ask payers (270, 276).
    RUN_JOBS = "run_jobs"
    SET_UP_PRACTICE = "set_up_practice"  # the practice profile: NPI, submitter, time zone...
    VERIFY_BOOKS = "verify_books"  # run the ledger's invariants (books verify): reads only
    BACK_UP = "back_up"  # copy every table and file out of the system (claimdesk backup)
    MANAGE_PRACTICES = "manage_practices"  # register client practices (the company's admin)
    CLOSE_PERIODS = "close_periods"  # close a month once its pre-checks hold
    REOPEN_PERIODS = "reopen_periods"  # reopen a closed month, with a reason
    # Front-desk work: take a patient's payment, print its receipt, apply their credit.
    TAKE_PAYMENTS = "take_payments"
    # Take a posted patient payment back (a bounced check, a chargeback): Tier 2 and up.
    REVERSE_PAYMENTS = "reverse_payments"
    APPROVE_REFUNDS = "approve_refunds"  # Tier 3: decide a refund another person asked for
    # Change a held or rejected claim's data in the claim editor (and scrub it again).
    EDIT_CLAIMS = "edit_claims"


C = Capability
CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.TIER1: frozenset({C.WORK, C.READ_PATIENTS, C.RUN_JOBS, C.TAKE_PAYMENTS, C.EDIT_CLAIMS}),
    Role.TIER2: frozenset(
        {
            C.WORK,
            C.READ_PATIENTS,
            C.POST_REMITTANCES,
            C.RECOVER_CLAIMS,
            C.RUN_JOBS,
            C.TAKE_PAYMENTS,
            C.REVERSE_PAYMENTS,
            C.EDIT_CLAIMS,
        }
    ),
    Role.MANAGER: frozenset(
        {
            C.WORK,
            C.READ_PATIENTS,
            C.OVERSEE_QUEUES,
            C.MANAGE_PEOPLE,
            C.SEE_SUMMARY,
            C.READ_FIGURES,
            C.POST_REMITTANCES,
            C.RECOVER_CLAIMS,
            C.APPROVE_WRITE_OFFS,
            C.RUN_JOBS,
            C.SET_UP_PRACTICE,
            C.VERIFY_BOOKS,
            C.CLOSE_PERIODS,
            C.TAKE_PAYMENTS,
            C.REVERSE_PAYMENTS,
            C.APPROVE_REFUNDS,
            C.EDIT_CLAIMS,
        }
    ),
    # An auditor reads everything and changes nothing.
    Role.AUDITOR: frozenset(
        {
            C.READ_PATIENTS,
            C.OVERSEE_QUEUES,
            C.SEE_SUMMARY,
            C.READ_FIGURES,
            C.READ_AUDIT,
            C.VERIFY_BOOKS,
        }
    ),
    # An admin manages people; patient data only through the queues granted to them. Verifying
    # the books shows claim ids and amounts, no patient's name; the figures name nobody.
    # Backing up copies every patient's record out: the admin's duty, nobody else's. Reopening
    # a closed month changes books already reported: an admin's decision, with a reason.
    Role.ADMIN: frozenset(
        {
            C.WORK,
            C.MANAGE_PEOPLE,
            C.RUN_JOBS,
            C.SET_UP_PRACTICE,
            C.VERIFY_BOOKS,
            C.READ_FIGURES,
            C.BACK_UP,
            C.MANAGE_PRACTICES,
            C.CLOSE_PERIODS,
            C.REOPEN_PERIODS,
        }
    ),
    # The worker and the simulated cycle: their batch jobs, nothing else.
    Role.SYSTEM: frozenset({C.RUN_JOBS}),
}


class ForbiddenError(PermissionError):
    """The person may not do this (HTTP 403)."""


class NotFoundError(LookupError):
    """No such object, or one the person may not see (HTTP 404: ids reveal nothing)."""


@dataclass(frozen=True, slots=True)
class Actor:
    user: User
    queues: tuple[str, ...]  # in the practice below
    # The client practice the person works in now (checked against their grants).
    practice: str = DEFAULT_PRACTICE
    # Every practice they may work, for the practice switcher.
    practices: tuple[str, ...] = ()

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def called(self) -> str:
        """The role with its article, for refusals: "an auditor", "a tier1"."""
        return f"{'an' if self.role.value[0] in 'aeiou' else 'a'} {self.role}"

    def can(self, capability: Capability) -> bool:
        return capability in CAPABILITIES[self.role]

    def require(self, capability: Capability) -> None:
        if not self.can(capability):
            raise ForbiddenError(f"{self.called} may not {capability.value.replace('_', ' ')}")

    def sees_item(self, item: WorkItem) -> bool:
        return item.queue in self.queues or self.can(Capability.OVERSEE_QUEUES)

    def works_item(self, item: WorkItem) -> bool:
        return self.can(Capability.WORK) and item.queue in self.queues
