"""The reader on file-level problems: headers, row widths, encodings, blank lines, the digest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimdesk.bundle.reader import bundle_sha256, read_bundle
from claimdesk.domain.payers import CobMethod, PayerKind

GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "good"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(GOOD, folder)
    return folder


def _where(folder: Path) -> list[tuple[str, int, str]]:
    result = read_bundle(folder)
    assert result.bundle is None
    return [(e.file, e.row, e.column) for e in result.errors]


def test_guarantors_file_may_be_absent_when_nobody_refers_to_it(bundle: Path) -> None:
    (bundle / "guarantors.csv").unlink()
    patients = bundle / "patients.csv"
    patients.write_text(patients.read_text().replace(",G1\n", ",\n"))

    assert read_bundle(bundle).ok


def test_reference_to_an_absent_guarantors_file_is_an_error(bundle: Path) -> None:
    (bundle / "guarantors.csv").unlink()

    assert _where(bundle) == [("patients.csv", 3, "guarantor_account")]


def test_blank_lines_are_skipped_and_row_numbers_stay_file_lines(bundle: Path) -> None:
    patients = bundle / "patients.csv"
    lines = patients.read_text().splitlines(keepends=True)
    lines.insert(2, "\n")
    lines[3] = lines[3].replace("2015-07-01", "2015-13-01")
    patients.write_text("".join(lines))

    assert _where(bundle) == [("patients.csv", 4, "birth_date")]


def test_header_problems_and_ragged_rows(bundle: Path) -> None:
    (bundle / "facilities.csv").write_text(
        "facility_id,name,name,place_of_service,city,state,postal_code\n"
        "OFFICE1,Main,Main,11,Columbus,OH,43215,extra\n"
    )
    (bundle / "payers.csv").write_text(
        "payer_id,name,kind,timely_filing_days\n"
        "MCR01,Medicare,medicare,365\n"
        "SHP01,Summit,commercial,90\n"
    )

    assert _where(bundle) == [
        ("payers.csv", 1, "appeal_window_days"),
        ("facilities.csv", 1, "name"),
        ("facilities.csv", 2, ""),
    ]


def test_byte_order_mark_is_accepted_and_bad_utf8_is_reported(bundle: Path) -> None:
    payers = bundle / "payers.csv"
    payers.write_bytes(b"\xef\xbb\xbf" + payers.read_bytes())
    assert read_bundle(bundle).ok

    guarantors = bundle / "guarantors.csv"
    guarantors.write_bytes(guarantors.read_bytes().replace(b"Tara", b"T\xe9ra"))
    assert _where(bundle) == [("guarantors.csv", 2, "")]


def test_required_values_and_address_rules(bundle: Path) -> None:
    providers = bundle / "providers.csv"
    providers.write_text(
        providers.read_text().replace(
            "Okafor,Adaeze,207Q00000X,123456789,,,,,", "Okafor,Adaeze,207Q00000X,,12 Elm St,,,,"
        )
    )
    patients = bundle / "patients.csv"
    patients.write_text(patients.read_text().replace("P1,Walsh,Henry", "P1,,Henry"))

    assert _where(bundle) == [
        ("providers.csv", 3, "tax_id"),
        ("providers.csv", 3, "city"),
        ("providers.csv", 3, "state"),
        ("providers.csv", 3, "postal_code"),
        ("patients.csv", 2, "last_name"),
    ]


def test_digest_is_stable_and_covers_bundle_files_only(bundle: Path) -> None:
    digest = bundle_sha256(bundle)
    assert digest == bundle_sha256(bundle)
    assert len(digest) == 64

    (bundle / "defects.csv").write_text("kind\n")
    assert bundle_sha256(bundle) == digest

    encounters = bundle / "encounters.csv"
    encounters.write_text(encounters.read_text().replace("PA-77", "PA-78"))
    assert bundle_sha256(bundle) != digest


def test_a_payer_may_state_its_coordination_of_benefits_method(bundle: Path) -> None:
    payers = bundle / "payers.csv"
    rows = payers.read_text().splitlines()
    rows[0] += ",cob_method"
    rows[1] += ",non_duplication"
    rows[2:] = [row + "," for row in rows[2:]]
    payers.write_text("\n".join(rows) + "\n")
    read = read_bundle(bundle)
    assert read.bundle is not None
    first, *others = read.bundle.payers
    assert first.coordination is CobMethod.NON_DUPLICATION
    # Empty: Medicare follows the MSP rules, any other payer standard COB.
    assert all(
        p.coordination
        is (CobMethod.MEDICARE_SECONDARY if p.kind is PayerKind.MEDICARE else CobMethod.STANDARD)
        for p in others
    )
    rows[1] = rows[1].rsplit(",", 1)[0] + ",pay_whatever"
    payers.write_text("\n".join(rows) + "\n")
    assert _where(bundle) == [("payers.csv", 2, "cob_method")]


def test_a_member_id_pattern_that_can_take_exponential_time_is_refused_at_import(
    bundle: Path,
) -> None:
    payers = bundle / "payers.csv"
    rows = payers.read_text().splitlines()
    rows[2] = rows[2] + r"^(\d+)+$"  # SHP01's member id format: a ReDoS shape
    payers.write_text("\n".join(rows) + "\n")
    result = read_bundle(bundle)
    assert result.bundle is None
    (error,) = result.errors
    assert (error.file, error.row, error.column) == ("payers.csv", 3, "member_id_pattern")
    assert "exponential time" in error.reason
