"""Search for the desk: patients and claims by the first characters of a key or a name.

Read-only: each function takes the connection of the open unit of work (``uow.read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Connection,
    func,
    or_,
    select,
)

from claimdesk.store.repositories.sql import chunks
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.encounters import EncounterRow
from claimdesk.store.tables.patients import PatientRow
from claimdesk.store.tables.reference import (
    PayerRow,
)

CLAIMS = table_of(ClaimRow)
ENCOUNTERS = table_of(EncounterRow)
PAYERS = table_of(PayerRow)


@dataclass(frozen=True, slots=True)
class PatientHit:
    account: str
    last_name: str
    first_name: str
    birth_date: date


@dataclass(frozen=True, slots=True)
class ClaimHit:
    claim_id: str
    patient_account: str
    payer_id: str
    payer_name: str
    status: str
    date_of_service: date


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def find_patients(read: Connection, term: str, limit: int) -> list[PatientHit]:
    """Patients whose account or last name starts with ``term`` (any case)."""
    like = _like(term.lower())
    query = (
        select(
            PatientRow.account,
            PatientRow.last_name,
            PatientRow.first_name,
            PatientRow.birth_date,
        )
        .where(
            or_(
                func.lower(PatientRow.account).like(like, escape="\\"),
                func.lower(PatientRow.last_name).like(like, escape="\\"),
            )
        )
        .order_by(PatientRow.last_name, PatientRow.first_name, PatientRow.account)
        .limit(limit)
    )
    return [PatientHit(*row) for row in read.execute(query)]


def find_claims(read: Connection, term: str, limit: int) -> list[ClaimHit]:
    """Claims whose id, payer claim number or patient account starts with ``term``."""
    like = _like(term)
    query = (
        select(
            ClaimRow.claim_id,
            EncounterRow.patient_account,
            ClaimRow.payer_id,
            PayerRow.name,
            ClaimRow.status,
            EncounterRow.date_of_service,
        )
        .join(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
        .join(PayerRow, PayerRow.payer_id == ClaimRow.payer_id)
        .where(
            or_(
                ClaimRow.claim_id.like(like, escape="\\"),
                ClaimRow.payer_claim_number.like(like, escape="\\"),
                EncounterRow.patient_account.like(like, escape="\\"),
            )
        )
        .order_by(ClaimRow.claim_id)
        .limit(limit)
    )
    return [ClaimHit(*row) for row in read.execute(query)]


def claims_of_patient(read: Connection, patient_account: str) -> list[ClaimHit]:
    query = (
        select(
            ClaimRow.claim_id,
            EncounterRow.patient_account,
            ClaimRow.payer_id,
            PayerRow.name,
            ClaimRow.status,
            EncounterRow.date_of_service,
        )
        .join(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
        .join(PayerRow, PayerRow.payer_id == ClaimRow.payer_id)
        .where(EncounterRow.patient_account == patient_account)
        .order_by(EncounterRow.date_of_service.desc(), ClaimRow.claim_id)
    )
    return [ClaimHit(*row) for row in read.execute(query)]


def claim_hits(read: Connection, claim_ids: Sequence[str]) -> list[ClaimHit]:
    found: list[ClaimHit] = []
    for chunk in chunks(list(claim_ids)):
        found += [
            ClaimHit(
                row.claim_id,
                row.patient_account,
                row.payer_id,
                row.name,
                row.status,
                row.date_of_service,
            )
            for row in read.execute(
                select(
                    CLAIMS.c.claim_id,
                    ENCOUNTERS.c.patient_account,
                    CLAIMS.c.payer_id,
                    PAYERS.c.name,
                    CLAIMS.c.status,
                    ENCOUNTERS.c.date_of_service,
                )
                .join(ENCOUNTERS, ENCOUNTERS.c.encounter_id == CLAIMS.c.encounter_id)
                .join(PAYERS, PAYERS.c.payer_id == CLAIMS.c.payer_id)
                .where(CLAIMS.c.claim_id.in_(chunk))
            )
        ]
    return sorted(found, key=lambda hit: hit.claim_id)


def patient_of_claim(read: Connection, claim_id: str) -> str | None:
    query = (
        select(EncounterRow.patient_account)
        .join(ClaimRow, ClaimRow.encounter_id == EncounterRow.encounter_id)
        .where(ClaimRow.claim_id == claim_id)
    )
    return read.execute(query).scalar_one_or_none()
