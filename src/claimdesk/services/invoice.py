"""Use case: the billing company's invoice for a closed month (docs/close.md), read in one
transaction and written as CSV and PDF.

The fee model is the practice profile's ``fee.*`` settings; the collections it is based on are
listed claim by claim; the month's KPIs are the KPI report's (services/kpis.py); the work done
is the work items closed in the month, by tier.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from claimdesk.analytics.close_pdf import invoice_pdf
from claimdesk.denials.table import CategoryTable
from claimdesk.domain.fees import FLAT, MINIMUM, PER_CLAIM, PERCENT, FeeModel, Invoice, invoice_for
from claimdesk.domain.periods import Month
from claimdesk.services.close import PeriodError, csv_text, write_files
from claimdesk.services.kpis import kpi_report
from claimdesk.store.queries import month_end as queries
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
# The figures a client reads first (HFMA MAP Keys / MGMA names as the KPI report has them).
INVOICE_KPIS = (
    "clean_claim_rate",
    "first_pass_resolution_rate",
    "initial_denial_rate",
    "net_collection_rate",
    "net_days_in_ar",
    "ar_over_90",
)


def invoice(uow_factory: UowFactory, month: Month, *, table: CategoryTable) -> Invoice:
    """The invoice for ``month``; refuses a month that is not closed (its figures could still
    change)."""
    with uow_factory() as uow:
        if not uow.periods.closed().is_closed(month.first_day):
            raise PeriodError(
                f"period {month} is open: an invoice is made for a closed month "
                f"(claimdesk close {month})"
            )
        profile = uow.practice.profile()
        zone = profile.time_zone or ZoneInfo("UTC")
        collections = tuple(queries.collections(uow.read, month))
        report = kpi_report(uow, start=month.first_day, end=month.last_day, table=table)
        kpis = tuple((k.label, k.display()) for k in report.kpis if k.name in INVOICE_KPIS)
        work = tuple(queries.work_done(uow.read, month, zone))
        return invoice_for(
            practice=profile.get("name") or "the practice",
            month=str(month),
            model=FeeModel.of(profile.values),
            collections=collections,
            claims_submitted=queries.claims_submitted(uow.read, month, zone),
            kpis=kpis,
            work=work,
        )


def invoice_files(bill: Invoice) -> dict[str, bytes]:
    """``invoice-YYYY-MM.csv`` (the fee lines), ``invoice-YYYY-MM-collections.csv`` (claim by
    claim) and ``invoice-YYYY-MM.pdf`` by file name."""
    stem = f"invoice-{bill.month}"
    fee = csv_text(
        ("line", "based_on", "amount"),
        [
            *((x.description, x.basis, str(x.amount)) for x in bill.fee.lines),
            ("total", "", str(bill.fee.total)),
        ],
    )
    collected = csv_text(
        ("claim_id", "payer_id", "payer_payments", "patient_payments", "total"),
        [
            (c.claim_id, c.payer_id, str(c.insurance), str(c.patient), str(c.total))
            for c in bill.collections
        ],
    )
    return {
        f"{stem}.csv": fee.encode("utf-8"),
        f"{stem}-collections.csv": collected.encode("utf-8"),
        f"{stem}.pdf": invoice_pdf(bill),
    }


class FeeModelError(ValueError):
    """No fee model is set: the invoice would bill nothing (the message says how to set one)."""


def write_invoice(bill: Invoice, out: Path) -> list[Path]:
    """The invoice's files (:func:`invoice_files`) in ``out``; their paths. Without a fee model
    nothing is written: a 0.00 invoice sent to a client is a setup mistake, not a bill."""
    if not bill.model.is_set:
        keys = ", ".join((PERCENT, PER_CLAIM, FLAT, MINIMUM))
        raise FeeModelError(
            f"invoice {bill.month}: no fee model is set ({keys} are all unset), so it would "
            f"bill 0.00; set one or more with 'claimdesk practice set KEY VALUE' (e.g. "
            f"{PERCENT} 6.5 or {FLAT} 500.00; docs/close.md); nothing was written"
        )
    return write_files(out, invoice_files(bill))
