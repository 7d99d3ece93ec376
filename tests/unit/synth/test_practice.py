"""The synthetic practice: readable by the bundle reader, deterministic, realistic, defective."""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
import simple_icd_10_cm as icd

from claimdesk.bundle.layout import LAYOUTS
from claimdesk.bundle.model import PracticeBundle
from claimdesk.bundle.reader import bundle_sha256, read_bundle
from claimdesk.domain.coverage import Relationship
from claimdesk.domain.payers import PayerKind
from claimdesk.domain.practice import PRACTICE_FILE
from claimdesk.domain.providers import npi_is_valid
from claimdesk.synth import SynthSummary, write_practice
from claimdesk.synth.catalog import EM_CODES, FEES, NEEDS_MODIFIER_25
from claimdesk.synth.defects import ENCOUNTER_KINDS, PATIENT_KINDS, DefectKind
from claimdesk.synth.plans import PLANS_FILE
from claimdesk.synth.practice import DEFECTS_FILE

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

PATIENTS = 300
ENCOUNTERS = 900


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("practice")
    return out, write_practice(
        out,
        patients=PATIENTS,
        encounters=ENCOUNTERS,
        seed=11,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )


@pytest.fixture(scope="module")
def bundle(practice: tuple[Path, SynthSummary]) -> PracticeBundle:
    result = read_bundle(practice[0])
    assert result.errors == ()
    assert result.bundle is not None
    return result.bundle


@pytest.fixture(scope="module")
def defects(practice: tuple[Path, SynthSummary]) -> list[dict[str, str]]:
    with (practice[0] / DEFECTS_FILE).open(newline="") as stream:
        return list(csv.DictReader(stream))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_reader_accepts_the_practice_and_counts_match(
    practice: tuple[Path, SynthSummary], bundle: PracticeBundle
) -> None:
    counts = practice[1].counts
    assert len(bundle.patients) == counts["patients"] == PATIENTS
    assert len(bundle.encounters) == counts["encounters"] == ENCOUNTERS
    assert len(bundle.coverages) == counts["coverages"]
    assert len(bundle.guarantors) == counts["guarantors"]
    assert len(bundle.contracts) == counts["contracts"]
    assert sum(len(e.lines) for e in bundle.encounters) == counts["service_lines"]
    assert sum(len(e.diagnoses) for e in bundle.encounters) == counts["diagnoses"]
    assert practice[1].sha256 == bundle_sha256(practice[0])


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    first = write_practice(
        tmp_path / "a", patients=40, encounters=80, seed=5, as_of=REFERENCE_DATE, days=PERIOD_DAYS
    )
    second = write_practice(
        tmp_path / "b", patients=40, encounters=80, seed=5, as_of=REFERENCE_DATE, days=PERIOD_DAYS
    )
    other = write_practice(
        tmp_path / "c", patients=40, encounters=80, seed=6, as_of=REFERENCE_DATE, days=PERIOD_DAYS
    )

    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert first.sha256 == second.sha256
    assert other.sha256 != first.sha256
    assert _files(tmp_path / "c")["encounters.csv"] != _files(tmp_path / "a")["encounters.csv"]


def test_payers_have_real_windows_and_member_ids_match_their_patterns(
    bundle: PracticeBundle, defects: list[dict[str, str]]
) -> None:
    kinds = Counter(p.kind for p in bundle.payers)
    assert kinds[PayerKind.MEDICARE] == kinds[PayerKind.MEDICAID] == 1
    assert kinds[PayerKind.COMMERCIAL] >= 2
    assert kinds[PayerKind.WORKERS_COMP] == 1
    for payer in bundle.payers:
        if payer.kind in (PayerKind.MEDICARE, PayerKind.MEDICAID):
            assert str(payer.timely_filing) == "12 months"
        if payer.kind is PayerKind.COMMERCIAL:
            assert payer.timely_filing_days is not None
            assert 90 <= payer.timely_filing_days <= 180
        assert 60 <= payer.appeal_window_days <= 180
    patterns = {p.payer_id: re.compile(p.member_id_pattern) for p in bundle.payers}
    blanked = {d["coverage_id"] for d in defects if d["kind"] == "missing_member_id"}
    for coverage in bundle.coverages:
        if coverage.coverage_id in blanked:
            assert coverage.member_id == ""
        else:
            assert patterns[coverage.payer_id].fullmatch(coverage.member_id), coverage


