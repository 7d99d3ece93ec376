"""The day each claim's money first reached the patient (``patient_since``), kept with the
claim's rollup.

A claim's row is its first posting on patient A/R (by effective day) with its visit and
patient; a claim never billed to the patient has none. :func:`refresh` rewrites the rows of
the claims whose rollups were just refreshed (``rollups.refresh``), :func:`rebuild` writes every
claim's (the migration's backfill, a generated practice), and :func:`drifted` is what
``books verify`` (BOOKS008) compares the stored rows with. One ``SELECT`` serves all three, so
a row is recomputed, never adjusted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select

from claimdesk.domain.ledger import Account
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claim_rollups import PatientSinceRow
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.encounters import EncounterRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow

SINCE = table_of(PatientSinceRow)
_COLUMNS = ["claim_id", "encounter_id", "patient_account", "since"]


def since_select(among: Callable[[Any], Any] | None = None) -> Select[Any]:
    """(claim, visit, patient, first effective day on patient A/R) of the claims ``among``
    names (every claim when None)."""
    p, e = LedgerPostingRow, LedgerEntryRow
    first = (
        select(p.claim_id, func.min(e.effective).label("since"))
        .join(e, e.entry_id == p.entry_id)
        .where(p.account == Account.PATIENT_AR.value, p.claim_id.is_not(None))
        .group_by(p.claim_id)
    )
    if among is not None:
        first = first.where(among(p.claim_id))
    found = first.subquery("first")
    return (
        select(found.c.claim_id, ClaimRow.encounter_id, EncounterRow.patient_account, found.c.since)
        .join(ClaimRow, ClaimRow.claim_id == found.c.claim_id)
        .join(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
    )


def refresh(connection: Connection, among: Callable[[Any], Any]) -> None:
    """Rewrite the rows of the claims ``among`` names (a condition on a claim id column)."""
    connection.execute(delete(SINCE).where(among(SINCE.c.claim_id)))
    connection.execute(insert(SINCE).from_select(_COLUMNS, since_select(among)))


def rebuild(connection: Connection) -> None:
    """Every claim's row afresh."""
    connection.execute(delete(SINCE))
    connection.execute(insert(SINCE).from_select(_COLUMNS, since_select()))


def drifted(connection: Connection) -> list[str]:
    """The claims whose stored row differs from a recomputation (missing, extra or changed)."""
    stored = select(*(SINCE.c[name] for name in _COLUMNS))
    fresh = since_select()
    found: set[str] = set()
    for one_way in (stored.except_(fresh), fresh.except_(stored)):
        rows = one_way.subquery("differs")
        found.update(connection.scalars(select(rows.c.claim_id)))
    return sorted(found)
