"""Small, valid domain objects for tests; each keyword overrides one field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from claimdesk.domain.claims import Claim, ClaimStatus, FrequencyCode
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.money import Money

DOS = date(2024, 3, 14)
CREATED = datetime(2024, 3, 15, 9, 0, tzinfo=UTC)


def service_line(
    line_number: int = 1,
    *,
    charge: str = "100.00",
    units: Decimal = Decimal(1),
    pointers: tuple[int, ...] = (1,),
    modifiers: tuple[str, ...] = (),
) -> ServiceLine:
    return ServiceLine(
        line_number=line_number,
        procedure_code="99213",
        charge=Money(charge),
        units=units,
        date_of_service=DOS,
        place_of_service="11",
        diagnosis_pointers=pointers,
        modifiers=modifiers,
    )


def encounter(
    *,
    lines: tuple[ServiceLine, ...] | None = None,
    diagnoses: tuple[str, ...] = ("J06.9", "R05.9"),
) -> Encounter:
    return Encounter(
        encounter_id="E1",
        patient_account="P1",
        rendering_npi="1234567893",
        billing_npi="1234567893",
        facility_id="F1",
        date_of_service=DOS,
        diagnoses=diagnoses,
        lines=(service_line(1), service_line(2, charge="25.50")) if lines is None else lines,
    )


def claim(
    *,
    claim_id: str = "C-100",
    status: ClaimStatus = ClaimStatus.DRAFT,
    frequency: FrequencyCode = FrequencyCode.ORIGINAL,
    replaces_payer_claim_number: str = "",
    created_at: datetime = CREATED,
) -> Claim:
    return Claim(
        claim_id=claim_id,
        encounter=encounter(),
        coverage_id="COV1",
        payer_id="PAYA",
        created_at=created_at,
        created_by="biller1",
        frequency=frequency,
        replaces_payer_claim_number=replaces_payer_claim_number,
        status=status,
    )
