"""Valid, varied 837 inputs for the writer tests: fixed pieces plus a seeded claim generator."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from claimdesk.domain.claims import Claim, FrequencyCode
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship, Subscriber
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider, ProviderKind, npi_check_digit
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x837.claim_input import (
    Adjustment,
    AdjustmentGroup,
    ClaimInput,
    InstitutionalClaim,
    LineAdjudication,
    PayTo,
    PrimaryAdjudication,
    Receiver,
    Submitter,
)

CREATED = datetime(2024, 5, 2, 14, 30, tzinfo=UTC)
DOS = date(2024, 4, 22)


def make_npi(seed: int) -> str:
    first_nine = f"1{seed % 100_000_000:08d}"
    return first_nine + npi_check_digit(first_nine)


ENVELOPE = Envelope(
    sender_id="CLAIMDESK",
    receiver_id="CLEARINGHOUSE",
    interchange_control_number=17,
    group_control_number=17,
    created=CREATED,
)
SUBMITTER = Submitter("Riverbend Family Practice", "RBFP001", "Dana Ortiz", phone="5551234567")
RECEIVER = Receiver("Acme Clearinghouse", "ACMECH")
BILLING_ADDRESS = Address("100 Main Street", "Springfield", "IL", "627011234", "Suite 200")
BILLING = Provider(
    npi=make_npi(1),
    kind=ProviderKind.ORGANIZATION,
    name="Riverbend Family Practice LLC",
    taxonomy="207Q00000X",
    tax_id="12-3456789",
    address=BILLING_ADDRESS,
)
RENDERING = Provider(
    npi=make_npi(2),
    kind=ProviderKind.INDIVIDUAL,
    name="Nguyen",
    first_name="Linh",
    taxonomy="207Q00000X",
    tax_id="",
)
REFERRING = Provider(
    npi=make_npi(3),
    kind=ProviderKind.INDIVIDUAL,
    name="O'Brien",
    first_name="Sean",
    taxonomy="",
    tax_id="",
)
CLINIC = Facility("F1", "Riverbend Clinic", "11", BILLING_ADDRESS, npi=make_npi(4))
LAB = Facility("F2", "Northside Lab*Annex", "81", Address("9 Lab Road", "Peoria", "IL", "61602"))
COMMERCIAL = Payer("BCBS01", "Blue Cross Blue Shield", PayerKind.COMMERCIAL, 180, 180)
MEDICARE = Payer("MCR01", "Medicare Part B", PayerKind.MEDICARE, 365, 120)
MEDICAID = Payer("MCD01", "State Medicaid", PayerKind.MEDICAID, 365, 90)

DIAGNOSES = (
    "J06.9", "R05.9", "E11.9", "I10", "M54.50", "Z00.00", "K21.9", "F41.1", "N39.0", "R51.9",
    "H10.9", "L30.9", "J45.909", "E78.5",
)  # fmt: skip
PROCEDURES = ("99213", "99214", "36415", "85025", "80053", "93000", "G0439", "J1100", "97110")
MODIFIERS = ("25", "59", "GT", "95", "LT", "RT", "XU", "76")
FIRST_NAMES = ("Ana", "José", "Mary-Kate", "Li", "Ōta", "Zoë", "Robert", "Ngozi")
FREQUENCIES = (FrequencyCode.ORIGINAL, FrequencyCode.ORIGINAL, *FrequencyCode)
LAST_NAMES = ("García", "Smith~Jones", "O'Neil", "Nguyen", "Van Der Berg", "Müller", "Okafor")


def patient(account: str = "P1", *, last: str = "Garcia", first: str = "Ana") -> Patient:
    return Patient(
        account=account,
        last_name=last,
        first_name=first,
        birth_date=date(1980, 6, 1),
        sex=Sex.FEMALE,
        address=Address("12 Elm St", "Springfield", "IL", "62704"),
        middle_name="M",
    )


def coverage(
    patient_account: str = "P1",
    payer: Payer = COMMERCIAL,
    *,
    coverage_id: str = "COV1",
    priority: Priority = Priority.PRIMARY,
    relationship: Relationship = Relationship.SELF,
    member_id: str = "XYZ123456789",
) -> Coverage:
    subscriber = (
        None
        if relationship is Relationship.SELF
        else Subscriber("Garcia", "Luis", date(1978, 2, 3), "M")
    )
    return Coverage(
        coverage_id=coverage_id,
        patient_account=patient_account,
        payer_id=payer.payer_id,
        plan_name="PPO Gold",
        member_id=member_id,
        group_number="GRP7788",
        priority=priority,
        relationship=relationship,
        effective=date(2024, 1, 1),
        termination=None,
        network_tier=NetworkTier.TIER_1,
        subscriber=subscriber,
    )


def line(
    number: int = 1,
    *,
    code: str = "99213",
    charge: str = "125.00",
    units: str = "1",
    pointers: tuple[int, ...] = (1,),
    modifiers: tuple[str, ...] = (),
    pos: str = "11",
) -> ServiceLine:
    return ServiceLine(
        line_number=number,
        procedure_code=code,
        charge=Money(charge),
        units=Decimal(units),
        date_of_service=DOS,
        place_of_service=pos,
        diagnosis_pointers=pointers,
        modifiers=modifiers,
    )


def claim(
    claim_id: str = "C-1001",
    *,
    patient_account: str = "P1",
    payer: Payer = COMMERCIAL,
    coverage_id: str = "COV1",
    diagnoses: tuple[str, ...] = ("J06.9", "R05.9"),
    lines: tuple[ServiceLine, ...] | None = None,
    frequency: FrequencyCode = FrequencyCode.ORIGINAL,
    replaces: str = "",
    prior_authorization: str = "",
) -> Claim:
    encounter = Encounter(
        encounter_id=f"E-{claim_id}",
        patient_account=patient_account,
        rendering_npi=RENDERING.npi,
        billing_npi=BILLING.npi,
        facility_id="F1",
        date_of_service=DOS,
        diagnoses=diagnoses,
        lines=(line(1), line(2, code="36415", charge="15.50")) if lines is None else lines,
        prior_authorization=prior_authorization,
    )
    return Claim(
        claim_id=claim_id,
        encounter=encounter,
        coverage_id=coverage_id,
        payer_id=payer.payer_id,
        created_at=CREATED,
        created_by="tester",
        frequency=frequency,
        replaces_payer_claim_number=replaces,
    )


def claim_input(**overrides: object) -> ClaimInput:
    """A simple primary professional claim; keywords replace ClaimInput fields."""
    base = ClaimInput(
        claim=claim(),
        patient=patient(),
        coverage=coverage(),
        payer=COMMERCIAL,
        billing_provider=BILLING,
        submitter=SUBMITTER,
        receiver=RECEIVER,
        rendering=RENDERING,
        facility=CLINIC,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def secondary_input(*, line_level: bool, claim_id: str = "C-2001") -> ClaimInput:
    """A claim to Medicaid after the commercial payer paid part of it."""
    the_claim = claim(claim_id, payer=MEDICAID, coverage_id="COV2")
    first, second = sorted(the_claim.lines, key=lambda ln: ln.line_number)
    primary_coverage = coverage(coverage_id="COV1")
    if line_level:
        lines = (
            LineAdjudication(
                first.line_number,
                Money("80.00"),
                (
                    Adjustment(AdjustmentGroup.CONTRACTUAL, "45", Money("25.00")),
                    Adjustment(AdjustmentGroup.PATIENT, "2", Money("20.00")),
                ),
            ),
            LineAdjudication(
                second.line_number,
                Money("0.00"),
                (Adjustment(AdjustmentGroup.PATIENT, "1", Money("15.50")),),
                patient_responsibility=Money("15.50"),
            ),
        )
        primary = PrimaryAdjudication(
            payer=COMMERCIAL,
            coverage=primary_coverage,
            paid=Money("80.00"),
            adjudicated_on=date(2024, 4, 30),
            lines=lines,
            patient_responsibility=Money("35.50"),
            payer_claim_number="BCBS-998877",
        )
    else:
        primary = PrimaryAdjudication(
            payer=COMMERCIAL,
            coverage=primary_coverage,
            paid=Money("100.50"),
            adjudicated_on=date(2024, 4, 30),
            claim_adjustments=(
                Adjustment(AdjustmentGroup.CONTRACTUAL, "45", Money("30.00")),
                Adjustment(AdjustmentGroup.PATIENT, "3", Money("10.00"), Decimal(1)),
            ),
            patient_responsibility=Money("10.00"),
        )
    return claim_input(
        claim=the_claim,
        coverage=coverage(
            payer=MEDICAID, coverage_id="COV2", priority=Priority.SECONDARY, member_id="MCD55"
        ),
        payer=MEDICAID,
        primary=primary,
    )


def institutional_input(claim_id: str = "I-3001", *, inpatient: bool = False) -> ClaimInput:
    lines = (
        line(1, code="99283", charge="450.00", modifiers=("25",)),
        line(2, code="85025", charge="60.00"),
        line(3, code="71046", charge="210.00", pointers=(1, 2)),
    )
    details = InstitutionalClaim(
        facility_type_code="11" if inpatient else "13",
        revenue_codes={1: "0450", 2: "0300", 3: "0320"},
        admission_type_code="1" if inpatient else "",
        admission_source_code="7" if inpatient else "",
        admitted_at=datetime(2024, 4, 22, 8, 15, tzinfo=UTC) if inpatient else None,
        admitting_diagnosis="R07.9" if inpatient else "",
    )
    return claim_input(
        claim=claim(claim_id, lines=lines, diagnoses=("R07.9", "I10", "E11.9")),
        institutional=details,
        facility=LAB,
    )


def random_claim(rng: random.Random, n: int) -> ClaimInput:
    """One varied professional claim; the same seed always gives the same claim."""
    account = f"P{n}"
    dependent = rng.random() < 0.35
    n_dx = rng.randint(1, 12)
    diagnoses = tuple(rng.sample(DIAGNOSES, k=n_dx))
    n_lines = rng.choice((1, 1, 2, 3, 5, 8, rng.randint(1, 50)))
    lines = tuple(
        line(
            k,
            code=rng.choice(PROCEDURES),
            charge=f"{rng.randint(1, 200_000) / 100:.2f}",
            units=rng.choice(("1", "2", "0.5", "12")),
            pointers=tuple(rng.sample(range(1, n_dx + 1), k=rng.randint(1, min(4, n_dx)))),
            modifiers=tuple(rng.sample(MODIFIERS, k=rng.randint(0, 4))),
            pos=rng.choice(("11", "11", "22", "02")),
        )
        for k in range(1, n_lines + 1)
    )
    payer = rng.choice((COMMERCIAL, MEDICARE, MEDICAID))
    frequency = rng.choice(FREQUENCIES)
    the_claim = claim(
        f"C{n:06d}",
        patient_account=account,
        payer=payer,
        coverage_id=f"COV{n}",
        diagnoses=diagnoses,
        lines=lines,
        frequency=frequency,
        replaces="" if frequency is FrequencyCode.ORIGINAL else f"PCN{n}",
        prior_authorization=rng.choice(("", "", f"AUTH{n}")),
    )
    relationship = (
        rng.choice((Relationship.CHILD, Relationship.SPOUSE, Relationship.OTHER))
        if dependent
        else Relationship.SELF
    )
    return claim_input(
        claim=the_claim,
        patient=patient(account, last=rng.choice(LAST_NAMES), first=rng.choice(FIRST_NAMES)),
        coverage=coverage(
            account, payer, coverage_id=f"COV{n}", relationship=relationship, member_id=f"M{n:08d}"
        ),
        payer=payer,
        referring=rng.choice((None, REFERRING)),
        rendering=rng.choice((RENDERING, BILLING, None)),
        facility=rng.choice((CLINIC, LAB, None)),
        pay_to=rng.choice((None, None, PayTo(Address("PO Box 55", "Springfield", "IL", "62705")))),
    )
