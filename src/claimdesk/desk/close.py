"""The desk's month-end use cases: close and reopen a month, list the periods, the month-end
pack and the invoice. Each is checked (capability) and audited, refused, failed or done.

Closing is a manager's or an admin's; reopening an admin's, with a reason that goes into the
audit record; the periods, the pack and the invoice are read by whoever may verify the books
(auditor, manager, admin).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from claimdesk.config import Settings
from claimdesk.denials.table import CategoryTable
from claimdesk.desk.desk import Desk, UowFactory
from claimdesk.desk.guard import Actor, Capability
from claimdesk.domain.fees import Invoice
from claimdesk.domain.month_end import MonthEnd
from claimdesk.domain.periods import Month, PeriodState, PeriodStatus
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services import close, invoice


class CloseDesk(Desk):
    def __init__(
        self,
        uow_factory: UowFactory,
        policy: RoutingPolicy,
        clock: Callable[[], datetime],
        settings: Settings,
        table: CategoryTable,
        *,
        anchor: Path | None = None,
    ) -> None:
        super().__init__(uow_factory, policy, clock, anchor=anchor)
        self.settings = settings
        self.table = table

    def close_period(self, actor: Actor, month: Month) -> close.CloseOutcome:
        """Close ``month``; a refusal by its pre-checks is audited as failed, with the
        findings' codes."""
        target = f"period {month}"
        self._checked(actor, Capability.CLOSE_PERIODS, "close_period", target)
        return self._audited(
            actor,
            "close_period",
            target,
            None,
            lambda: close.close_period(
                self.uow_factory,
                month,
                by=actor.user.user_id,
                now=self.clock(),
                inbox=self.settings.inbox,
                archive=self.settings.archive,
            ),
            lambda done: (
                "closed"
                if done.closed
                else "refused: " + ", ".join(sorted({f.code for f in done.findings}))
            ),
            refused=lambda done: not done.closed,
        )

    def reopen_period(self, actor: Actor, month: Month, reason: str) -> PeriodState:
        target = f"period {month}"
        self._checked(actor, Capability.REOPEN_PERIODS, "reopen_period", target)
        return self._audited(
            actor,
            "reopen_period",
            target,
            None,
            lambda: close.reopen_period(
                self.uow_factory, month, reason=reason, by=actor.user.user_id, now=self.clock()
            ),
            lambda _state: f"reopened: {reason.strip()}",
        )

    def periods(self, actor: Actor) -> list[PeriodState]:
        return self._read(
            actor,
            Capability.VERIFY_BOOKS,
            "list_periods",
            "periods",
            lambda: close.periods(self.uow_factory),
            lambda found: f"{len(found)} period(s)",
        )

    def month_end_pack(
        self, actor: Actor, month: Month, out: Path
    ) -> tuple[MonthEnd, PeriodStatus, list[Path]]:
        """The pack read and written to ``out`` (CSV files and a PDF)."""
        target = f"month-end pack {month}"
        self._checked(actor, Capability.VERIFY_BOOKS, "month_end_pack", target)

        def build() -> tuple[MonthEnd, PeriodStatus, list[Path]]:
            pack, status, practice = close.month_end_pack(self.uow_factory, month)
            return pack, status, close.write_pack(pack, status, practice, out)

        return self._audited(
            actor,
            "month_end_pack",
            target,
            None,
            build,
            lambda done: (
                f"{done[1]} period, "
                + ("reconciles" if done[0].reconciles else f"{len(done[0].findings)} finding(s)")
                + f"; written to {out}"
            ),
        )

    def invoice(self, actor: Actor, month: Month, out: Path) -> tuple[Invoice, list[Path]]:
        target = f"invoice {month}"
        self._checked(actor, Capability.VERIFY_BOOKS, "invoice", target)

        def build() -> tuple[Invoice, list[Path]]:
            bill = invoice.invoice(self.uow_factory, month, table=self.table)
            return bill, invoice.write_invoice(bill, out)

        return self._audited(
            actor,
            "invoice",
            target,
            None,
            build,
            lambda done: f"fee {done[0].fee.total} on collections {done[0].collected}",
        )