def test_providers_codes_and_money_are_realistic(
    bundle: PracticeBundle, defects: list[dict[str, str]]
) -> None:
    assert all(npi_is_valid(p.npi) for p in bundle.providers)
    assert {"207Q00000X", "207R00000X", "208D00000X", "363LF0000X"} <= {
        p.taxonomy for p in bundle.providers
    }
    assert {f.place_of_service for f in bundle.facilities} == {"11", "22", "02"}
    assert {f.code for f in bundle.fee_schedule} == set(FEES)
    assert len(FEES) >= 40
    charge = {f.code: f.charge for f in bundle.fee_schedule}
    kind = {p.payer_id: p.kind for p in bundle.payers}
    for rate in bundle.contracts:
        assert rate.allowed < charge[rate.code]
    medicare = [r.allowed for r in bundle.contracts if kind[r.payer_id] is PayerKind.MEDICARE]
    commercial = [r.allowed for r in bundle.contracts if kind[r.payer_id] is PayerKind.COMMERCIAL]
    assert sum(m.cents for m in medicare) / len(medicare) < sum(c.cents for c in commercial) / len(
        commercial
    )
    changed = Counter((r.payer_id, r.code) for r in bundle.contracts)
    assert any(n == 2 for n in changed.values())
    bad_codes = {d["encounter_id"] for d in defects if "diagnosis" in d["kind"]}
    for encounter in bundle.encounters:
        assert 1 <= len(encounter.lines) <= 4
        # Every visit falls in the PERIOD_DAYS days ending at the as-of date, that day included.
        assert encounter.date_of_service <= REFERENCE_DATE
        assert (REFERENCE_DATE - encounter.date_of_service).days < PERIOD_DAYS
        if encounter.encounter_id not in bad_codes:
            assert all(icd.is_leaf(code) for code in encounter.diagnoses), encounter
        for line in encounter.lines:
            assert line.charge == charge[line.procedure_code] * int(line.units)


def test_population_spans_ages_with_guarantors_for_minors_and_secondary_coverage(
    bundle: PracticeBundle,
) -> None:
    today = REFERENCE_DATE
    ages = [p.age_on(today) for p in bundle.patients]
    assert min(ages) < 18
    assert max(ages) >= 65
    for patient in bundle.patients:
        assert (patient.guarantor_account is not None) == (patient.age_on(date(2025, 9, 30)) < 18)
    medicare = {c.patient_account for c in bundle.coverages if c.payer_id == "MCR01"}
    elderly = {p.account for p in bundle.patients if p.age_on(today) >= 66}
    assert len(medicare & elderly) > 0.8 * len(medicare)
    assert any(c.priority == 2 for c in bundle.coverages)
    tiers = Counter(int(c.network_tier) for c in bundle.coverages)
    assert tiers[1] > tiers[2] > tiers[3] > 0
    assert any(c.relationship is Relationship.CHILD for c in bundle.coverages)


def test_modifiers_sit_where_coding_practice_puts_them(
    bundle: PracticeBundle, defects: list[dict[str, str]]
) -> None:
    missing_25 = {d["encounter_id"] for d in defects if d["kind"] == "missing_modifier_25"}
    for encounter in bundle.encounters:
        codes = {line.procedure_code for line in encounter.lines}
        em = encounter.lines[0]
        if em.procedure_code in EM_CODES and codes & NEEDS_MODIFIER_25:
            expected = encounter.encounter_id not in missing_25
            assert ("25" in em.modifiers) == expected, encounter
        for line in encounter.lines:
            if line.procedure_code == "20610":
                assert {"RT", "LT"} & set(line.modifiers)
            if "95" in line.modifiers:
                assert line.place_of_service == "02"
    all_modifiers = {m for e in bundle.encounters for line in e.lines for m in line.modifiers}
    assert {"25", "59", "RT", "LT", "95"} <= all_modifiers


