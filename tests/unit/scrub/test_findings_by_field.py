"""The claim editor shows each finding beside the field it names (issue 17)."""

from __future__ import annotations

import pytest

from claimdesk.scrub.claim_edit import findings_by_field
from claimdesk.scrub.findings import BillingTier, Finding, Location, Severity


def _finding(field: str, line: int | None = None) -> Finding:
    return Finding(
        rule="TST001",
        name="test",
        severity=Severity.ERROR,
        tier=BillingTier.TIER_1,
        message="m",
        fix="f",
        location=Location("C1", field, line),
    )


@pytest.mark.parametrize(
    ("field", "line", "beside"),
    [
        ("diagnoses[1]", None, ("diagnoses", None)),  # one code of the list: the list's field
        ("diagnoses", None, ("diagnoses", None)),
        ("patient.address", None, ("patient.address.line1", None)),  # the address's first field
        ("referring_npi", None, ("referring_npi", None)),
        ("units", 2, ("units", 2)),
        ("prior_authorization", 3, ("prior_authorization", None)),  # the claim's, for line 3
    ],
)
def test_a_finding_is_placed_beside_the_field_it_names(
    field: str, line: int | None, beside: tuple[str, int | None]
) -> None:
    placed, loose = findings_by_field([_finding(field, line)])
    assert loose == []
    assert list(placed) == [beside]


def test_a_finding_on_no_field_of_the_form_stays_on_the_whole_claim() -> None:
    placed, loose = findings_by_field([_finding("eligibility")])
    assert placed == {}
    assert len(loose) == 1
