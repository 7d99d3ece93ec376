"""Repositories: get, add and list domain objects by their natural keys.

Each repository works inside the session of a :class:`~claimdesk.store.uow.UnitOfWork` and
never commits; the unit of work does.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import ARRAY, ColumnElement, Table, and_, any_, bindparam, func, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.coverage import Coverage
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.parties import Guarantor, Patient
from claimdesk.domain.payers import ContractRate, FeeScheduleItem, Payer
from claimdesk.domain.providers import Facility, Provider
from claimdesk.store import rows
from claimdesk.store.bulk import bulk_insert
from claimdesk.store.tables.base import Base, table_of
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterDiagnosisRow, EncounterRow, ServiceLineRow
from claimdesk.store.tables.patients import GuarantorRow, PatientRow
from claimdesk.store.tables.reference import (
    ContractRateRow,
    FacilityRow,
    FeeScheduleRow,
    PayerRow,
    ProviderRow,
)

T = TypeVar("T")

# Keeps IN lists below every engine's bound-parameter limit (SQLite's default is 32766).
IN_CHUNK = 900


# PostgreSQL takes a whole list as one array parameter (= ANY), so it needs far fewer chunks.
ARRAY_CHUNK = 50_000


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def key_chunks(session: Session, values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """``values`` in chunks for :func:`among`: large ones on PostgreSQL, IN-list sized ones
    elsewhere."""
    postgres = session.get_bind().dialect.name == "postgresql"
    return chunks(values, ARRAY_CHUNK if postgres else IN_CHUNK)


def among(
    session: Session, column: ColumnElement[Any], chunk: Sequence[Any]
) -> ColumnElement[bool]:
    """``column IN chunk``. On PostgreSQL ``column = ANY(array)``: one bound parameter instead
    of one per value, so a 20,000-claim lookup is one short statement, not 23 long ones."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(chunk), type_=ARRAY(column.type)))
    return column.in_(chunk)


def insert_rows(session: Session, model: type[Base], values: builtins.list[rows.Row]) -> None:
    """Insert all ``values`` at once: COPY on PostgreSQL, an executemany INSERT on SQLite (Core
    either way, so no per-object ORM overhead); see :mod:`claimdesk.store.bulk`."""
    bulk_insert(session, table_of(model), values)


class _Repository(Generic[T]):
    """Rows of one table with the domain type ``T``, where ``where`` picks one by natural key."""

    def __init__(
        self,
        session: Session,
        model: type[Base],
        to_row: Callable[[T], rows.Row],
        of: Callable[[rows.RowIn], T],
        order_by: Sequence[str],
    ) -> None:
        self._session = session
        self._model = model
        self._table: Table = table_of(model)
        self._to_row = to_row
        self._of = of
        self._order_by = [self._table.c[name] for name in order_by]

    def _one(self, where: ColumnElement[bool]) -> T | None:
        found = self._session.execute(select(self._table).where(where)).mappings().first()
        return None if found is None else self._of(found)

    def _many(self, where: ColumnElement[bool] | None = None) -> builtins.list[T]:
        query = select(self._table).order_by(*self._order_by)
        if where is not None:
            query = query.where(where)
        return [self._of(row) for row in self._session.execute(query).mappings()]

    def add(self, item: T) -> None:
        insert_rows(self._session, self._model, [self._to_row(item)])

    def list(self) -> builtins.list[T]:
        return self._many()


class PayerRepository(_Repository[Payer]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, PayerRow, rows.payer_row, rows.payer_of, ["payer_id"])

    def get(self, payer_id: str) -> Payer | None:
        return self._one(self._table.c.payer_id == payer_id)


class ProviderRepository(_Repository[Provider]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, ProviderRow, rows.provider_row, rows.provider_of, ["npi"])

    def get(self, npi: str) -> Provider | None:
        return self._one(self._table.c.npi == npi)


class FacilityRepository(_Repository[Facility]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, FacilityRow, rows.facility_row, rows.facility_of, ["facility_id"])

    def get(self, facility_id: str) -> Facility | None:
        return self._one(self._table.c.facility_id == facility_id)


class GuarantorRepository(_Repository[Guarantor]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, GuarantorRow, rows.guarantor_row, rows.guarantor_of, ["account"])

    def get(self, account: str) -> Guarantor | None:
        return self._one(self._table.c.account == account)


class PatientRepository(_Repository[Patient]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, PatientRow, rows.patient_row, rows.patient_of, ["account"])

    def get(self, account: str) -> Patient | None:
        return self._one(self._table.c.account == account)


class CoverageRepository(_Repository[Coverage]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, CoverageRow, rows.coverage_row, rows.coverage_of, ["coverage_id"])

    def get(self, coverage_id: str) -> Coverage | None:
        return self._one(self._table.c.coverage_id == coverage_id)

    def for_patient(self, patient_account: str) -> builtins.list[Coverage]:
        """The patient's coverages in priority order (primary first)."""
        found = self._many(self._table.c.patient_account == patient_account)
        return sorted(found, key=lambda c: (c.priority, c.effective, c.coverage_id))


class FeeScheduleRepository(_Repository[FeeScheduleItem]):
    def __init__(self, session: Session) -> None:
        super().__init__(
            session, FeeScheduleRow, rows.fee_row, rows.fee_of, ["code", "modifier", "effective"]
        )

    def get(self, code: str, effective: date, modifier: str = "") -> FeeScheduleItem | None:
        c = self._table.c
        return self._one(and_(c.code == code, c.modifier == modifier, c.effective == effective))


class ContractRateRepository(_Repository[ContractRate]):
    def __init__(self, session: Session) -> None:
        super().__init__(
            session,
            ContractRateRow,
            rows.contract_row,
            rows.contract_of,
            ["payer_id", "code", "modifier", "effective"],
        )

    def get(
        self, payer_id: str, code: str, effective: date, modifier: str = ""
    ) -> ContractRate | None:
        c = self._table.c
        return self._one(
            and_(
                c.payer_id == payer_id,
                c.code == code,
                c.modifier == modifier,
                c.effective == effective,
            )
        )

    def for_payer(self, payer_id: str) -> builtins.list[ContractRate]:
        return self._many(self._table.c.payer_id == payer_id)


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

    def get(self, claim_id: str) -> Claim | None:
        found = self._load(self._claims.c.claim_id == claim_id)
        return found[0] if found else None

    def for_encounter(self, encounter_id: str) -> builtins.list[Claim]:
        return self._load(self._claims.c.encounter_id == encounter_id)

    def with_status(self, status: ClaimStatus) -> builtins.list[Claim]:
        return self._load(self._claims.c.status == status.value)

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
