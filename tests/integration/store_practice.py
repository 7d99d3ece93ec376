"""A small hand-built practice: two payers, two patients (one self-pay), three encounters."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship, Subscriber
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Guarantor, Patient, Sex
from claimdesk.domain.payers import ContractRate, FeeScheduleItem, Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider, ProviderKind, npi_check_digit

NOW = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2024, 3, 2, 14, 0, tzinfo=UTC)
CLINIC = Address("100 Main St", "Springfield", "IL", "62701", "Suite 2")


def npi(first_nine: str) -> str:
    return first_nine + npi_check_digit(first_nine)


RENDERING = npi("123456789")
BILLING = npi("987654321")

ACME = Payer("ACME", "Acme Health", PayerKind.COMMERCIAL, 90, 180, r"^A\d{8}$")
MEDICARE = Payer("MCR", "Medicare Part B", PayerKind.MEDICARE, 365, 120)

DOCTOR = Provider(RENDERING, ProviderKind.INDIVIDUAL, "Jones", "207Q00000X", "", "Ann")
GROUP = Provider(
    BILLING,
    ProviderKind.ORGANIZATION,
    "Springfield Clinic",
    "261QP2300X",
    "123456789",
    address=CLINIC,
)
OFFICE = Facility("F1", "Main office", "11", CLINIC, BILLING)

PARENT = Guarantor("G1", "Doe", "John", Address("5 Oak Ave", "Springfield", "IL", "62702"))
CHILD = Patient(
    "P1",
    "Doe",
    "Jane",
    date(2015, 6, 1),
    Sex.FEMALE,
    Address("5 Oak Ave", "Springfield", "IL", "62702"),
    phone="2175550100",
    guarantor_account="G1",
)
ADULT = Patient(
    "P2", "Roe", "Rick", date(1950, 1, 31), Sex.MALE, Address("9 Elm St", "Decatur", "IL", "62521")
)

CHILD_ACME = Coverage(
    coverage_id="COV1",
    patient_account="P1",
    payer_id="ACME",
    plan_name="Acme PPO",
    member_id="A12345678",
    group_number="GRP1",
    priority=Priority.PRIMARY,
    relationship=Relationship.CHILD,
    effective=date(2024, 1, 1),
    termination=None,
    network_tier=NetworkTier.TIER_1,
    subscriber=Subscriber("Doe", "John", date(1985, 2, 3), "M"),
)
# P2's Medicare coverage ended before his visit: that visit is self-pay.
ADULT_MEDICARE = Coverage(
    "COV2",
    "P2",
    "MCR",
    "Part B",
    "1EG4TE5MK72",
    "",
    Priority.PRIMARY,
    Relationship.SELF,
    date(2015, 1, 1),
    date(2023, 12, 31),
    NetworkTier.TIER_1,
)

FEE_VISIT = FeeScheduleItem("99213", Money("150.00"), date(2024, 1, 1))
FEE_FLU = FeeScheduleItem("90686", Money("40.00"), date(2024, 1, 1))
FEE_VISIT_25 = FeeScheduleItem("99213", Money("150.00"), date(2024, 1, 1), "25")
RATE_VISIT = ContractRate("ACME", "99213", Money("92.50"), date(2024, 1, 1), date(2024, 12, 31))


def line(
    number: int,
    code: str,
    charge: str,
    pointers: tuple[int, ...] = (1,),
    modifiers: tuple[str, ...] = (),
    units: str = "1",
) -> ServiceLine:
    return ServiceLine(
        line_number=number,
        procedure_code=code,
        charge=Money(charge),
        units=Decimal(units),
        date_of_service=date(2024, 2, 10),
        place_of_service="11",
        diagnosis_pointers=pointers,
        modifiers=modifiers,
    )


VISIT_CHILD = Encounter(
    encounter_id="E1",
    patient_account="P1",
    rendering_npi=RENDERING,
    billing_npi=BILLING,
    facility_id="F1",
    date_of_service=date(2024, 2, 10),
    diagnoses=("J02.9", "Z23"),
    lines=(
        line(1, "99213", "150.00", (1,), ("25",)),
        line(2, "90686", "40.00", (2,), units="1.5"),
    ),
    prior_authorization="AUTH1",
)
VISIT_CHILD_2 = dataclasses.replace(
    VISIT_CHILD, encounter_id="E2", diagnoses=("J02.9",), lines=(line(1, "99213", "150.00"),)
)
VISIT_ADULT = Encounter(
    encounter_id="E3",
    patient_account="P2",
    rendering_npi=RENDERING,
    billing_npi=BILLING,
    facility_id="F1",
    date_of_service=date(2024, 2, 10),
    diagnoses=("I10",),
    lines=(line(1, "99213", "150.00"), line(2, "99024", "0.00")),
)


def small_bundle() -> PracticeBundle:
    return PracticeBundle(
        payers=(ACME, MEDICARE),
        providers=(DOCTOR, GROUP),
        facilities=(OFFICE,),
        guarantors=(PARENT,),
        patients=(CHILD, ADULT),
        coverages=(CHILD_ACME, ADULT_MEDICARE),
        fee_schedule=(FEE_VISIT, FEE_FLU, FEE_VISIT_25),
        contracts=(RATE_VISIT,),
        encounters=(VISIT_CHILD, VISIT_CHILD_2, VISIT_ADULT),
    )
