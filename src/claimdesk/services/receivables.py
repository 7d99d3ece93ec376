"""Use case: the practice's A/R as of a day, its drill-down pages and its CSV export.

One read transaction each; the sums and pages come from SQL
(:mod:`claimdesk.store.queries.receivables`), so the cost follows the page, not the history.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date

from claimdesk.analytics.patient_aging import PatientAging, patient_aging
from claimdesk.analytics.position import ArClaim, ArFilter, ArPage, ArPosition
from claimdesk.store.queries.patient_accounts import patient_balances, responsible_parties
from claimdesk.store.queries.receivables import ar_claims, ar_position, iter_ar_claims
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
CSV_COLUMNS = (
    "claim_id",
    "payer_id",
    "patient_account",
    "date_of_service",
    "part",
    "bucket",
    "amount",
)


def position(uow_factory: UowFactory, as_of: date, payer_id: str | None = None) -> ArPosition:
    with uow_factory() as uow:
        return ar_position(uow.read, as_of, payer_id=payer_id)


def patient_aging_in(uow: UnitOfWork, as_of: date) -> PatientAging:
    """Patient A/R at the end of ``as_of`` by patient and guarantor, aged from the day each
    balance became the patient's."""
    guarantors = {p: r.party.account for p, r in responsible_parties(uow.read).items()}
    balances = [(b.patient_account, b.since, b.amount) for b in patient_balances(uow.read, as_of)]
    return patient_aging(as_of, balances, guarantors)


def claims_page(
    uow_factory: UowFactory,
    as_of: date,
    where: ArFilter,
    *,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> ArPage:
    """One page (at most :data:`MAX_PAGE_SIZE` rows) of the claims behind the A/R figure."""
    with uow_factory() as uow:
        return ar_claims(uow.read, as_of, where, after=after, limit=min(limit, MAX_PAGE_SIZE))


def csv_line(values: tuple[str, ...]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _csv_row(row: ArClaim) -> tuple[str, ...]:
    return (
        row.claim_id,
        row.payer_id,
        row.patient_account,
        "" if row.date_of_service is None else row.date_of_service.isoformat(),
        row.part,
        row.bucket,
        str(row.amount),
    )


def claims_csv(uow_factory: UowFactory, as_of: date, where: ArFilter) -> Iterator[str]:
    """The whole drill-down as CSV text, one line at a time: the header, then a row per claim
    and receivable, read a keyset page at a time inside one read transaction."""
    yield csv_line(CSV_COLUMNS)
    with uow_factory() as uow:
        for row in iter_ar_claims(uow.read, as_of, where):
            yield csv_line(_csv_row(row))
