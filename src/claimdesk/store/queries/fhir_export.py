"""Claims as billed and the 835 claim payments posted on them, for the FHIR export
(``services.fhir_export``).

Read-only: takes the connection of the open unit of work (``uow.read``). Claims are read a
page at a time in claim id order, each page with its encounters and payments, so an export of
a million claims holds one page in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select

from claimdesk.domain.claims import Claim
from claimdesk.domain.encounters import Encounter
from claimdesk.store import rows
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.encounters import (
    EncounterDiagnosisRow,
    EncounterRow,
    ServiceLineRow,
)
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow

CLAIM_PAGE = 500
# A payment posted on the claim; one a later CLP02 = 22 undid stays, marked reversed. Held
# payments were never posted on a claim.
EXPORTED_PAYMENTS = ("posted", "reversed")


def claim_pages(read: Connection, page: int = CLAIM_PAGE) -> Iterator[list[Claim]]:
    """Every claim with its encounter, ``page`` claims at a time, in claim id order."""
    claims = ClaimRow.__table__
    after = ""
    while True:
        found = list(
            read.execute(
                select(claims)
                .where(claims.c.claim_id > after)
                .order_by(claims.c.claim_id)
                .limit(page)
            ).mappings()
        )
        if not found:
            return
        encounters = _encounters(read, sorted({r["encounter_id"] for r in found}))
        yield [rows.claim_of(r, encounters[r["encounter_id"]], []) for r in found]
        after = found[-1]["claim_id"]


def _encounters(read: Connection, encounter_ids: Sequence[str]) -> dict[str, Encounter]:
    heads = EncounterRow.__table__
    diagnoses = EncounterDiagnosisRow.__table__
    lines = ServiceLineRow.__table__
    by_diagnosis: dict[str, list[Any]] = defaultdict(list)
    for row in read.execute(
        select(diagnoses).where(diagnoses.c.encounter_id.in_(encounter_ids))
    ).mappings():
        by_diagnosis[row["encounter_id"]].append(row)
    by_line: dict[str, list[Any]] = defaultdict(list)
    for row in read.execute(
        select(lines).where(lines.c.encounter_id.in_(encounter_ids))
    ).mappings():
        by_line[row["encounter_id"]].append(row)
    return {
        row["encounter_id"]: rows.encounter_of(
            row, by_diagnosis[row["encounter_id"]], by_line[row["encounter_id"]]
        )
        for row in read.execute(
            select(heads).where(heads.c.encounter_id.in_(encounter_ids))
        ).mappings()
    }


def payments_of(read: Connection, claim_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Each claim's posted 835 claim payments, in the order they were posted, with their
    remittance's trace number and payment date."""
    p, r = ClaimPaymentRow.__table__, RemittanceRow.__table__
    query = (
        select(
            p.c.claim_id,
            p.c.remittance_id,
            p.c.position_index,
            p.c.status,
            p.c.clp_status,
            p.c.charge,
            p.c.paid,
            p.c.patient_share,
            p.c.payer_claim_number,
            p.c.adjudication,
            r.c.trace_number,
            r.c.payment_date,
            r.c.posted_at,
        )
        .join(r, r.c.remittance_id == p.c.remittance_id)
        .where(p.c.claim_id.in_(claim_ids), p.c.status.in_(EXPORTED_PAYMENTS))
        .order_by(p.c.id)
    )
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read.execute(query).mappings():
        found[row["claim_id"]].append(dict(row))
    return found
