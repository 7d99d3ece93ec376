"""What the books hold: rows per table, claims per status and per payer, payer names.

Read-only: takes the connection of the open unit of work (``uow.read``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from claimdesk.store.open_sums import PAYER_CHARGES
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterRow, ServiceLineRow
from claimdesk.store.tables.patients import PatientRow
from claimdesk.store.tables.reference import PayerRow, ProviderRow

_COUNTED = {
    "payers": PayerRow,
    "providers": ProviderRow,
    "patients": PatientRow,
    "coverages": CoverageRow,
    "encounters": EncounterRow,
    "service_lines": ServiceLineRow,
}


@dataclass(frozen=True, slots=True)
class BookCounts:
    rows: dict[str, int]
    claims_by_status: dict[str, int]
    claims_per_payer: dict[str, int]
    payer_names: dict[str, str]


def book_counts(read: Connection) -> BookCounts:
    # A result has keys(), so dict() would read it as a mapping: the pairs go in as a list.
    rows = {
        name: read.scalar(select(func.count()).select_from(row)) or 0
        for name, row in _COUNTED.items()
    }
    by_status: dict[str, int] = dict(
        read.execute(select(ClaimRow.status, func.count()).group_by(ClaimRow.status)).all()
    )
    # Every claim has its rollup, so each payer's claims are the kept sum (BOOKS008).
    c = PAYER_CHARGES.table.c
    per_payer = {
        str(payer): int(n)
        for payer, n in read.execute(select(c.payer_id, c.claims).where(c.claims != 0))
    }
    rows["claims"] = sum(by_status.values())
    names: dict[str, str] = dict(read.execute(select(PayerRow.payer_id, PayerRow.name)).all())
    return BookCounts(rows, by_status, per_payer, names)
