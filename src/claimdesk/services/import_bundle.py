"""Import a practice bundle: upsert by natural key, audit every change, charge new encounters.

All or nothing: the whole bundle is one unit of work. Rows are compared with what is stored
and written in batches (one executemany per table and kind of change), so a bundle of 100,000
encounters costs a few hundred statements, not a few hundred thousand.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, select, update
from sqlalchemy.orm import Session

from claimdesk.bundle.model import PracticeBundle
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
from claimdesk.store import rows
from claimdesk.store.repositories import chunks, insert_rows
from claimdesk.store.tables import (
    Base,
    ClaimRow,
    ContractRateRow,
    CoverageRow,
    EncounterDiagnosisRow,
    EncounterRow,
    FacilityRow,
    FeeScheduleRow,
    GuarantorRow,
    ImportChangeRow,
    ImportRow,
    PatientRow,
    PayerRow,
    ProviderRow,
    ServiceLineRow,
    table_of,
)
from claimdesk.store.uow import UnitOfWork

Key = tuple[Any, ...]


class BundleImportError(ValueError):
    """The bundle cannot be stored as it is; nothing was written."""


@dataclass(slots=True)
class EntityCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    import_id: str
    counts: dict[str, EntityCounts]
    claims_created: int
    ledger_entries_posted: int
    changes_recorded: int

    @property
    def inserted(self) -> int:
        return sum(c.inserted for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "counts": {
                entity: {"inserted": c.inserted, "updated": c.updated, "unchanged": c.unchanged}
                for entity, c in self.counts.items()
            },
            "claims_created": self.claims_created,
            "ledger_entries_posted": self.ledger_entries_posted,
            "changes_recorded": self.changes_recorded,
        }


@dataclass(frozen=True, slots=True)
class _Entity:
    name: str
    model: type[Base]
    key: tuple[str, ...]


# In foreign-key order: everything an encounter refers to is stored before it.
_PAYERS = _Entity("payers", PayerRow, ("payer_id",))
_PROVIDERS = _Entity("providers", ProviderRow, ("npi",))
_FACILITIES = _Entity("facilities", FacilityRow, ("facility_id",))
_GUARANTORS = _Entity("guarantors", GuarantorRow, ("account",))
_PATIENTS = _Entity("patients", PatientRow, ("account",))
_COVERAGES = _Entity("coverages", CoverageRow, ("coverage_id",))
_FEES = _Entity("fee_schedule", FeeScheduleRow, ("code", "modifier", "effective"))
_CONTRACTS = _Entity("contracts", ContractRateRow, ("payer_id", "code", "modifier", "effective"))
ENTITIES = (
    *(e.name for e in (_PAYERS, _PROVIDERS, _FACILITIES, _GUARANTORS, _PATIENTS, _COVERAGES)),
    _FEES.name,
    _CONTRACTS.name,
    "encounters",
)


def _text(value: Any) -> str | None:
    # str() of a date is ISO 8601 and of a Decimal its exact digits.
    return None if value is None else str(value)


def _key_text(key: Key) -> str:
    return "|".join("" if part is None else str(part) for part in key)


@dataclass(slots=True)
class _Run:
    """What one import has done so far, inside its unit of work."""

    uow: UnitOfWork
    import_id: str
    user: str
    now: datetime
    counts: dict[str, EntityCounts] = field(
        default_factory=lambda: {name: EntityCounts() for name in ENTITIES}
    )
    changes: list[rows.Row] = field(default_factory=list)
    claims_created: int = 0
    entries_posted: int = 0

    @property
    def session(self) -> Session:
        return self.uow.session

    def record(self, entity: str, key: Key, name: str, old: Any, new: Any) -> None:
        self.changes.append(
            {
                "changed_at": self.now,
                "changed_by": self.user,
                "entity": entity,
                "natural_key": _key_text(key),
                "field": name,
                "old_value": _text(old),
                "new_value": _text(new),
                "import_id": self.import_id,
            }
        )


def import_bundle(
    uow_factory: Callable[[], UnitOfWork],
    bundle: PracticeBundle,
    *,
    source: str,
    files_sha256: str,
    user: str,
    now: datetime,
) -> ImportReport:
    """Store ``bundle``; importing the same bundle again inserts, updates and posts nothing.

    ``source`` is the bundle's path, ``files_sha256`` the digest of its files; both are kept in
    the ``imports`` table with the counts. Raises :class:`BundleImportError` (nothing stored) for
    a bundle that refers to rows that exist neither in it nor in the database.
    """
    if now.tzinfo is None:
        raise ValueError("the import time needs an explicit time zone")
    import_id = uuid.uuid4().hex
    with uow_factory() as uow:
        run = _Run(uow, import_id, user, now)
        insert_rows(
            run.session,
            ImportRow,
            [
                {
                    "import_id": import_id,
                    "started_at": now,
                    "finished_at": None,
                    "imported_by": user,
                    "bundle_path": source,
                    "files_sha256": files_sha256,
                    "counts": {},
                }
            ],
        )
        _upsert(run, _PAYERS, [rows.payer_row(p) for p in bundle.payers])
        _upsert(run, _PROVIDERS, [rows.provider_row(p) for p in bundle.providers])
        _upsert(run, _FACILITIES, [rows.facility_row(f) for f in bundle.facilities])
        _upsert(run, _GUARANTORS, [rows.guarantor_row(g) for g in bundle.guarantors])
        _require(
            run,
            "patients",
            "guarantor",
            GuarantorRow,
            "account",
            {p.account: p.guarantor_account for p in bundle.patients},
        )
        _upsert(run, _PATIENTS, [rows.patient_row(p) for p in bundle.patients])
        _require(
            run,
            "coverages",
            "patient",
            PatientRow,
            "account",
            {c.coverage_id: c.patient_account for c in bundle.coverages},
        )
        _require(
            run,
            "coverages",
            "payer",
            PayerRow,
            "payer_id",
            {c.coverage_id: c.payer_id for c in bundle.coverages},
        )
        _upsert(run, _COVERAGES, [rows.coverage_row(c) for c in bundle.coverages])
        _upsert(run, _FEES, [rows.fee_row(f) for f in bundle.fee_schedule])
        _require(
            run,
            "contracts",
            "payer",
            PayerRow,
            "payer_id",
            {
                _key_text((r.payer_id, r.code, r.modifier, r.effective)): r.payer_id
                for r in bundle.contracts
            },
        )
        _upsert(run, _CONTRACTS, [rows.contract_row(r) for r in bundle.contracts])
        _check_encounter_references(run, bundle.encounters)
        _sync_encounters(run, bundle.encounters)
        insert_rows(run.session, ImportChangeRow, run.changes)
        report = ImportReport(
            import_id=import_id,
            counts=run.counts,
            claims_created=run.claims_created,
            ledger_entries_posted=run.entries_posted,
            changes_recorded=len(run.changes),
        )
        imports = table_of(ImportRow)
        run.session.execute(
            update(imports)
            .where(imports.c.import_id == import_id)
            .values(finished_at=datetime.now(UTC), counts=report.as_dict())
        )
        uow.commit()
    return report


def _stored(
    session: Session, table: Table, key: tuple[str, ...], keys: Iterable[Key]
) -> dict[Key, rows.RowIn]:
    """Stored rows whose natural key is among ``keys``, by key (one query per chunk)."""
    wanted = set(keys)
    firsts = sorted({k[0] for k in wanted})
    found: dict[Key, rows.RowIn] = {}
    for chunk in chunks(firsts):
        for row in session.execute(select(table).where(table.c[key[0]].in_(chunk))).mappings():
            row_key = tuple(row[c] for c in key)
            if row_key in wanted:
                found[row_key] = row
    return found


def _update_many(
    session: Session, table: Table, changed: list[tuple[rows.RowIn, rows.Row]]
) -> None:
    """UPDATE each stored row (by primary key) to its new values, in one executemany."""
    if not changed:
        return
    primary = [c.name for c in table.primary_key.columns]
    columns = [c for c in changed[0][1] if c not in primary]
    statement = (
        update(table)
        .where(and_(*(table.c[c] == bindparam(f"pk_{c}") for c in primary)))
        .values({c: bindparam(f"new_{c}") for c in columns})
    )
    session.execute(
        statement,
        [
            {**{f"pk_{c}": old[c] for c in primary}, **{f"new_{c}": new[c] for c in columns}}
            for old, new in changed
        ],
    )


def _upsert(run: _Run, entity: _Entity, new_rows: Sequence[rows.Row]) -> None:
    table = table_of(entity.model)
    by_key: dict[Key, rows.Row] = {}
    for row in new_rows:
        key = tuple(row[c] for c in entity.key)
        if key in by_key:
            raise BundleImportError(f"{entity.name}: {_key_text(key)} appears twice in the bundle")
        by_key[key] = row
    stored = _stored(run.session, table, entity.key, by_key)
    counts = run.counts[entity.name]
    inserts: list[rows.Row] = []
    changed: list[tuple[rows.RowIn, rows.Row]] = []
    for key, row in by_key.items():
        old = stored.get(key)
        if old is None:
            inserts.append(row)
            continue
        differing = [c for c in row if old[c] != row[c]]
        if not differing:
            counts.unchanged += 1
            continue
        for column in differing:
            run.record(entity.name, key, column, old[column], row[column])
        changed.append((old, row))
    insert_rows(run.session, entity.model, inserts)
    _update_many(run.session, table, changed)
    counts.inserted += len(inserts)
    counts.updated += len(changed)


def _require(
    run: _Run, entity: str, what: str, model: type[Base], column: str, refs: dict[str, str | None]
) -> None:
    """Every non-empty reference in ``refs`` (row key -> referenced key) must be stored."""
    table = table_of(model)
    wanted = sorted({v for v in refs.values() if v})
    known: set[str] = set()
    for chunk in chunks(wanted):
        known.update(
            run.session.execute(select(table.c[column]).where(table.c[column].in_(chunk))).scalars()
        )
    missing = [(k, v) for k, v in refs.items() if v and v not in known]
    if missing:
        shown = "; ".join(f"{entity} {k}: {what} {v}" for k, v in missing[:5])
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise BundleImportError(
            f"{len(missing)} reference(s) to a {what} that is neither in the bundle nor "
            f"stored: {shown}{more}"
        )


def _check_encounter_references(run: _Run, encounters: Sequence[Encounter]) -> None:
    _require(
        run,
        "encounter",
        "patient",
        PatientRow,
        "account",
        {e.encounter_id: e.patient_account for e in encounters},
    )
    _require(
        run,
        "encounter",
        "rendering provider NPI",
        ProviderRow,
        "npi",
        {e.encounter_id: e.rendering_npi for e in encounters},
    )
    _require(
        run,
        "encounter",
        "billing provider NPI",
        ProviderRow,
        "npi",
        {e.encounter_id: e.billing_npi for e in encounters},
    )
    _require(
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


def _sync_encounters(run: _Run, encounters: Sequence[Encounter]) -> None:
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
    run: _Run, encounter: Encounter, stored: _StoredEncounters, changes: _EncounterChanges
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
    _update_many(session, table_of(EncounterRow), changes.header_updates)
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
    _update_many(session, lines, changes.line_updates)


def _payer_kinds(session: Session, payer_ids: Iterable[str]) -> dict[str, PayerKind]:
    payers = table_of(PayerRow)
    kinds: dict[str, PayerKind] = {}
    for chunk in chunks(sorted(set(payer_ids))):
        for payer_id, kind in session.execute(
            select(payers.c.payer_id, payers.c.kind).where(payers.c.payer_id.in_(chunk))
        ):
            kinds[payer_id] = PayerKind(kind)
    return kinds


def _claim_and_charge(run: _Run, encounters: Sequence[Encounter]) -> None:
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


def _ensure_self_pay(run: _Run) -> None:
    if run.uow.payers.get(SELF_PAY_PAYER_ID) is None:
        run.uow.payers.add(self_pay_payer())
        run.counts["payers"].inserted += 1


def _recharge(
    run: _Run,
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


__all__ = [
    "ENTITIES",
    "BundleImportError",
    "EntityCounts",
    "ImportReport",
    "import_bundle",
]
