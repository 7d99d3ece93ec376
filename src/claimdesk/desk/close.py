"""The desk's month-end use cases: close and reopen a month, list the periods, the month-end
pack and the invoice. Each is checked (capability) and audited, refused, failed or done.

Closing is a manager's or an admin's; reopening an admin's, with a reason that goes into the
audit record; the periods, the pack and the invoice are read by whoever may verify the books
(auditor, manager, admin).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from claimdesk.config import Settings
from claimdesk.denials.table import CategoryTable
from claimdesk.desk.desk import Desk, DeskSetupError, UowFactory
from claimdesk.desk.guard import Actor, Capability, NotFoundError
from claimdesk.domain.fees import Invoice
from claimdesk.domain.month_end import MonthEnd
from claimdesk.domain.periods import Month, PeriodState, PeriodStatus
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services import close, invoice


@dataclass(frozen=True, slots=True)
class PackDocuments:
    """The month-end pack as read, with its CSV files and PDF by file name (the web's view)."""

    pack: MonthEnd
    status: PeriodStatus
    practice: str
    files: Mapping[str, bytes]

    def archive(self) -> bytes:
        return close.zip_of(self.files)


@dataclass(frozen=True, slots=True)
class InvoiceDocuments:
    """The invoice of a closed month, with its CSV files and PDF by file name."""

    invoice: Invoice
    files: Mapping[str, bytes]

    def archive(self) -> bytes:
        return close.zip_of(self.files)


class CloseDesk(Desk):
    def __init__(
        self,
        uow_factory: UowFactory,
        policy: RoutingPolicy,
        clock: Callable[[], datetime],
        settings: Settings | None,
        table: CategoryTable,
        *,
        anchor: Path | None = None,
    ) -> None:
        super().__init__(uow_factory, policy, clock, anchor=anchor)
        # None on a web desk without a data home: it reads and reopens, but cannot close (the
        # pre-checks look for 835 files waiting in the home's inbox).
        self.settings = settings
        self.table = table

    def _home(self) -> Settings:
        if self.settings is None:
            raise DeskSetupError(
                "this desk runs without a data home, whose inbox a close must check "
                "(claimdesk serve sets one)"
            )
        return self.settings

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
                inbox=self._home().inbox,
                archive=self._home().archive,
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

    def read_pack(self, actor: Actor, month: Month) -> PackDocuments:
        """The pack read, with its files to download (nothing is written)."""
        target = f"month-end pack {month}"
        self._checked(actor, Capability.VERIFY_BOOKS, "month_end_pack", target)

        def build() -> PackDocuments:
            pack, status, practice = close.month_end_pack(self.uow_factory, month)
            files = close.pack_files(pack, status, practice)
            return PackDocuments(pack, status, practice, files)

        return self._audited(
            actor,
            "month_end_pack",
            target,
            None,
            build,
            lambda done: (
                f"{done.status} period, "
                + (
                    "reconciles"
                    if done.pack.reconciles
                    else f"{len(done.pack.findings)} finding(s)"
                )
                + "; read"
            ),
        )

    def read_invoice(self, actor: Actor, month: Month) -> InvoiceDocuments:
        """The invoice of a closed month, with its files to download (nothing is written)."""
        target = f"invoice {month}"
        self._checked(actor, Capability.VERIFY_BOOKS, "invoice", target)

        def build() -> InvoiceDocuments:
            bill = invoice.invoice(self.uow_factory, month, table=self.table)
            return InvoiceDocuments(bill, invoice.invoice_files(bill))

        return self._audited(
            actor,
            "invoice",
            target,
            None,
            build,
            lambda done: (
                f"fee {done.invoice.fee.total} on collections {done.invoice.collected}; read"
            ),
        )

    def document(self, actor: Actor, month: Month, name: str) -> bytes:
        """One file of the month's pack (``pack-YYYY-MM...``) or invoice (``invoice-YYYY-MM...``)
        by its name, or either whole as ``pack-YYYY-MM.zip`` / ``invoice-YYYY-MM.zip``."""
        files: dict[str, bytes]
        if name.startswith("invoice-"):
            bill = self.read_invoice(actor, month)
            files = {**bill.files, f"invoice-{month}.zip": bill.archive()}
        else:
            pack = self.read_pack(actor, month)
            files = {**pack.files, f"pack-{month}.zip": pack.archive()}
        if name not in files:
            raise NotFoundError(
                f"period {month}: no file {name!r} (the pack or invoice names them)"
            )
        return files[name]

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
