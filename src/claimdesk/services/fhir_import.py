"""Use case: import a FHIR file (a Bundle or NDJSON) as a practice bundle, all or nothing.

The file is read and every resource validated by the library's models; the resources become
the practice's records with the checks a CSV bundle's rows get; references to records not in
the file must name records claimdesk holds. Only then is the bundle stored, by the same
import as a CSV bundle's, so importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from claimdesk.bundle.model import PracticeBundle
from claimdesk.config import Settings
from claimdesk.fhir.practice import PracticeRead, practice_of
from claimdesk.fhir.problems import FhirProblem
from claimdesk.fhir.reading import Needed
from claimdesk.fhir.source import read_fhir
from claimdesk.services.database import units_of_work
from claimdesk.services.import_bundle import ImportReport, import_bundle
from claimdesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class FhirImport:
    """Either the stored import's report, or every problem found (and nothing stored)."""

    report: ImportReport | None
    problems: tuple[FhirProblem, ...]


def import_fhir_file(settings: Settings, path: Path, *, user: str, now: datetime) -> FhirImport:
    """Import the FHIR file at ``path``; a date of service after the practice's today (at
    ``now``) is a problem. An unreadable file raises OSError."""
    content = path.read_bytes()
    read = read_fhir(path.name, content)
    if read.problems:
        return FhirImport(None, read.problems)
    with units_of_work(settings) as uow_factory:
        with uow_factory() as uow:
            zone = uow.practice.profile().time_zone
            stored_fees = uow.fee_schedule.list()
            mapped = practice_of(
                read.resources,
                stored_fees=stored_fees,
                stored_place=lambda facility_id: _place_of(uow, facility_id),
                now=now,
                zone=zone,
            )
            bundle = mapped.bundle
            problems = mapped.problems if bundle is None else _unknown(uow, bundle, mapped)
        if bundle is None or problems:
            return FhirImport(None, problems)
        report = import_bundle(
            uow_factory,
            bundle,
            source=str(path.resolve()),
            files_sha256=hashlib.sha256(content).hexdigest(),
            user=user,
            now=now,
        )
    return FhirImport(report, ())


def _place_of(uow: UnitOfWork, facility_id: str) -> str | None:
    found = uow.facilities.get(facility_id)
    return None if found is None else found.place_of_service


def _unknown(
    uow: UnitOfWork, bundle: PracticeBundle, mapped: PracticeRead
) -> tuple[FhirProblem, ...]:
    """A problem for each reference to a record that is neither in the file nor stored."""
    in_file = _keys(bundle)
    wanted: dict[str, list[Needed]] = defaultdict(list)
    for needed in mapped.needed:
        if needed.key not in in_file[needed.entity]:
            wanted[needed.entity].append(needed)
    problems: list[FhirProblem] = []
    for entity, needs in wanted.items():
        stored = uow.imports.stored_keys(entity, [n.key for n in needs])
        problems.extend(n.missing() for n in needs if n.key not in stored)
    return tuple(problems)


def _keys(bundle: PracticeBundle) -> dict[str, set[str]]:
    return {
        "payers": {p.payer_id for p in bundle.payers},
        "providers": {p.npi for p in bundle.providers},
        "facilities": {f.facility_id for f in bundle.facilities},
        "patients": {p.account for p in bundle.patients},
        "coverages": {c.coverage_id for c in bundle.coverages},
        "guarantors": {g.account for g in bundle.guarantors},
        "encounters": {e.encounter_id for e in bundle.encounters},
    }
