"""The desk's bank use cases: import a bank file, enter a check by hand, reconcile to the 835s.

Each is checked against the actor's capability (posting money is a Tier 2 or manager's job) and
audited whether refused, failed (a bad bank file: the reason names file, record and field) or
done.
"""

from __future__ import annotations

from datetime import date

from claimdesk.desk.desk import Desk
from claimdesk.desk.guard import Actor, Capability
from claimdesk.posting.bank_files import BankDeposit
from claimdesk.posting.reassociation import Reassociation
from claimdesk.services import deposits
from claimdesk.services.deposits import AddResult, ImportResult, ReconcileResult


class DepositDesk(Desk):
    def import_deposits(self, actor: Actor, name: str, data: bytes) -> ImportResult:
        target = f"bank file {name}"
        self._checked(actor, Capability.POST_REMITTANCES, "import_deposits", target)
        return self._audited(
            actor,
            "import_deposits",
            target,
            None,
            lambda: deposits.import_bank_file(
                self.uow_factory, data, name=name, now=self.clock(), by=actor.user.user_id
            ),
            lambda done: (
                "already imported"
                if done.already_imported
                else f"{done.layout}: {done.added} deposit(s) added, {done.total} in the file"
            ),
        )

    def add_deposit(self, actor: Actor, deposit: BankDeposit) -> AddResult:
        target = f"deposit {deposit.kind} {deposit.trace}"
        self._checked(actor, Capability.POST_REMITTANCES, "add_deposit", target)
        return self._audited(
            actor,
            "add_deposit",
            target,
            None,
            lambda: deposits.add_deposit(
                self.uow_factory, deposit, now=self.clock(), by=actor.user.user_id
            ),
            lambda done: f"{done.deposit_id} {'added' if done.created else 'already there'}",
        )

    def reconcile_deposits(
        self,
        actor: Actor,
        as_of: date | None = None,
        wait_business_days: int | None = None,
    ) -> ReconcileResult:
        target = f"deposits as of {as_of or 'today'}"
        self._checked(actor, Capability.POST_REMITTANCES, "reconcile_deposits", target)
        return self._audited(
            actor,
            "reconcile_deposits",
            target,
            None,
            lambda: deposits.reconcile(
                self.uow_factory,
                now=self.clock(),
                policy=self.policy,
                as_of=as_of,
                wait_business_days=wait_business_days,
            ),
            lambda done: (
                f"{len(done.reassociation.exceptions)} exception(s); "
                f"{len(done.opened)} item(s) opened, {len(done.solved)} solved"
            ),
        )

    def deposit_report(
        self,
        actor: Actor,
        as_of: date | None = None,
        wait_business_days: int | None = None,
    ) -> Reassociation:
        """The reconciliation as of ``as_of``, read only (the pages' and the API's view)."""
        target = f"deposits as of {as_of or 'today'}"
        self._checked(actor, Capability.POST_REMITTANCES, "view_deposits", target)
        return self._audited(
            actor,
            "view_deposits",
            target,
            None,
            lambda: deposits.report(
                self.uow_factory,
                now=self.clock(),
                as_of=as_of,
                wait_business_days=wait_business_days,
            ),
            lambda found: f"{len(found.exceptions)} exception(s) as of {found.as_of}",
        )