def test_every_defect_kind_appears_at_a_moderate_rate_and_survives_reading(
    bundle: PracticeBundle, defects: list[dict[str, str]]
) -> None:
    encounters = {e.encounter_id: e for e in bundle.encounters}
    patients = {p.account: p for p in bundle.patients}
    coverages = {c.coverage_id: c for c in bundle.coverages}
    per_kind: dict[str, set[str]] = {}
    for defect in defects:
        per_kind.setdefault(defect["kind"], set()).add(
            defect["encounter_id"] or defect["patient_account"]
        )
        encounter = encounters.get(defect["encounter_id"])
        coverage = coverages.get(defect["coverage_id"])
        match defect["kind"]:
            case "invalid_diagnosis":
                assert encounter is not None
                assert any(not icd.is_valid_item(code) for code in encounter.diagnoses)
            case "non_billable_diagnosis":
                assert encounter is not None
                assert any(
                    icd.is_valid_item(code) and not icd.is_leaf(code)
                    for code in encounter.diagnoses
                )
            case "bad_referring_npi":
                assert encounter is not None
                assert not npi_is_valid(encounter.referring_npi)
            case "weak_pointer":
                assert encounter is not None
                pointed = [
                    encounter.diagnoses[p - 1] for p in encounter.lines[0].diagnosis_pointers
                ]
                assert all(code.startswith("Z") for code in pointed)
            case "missing_modifier_25":
                assert encounter is not None
                assert "25" not in encounter.lines[0].modifiers
            case "missing_ndc":
                assert encounter is not None
                assert any(
                    ln.procedure_code.startswith("J") and ln.drug is None for ln in encounter.lines
                )
            case "expired_coverage":
                assert encounter is not None
                assert coverage is not None
                assert not coverage.active_on(encounter.date_of_service)
            case "missing_member_id":
                assert coverage is not None
                assert coverage.member_id == ""
            case "dependent_as_self":
                assert coverage is not None
                assert coverage.relationship is Relationship.SELF
                assert patients[defect["patient_account"]].guarantor_account is not None
            case "missing_address_line":
                assert patients[defect["patient_account"]].address.line1 == ""
            case other:
                pytest.fail(f"unexpected defect kind {other}")
    assert set(per_kind) == {kind.value for kind in DefectKind}
    # About 8% of patients and of encounters carry one defect, the kinds taking turns.
    registration = {d["patient_account"] for d in defects if d["kind"] in PATIENT_KINDS}
    assert 0.05 * PATIENTS <= len(registration) <= 0.09 * PATIENTS
    charge_entry = [d for d in defects if d["kind"] in ENCOUNTER_KINDS]
    assert 0.05 * ENCOUNTERS <= len(charge_entry) <= 0.09 * ENCOUNTERS
    per_encounter_kind = Counter(d["kind"] for d in charge_entry)
    # A missing NDC needs a Medicaid visit with a drug: when those run out, the others go on.
    scarce = per_encounter_kind.pop(DefectKind.MISSING_NDC.value)
    assert max(per_encounter_kind.values()) - min(per_encounter_kind.values()) <= 1
    assert 0 < scarce <= max(per_encounter_kind.values())


def test_clean_practice_has_no_defects(tmp_path: Path) -> None:
    summary = write_practice(
        tmp_path,
        patients=30,
        encounters=60,
        seed=2,
        defect_rate=0,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )

    assert sum(summary.defects.values()) == 0
    assert (tmp_path / DEFECTS_FILE).read_text().count("\n") == 1
    result = read_bundle(tmp_path)
    assert result.bundle is not None
    assert all(npi_is_valid(e.referring_npi) for e in result.bundle.encounters if e.referring_npi)


def test_every_bundle_file_is_written(practice: tuple[Path, SynthSummary]) -> None:
    beside = {DEFECTS_FILE, PRACTICE_FILE, PLANS_FILE}
    assert {layout.name for layout in LAYOUTS} | beside == {p.name for p in practice[0].iterdir()}


