"""A synthetic practice with planted defects: scrubbing finds each one with the expected rule.

synth -> read_bundle -> contexts (one claim per encounter, as the import makes them) -> scrub.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from claimdesk.bundle.model import PracticeBundle
from claimdesk.bundle.reader import read_bundle
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.scrub.engine import Scrubber, ScrubResult
from claimdesk.scrub.practice import practice_contexts
from claimdesk.synth import write_practice
from claimdesk.synth.defects import DefectKind

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

EXPECTED = {
    DefectKind.MISSING_MEMBER_ID: "REG006",
    DefectKind.MISSING_ADDRESS_LINE: "REG003",
    DefectKind.DEPENDENT_AS_SELF: "REG008",
    DefectKind.EXPIRED_COVERAGE: "COV007",
    DefectKind.INVALID_DIAGNOSIS: "COD001",
    DefectKind.NON_BILLABLE_DIAGNOSIS: "COD002",
    DefectKind.BAD_REFERRING_NPI: "PRV003",
    DefectKind.WEAK_POINTER: "COD008",
    DefectKind.MISSING_MODIFIER_25: "COD014",
    DefectKind.MISSING_NDC: "PAY004",
}


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PracticeBundle]:
    folder = tmp_path_factory.mktemp("practice")
    write_practice(
        folder,
        patients=400,
        encounters=1500,
        seed=11,
        defect_rate=0.1,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    result = read_bundle(folder)
    assert result.bundle is not None, result.errors[:5]
    return folder, result.bundle


@pytest.fixture(scope="module")
def results(
    practice: tuple[Path, PracticeBundle], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ScrubResult]:
    _, bundle = practice
    reference = load_reference(tmp_path_factory.mktemp("codes"))
    contexts = practice_contexts(bundle, reference, load_config())
    scrubber = Scrubber.default()
    return {c.claim.encounter.encounter_id: scrubber.scrub(c) for c in contexts}


def _defects(folder: Path) -> list[dict[str, str]]:
    with (folder / "defects.csv").open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_every_planted_defect_is_held_with_its_rule(
    practice: tuple[Path, PracticeBundle], results: dict[str, ScrubResult]
) -> None:
    folder, bundle = practice
    encounters_of: dict[str, list[str]] = defaultdict(list)
    ages: dict[str, int] = {}
    patients = {p.account: p for p in bundle.patients}
    for encounter in bundle.encounters:
        encounters_of[encounter.patient_account].append(encounter.encounter_id)
        ages[encounter.encounter_id] = patients[encounter.patient_account].age_on(
            encounter.date_of_service
        )
    checked: dict[str, int] = defaultdict(int)
    for defect in _defects(folder):
        kind = DefectKind(defect["kind"])
        rule = EXPECTED[kind]
        if defect["encounter_id"]:
            claims = [defect["encounter_id"]]
        else:
            claims = encounters_of[defect["patient_account"]]
            if kind is DefectKind.DEPENDENT_AS_SELF:
                # Only visits while the patient is still a minor show the defect.
                claims = [e for e in claims if ages[e] < 18]
        if not claims:
            continue  # a patient without visits has no claim to hold
        held = [e for e in claims if not results[e].clean and rule in results[e].codes()]
        assert held, f"{kind} of {defect['patient_account']} {defect['encounter_id']}: no {rule}"
        checked[kind] += 1
    assert set(checked) == set(EXPECTED), checked


def test_most_claims_without_planted_defects_are_clean(
    practice: tuple[Path, PracticeBundle], results: dict[str, ScrubResult]
) -> None:
    folder, _ = practice
    defects = _defects(folder)
    planted_patients = {d["patient_account"] for d in defects if not d["encounter_id"]}
    planted_encounters = {d["encounter_id"] for d in defects if d["encounter_id"]}
    _, bundle = practice
    others = [
        e.encounter_id
        for e in bundle.encounters
        if e.encounter_id not in planted_encounters and e.patient_account not in planted_patients
    ]
    clean = sum(results[e].clean for e in others)
    # The rest are real findings in the generated data (Excludes1 pairs, same-day duplicates).
    assert clean / len(others) > 0.95
