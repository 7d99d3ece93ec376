"""Encounters in an import: new ones get a claim and charges; changed ones are re-charged.

The ledger is append-only, so a changed line charge is a reversal of the line's current charge
entry and a new charge entry; both ids are deterministic, so no re-import can post twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from claimdesk.domain.claims import Claim
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.ledger import Entry, Responsibility
from claimdesk.services.charges import (
    SELF_PAY_PAYER_ID,
    charge_entry,
    claim_id_for,
    primary_coverage_on,
    responsibility_of,
    reverse_charge,
    self_pay_payer,
)
from claimdesk.services.import_run import BundleImportError, ImportRun, refuse_moves, require
from claimdesk.services.practice import posting_date
from claimdesk.store import rows
from claimdesk.store.repositories.imports import StoredEncounters


def check_encounter_references(run: ImportRun, encounters: Sequence[Encounter]) -> None:
    require(
        run,
        "encounter",
        "patient",
        "patients",
        {e.encounter_id: e.patient_account for e in encounters},
    )
    require(
        run,
        "encounter",
        "rendering provider NPI",
        "providers",
        {e.encounter_id: e.rendering_npi for e in encounters},
    )
    require(
        run,
        "encounter",
        "billing provider NPI",
        "providers",
        {e.encounter_id: e.billing_npi for e in encounters},
    )
    require(
        run,
        "encounter",
        "facility",
        "facilities",
        {e.encounter_id: e.facility_id for e in encounters},
    )


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
    stored = run.uow.imports.stored_encounters({e: claim_id_for(e) for e in by_id})
    refuse_moves(
        "encounters",
        [
            (eid, header["patient_account"], by_id[eid].patient_account)
            for eid, header in stored.headers.items()
            if header["patient_account"] != by_id[eid].patient_account
        ],
    )
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
    _write_encounter_changes(run, changes)
    _claim_and_charge(run, [*new, *unclaimed])
    _recharge(run, changes.recharge, stored, unclaimed)


def _compare_encounter(
    run: ImportRun, encounter: Encounter, stored: StoredEncounters, changes: _EncounterChanges
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


def _write_encounter_changes(run: ImportRun, changes: _EncounterChanges) -> None:
    imports = run.uow.imports
    imports.update("encounters", changes.header_updates)
    imports.replace_diagnoses(changes.diagnoses_replaced)
    imports.delete_lines(changes.line_deletes)
    imports.insert("service_lines", changes.line_inserts)
    imports.update("service_lines", changes.line_updates)


def _claim_and_charge(run: ImportRun, encounters: Sequence[Encounter]) -> None:
    """A draft claim per encounter for its primary coverage (else self-pay) and its charges."""
    if not encounters:
        return
    by_patient = run.uow.imports.coverages_of(e.patient_account for e in encounters)
    chosen = {
        e.encounter_id: primary_coverage_on(
            by_patient.get(e.patient_account, []), e.date_of_service
        )
        for e in encounters
    }
    if any(c is None for c in chosen.values()):
        _ensure_self_pay(run)
    kinds = run.uow.imports.payer_kinds(
        {c.payer_id if c else SELF_PAY_PAYER_ID for c in chosen.values()}
    )
    claims: list[Claim] = []
    entries: list[Entry] = []
    source = f"import {run.import_id}"
    closed = run.uow.periods.closed()
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
                effective=closed.postable(line.date_of_service),
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
    stored: StoredEncounters,
    unclaimed: list[Encounter],
) -> None:
    """Reverse the current charge of each changed line and post its new charge, if any."""
    skip = {e.encounter_id for e in unclaimed}  # charged in full by _claim_and_charge
    work = [(e, n) for e, n in recharge if e.encounter_id not in skip]
    if not work:
        return
    ledger = run.uow.ledger
    claim_rows = {e.encounter_id: stored.claims[e.encounter_id] for e, _ in work}
    kinds = run.uow.imports.payer_kinds({r["payer_id"] for r in claim_rows.values()})
    history = ledger.charge_entry_ids(sorted({r["claim_id"] for r in claim_rows.values()}))
    reversed_ids = ledger.reversed_ids([i for ids in history.values() for i in ids])
    current: dict[tuple[str, int], str] = {}
    for line_key, ids in history.items():
        live = [i for i in ids if i not in reversed_ids]
        if live:
            current[line_key] = live[-1]
    originals = ledger.get_many(sorted(current.values()))
    closed = run.uow.periods.closed()
    entries: list[Entry] = []
    for encounter, number in work:
        claim = claim_rows[encounter.encounter_id]
        line_key = (claim["claim_id"], number)
        current_id = current.get(line_key)
        if current_id is not None:
            entries.append(
                reverse_charge(
                    originals[current_id],
                    effective=posting_date(run.uow, run.now),
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
                effective=closed.postable(line.date_of_service),
            )
        )
    ledger.append_many(entries)
    run.entries_posted += len(entries)
