"""The reader on real bundle folders: a good one, and bad ones whose every error is expected."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from claimdesk.bundle.model import BundleReadResult
from claimdesk.bundle.reader import read_bundle
from claimdesk.domain.coverage import NetworkTier, Relationship
from claimdesk.domain.money import Money
from claimdesk.domain.providers import ProviderKind

BUNDLES = Path(__file__).resolve().parents[2] / "fixtures" / "bundles"


def _where(result: BundleReadResult) -> list[tuple[str, int, str]]:
    return [(e.file, e.row, e.column) for e in result.errors]


def test_good_bundle_reads_into_domain_objects() -> None:
    result = read_bundle(BUNDLES / "good")

    assert result.ok, result.errors
    bundle = result.bundle
    assert bundle is not None
    assert [p.payer_id for p in bundle.payers] == ["MCR01", "SHP01"]
    group, clinician = bundle.providers
    assert group.kind is ProviderKind.ORGANIZATION
    assert group.tax_id == "123456789"
    assert group.address is not None
    assert group.address.postal_code == "432151234"
    assert clinician.address is None
    dependent = bundle.coverages[1]
    assert dependent.relationship is Relationship.CHILD
    assert dependent.network_tier is NetworkTier.TIER_2
    assert dependent.subscriber is not None
    assert dependent.subscriber.first_name == "Tara"
    assert bundle.patients[1].guarantor_account == "G1"
    assert bundle.patients[0].guarantor_account is None
    assert [f.charge for f in bundle.fee_schedule] == [
        Money("150.00"),
        Money("220.00"),
        Money("12.50"),
    ]
    assert [c.termination is None for c in bundle.contracts] == [False, True, True]
    first, second = bundle.encounters
    # Diagnoses are ordered by sequence and carried in X12 form (no dot, upper case).
    assert first.diagnoses == ("M1711", "I10")
    assert second.diagnoses == ("J069",)
    assert [line.modifiers for line in first.lines] == [("25",), ("RT",), ()]
    assert first.lines[0].diagnosis_pointers == (1, 2)
    assert first.lines[2].units == Decimal(4)
    # Empty line dates and places default to the encounter's date and the facility's place.
    assert {line.date_of_service for line in first.lines} == {first.date_of_service}
    assert {line.place_of_service for line in first.lines} == {"11"}
    # A referring NPI with a wrong check digit is the scrubber's to find, not the reader's.
    assert second.referring_npi == "1234567890"


def test_bad_bundle_reports_every_error_at_once() -> None:
    result = read_bundle(BUNDLES / "bad_many")

    assert result.bundle is None
    assert not result.ok
    assert _where(result) == [
        ("payers.csv", 1, "notes"),
        ("patients.csv", 2, "birth_date"),
        ("patients.csv", 3, "sex"),
        ("coverages.csv", 3, "payer_id"),
        ("fee_schedule.csv", 3, "charge"),
        ("contracts.csv", 1, "effective"),
        ("encounters.csv", 4, "encounter_id"),
        ("service_lines.csv", 4, "charge"),
        ("service_lines.csv", 5, "diagnosis_pointers"),
    ]
    reasons = {(e.file, e.column): e.reason for e in result.errors}
    assert "more than 2 decimals" in reasons[("service_lines.csv", "charge")]
    assert "negative" in reasons[("fee_schedule.csv", "charge")]
    assert "XYZ99" in reasons[("coverages.csv", "payer_id")]
    assert "first on row 3" in reasons[("encounters.csv", "encounter_id")]
    assert "pointer 2" in reasons[("service_lines.csv", "diagnosis_pointers")]


def test_domain_invariants_and_cross_file_checks_become_row_errors() -> None:
    result = read_bundle(BUNDLES / "invariants")

    assert result.bundle is None
    assert _where(result) == [
        ("patients.csv", 3, "guarantor_account"),
        ("coverages.csv", 2, "coverage_id"),
        ("coverages.csv", 3, "coverage_id"),
        ("encounters.csv", 3, "encounter_id"),
        ("encounters.csv", 4, "encounter_id"),
        ("service_lines.csv", 6, "encounter_id"),
        ("diagnoses.csv", 2, "sequence"),
    ]
    reasons = [e.reason for e in result.errors]
    assert "terminates before it is effective" in reasons[1]
    assert "subscriber" in reasons[2]
    assert "diagnoses.csv" in reasons[3]
    assert "service_lines.csv" in reasons[4]


def test_missing_required_files_are_each_reported_but_guarantors_are_optional() -> None:
    result = read_bundle(BUNDLES / "missing_files")

    assert result.bundle is None
    assert _where(result) == [
        (name, 0, "")
        for name in (
            "providers.csv",
            "facilities.csv",
            "patients.csv",
            "coverages.csv",
            "fee_schedule.csv",
            "contracts.csv",
            "encounters.csv",
            "service_lines.csv",
            "diagnoses.csv",
        )
    ]


def test_a_path_that_is_not_a_folder_is_an_error(tmp_path: Path) -> None:
    result = read_bundle(tmp_path / "nowhere")

    assert result.bundle is None
    assert [e.reason for e in result.errors] == ["not a folder"]
