"""Import a practice bundle: upsert by natural key, audit every change, charge new encounters.

All or nothing: the whole bundle is one unit of work. Rows are compared with what is stored
and written in batches (one executemany per table and kind of change), so a bundle of 100,000
encounters costs a few hundred statements, not a few hundred thousand.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.parties import Patient
from claimdesk.services.import_encounters import check_encounter_references, sync_encounters
from claimdesk.services.import_run import (
    ENTITIES,
    BundleImportError,
    EntityCounts,
    ImportRun,
    key_text,
    refuse_moves,
    require,
)
from claimdesk.services.practice import change_settings
from claimdesk.store import rows
from claimdesk.store.repositories.imports import Key, natural_key
from claimdesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ImportReport:
    import_id: str
    counts: dict[str, EntityCounts]
    claims_created: int
    ledger_entries_posted: int
    changes_recorded: int
    practice_settings_changed: tuple[str, ...] = ()  # practice.toml keys whose value changed

    @property
    def inserted(self) -> int:
        return sum(c.inserted for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> bool:
        """Nothing was stored: no record, no charge, no practice setting."""
        return not (
            self.inserted
            or self.updated
            or self.ledger_entries_posted
            or self.practice_settings_changed
        )

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
            "practice_settings_changed": list(self.practice_settings_changed),
        }


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
    with uow_factory() as uow:
        # First: the practice settings in the bundle are audited in this transaction.
        uow.audit.lock()
        report = store_bundle(
            uow, bundle, source=source, files_sha256=files_sha256, user=user, now=now
        )
        uow.commit()
    return report


def store_bundle(
    uow: UnitOfWork,
    bundle: PracticeBundle,
    *,
    source: str,
    files_sha256: str,
    user: str,
    now: datetime,
) -> ImportReport:
    """:func:`import_bundle` in the caller's transaction (an interface message stores its
    records with the message itself), which has taken the audit lock first; the caller
    commits."""
    import_id = uuid.uuid4().hex
    run = ImportRun(uow, import_id, user, now)
    uow.imports.start(
        import_id,
        started_at=now,
        imported_by=user,
        bundle_path=source,
        files_sha256=files_sha256,
    )
    _upsert(run, "payers", [rows.payer_row(p) for p in bundle.payers])
    _upsert(run, "providers", [rows.provider_row(p) for p in bundle.providers])
    _upsert(run, "facilities", [rows.facility_row(f) for f in bundle.facilities])
    _upsert(run, "guarantors", [rows.guarantor_row(g) for g in bundle.guarantors])
    require(
        run,
        "patients",
        "guarantor",
        "guarantors",
        {p.account: p.guarantor_account for p in bundle.patients},
    )
    _upsert(run, "patients", [_registered(p) for p in bundle.patients])
    require(
        run,
        "coverages",
        "patient",
        "patients",
        {c.coverage_id: c.patient_account for c in bundle.coverages},
    )
    require(
        run,
        "coverages",
        "payer",
        "payers",
        {c.coverage_id: c.payer_id for c in bundle.coverages},
    )
    _upsert(
        run, "coverages", [rows.coverage_row(c) for c in bundle.coverages], owner="patient_account"
    )
    _upsert(run, "fee_schedule", [rows.fee_row(f) for f in bundle.fee_schedule])
    require(
        run,
        "contracts",
        "payer",
        "payers",
        {
            key_text((r.payer_id, r.code, r.modifier, r.effective)): r.payer_id
            for r in bundle.contracts
        },
    )
    _upsert(run, "contracts", [rows.contract_row(r) for r in bundle.contracts])
    check_encounter_references(run, bundle.encounters)
    sync_encounters(run, bundle.encounters)
    uow.imports.record_changes(run.changes)
    settings_changed = change_settings(uow, bundle.practice, by=user, now=now)
    report = ImportReport(
        import_id=import_id,
        counts=run.counts,
        claims_created=run.claims_created,
        ledger_entries_posted=run.entries_posted,
        changes_recorded=len(run.changes),
        practice_settings_changed=tuple(settings_changed),
    )
    uow.imports.finish(import_id, finished_at=datetime.now(UTC), counts=report.as_dict())
    return report


def _registered(patient: Patient) -> rows.Row:
    """The patient's row as the bundle gives it: without the day the patient confirmed being
    uninsured, which the desk records (claim editor) and no bundle carries, so an import never
    clears it."""
    row = rows.patient_row(patient)
    del row["uninsured_since"]
    return row


def _upsert(
    run: ImportRun, entity: str, new_rows: Sequence[rows.Row], *, owner: str | None = None
) -> None:
    """Insert or update ``new_rows`` by natural key; with ``owner``, a stored row keeps that
    column's value (a coverage its patient: ``refuse_moves``)."""
    key_columns = natural_key(entity)
    by_key: dict[Key, rows.Row] = {}
    for row in new_rows:
        key = tuple(row[c] for c in key_columns)
        if key in by_key:
            raise BundleImportError(f"{entity}: {key_text(key)} appears twice in the bundle")
        by_key[key] = row
    imports = run.uow.imports
    stored = imports.stored(entity, by_key)
    if owner is not None:
        refuse_moves(
            entity,
            [
                (key_text(key), old[owner], by_key[key][owner])
                for key, old in stored.items()
                if old[owner] != by_key[key][owner]
            ],
        )
    counts = run.counts[entity]
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
            run.record(entity, key, column, old[column], row[column])
        changed.append((old, row))
    imports.insert(entity, inserts)
    imports.update(entity, changed)
    counts.inserted += len(inserts)
    counts.updated += len(changed)


__all__ = [
    "ENTITIES",
    "BundleImportError",
    "EntityCounts",
    "ImportReport",
    "import_bundle",
    "store_bundle",
]