def test_bad_parameters_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="defect rate"):
        write_practice(
            tmp_path,
            patients=5,
            encounters=5,
            seed=1,
            defect_rate=1.5,
            as_of=REFERENCE_DATE,
            days=PERIOD_DAYS,
        )
    with pytest.raises(ValueError, match="at least one day"):
        write_practice(tmp_path, patients=5, encounters=5, seed=1, as_of=REFERENCE_DATE, days=0)
    with pytest.raises(ValueError, match="patient"):
        write_practice(
            tmp_path, patients=0, encounters=5, seed=1, as_of=REFERENCE_DATE, days=PERIOD_DAYS
        )


def test_visits_fall_in_the_days_ending_at_the_as_of_date_and_repeat_for_it(
    tmp_path: Path,
) -> None:
    as_of = date(2024, 3, 1)  # a Friday, after a 29 February
    first = write_practice(tmp_path / "a", patients=20, encounters=60, seed=4, as_of=as_of, days=10)
    again = write_practice(tmp_path / "b", patients=20, encounters=60, seed=4, as_of=as_of, days=10)
    later = write_practice(
        tmp_path / "c", patients=20, encounters=60, seed=4, as_of=date(2024, 3, 8), days=10
    )
    assert first.sha256 == again.sha256
    assert first.sha256 != later.sha256
    bundle = read_bundle(tmp_path / "a", now=datetime.combine(as_of, time(12), tzinfo=UTC))
    assert bundle.bundle is not None, bundle.errors[:3]
    days = {e.date_of_service for e in bundle.bundle.encounters}
    assert min(days) >= date(2024, 2, 21)
    assert max(days) <= as_of
    assert all(day.weekday() < 5 for day in days)
    assert bundle.bundle.practice["time_zone"] == "America/New_York"
    assert bundle.bundle.practice["billing.npi"] in {p.npi for p in bundle.bundle.providers}


def test_drug_lines_name_their_ndc_most_of_the_time(
    bundle: PracticeBundle, defects: list[dict[str, str]]
) -> None:
    drug_lines = [
        ln for e in bundle.encounters for ln in e.lines if ln.procedure_code in ("J1100", "J3301")
    ]
    missing = [ln for ln in drug_lines if ln.drug is None]
    assert drug_lines
    # Only the planted defects lack one: a J-code line otherwise names the vial given.
    assert len(missing) == sum(d["kind"] == DefectKind.MISSING_NDC.value for d in defects)
    assert len(missing) < 0.2 * len(drug_lines)
    # mg per HCPCS unit and mg per mL of the vial: J1100 1 mg from 4 mg/mL (4 units = 1 mL),
    # J3301 10 mg from 40 mg/mL (4 units = 1 mL).
    strength = {"J1100": (Decimal(1), Decimal(4)), "J3301": (Decimal(10), Decimal(40))}
    for ln in drug_lines:
        if ln.drug is not None:
            per_unit, per_ml = strength[ln.procedure_code]
            assert ln.drug.quantity == ln.units * per_unit / per_ml
            assert ln.drug.unit.value == "ML"


def test_a_practice_bills_under_its_own_name(tmp_path: Path) -> None:
    """Each of the demo's practices is written with its own group name: its profile (the name
    on statements, receipts and letters), the letters' signature and the billing provider."""
    write_practice(
        tmp_path,
        patients=5,
        encounters=5,
        seed=3,
        as_of=REFERENCE_DATE,
        name="Northside Pediatrics",
    )

    profile = tomllib.loads((tmp_path / PRACTICE_FILE).read_text())
    assert profile["name"] == "Northside Pediatrics"
    assert profile["signature"] == "Billing Office, Northside Pediatrics"
    with (tmp_path / "providers.csv").open(newline="") as handle:
        groups = [r["name"] for r in csv.DictReader(handle) if r["kind"] == "organization"]
    assert groups == ["Northside Pediatrics"]
