"""Reference data loaded back from the store, and ICD-10-CM facts from the installed packages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from claimdesk.codes.builtin import MODIFIERS, PLACES_OF_SERVICE
from claimdesk.codes.excludes import parse_excludes1
from claimdesk.codes.icd10 import shared_code_set
from claimdesk.codes.reference import load_reference
from claimdesk.codes.store import import_file
from claimdesk.scrub.reference import DiagnosisStatus, Excludes1

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "codes"
DAY = date(2026, 3, 10)


def test_nothing_imported_means_builtin_lists_and_quiet_optional_tables(tmp_path: Path) -> None:
    reference = load_reference(tmp_path)
    assert reference.modifiers == MODIFIERS
    assert reference.places_of_service == PLACES_OF_SERVICE
    assert reference.hcpcs is None
    assert reference.taxonomies is None
    assert not reference.ptp
    assert not reference.mue


def test_imported_tables_become_lookups(tmp_path: Path) -> None:
    for kind, name in (
        ("hcpcs", "hcpcs.txt"),
        ("ncci-ptp", "ncci_ptp.txt"),
        ("mue", "mue.csv"),
        ("taxonomy", "taxonomy.csv"),
        ("pos", "pos.csv"),
    ):
        import_file(tmp_path, kind, FIXTURES / name)
    reference = load_reference(tmp_path)
    assert "XZ" in reference.modifiers
    assert reference.places_of_service == frozenset({"02", "10", "11", "22"})
    assert reference.hcpcs is not None
    assert reference.hcpcs["J1100"].in_effect(DAY)
    assert not reference.hcpcs["A9999"].in_effect(DAY)
    (edit,) = reference.ptp[("99213", "99212")]
    assert edit.applies_on(date(2021, 6, 1))
    assert not edit.applies_on(date(2022, 1, 1))
    assert reference.mue["J1100"].units == 30
    assert reference.taxonomies is not None
    assert "261QP2300X" in reference.taxonomies


def test_excludes1_notes_give_codes_prefixes_and_ranges() -> None:
    note = "hypertensive disease complicating pregnancy (O10-O11, O13-O16)"
    assert parse_excludes1(note) == (
        Excludes1("O10", "O11", note),
        Excludes1("O13", "O16", note),
    )
    (prefix,) = parse_excludes1("type 1 diabetes mellitus (E10.-)")
    assert prefix.matches("E1065")
    assert not prefix.matches("E1165")
    (single,) = parse_excludes1("wheezing NOS (R06.2)")
    assert single.matches("R062")
    assert not single.matches("R061")
    assert parse_excludes1("urinary tract infection of specified site, such as:") == ()


def test_icd10_validity_follows_the_date_of_service() -> None:
    codes = shared_code_set()
    assert codes.facts("E11.65", DAY).status is DiagnosisStatus.VALID
    assert codes.facts("E1165", DAY).status is DiagnosisStatus.VALID
    assert codes.facts("E11", DAY).status is DiagnosisStatus.NOT_BILLABLE
    assert codes.facts("E11.Z9", DAY).status is DiagnosisStatus.UNKNOWN
    # E66.8 was billable until FY2025 split it into E66.81- and E66.89.
    assert codes.facts("E66.8", date(2024, 9, 30)).status is DiagnosisStatus.VALID
    assert codes.facts("E66.8", date(2024, 10, 1)).status is DiagnosisStatus.NOT_BILLABLE
    added = codes.facts("E66.811", date(2024, 3, 1))
    assert added.status is DiagnosisStatus.NOT_IN_EFFECT
    assert added.valid_from == date(2024, 10, 1)
    assert added.valid_through is None
    # Before ICD-10-CM took effect no code is valid.
    assert codes.facts("E11.65", date(2015, 9, 30)).status is DiagnosisStatus.NOT_IN_EFFECT


def test_icd10_age_sex_and_first_listed_edits() -> None:
    codes = shared_code_set()
    child_exam = codes.facts("Z00.121", DAY)
    assert child_exam.conflicts_with_age(40)
    assert not child_exam.conflicts_with_age(5)
    assert codes.facts("N40.0", DAY).sex == "M"
    assert codes.facts("N95.1", DAY).sex == "F"
    assert codes.facts("E11.65", DAY).sex == ""
    assert codes.facts("F02.80", DAY).first_listed_problem == "manifestation"
    assert codes.facts("V00.01XA", DAY).first_listed_problem == "external cause"
    assert codes.facts("Z79.899", DAY).history_or_status
    assert not codes.facts("Z00.00", DAY).history_or_status
    notes = {e.note for e in codes.facts("R73.03", DAY).excludes1}
    assert "diabetes mellitus (E08-E13)" in notes
