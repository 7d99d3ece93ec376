"""Encounters in an import: new ones get a claim and charges; changed ones are re-charged.

The ledger is append-only, so a changed line charge is a reversal of the line's current charge
entry and a new charge entry; both ids are deterministic, so no re-import can post twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from claimdesk.domain.claims import Claim
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.ledger import Entry, Responsibility
from claimdesk.domain.payers import PayerKind
from claimdesk.services.charges import (
    SELF_PAY_PAYER_ID,
    charge_entry,
    claim_id_for,
    primary_coverage_on,
    responsibility_of,
    reverse_charge,
    self_pay_payer,
)
from claimdesk.services.import_run import BundleImportError, ImportRun, require, update_many
from claimdesk.services.practice import practice_date
from claimdesk.store import rows
from claimdesk.store.repositories.sql import chunks, insert_rows
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterDiagnosisRow, EncounterRow, ServiceLineRow
from claimdesk.store.tables.patients import PatientRow
from claimdesk.store.tables.reference import FacilityRow, PayerRow, ProviderRow


def check_encounter_references(run: ImportRun, encounters: Sequence[Encounter]) -> None:
    require(
        run,
        "encounter",
        "patient",
        PatientRow,
        "account",
        {e.encounter_id: e.patient_account for e in encounters},
    )
    require(
        run,
        "encounter",
        "rendering provider NPI",
        ProviderRow,
        "npi",
        {e.encounter_id: e.rendering_npi for e in encounters},
    )
    require(
        run,
        "encounter",
        "billing provider NPI",
        ProviderRow,
        "npi",
        {e.encounter_id: e.billing_npi for e in encounters},
    )
    require(
        run,
        "encounter",
        "facility",
        FacilityRow,
        "facility_id",
        {e.encounter_id: e.facility_id for e in encounters},
    )


@dataclass(slots=True)
class _StoredEncounters:
    headers: dict[str, rows.RowIn] = field(default_factory=dict)
    diagnoses: dict[str, dict[int, str]] = field(default_factory=dict)
    lines: dict[str, dict[int, rows.RowIn]] = field(default_factory=dict)
    claims: dict[str, rows.RowIn] = field(default_factory=dict)  # by encounter id


def _load_encounters(session: Session, encounter_ids: Sequence[str]) -> _StoredEncounters:
    stored = _StoredEncounters()
    encounters = table_of(EncounterRow)
    diagnoses = table_of(EncounterDiagnosisRow)
    lines = table_of(ServiceLineRow)
    claims = table_of(ClaimRow)
    for chunk in chunks(list(encounter_ids)):
        for row in session.execute(
            select(encounters).where(encounters.c.encounter_id.in_(chunk))
        ).mappings():
            stored.headers[row["encounter_id"]] = row
        for row in session.execute(
            select(diagnoses).where(diagnoses.c.encounter_id.in_(chunk))
        ).mappings():
            stored.diagnoses.setdefault(row["encounter_id"], {})[row["position"]] = row["code"]
        for row in session.execute(select(lines).where(lines.c.encounter_id.in_(chunk))).mappings():
            stored.lines.setdefault(row["encounter_id"], {})[row["line_number"]] = row
        claim_ids = [claim_id_for(e) for e in chunk]
        for row in session.execute(
            select(claims.c.claim_id, claims.c.encounter_id, claims.c.payer_id).where(
                claims.c.claim_id.in_(claim_ids)
            )
        ).mappings():
            stored.claims[row["encounter_id"]] = row
    return stored


@dataclass(slots=True)
class _EncounterChanges:
    """Writes collected over all stored encounters, executed in batches at the end."""

    header_updates: list[tuple[rows.RowIn, rows.Row]] = field(default_factory=list)
    diagnoses_replaced: list[Encounter] = field(default_factory=list)
    line_inserts: list[rows.Row] = field(default_factory=list)
    line_updates: list[tuple[rows.RowIn, rows.Row]] = field(default_factory=list)
    line_deletes: list[tuple[str, int]] = field(default_factory=list)
    # (encounter, line number) whose charge must be reversed and, if the line remains, posted anew
    recharge: list[tuple[Encounter, int]] = field(default_factory=list)


def sync_encounters(run: ImportRun, encounters: Sequence[Encounter]) -> None:
    by_id: dict[str, Encounter] = {}
    for encounter in encounters:
        if encounter.encounter_id in by_id:
            raise BundleImportError(
                f"encounters: {encounter.encounter_id} appears twice in the bundle"
            )
        by_id[encounter.encounter_id] = encounter
    stored = _load_encounters(run.session, list(by_id))
    counts = run.counts["encounters"]
    new = [e for e in by_id.values() if e.encounter_id not in stored.headers]
    changes = _EncounterChanges()
    unclaimed: list[Encounter] = []
    for encounter in by_id.values():
        if encounter.encounter_id not in stored.headers:
            continue
        if _compare_encounter(run, encounter, stored, changes):
            counts.updated += 1
        else:
            counts.unchanged += 1
        if encounter.encounter_id not in stored.claims:
            unclaimed.append(encounter)
    counts.inserted += len(new)
    uow = run.uow
    uow.encounters.add_many(new)
    _write_encounter_changes(run.session, changes)
    _claim_and_charge(run, [*new, *unclaimed])
    _recharge(run, changes.recharge, stored, unclaimed)


def _compare_encounter(
    run: ImportRun, encounter: Encounter, stored: _StoredEncounters, changes: _EncounterChanges
) -> bool:
    """Collect the writes that bring a stored encounter to ``encounter``; True if any."""
    eid = encounter.encounter_id
    key = (eid,)
    changed = False
    header = rows.encounter_row(encounter)
    old_header = stored.headers[eid]
    differing = [c for c in header if old_header[c] != header[c]]
    if differing:
        changed = True
        changes.header_updates.append((old_header, header))
        for column in differing:
            run.record("encounters", key, column, old_header[column], header[column])
    old_codes = tuple(code for _, code in sorted(stored.diagnoses.get(eid, {}).items()))
    if old_codes != encounter.diagnoses:
        changed = True
        changes.diagnoses_replaced.append(encounter)
        run.record(
            "encounters", key, "diagnoses", ",".join(old_codes), ",".join(encounter.diagnoses)
        )
    old_lines = stored.lines.get(eid, {})
    new_numbers = {line.line_number for line in encounter.lines}
    # A new patient on the encounter moves every charge to that patient's books.
    patient_moved = "patient_account" in differing
    for line in encounter.lines:
        row = rows.line_row(eid, line)
        old = old_lines.get(line.line_number)
        if old is None:
            changed = True
            changes.line_inserts.append(row)
            changes.recharge.append((encounter, line.line_number))
            run.record("encounters", key, f"line {line.line_number}", None, line.procedure_code)
            continue
        line_differs = [c for c in row if old[c] != row[c]]
        if line_differs:
            changed = True
            changes.line_updates.append((old, row))
            for column in line_differs:
                run.record(
                    "encounters", key, f"line {line.line_number} {column}", old[column], row[column]
                )
        if "charge" in line_differs or patient_moved:
            changes.recharge.append((encounter, line.line_number))
    for number in sorted(set(old_lines) - new_numbers):
        changed = True
        changes.line_deletes.append((eid, number))
        changes.recharge.append((encounter, number))
        run.record("encounters", key, f"line {number}", old_lines[number]["procedure_code"], None)
    return changed


def _write_encounter_changes(session: Session, changes: _EncounterChanges) -> None:
    update_many(session, table_of(EncounterRow), changes.header_updates)
    diagnoses = table_of(EncounterDiagnosisRow)
    replaced = [e.encounter_id for e in changes.diagnoses_replaced]
    for chunk in chunks(replaced):
        session.execute(delete(diagnoses).where(diagnoses.c.encounter_id.in_(chunk)))
    insert_rows(
        session,
        EncounterDiagnosisRow,
        [d for e in changes.diagnoses_replaced for d in rows.diagnosis_rows(e)],
    )
    lines = table_of(ServiceLineRow)
    if changes.line_deletes:
        session.execute(
            delete(lines).where(
                lines.c.encounter_id == bindparam("eid"), lines.c.line_number == bindparam("n")
            ),
            [{"eid": eid, "n": number} for eid, number in changes.line_deletes],
        )
    insert_rows(session, ServiceLineRow, changes.line_inserts)
    update_many(session, lines, changes.line_updates)


def _payer_kinds(session: Session, payer_ids: Iterable[str]) -> dict[str, PayerKind]:
    payers = table_of(PayerRow)
    kinds: dict[str, PayerKind] = {}
    for chunk in chunks(sorted(set(payer_ids))):
        for payer_id, kind in session.execute(
            select(payers.c.payer_id, payers.c.kind).where(payers.c.payer_id.in_(chunk))
        ):
            kinds[payer_id] = PayerKind(kind)
    return kinds


def _claim_and_charge(run: ImportRun, encounters: Sequence[Encounter]) -> None:
    """A draft claim per encounter for its primary coverage (else self-pay) and its charges."""
    if not encounters:
        return
    coverages = table_of(CoverageRow)
    by_patient: dict[str, list[Any]] = {}
    for chunk in chunks(sorted({e.patient_account for e in encounters})):
        for row in run.session.execute(
            select(coverages).where(coverages.c.patient_account.in_(chunk))
        ).mappings():
            by_patient.setdefault(row["patient_account"], []).append(rows.coverage_of(row))
    chosen = {
        e.encounter_id: primary_coverage_on(
            by_patient.get(e.patient_account, []), e.date_of_service
        )
        for e in encounters
    }
    if any(c is None for c in chosen.values()):
        _ensure_self_pay(run)
    kinds = _payer_kinds(
        run.session, {c.payer_id if c else SELF_PAY_PAYER_ID for c in chosen.values()}
    )
    claims: list[Claim] = []
    entries: list[Entry] = []
    source = f"import {run.import_id}"
    for encounter in encounters:
        coverage = chosen[encounter.encounter_id]
        payer_id = coverage.payer_id if coverage else SELF_PAY_PAYER_ID
        claim = Claim(
            claim_id=claim_id_for(encounter.encounter_id),
            encounter=encounter,
            coverage_id=coverage.coverage_id if coverage else "",
            payer_id=payer_id,
            created_at=run.now,
            created_by=run.user,
        )
        claims.append(claim)
        responsibility = responsibility_of(kinds[payer_id])
        entries.extend(
            charge_entry(
                claim_id=claim.claim_id,
                patient_account=encounter.patient_account,
                payer_id=payer_id,
                responsibility=responsibility,
                line=line,
                revision=1,
                recorded_at=run.now,
                recorded_by=run.user,
                source=source,
            )
            for line in encounter.lines
            if line.charge  # a no-charge line (e.g. a post-operative visit) posts nothing
        )
    run.uow.claims.add_many(claims)
    run.uow.ledger.append_many(entries)
    run.claims_created += len(claims)
    run.entries_posted += len(entries)


def _ensure_self_pay(run: ImportRun) -> None:
    if run.uow.payers.get(SELF_PAY_PAYER_ID) is None:
        run.uow.payers.add(self_pay_payer())
        run.counts["payers"].inserted += 1


def _recharge(
    run: ImportRun,
    recharge: list[tuple[Encounter, int]],
    stored: _StoredEncounters,
    unclaimed: list[Encounter],
) -> None:
    """Reverse the current charge of each changed line and post its new charge, if any."""
    skip = {e.encounter_id for e in unclaimed}  # charged in full by _claim_and_charge
    work = [(e, n) for e, n in recharge if e.encounter_id not in skip]
    if not work:
        return
    ledger = run.uow.ledger
    claim_rows = {e.encounter_id: stored.claims[e.encounter_id] for e, _ in work}
    kinds = _payer_kinds(run.session, {r["payer_id"] for r in claim_rows.values()})
    history = ledger.charge_entry_ids(sorted({r["claim_id"] for r in claim_rows.values()}))
    reversed_ids = ledger.reversed_ids([i for ids in history.values() for i in ids])
    current: dict[tuple[str, int], str] = {}
    for line_key, ids in history.items():
        live = [i for i in ids if i not in reversed_ids]
        if live:
            current[line_key] = live[-1]
    originals = ledger.get_many(sorted(current.values()))
    entries: list[Entry] = []
    for encounter, number in work:
        claim = claim_rows[encounter.encounter_id]
        line_key = (claim["claim_id"], number)
        current_id = current.get(line_key)
        if current_id is not None:
            entries.append(
                reverse_charge(
                    originals[current_id],
                    effective=practice_date(run.uow, run.now),
                    recorded_at=run.now,
                    recorded_by=run.user,
                    why=f"import {run.import_id}: line {number} changed",
                )
            )
        line = next((ln for ln in encounter.lines if ln.line_number == number), None)
        if line is None or not line.charge:
            continue
        responsibility: Responsibility = responsibility_of(kinds[claim["payer_id"]])
        entries.append(
            charge_entry(
                claim_id=claim["claim_id"],
                patient_account=encounter.patient_account,
                payer_id=claim["payer_id"],
                responsibility=responsibility,
                line=line,
                revision=len(history.get(line_key, [])) + 1,
                recorded_at=run.now,
                recorded_by=run.user,
                source=f"import {run.import_id}",
            )
        )
    ledger.append_many(entries)
    run.entries_posted += len(entries)
