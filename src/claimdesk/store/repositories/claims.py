"""Claims with their encounter and full status history, and the link of a secondary claim to
the primary payment whose adjudication it carries.

Posting a 20,000-claim 835 must not issue statements per claim, so claims are loaded, moved and
recorded in chunks with executemany statements (``get_many``, ``save_many``).
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.store import rollups, rows
from claimdesk.store.repositories.encounters import EncounterRepository
from claimdesk.store.repositories.sql import among, chunks, insert_rows, key_chunks
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow, SecondaryClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterRow

CLAIMS = table_of(ClaimRow)


HISTORY = table_of(ClaimStatusRow)


SECONDARY = table_of(SecondaryClaimRow)


SECONDARY_PRIORITY = 2


class ClaimRepository:
    """Claims with their encounter and their full status history."""

    def __init__(self, session: Session, encounters: EncounterRepository) -> None:
        self._session = session
        self._encounters = encounters
        self._claims = table_of(ClaimRow)
        self._history = table_of(ClaimStatusRow)

    def add(self, claim: Claim) -> None:
        """Store a new claim; its encounter must already be stored."""
        self.add_many([claim])

    def add_many(self, claims: Sequence[Claim]) -> None:
        insert_rows(self._session, ClaimRow, [rows.claim_row(c) for c in claims])
        insert_rows(
            self._session,
            ClaimStatusRow,
            [
                rows.status_row(c.claim_id, seq, change)
                for c in claims
                for seq, change in enumerate(c.history, start=1)
            ],
        )
        rollups.touch(self._session, [c.claim_id for c in claims])

    def save(self, claim: Claim) -> None:
        """Write a stored claim's current state and append the history it gained since loaded."""
        stored = self._session.execute(
            select(func.count()).where(self._history.c.claim_id == claim.claim_id)
        ).scalar_one()
        if stored > len(claim.history):
            raise ValueError(f"claim {claim.claim_id}: status history cannot be shortened")
        values = rows.claim_row(claim)
        del values["claim_id"], values["created_at"], values["created_by"]
        self._session.execute(
            update(self._claims).where(self._claims.c.claim_id == claim.claim_id).values(values)
        )
        insert_rows(
            self._session,
            ClaimStatusRow,
            [
                rows.status_row(claim.claim_id, seq, change)
                for seq, change in enumerate(claim.history, start=1)
                if seq > stored
            ],
        )
        rollups.touch(self._session, [claim.claim_id])

    def get(self, claim_id: str) -> Claim | None:
        found = self._load(self._claims.c.claim_id == claim_id)
        return found[0] if found else None

    def for_encounter(self, encounter_id: str) -> builtins.list[Claim]:
        return self._load(self._claims.c.encounter_id == encounter_id)

    def with_status(self, status: ClaimStatus) -> builtins.list[Claim]:
        return self._load(self._in_status(status))

    def _in_status(self, status: ClaimStatus) -> ColumnElement[bool]:
        """The claims in ``status`` this repository shows (a subclass may show fewer)."""
        return self._claims.c.status == status.value

    def claim_for_submission(self, statuses: Sequence[ClaimStatus]) -> builtins.list[Claim]:
        """The claims in ``statuses``, each locked for this transaction, in claim id order.

        On PostgreSQL each claim row is locked ``FOR UPDATE SKIP LOCKED``: two submit runs at
        once split the claims between them and neither waits for, reads or overwrites the
        other's. SQLite has no row locks; there the caller holds the database's write lock
        (``WorkItemRepository.begin_write``), so one run at a time reads them.
        """
        query = (
            select(CLAIMS.c.claim_id)
            .where(or_(*(self._in_status(s) for s in statuses)))
            .order_by(CLAIMS.c.claim_id)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed = builtins.list(self._session.execute(query).scalars())
        found = self.get_many(claimed)
        return [found[claim_id] for claim_id in claimed]

    def _load(self, where: ColumnElement[bool]) -> builtins.list[Claim]:
        claim_rows = builtins.list(
            self._session.execute(
                select(self._claims).where(where).order_by(self._claims.c.claim_id)
            ).mappings()
        )
        if not claim_rows:
            return []
        ids = select(self._claims.c.claim_id).where(where)
        history: dict[str, builtins.list[rows.RowIn]] = defaultdict(builtins.list)
        for row in self._session.execute(
            select(self._history).where(self._history.c.claim_id.in_(ids))
        ).mappings():
            history[row["claim_id"]].append(row)
        encounters = self._encounters.get_many([row["encounter_id"] for row in claim_rows])
        return [
            rows.claim_of(row, encounters[row["encounter_id"]], history[row["claim_id"]])
            for row in claim_rows
        ]

    def get_many(self, claim_ids: Sequence[str]) -> dict[str, Claim]:
        """The stored claims among ``claim_ids``, with encounters and full history."""
        found: dict[str, Claim] = {}
        session = self._session
        for chunk in key_chunks(session, sorted(set(claim_ids))):
            claim_rows = list(
                session.execute(select(CLAIMS).where(among(session, CLAIMS.c.claim_id, chunk)))
                .mappings()
                .all()
            )
            if not claim_rows:
                continue
            history: dict[str, list[rows.RowIn]] = defaultdict(list)
            query = (
                select(HISTORY)
                .where(among(session, HISTORY.c.claim_id, chunk))
                .order_by(HISTORY.c.seq)
            )
            for row in self._session.execute(query).mappings():
                history[row["claim_id"]].append(row)
            encounters = self._encounters.get_many([r["encounter_id"] for r in claim_rows])
            for row in claim_rows:
                found[row["claim_id"]] = rows.claim_of(
                    row, encounters[row["encounter_id"]], history[row["claim_id"]]
                )
        return found

    def by_payer_number(self, numbers: Sequence[str]) -> dict[str, str]:
        """Our claim id per payer claim number (CLP07 of an earlier 835)."""
        found: dict[str, str] = {}
        for chunk in chunks(sorted({n for n in numbers if n})):
            query = select(CLAIMS.c.payer_claim_number, CLAIMS.c.claim_id).where(
                CLAIMS.c.payer_claim_number.in_(chunk)
            )
            found.update({row[0]: row[1] for row in self._session.execute(query)})
        return found

    def by_member_and_date(self, member_id: str, day: date) -> list[str]:
        """Claims on a coverage with ``member_id`` for an encounter on ``day``."""
        query = (
            select(CLAIMS.c.claim_id)
            .join(CoverageRow, CoverageRow.coverage_id == CLAIMS.c.coverage_id)
            .join(EncounterRow, EncounterRow.encounter_id == CLAIMS.c.encounter_id)
            .where(and_(CoverageRow.member_id == member_id, EncounterRow.date_of_service == day))
            .order_by(CLAIMS.c.claim_id)
        )
        return list(self._session.execute(query).scalars())

    def save_many(self, moved: Sequence[tuple[Claim, int]]) -> None:
        """Write each claim's status and payer claim number and the history it gained since
        it was loaded with ``stored`` history rows (one executemany per statement)."""
        if not moved:
            return
        self._session.execute(
            update(CLAIMS)
            .where(CLAIMS.c.claim_id == bindparam("key"))
            .values(status=bindparam("new_status"), payer_claim_number=bindparam("number")),
            [
                {"key": c.claim_id, "new_status": c.status.value, "number": c.payer_claim_number}
                for c, _stored in moved
            ],
            execution_options={"synchronize_session": False},
        )
        insert_rows(
            self._session,
            ClaimStatusRow,
            [
                rows.status_row(claim.claim_id, seq, change)
                for claim, stored in moved
                for seq, change in enumerate(claim.history, start=1)
                if seq > stored
            ],
        )
        rollups.touch(self._session, [claim.claim_id for claim, _stored in moved])

    def waiting_since(self, cutoff: datetime) -> list[str]:
        """Submitted or accepted claims whose last status change is older than ``cutoff``."""
        last = (
            select(HISTORY.c.claim_id, func.max(HISTORY.c.at).label("last_at"))
            .group_by(HISTORY.c.claim_id)
            .subquery()
        )
        query = (
            select(CLAIMS.c.claim_id)
            .join(last, last.c.claim_id == CLAIMS.c.claim_id)
            .where(
                CLAIMS.c.status.in_([ClaimStatus.SUBMITTED.value, ClaimStatus.ACCEPTED.value]),
                last.c.last_at < cutoff,
            )
            .order_by(CLAIMS.c.claim_id)
        )
        return list(self._session.execute(query).scalars())

    def add_secondary(self, values: dict[str, Any]) -> None:
        self._session.execute(insert(SECONDARY).values(values))

    def secondary_of(self, primary_claim_id: str) -> str | None:
        query = select(SECONDARY.c.claim_id).where(SECONDARY.c.primary_claim_id == primary_claim_id)
        return self._session.execute(query).scalar()

    def secondaries_among(self, claim_ids: Sequence[str]) -> set[str]:
        """Those of ``claim_ids`` made from a primary payer's remittance (secondary claims)."""
        found: set[str] = set()
        for chunk in chunks(sorted(set(claim_ids))):
            query = select(SECONDARY.c.claim_id).where(SECONDARY.c.claim_id.in_(chunk))
            found.update(self._session.execute(query).scalars())
        return found

    def with_secondary_coverage(self, claim_ids: Sequence[str]) -> set[str]:
        """Those of ``claim_ids`` whose patient has a secondary coverage on file."""
        found: set[str] = set()
        for chunk in chunks(sorted(set(claim_ids))):
            query = (
                select(CLAIMS.c.claim_id)
                .join(EncounterRow, EncounterRow.encounter_id == CLAIMS.c.encounter_id)
                .join(CoverageRow, CoverageRow.patient_account == EncounterRow.patient_account)
                .where(CLAIMS.c.claim_id.in_(chunk), CoverageRow.priority == SECONDARY_PRIORITY)
            )
            found.update(self._session.execute(query).scalars())
        return found

    def secondary_link(self, claim_id: str) -> RowMapping | None:
        query = select(SECONDARY).where(SECONDARY.c.claim_id == claim_id)
        return self._session.execute(query).mappings().first()
