"""Encounters with their ordered diagnoses and service lines, and the coding corrections of
the desk's fix form.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.domain.encounters import Encounter
from claimdesk.store import rows
from claimdesk.store.repositories.sql import among, insert_rows, key_chunks
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.encounters import EncounterDiagnosisRow, EncounterRow, ServiceLineRow

DIAGNOSES = table_of(EncounterDiagnosisRow)


LINES = table_of(ServiceLineRow)


class EncounterRepository:
    """Encounters with their ordered diagnoses and service lines."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._encounters = table_of(EncounterRow)
        self._diagnoses = table_of(EncounterDiagnosisRow)
        self._lines = table_of(ServiceLineRow)

    def add(self, encounter: Encounter) -> None:
        self.add_many([encounter])

    def add_many(self, encounters: Sequence[Encounter]) -> None:
        insert_rows(self._session, EncounterRow, [rows.encounter_row(e) for e in encounters])
        insert_rows(
            self._session,
            EncounterDiagnosisRow,
            [d for e in encounters for d in rows.diagnosis_rows(e)],
        )
        insert_rows(
            self._session,
            ServiceLineRow,
            [rows.line_row(e.encounter_id, line) for e in encounters for line in e.lines],
        )

    def get(self, encounter_id: str) -> Encounter | None:
        found = self.get_many([encounter_id])
        return found.get(encounter_id)

    def get_many(self, encounter_ids: Sequence[str]) -> dict[str, Encounter]:
        """The encounters among ``encounter_ids`` that exist, by id (three queries per chunk)."""
        result: dict[str, Encounter] = {}
        session = self._session
        for chunk in key_chunks(session, builtins.list(dict.fromkeys(encounter_ids))):
            result.update(
                self._load(
                    among(session, self._encounters.c.encounter_id, chunk),
                    among(session, self._diagnoses.c.encounter_id, chunk),
                    among(session, self._lines.c.encounter_id, chunk),
                )
            )
        return result

    def for_patient(self, patient_account: str) -> builtins.list[Encounter]:
        ids = select(self._encounters.c.encounter_id).where(
            self._encounters.c.patient_account == patient_account
        )
        found = self._load(
            self._encounters.c.patient_account == patient_account,
            self._diagnoses.c.encounter_id.in_(ids),
            self._lines.c.encounter_id.in_(ids),
        )
        return sorted(found.values(), key=lambda e: (e.date_of_service, e.encounter_id))

    def _load(
        self,
        encounters_where: ColumnElement[bool],
        diagnoses_where: ColumnElement[bool],
        lines_where: ColumnElement[bool],
    ) -> dict[str, Encounter]:
        diagnoses: dict[str, builtins.list[rows.RowIn]] = defaultdict(builtins.list)
        for row in self._session.execute(select(self._diagnoses).where(diagnoses_where)).mappings():
            diagnoses[row["encounter_id"]].append(row)
        lines: dict[str, builtins.list[rows.RowIn]] = defaultdict(builtins.list)
        for row in self._session.execute(select(self._lines).where(lines_where)).mappings():
            lines[row["encounter_id"]].append(row)
        return {
            row["encounter_id"]: rows.encounter_of(
                row, diagnoses[row["encounter_id"]], lines[row["encounter_id"]]
            )
            for row in self._session.execute(
                select(self._encounters).where(encounters_where)
            ).mappings()
        }

    def set_diagnoses(self, encounter_id: str, codes: Sequence[str]) -> None:
        self._session.execute(delete(DIAGNOSES).where(DIAGNOSES.c.encounter_id == encounter_id))
        self._session.execute(
            insert(DIAGNOSES),
            [
                {"encounter_id": encounter_id, "position": n, "code": code}
                for n, code in enumerate(codes, start=1)
            ],
        )

    def set_line_coding(
        self,
        encounter_id: str,
        line_number: int,
        modifiers: Sequence[str],
        pointers: Sequence[int],
    ) -> None:
        padded_modifiers = [*modifiers, "", "", "", ""][:4]
        padded_pointers: list[int | None] = [*pointers, None, None, None][:4]
        self._session.execute(
            update(LINES)
            .where(LINES.c.encounter_id == encounter_id, LINES.c.line_number == line_number)
            .values(
                modifier1=padded_modifiers[0],
                modifier2=padded_modifiers[1],
                modifier3=padded_modifiers[2],
                modifier4=padded_modifiers[3],
                pointer1=padded_pointers[0],
                pointer2=padded_pointers[1],
                pointer3=padded_pointers[2],
                pointer4=padded_pointers[3],
            )
        )
