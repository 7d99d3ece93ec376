"""Search for the desk: patients and claims by the first characters of a key or a name.

Read-only: each function takes the connection of the open unit of work (``uow.read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    func,
    or_,
    select,
    union,
)

from claimdesk.store.repositories.sql import chunks
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterRow
from claimdesk.store.tables.patients import PatientRow
from claimdesk.store.tables.reference import (
    PayerRow,
)

CLAIMS = table_of(ClaimRow)
COVERAGES = table_of(CoverageRow)
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


def _birth_date(term: str) -> date | None:
    """``term`` as a date of birth: 1970-05-04 or 05/04/1970; None when it is not one."""
    text = term.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[0]), int(parts[1]))
        except ValueError:
            return None
    return None


def find_patients(read: Connection, term: str, limit: int) -> list[PatientHit]:
    """Patients found by ``term`` (any case): a date of birth (1970-05-04 or 05/04/1970); a name
    in either order ("Jane Doe", "Doe Jane", "Doe, Jane": each word the start of the last or the
    first name); or the start of an account, a last or first name or a member id."""
    p = PatientRow
    born = _birth_date(term)
    words = [w for w in term.replace(",", " ").lower().split() if w]

    def starts(column: Any, word: str) -> Any:
        return func.lower(column).like(_like(word), escape="\\")

    if born is not None:
        found: Any = p.birth_date == born
    elif len(words) >= 2:
        first, last = words[0], " ".join(words[1:])
        found = or_(
            and_(starts(p.first_name, first), starts(p.last_name, last)),
            and_(starts(p.last_name, first), starts(p.first_name, last)),
        )
    else:
        word = words[0] if words else ""
        members = select(COVERAGES.c.patient_account).where(starts(COVERAGES.c.member_id, word))
        found = or_(
            starts(p.account, word),
            starts(p.last_name, word),
            starts(p.first_name, word),
            p.account.in_(members),
        )
    query = (
        select(p.account, p.last_name, p.first_name, p.birth_date)
        .where(found)
        .order_by(p.last_name, p.first_name, p.account)
        .limit(limit)
    )
    return [PatientHit(*row) for row in read.execute(query)]


def find_claims(read: Connection, term: str, limit: int) -> list[ClaimHit]:
    """Claims whose id, payer claim number or patient account starts with ``term``.

    One query per key, each read from that key's index (``tables.claims.PREFIX``), merged: one
    query with the three keys OR-ed read every claim (400 ms at a million claims)."""
    like = _like(term)
    keys = (
        ClaimRow.claim_id.like(like, escape="\\"),
        ClaimRow.payer_claim_number.like(like, escape="\\"),
        EncounterRow.patient_account.like(like, escape="\\"),
    )
    parts = [
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
        .where(key)
        .order_by(ClaimRow.claim_id)
        .limit(limit)
        .subquery()
        .select()
        for key in keys
    ]
    merged = union(*parts).subquery()
    query = select(merged).order_by(merged.c.claim_id).limit(limit)
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
