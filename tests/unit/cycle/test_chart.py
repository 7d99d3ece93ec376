"""The simulated biller's chart: the answer key's corrections, typed into a claim's form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from claimdesk.bundle.model import PracticeBundle
from claimdesk.cycle.chart import (
    ChartError,
    Correction,
    as_payers_know_it,
    corrected,
    read_chart,
)
from claimdesk.cycle.payer_line import PayerLine
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship
from claimdesk.scrub.claim_edit import ClaimForm

KEY = """kind,patient_account,encounter_id,coverage_id,detail,correction
missing_member_id,P1,,C1,coverage has no member id,coverage.member_id=W123
missing_ndc,P1,E1,,line 2 (J1100) has no NDC,line 2 ndc=00641037621; line 2 ndc_quantity=1
missing_address_line,P2,,,patient address has no street line,patient.address.line1=12 Elm St
"""

FORM = ClaimForm(
    {"coverage.member_id": "", "patient.address.line1": "", "referring_npi": "1234567893"},
    ({"line_number": "1", "ndc": ""}, {"line_number": "2", "ndc": "", "ndc_quantity": ""}),
)


def _chart(tmp_path: Path, key: str = KEY) -> Path:
    (tmp_path / "defects.csv").write_text(key, encoding="utf-8")
    return tmp_path


def test_corrections_of_a_claim_come_from_its_visit_and_its_patient(tmp_path: Path) -> None:
    chart = read_chart(_chart(tmp_path))
    assert chart.corrections("E1", "P1", "C1") == [
        Correction("ndc", 2, "00641037621"),
        Correction("ndc_quantity", 2, "1"),
        Correction("coverage.member_id", None, "W123", "C1"),
    ]
    # A claim to the patient's other coverage is not given the first one's member id.
    assert chart.corrections("E1", "P1", "C2") == [
        Correction("ndc", 2, "00641037621"),
        Correction("ndc_quantity", 2, "1"),
    ]
    assert chart.corrections("E9", "P2", None) == [
        Correction("patient.address.line1", None, "12 Elm St")
    ]
    assert chart.corrections("E9", "P9", None) == []


def test_corrected_types_the_values_into_the_named_fields_only(tmp_path: Path) -> None:
    chart = read_chart(_chart(tmp_path))
    form = corrected(FORM, chart.corrections("E1", "P1", "C1"))
    assert form.fields == {
        "coverage.member_id": "W123",
        "patient.address.line1": "",
        "referring_npi": "1234567893",
    }
    assert form.lines == (
        {"line_number": "1", "ndc": ""},
        {"line_number": "2", "ndc": "00641037621", "ndc_quantity": "1"},
    )
    assert FORM.lines[1]["ndc"] == ""  # the form it was given is left as it was


def test_a_bundle_without_an_answer_key_gives_no_corrections(tmp_path: Path) -> None:
    assert read_chart(tmp_path).corrections("E1", "P1", "C1") == []


def test_a_correction_that_is_not_field_equals_value_names_its_row(tmp_path: Path) -> None:
    key = KEY.replace("patient.address.line1=12 Elm St", "12 Elm St")
    with pytest.raises(ChartError, match=r"defects.csv row 4: correction '12 Elm St'"):
        read_chart(_chart(tmp_path, key))


def test_payers_know_their_members_by_the_charted_member_id(tmp_path: Path) -> None:
    registered = Coverage(
        coverage_id="C1",
        patient_account="P1",
        payer_id="ACME",
        plan_name="Acme PPO",
        member_id="",
        group_number="",
        priority=Priority.PRIMARY,
        relationship=Relationship.SELF,
        effective=date(2026, 1, 1),
        termination=None,
        network_tier=NetworkTier(1),
    )
    other = replace(registered, coverage_id="C2", member_id="KEEP")
    known = as_payers_know_it(
        PracticeBundle(coverages=(registered, other)), read_chart(_chart(tmp_path))
    )
    assert [c.member_id for c in known.coverages] == ["W123", "KEEP"]


def test_the_payer_line_grants_at_its_rate_and_answers_a_claim_the_same_twice() -> None:
    never, always = PayerLine(7, Decimal(0)), PayerLine(7, Decimal(1))
    assert never.retro_authorization("ACME", "CE1") is None
    number = always.retro_authorization("ACME", "CE1")
    assert number is not None
    assert number.startswith("RA")
    assert always.retro_authorization("ACME", "CE1") == number
    half = PayerLine(7, Decimal("0.5"))
    granted = sum(half.retro_authorization("ACME", f"CE{n}") is not None for n in range(400))
    assert 150 < granted < 250
