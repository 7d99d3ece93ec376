"""The bulk reads and writes of a bundle import, and the record of each import and its changes.

An import compares whole tables' worth of rows with what is stored, so it works on rows by
natural key, in chunks and executemany batches, rather than one aggregate at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.coverage import Coverage
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.payers import PayerKind
from claimdesk.store import rows
from claimdesk.store.repositories.sql import chunks, insert_rows
from claimdesk.store.tables.base import Base, table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterDiagnosisRow, EncounterRow, ServiceLineRow
from claimdesk.store.tables.imports import ImportChangeRow, ImportRow
from claimdesk.store.tables.patients import GuarantorRow, PatientRow
from claimdesk.store.tables.reference import (
    ContractRateRow,
    FacilityRow,
    FeeScheduleRow,
    PayerRow,
    ProviderRow,
)

Key = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Entity:
    model: type[Base]
    key: tuple[str, ...]


# What an import upserts, by the name it counts and audits it under, with its natural key.
_ENTITIES = {
    "payers": _Entity(PayerRow, ("payer_id",)),
    "providers": _Entity(ProviderRow, ("npi",)),
    "facilities": _Entity(FacilityRow, ("facility_id",)),
    "guarantors": _Entity(GuarantorRow, ("account",)),
    "patients": _Entity(PatientRow, ("account",)),
    "coverages": _Entity(CoverageRow, ("coverage_id",)),
    "fee_schedule": _Entity(FeeScheduleRow, ("code", "modifier", "effective")),
    "contracts": _Entity(ContractRateRow, ("payer_id", "code", "modifier", "effective")),
    "encounters": _Entity(EncounterRow, ("encounter_id",)),
    "service_lines": _Entity(ServiceLineRow, ("encounter_id", "line_number")),
}


def natural_key(entity: str) -> tuple[str, ...]:
    """The columns that identify a row of ``entity`` (``("code", "modifier", "effective")``)."""
    return _ENTITIES[entity].key


@dataclass(slots=True)
class StoredEncounters:
    """Stored encounters as rows: headers, diagnosis codes by position, lines by number, and
    each encounter's claim (its id and payer), all by encounter id."""

    headers: dict[str, rows.RowIn] = field(default_factory=dict)
    diagnoses: dict[str, dict[int, str]] = field(default_factory=dict)
    lines: dict[str, dict[int, rows.RowIn]] = field(default_factory=dict)
    claims: dict[str, rows.RowIn] = field(default_factory=dict)


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def start(
        self,
        import_id: str,
        *,
        started_at: datetime,
        imported_by: str,
        bundle_path: str,
        files_sha256: str,
    ) -> None:
        insert_rows(
            self._session,
            ImportRow,
            [
                {
                    "import_id": import_id,
                    "started_at": started_at,
                    "finished_at": None,
                    "imported_by": imported_by,
                    "bundle_path": bundle_path,
                    "files_sha256": files_sha256,
                    "counts": {},
                }
            ],
        )

    def finish(self, import_id: str, *, finished_at: datetime, counts: dict[str, Any]) -> None:
        imports = table_of(ImportRow)
        self._session.execute(
            update(imports)
            .where(imports.c.import_id == import_id)
            .values(finished_at=finished_at, counts=counts)
        )

    def record_changes(self, changes: list[rows.Row]) -> None:
        """Keep the audit of changed fields (``import_changes`` rows)."""
        insert_rows(self._session, ImportChangeRow, changes)

    def stored(self, entity: str, keys: Iterable[Key]) -> dict[Key, rows.RowIn]:
        """Stored rows of ``entity`` whose natural key is among ``keys``, by key (one query per
        chunk of the keys' first parts)."""
        table = table_of(_ENTITIES[entity].model)
        key = natural_key(entity)
        wanted = set(keys)
        firsts = sorted({k[0] for k in wanted})
        found: dict[Key, rows.RowIn] = {}
        for chunk in chunks(firsts):
            for row in self._session.execute(
                select(table).where(table.c[key[0]].in_(chunk))
            ).mappings():
                row_key = tuple(row[c] for c in key)
                if row_key in wanted:
                    found[row_key] = row
        return found

    def stored_keys(self, entity: str, values: Sequence[str]) -> set[str]:
        """Which of ``values`` are stored as the (single-column) natural key of ``entity``."""
        table = table_of(_ENTITIES[entity].model)
        (column,) = natural_key(entity)
        known: set[str] = set()
        for chunk in chunks(sorted(set(values))):
            known.update(
                self._session.execute(
                    select(table.c[column]).where(table.c[column].in_(chunk))
                ).scalars()
            )
        return known

    def insert(self, entity: str, values: list[rows.Row]) -> None:
        insert_rows(self._session, _ENTITIES[entity].model, values)

    def update(self, entity: str, changed: list[tuple[rows.RowIn, rows.Row]]) -> None:
        """UPDATE each stored row (by primary key) to its new values, in one executemany."""
        if not changed:
            return
        table: Table = table_of(_ENTITIES[entity].model)
        primary = [c.name for c in table.primary_key.columns]
        columns = [c for c in changed[0][1] if c not in primary]
        statement = (
            update(table)
            .where(and_(*(table.c[c] == bindparam(f"pk_{c}") for c in primary)))
            .values({c: bindparam(f"new_{c}") for c in columns})
        )
        self._session.execute(
            statement,
            [
                {**{f"pk_{c}": old[c] for c in primary}, **{f"new_{c}": new[c] for c in columns}}
                for old, new in changed
            ],
        )

    def stored_encounters(self, claim_ids: Mapping[str, str]) -> StoredEncounters:
        """The stored encounters among the keys of ``claim_ids`` (encounter id -> the id of the
        claim made for it), with those claims."""
        stored = StoredEncounters()
        encounters = table_of(EncounterRow)
        diagnoses = table_of(EncounterDiagnosisRow)
        lines = table_of(ServiceLineRow)
        claims = table_of(ClaimRow)
        session = self._session
        for chunk in chunks(list(claim_ids)):
            for row in session.execute(
                select(encounters).where(encounters.c.encounter_id.in_(chunk))
            ).mappings():
                stored.headers[row["encounter_id"]] = row
            for row in session.execute(
                select(diagnoses).where(diagnoses.c.encounter_id.in_(chunk))
            ).mappings():
                stored.diagnoses.setdefault(row["encounter_id"], {})[row["position"]] = row["code"]
            for row in session.execute(
                select(lines).where(lines.c.encounter_id.in_(chunk))
            ).mappings():
                stored.lines.setdefault(row["encounter_id"], {})[row["line_number"]] = row
            for row in session.execute(
                select(claims.c.claim_id, claims.c.encounter_id, claims.c.payer_id).where(
                    claims.c.claim_id.in_([claim_ids[e] for e in chunk])
                )
            ).mappings():
                stored.claims[row["encounter_id"]] = row
        return stored

    def replace_diagnoses(self, encounters: Sequence[Encounter]) -> None:
        diagnoses = table_of(EncounterDiagnosisRow)
        for chunk in chunks([e.encounter_id for e in encounters]):
            self._session.execute(delete(diagnoses).where(diagnoses.c.encounter_id.in_(chunk)))
        insert_rows(
            self._session,
            EncounterDiagnosisRow,
            [d for e in encounters for d in rows.diagnosis_rows(e)],
        )

    def delete_lines(self, lines: Sequence[tuple[str, int]]) -> None:
        """Delete service lines by (encounter id, line number)."""
        if not lines:
            return
        table = table_of(ServiceLineRow)
        self._session.execute(
            delete(table).where(
                table.c.encounter_id == bindparam("eid"), table.c.line_number == bindparam("n")
            ),
            [{"eid": eid, "n": number} for eid, number in lines],
        )

    def coverages_of(self, patient_accounts: Iterable[str]) -> dict[str, list[Coverage]]:
        """The stored coverages of each of ``patient_accounts`` that has any."""
        coverages = table_of(CoverageRow)
        by_patient: dict[str, list[Coverage]] = {}
        for chunk in chunks(sorted(set(patient_accounts))):
            for row in self._session.execute(
                select(coverages).where(coverages.c.patient_account.in_(chunk))
            ).mappings():
                by_patient.setdefault(row["patient_account"], []).append(rows.coverage_of(row))
        return by_patient

    def payer_kinds(self, payer_ids: Iterable[str]) -> dict[str, PayerKind]:
        payers = table_of(PayerRow)
        kinds: dict[str, PayerKind] = {}
        for chunk in chunks(sorted(set(payer_ids))):
            for payer_id, kind in self._session.execute(
                select(payers.c.payer_id, payers.c.kind).where(payers.c.payer_id.in_(chunk))
            ):
                kinds[payer_id] = PayerKind(kind)
        return kinds
