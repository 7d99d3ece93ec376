"""A bad and a good claim for every rule: the tests run them, and docs/scrub-rules.md shows them.

Every example starts from one clean claim (``base_context``) and changes one thing. The tests
check that the bad claim gives the rule's finding with the expected message parts and that the
good claim gives none, so the documentation shows what the rules really do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship, Subscriber
from claimdesk.domain.encounters import DrugDetail, DrugUnit, Encounter, ServiceLine
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider, ProviderKind, npi_check_digit
from claimdesk.scrub.config import PayerRules
from claimdesk.scrub.context import EMPTY_HISTORY, BilledIndex, EligibilityResult, ScrubContext
from claimdesk.scrub.reference import (
    CodeSpan,
    DiagnosisCodeSet,
    MueLimit,
    PtpEdit,
    ReferenceData,
)

SERVICE_DAY = date(2026, 3, 10)
TODAY = date(2026, 3, 12)
BILLING_NPI = "123456789" + npi_check_digit("123456789")
RENDERING_NPI = "124531959" + npi_check_digit("124531959")
OTHER_NPI = "198765432" + npi_check_digit("198765432")


def wrong_check_digit(npi: str) -> str:
    return npi[:9] + str((int(npi[9]) + 1) % 10)


def example_reference(
    diagnoses: DiagnosisCodeSet, modifiers: frozenset[str], places: frozenset[str]
) -> ReferenceData:
    """Real ICD-10-CM facts; small NCCI, MUE and HCPCS tables in the imported files' shape."""
    since = date(2020, 1, 1)
    edits = (
        PtpEdit("20610", "99213", since, None, "1"),
        PtpEdit("93000", "93005", since, None, "0"),
    )
    return ReferenceData(
        diagnoses=diagnoses,
        modifiers=modifiers,
        places_of_service=places,
        hcpcs={
            "J1100": CodeSpan(date(2000, 1, 1), None),
            "A9999": CodeSpan(date(2010, 1, 1), date(2020, 12, 31)),
        },
        ptp={(e.column1, e.column2): (e,) for e in edits},
        mue={
            "20610": MueLimit("20610", 2, "1"),
            "36415": MueLimit("36415", 2, "2"),
            "J1100": MueLimit("J1100", 30, "3"),
        },
        taxonomies=frozenset({"207Q00000X", "261QP2300X"}),
    )


def _line(number: int, code: str, pointers: tuple[int, ...], **changes: Any) -> ServiceLine:
    line = ServiceLine(
        line_number=number,
        procedure_code=code,
        charge=Money("100.00"),
        units=Decimal(1),
        date_of_service=SERVICE_DAY,
        place_of_service="11",
        diagnosis_pointers=pointers,
    )
    return replace(line, **changes) if changes else line


def base_context(reference: ReferenceData) -> ScrubContext:
    """A clean claim: an office visit and an HbA1c for diabetes and hypertension."""
    address = Address("12 Oak Ave", "Columbus", "OH", "43215")
    patient = Patient("P1", "Rivera", "Ana", date(1970, 5, 4), Sex.FEMALE, address)
    payer = Payer("SHP01", "Summit Health Plan", PayerKind.COMMERCIAL, 90, 180, r"^SH[0-9]{9}$")
    coverage = Coverage(
        "C1",
        "P1",
        "SHP01",
        "Summit PPO Gold",
        "SH123456789",
        "482913",
        Priority.PRIMARY,
        Relationship.SELF,
        date(2020, 1, 1),
        None,
        NetworkTier.TIER_1,
    )
    providers = {
        BILLING_NPI: Provider(
            BILLING_NPI, ProviderKind.ORGANIZATION, "Riverbend Group", "261QP2300X", "123456789"
        ),
        RENDERING_NPI: Provider(
            RENDERING_NPI, ProviderKind.INDIVIDUAL, "Okafor", "207Q00000X", "123456789", "Ada"
        ),
    }
    encounter = Encounter(
        encounter_id="E1",
        patient_account="P1",
        rendering_npi=RENDERING_NPI,
        billing_npi=BILLING_NPI,
        facility_id="OFFICE1",
        date_of_service=SERVICE_DAY,
        diagnoses=("E1165", "I10"),
        lines=(_line(1, "99213", (1, 2)), _line(2, "83036", (1,))),
    )
    claim = Claim("CE1", encounter, "C1", "SHP01", datetime(2026, 3, 11, tzinfo=UTC), "example")
    return ScrubContext(
        claim=claim,
        patient=patient,
        coverages=(coverage,),
        coverage=coverage,
        payer=payer,
        payers={"SHP01": payer},
        providers=providers,
        facility=Facility("OFFICE1", "Riverbend Main Office", "11", address),
        eligibility=EligibilityResult("C1", datetime(2026, 3, 9, 9, tzinfo=UTC), SERVICE_DAY, True),
        reference=reference,
        history=EMPTY_HISTORY,
        payer_rules=PayerRules(),
        today=TODAY,
    )


# Changes --------------------------------------------------------------------------------------


def encounter(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    new = replace(ctx.claim.encounter, **changes)
    return replace(ctx, claim=replace(ctx.claim, encounter=new, history=[]))


def diagnoses(ctx: ScrubContext, *codes: str) -> ScrubContext:
    return encounter(ctx, diagnoses=codes)


def line(ctx: ScrubContext, number: int, **changes: Any) -> ScrubContext:
    lines = tuple(
        replace(item, **changes) if item.line_number == number else item for item in ctx.claim.lines
    )
    return encounter(ctx, lines=lines)


def add_line(
    ctx: ScrubContext, code: str, pointers: tuple[int, ...] = (1,), **changes: Any
) -> ScrubContext:
    number = len(ctx.claim.lines) + 1
    return encounter(ctx, lines=(*ctx.claim.lines, _line(number, code, pointers, **changes)))


def only_line(ctx: ScrubContext, code: str, **changes: Any) -> ScrubContext:
    return encounter(ctx, lines=(_line(1, code, (1,), **changes),))


def patient(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    return replace(ctx, patient=replace(ctx.patient, **changes))


def address(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    return patient(ctx, address=replace(ctx.patient.address, **changes))


def coverage(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    assert ctx.coverage is not None
    new = replace(ctx.coverage, **changes)
    others = tuple(c for c in ctx.coverages if c.coverage_id != new.coverage_id)
    return replace(ctx, coverage=new, coverages=(new, *others))


def other_coverage(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    assert ctx.coverage is not None
    fields: dict[str, Any] = {"coverage_id": "C2", "priority": Priority.SECONDARY, **changes}
    other = replace(ctx.coverage, **fields)
    return replace(ctx, coverages=(*ctx.coverages, other))


def provider(ctx: ScrubContext, npi: str, **changes: Any) -> ScrubContext:
    providers = dict(ctx.providers)
    providers[npi] = replace(providers[npi], **changes)
    return replace(ctx, providers=providers)


def facility(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    assert ctx.facility is not None
    return replace(ctx, facility=replace(ctx.facility, **changes))


def rules(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    return replace(ctx, payer_rules=replace(ctx.payer_rules, **changes))


def eligibility(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    assert ctx.eligibility is not None
    return replace(ctx, eligibility=replace(ctx.eligibility, **changes))


def billed_elsewhere(ctx: ScrubContext) -> ScrubContext:
    key = ("P1", SERVICE_DAY, "99213", RENDERING_NPI)
    return replace(ctx, history=BilledIndex({key: frozenset({"CE0", ctx.claim_id})}))


def self_pay(ctx: ScrubContext) -> ScrubContext:
    claim = replace(ctx.claim, coverage_id="", payer_id="", history=[])
    return replace(ctx, claim=claim, coverage=None, payer=None, eligibility=None)


def same(ctx: ScrubContext) -> ScrubContext:
    return ctx


# Examples -------------------------------------------------------------------------------------

Change = Callable[[ScrubContext], ScrubContext]


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    change: Change


@dataclass(frozen=True, slots=True)
class RuleExamples:
    bad: Example
    good: Example
    expect: tuple[str, ...]  # parts of the bad claim's message


def _ex(bad: str, bad_change: Change, good: str, good_change: Change, *expect: str) -> RuleExamples:
    return RuleExamples(Example(bad, bad_change), Example(good, good_change), expect)


_ENDED = date(2026, 1, 31)


def _uninsured(ctx: ScrubContext) -> ScrubContext:
    return replace(ctx, patient=replace(ctx.patient, uninsured_since=_ENDED + timedelta(days=1)))


_BORN_CHILD = date(2016, 6, 1)
_SUBSCRIBER = Subscriber("Rivera", "Luis", date(1985, 2, 2), "M")

EXAMPLES: dict[str, RuleExamples] = {
    "REG001": _ex(
        "born 2026-04-01, after the visit",
        lambda c: patient(c, birth_date=date(2026, 4, 1)),
        "born 1970-05-04",
        same,
        "date of birth 2026-04-01 is after the date of service 2026-03-10",
    ),
    "REG002": _ex(
        "born 1890-05-04",
        lambda c: patient(c, birth_date=date(1890, 5, 4)),
        "born 1970-05-04",
        same,
        "makes the patient 135 on the date of service",
    ),
    "REG003": _ex(
        "no street line",
        lambda c: address(c, line1=""),
        "12 Oak Ave, Columbus, OH 43215",
        same,
        "patient address has no street line",
    ),
    "REG004": _ex(
        "ZIP code 4321",
        lambda c: address(c, postal_code="4321"),
        "ZIP+4 432151234",
        lambda c: address(c, postal_code="432151234"),
        "ZIP code '4321' is not 5 or 9 digits",
    ),
    "REG005": _ex(
        "state Ohio",
        lambda c: address(c, state="Ohio"),
        "state OH",
        same,
        "state 'Ohio' is not a USPS state code",
    ),
    "REG006": _ex(
        "empty member id",
        lambda c: coverage(c, member_id=""),
        "member id SH123456789",
        same,
        "coverage C1 (Summit PPO Gold) has no member id",
    ),
    "REG007": _ex(
        "member id 123456789 for a payer whose ids are SH + 9 digits",
        lambda c: coverage(c, member_id="123456789"),
        "member id SH123456789",
        same,
        "member id '123456789' does not match Summit Health Plan's format",
    ),
    "REG008": _ex(
        "a 9-year-old registered as the subscriber (self) of a commercial plan",
        lambda c: patient(c, birth_date=_BORN_CHILD),
        "the same child as a dependent (child) of the subscriber",
        lambda c: coverage(
            patient(c, birth_date=_BORN_CHILD),
            relationship=Relationship.CHILD,
            subscriber=_SUBSCRIBER,
        ),
        "patient is 9 on the date of service and registered as the subscriber",
    ),
    "REG009": _ex(
        "spouse coverage whose subscriber has no first name",
        lambda c: coverage(
            c, relationship=Relationship.SPOUSE, subscriber=replace(_SUBSCRIBER, first_name="")
        ),
        "spouse coverage with the subscriber's full name",
        lambda c: coverage(c, relationship=Relationship.SPOUSE, subscriber=_SUBSCRIBER),
        "coverage C1: the subscriber's name is incomplete",
    ),
    "REG010": _ex(
        "a child whose subscriber is born 2018, after the child",
        lambda c: coverage(
            patient(c, birth_date=_BORN_CHILD),
            relationship=Relationship.CHILD,
            subscriber=replace(_SUBSCRIBER, birth_date=date(2018, 1, 1)),
        ),
        "the subscriber born 1985",
        lambda c: coverage(
            patient(c, birth_date=_BORN_CHILD),
            relationship=Relationship.CHILD,
            subscriber=_SUBSCRIBER,
        ),
        "subscriber born 2018-01-01 is not older than the child born 2016-06-01",
    ),
    "REG011": _ex(
        "last name Riv3ra",
        lambda c: patient(c, last_name="Riv3ra"),
        "last name O'Neil-Rivera",
        lambda c: patient(c, last_name="O'Neil-Rivera"),
        "patient last name 'Riv3ra' is not a name",
    ),
    "COV001": _ex(
        "coverage ended 2026-01-31, before the visit",
        lambda c: coverage(c, termination=_ENDED),
        "open-ended coverage",
        same,
        "coverage C1 runs 2020-01-01 to 2026-01-31, not on the date of service 2026-03-10",
    ),
    "COV002": _ex(
        "the latest 271 says inactive (member not found)",
        lambda c: eligibility(c, active=False, reason="subscriber not found"),
        "the latest 271 says active",
        same,
        "found coverage C1 inactive on 2026-03-10: subscriber not found",
    ),
    "COV003": _ex(
        "no eligibility check on file",
        lambda c: replace(c, eligibility=None),
        "checked 2026-03-09 for the date of service",
        same,
        "coverage C1 has no eligibility check on file",
    ),
    "COV004": _ex(
        "checked 2026-01-02, 69 days before today",
        lambda c: eligibility(c, checked_at=datetime(2026, 1, 2, tzinfo=UTC)),
        "checked 2026-03-09",
        same,
        "eligibility was checked 69 days ago (limit 30)",
    ),
    "COV005": _ex(
        "the claim bills the secondary while the primary is active",
        lambda c: replace(
            other_coverage(c),
            coverage=replace(c.coverages[0], coverage_id="C2", priority=Priority.SECONDARY),
        ),
        "the claim bills the primary",
        other_coverage,
        "claim bills secondary coverage C2 while primary coverage C1 is active",
    ),
    "COV006": _ex(
        "two primary coverages active on the date of service",
        lambda c: other_coverage(c, priority=Priority.PRIMARY),
        "a primary and a secondary",
        other_coverage,
        "coverages C1 and C2 are both primary on the date of service",
    ),
    "COV007": _ex(
        "a self-pay claim; the only coverage ended 2026-01-31",
        lambda c: self_pay(coverage(c, termination=_ENDED)),
        "the same claim after the patient confirmed being uninsured since the coverage ended",
        lambda c: _uninsured(self_pay(coverage(c, termination=_ENDED))),
        "coverage C1 (Summit PPO Gold) ended 2026-01-31, before the date of service 2026-03-10",
    ),
    "COV008": _ex(
        "an active secondary coverage without member id",
        lambda c: other_coverage(c, member_id=""),
        "the secondary has its member id",
        other_coverage,
        "other coverage C2 has no member id",
    ),
    "COD001": _ex(
        "diagnosis E11.Z9",
        lambda c: diagnoses(c, "E11Z9", "I10"),
        "diagnosis E11.65",
        same,
        "diagnosis 1 (E11.Z9) is not an ICD-10-CM code",
    ),
    "COD002": _ex(
        "diagnosis E11 (a category)",
        lambda c: diagnoses(c, "E11", "I10"),
        "diagnosis E11.65",
        same,
        "diagnosis 1 (E11) is a category, not a billable code",
    ),
    "COD003": _ex(
        "E66.811 (added October 2024) on a visit of 2024-03-11",
        lambda c: encounter(
            diagnoses(c, "E66811", "I10"),
            date_of_service=date(2024, 3, 11),
            lines=tuple(replace(x, date_of_service=date(2024, 3, 11)) for x in c.claim.lines),
        ),
        "E66.811 on a visit of 2026-03-10",
        lambda c: diagnoses(c, "E66811", "I10"),
        "diagnosis 1 (E66.811) is not valid on 2024-03-11 (valid from 2024-10-01)",
    ),
    "COD004": _ex(
        "Z00.121 (child health exam) for a 55-year-old",
        lambda c: diagnoses(c, "Z00121", "I10"),
        "Z00.00 (adult exam)",
        lambda c: diagnoses(c, "Z0000", "I10"),
        "diagnosis 1 (Z00.121) conflicts with the patient's age 55",
    ),
    "COD005": _ex(
        "N95.1 (menopausal state) for a male patient",
        lambda c: patient(diagnoses(c, "N951", "I10"), sex=Sex.MALE),
        "N95.1 for a female patient",
        lambda c: diagnoses(c, "N951", "I10"),
        "diagnosis 1 (N95.1) is for female patients; the patient is male",
    ),
    "COD006": _ex(
        "E11.65 with R73.03 (prediabetes excludes diabetes)",
        lambda c: diagnoses(c, "E1165", "R7303"),
        "E11.65 with I10",
        same,
        "diagnosis 2 (R73.03) excludes diagnosis 1 (E11.65)",
        "diabetes mellitus (E08-E13)",
    ),
    "COD007": _ex(
        "E11.65 listed twice",
        lambda c: diagnoses(c, "E1165", "E1165"),
        "E11.65 and I10",
        same,
        "diagnosis 2 (E11.65) repeats diagnosis 1",
    ),
    "COD008": _ex(
        "the visit points only to Z79.899 (long-term drug therapy)",
        lambda c: line(diagnoses(c, "E1165", "I10", "Z79899"), 1, diagnosis_pointers=(3,)),
        "the visit points to E11.65 and I10",
        lambda c: diagnoses(c, "E1165", "I10", "Z79899"),
        "line 1 (99213) points only to history/status code(s) Z79.899",
    ),
    "COD009": _ex(
        "F02.80 (dementia, a manifestation) listed first",
        lambda c: diagnoses(c, "F0280", "G309"),
        "G30.9 (Alzheimer's disease) first, then F02.80",
        lambda c: diagnoses(c, "G309", "F0280"),
        "diagnosis 1 (F02.80) is a manifestation code and may not be listed first",
    ),
    "COD010": _ex(
        "procedure code 9921",
        lambda c: line(c, 1, procedure_code="9921"),
        "procedure code 99213",
        same,
        "line 1: '9921' is not a CPT or HCPCS code",
    ),
    "COD011": _ex(
        "A9999, terminated 2020-12-31",
        lambda c: add_line(c, "A9999"),
        "J1100, in effect",
        lambda c: add_line(c, "J1100"),
        "line 3 (A9999) is not in effect on 2026-03-10",
    ),
    "COD012": _ex(
        "modifier ZZ",
        lambda c: line(c, 2, modifiers=("ZZ",)),
        "modifier 59",
        lambda c: line(c, 2, modifiers=("59",)),
        "line 2 (83036): modifier 'ZZ' is not a known modifier",
    ),
    "COD013": _ex(
        "modifiers 59 and 59 on one line",
        lambda c: line(c, 2, modifiers=("59", "59")),
        "modifier 59 once",
        lambda c: line(c, 2, modifiers=("59",)),
        "line 2 (83036): modifier 59 appears twice",
    ),
    "COD014": _ex(
        "99213 without 25 and a knee injection 20610-RT the same day",
        lambda c: add_line(c, "20610", modifiers=("RT",)),
        "99213-25 with 20610-RT",
        lambda c: line(add_line(c, "20610", modifiers=("RT",)), 1, modifiers=("25",)),
        "line 1 (99213) is billed with procedure 20610 (line 3) on the same day",
        "has no modifier 25",
    ),
    "COD015": _ex(
        "modifier 25 on the lab test 83036",
        lambda c: line(c, 2, modifiers=("25",)),
        "modifier 25 on the E/M 99213",
        lambda c: line(c, 1, modifiers=("25",)),
        "line 2 (83036) has modifier 25 but is not an E/M service",
    ),
    "COD016": _ex(
        "20610 with LT and RT on one line",
        lambda c: add_line(c, "20610", modifiers=("LT", "RT")),
        "20610-50 for both knees",
        lambda c: add_line(c, "20610", modifiers=("50",)),
        "line 3 (20610) has LT and RT",
    ),
    "COD017": _ex(
        "20610 without a side",
        lambda c: add_line(c, "20610"),
        "20610-RT",
        lambda c: add_line(c, "20610", modifiers=("RT",)),
        "line 3 (20610) names no side",
    ),
    "COD018": _ex(
        "modifiers 59 and XS on one line",
        lambda c: line(c, 2, modifiers=("59", "XS")),
        "XS alone",
        lambda c: line(c, 2, modifiers=("XS",)),
        "line 2 (83036) has 59 and XS",
    ),
    "COD019": _ex(
        "99213 with 2 units",
        lambda c: line(c, 1, units=Decimal(2)),
        "99213 with 1 unit",
        same,
        "line 1 (99213) has 2 units",
    ),
    "COD020": _ex(
        "83036 with 1.5 units",
        lambda c: line(c, 2, units=Decimal("1.5")),
        "the drug J1100 with 2.5 units",
        lambda c: add_line(c, "J1100", units=Decimal("2.5")),
        "line 2 (83036) has 1.5 units",
    ),
    "COD021": _ex(
        "pointers 1:1",
        lambda c: line(c, 2, diagnosis_pointers=(1, 1)),
        "pointer 1",
        same,
        "line 2 (83036) repeats a pointer: 1:1",
    ),
    "COD022": _ex(
        "Z79.4 on the claim, pointed to by no line",
        lambda c: diagnoses(c, "E1165", "I10", "Z794"),
        "every diagnosis pointed to",
        same,
        "diagnosis 3 (Z79.4) is not pointed to by any line",
    ),
    "COD023": _ex(
        "place of service 88",
        lambda c: line(c, 1, place_of_service="88"),
        "place of service 11",
        same,
        "line 1: place of service '88' is not a CMS place of service code",
    ),
    "COD024": _ex(
        "83036 charged 0.00",
        lambda c: line(c, 2, charge=Money("0")),
        "83036 charged 100.00",
        same,
        "line 2 (83036) has a zero charge",
    ),
    "COD025": _ex(
        "a telehealth visit (POS 02) without 95",
        lambda c: line(c, 1, place_of_service="02"),
        "POS 02 with modifier 95",
        lambda c: line(c, 1, place_of_service="02", modifiers=("95",)),
        "line 1 (99213) at place of service 02 has no telehealth modifier",
    ),
    "NCC001": _ex(
        "93000 and 93005 the same day (modifier indicator 0)",
        lambda c: add_line(add_line(c, "93000"), "93005", modifiers=("59",)),
        "93000 alone",
        lambda c: add_line(c, "93000"),
        "line 4 (93005) is bundled into line 3 (93000)",
    ),
    "NCC002": _ex(
        "20610-RT and 99213 without an NCCI-associated modifier (indicator 1)",
        lambda c: add_line(c, "20610", modifiers=("RT",)),
        "20610-RT and 99213-25",
        lambda c: line(add_line(c, "20610", modifiers=("RT",)), 1, modifiers=("25",)),
        "line 1 (99213) pairs with line 3 (20610) under NCCI",
    ),
    "NCC003": _ex(
        "20610 with 3 units on one line (MUE 2, MAI 1)",
        lambda c: add_line(c, "20610", modifiers=("RT",), units=Decimal(3)),
        "20610 with 1 unit",
        lambda c: add_line(c, "20610", modifiers=("RT",)),
        "line 3 (20610) has 3 units; the MUE allows 2 per line",
    ),
    "NCC004": _ex(
        "36415 twice the same day, 3 units in all (MUE 2, MAI 2)",
        lambda c: add_line(add_line(c, "36415", units=Decimal(2)), "36415", modifiers=("91",)),
        "36415 with 1 unit",
        lambda c: add_line(c, "36415"),
        "36415 has 3 units on 2026-03-10; the MUE allows 2 per day",
    ),
    "NCC005": _ex(
        "J1100 with 40 units (MUE 30, MAI 3)",
        lambda c: add_line(c, "J1100", units=Decimal(40)),
        "J1100 with 10 units",
        lambda c: add_line(c, "J1100", units=Decimal(10)),
        "J1100 has 40 units on 2026-03-10; the MUE allows 30 per day without documentation",
    ),
    "PRV001": _ex(
        "billing NPI with a wrong check digit",
        lambda c: encounter(c, billing_npi=wrong_check_digit(BILLING_NPI)),
        f"billing NPI {BILLING_NPI}",
        same,
        f"billing NPI {wrong_check_digit(BILLING_NPI)} fails the NPI check digit",
    ),
    "PRV002": _ex(
        "rendering NPI with a wrong check digit",
        lambda c: encounter(c, rendering_npi=wrong_check_digit(RENDERING_NPI)),
        f"rendering NPI {RENDERING_NPI}",
        same,
        f"rendering NPI {wrong_check_digit(RENDERING_NPI)} fails the NPI check digit",
    ),
    "PRV003": _ex(
        "referring NPI with a wrong check digit",
        lambda c: encounter(c, referring_npi=wrong_check_digit(OTHER_NPI)),
        f"referring NPI {OTHER_NPI}",
        lambda c: encounter(c, referring_npi=OTHER_NPI),
        f"referring NPI {wrong_check_digit(OTHER_NPI)} fails the NPI check digit",
    ),
    "PRV004": _ex(
        "facility NPI with a wrong check digit",
        lambda c: facility(c, npi=wrong_check_digit(OTHER_NPI)),
        f"facility NPI {OTHER_NPI}",
        lambda c: facility(c, npi=OTHER_NPI),
        f"facility NPI {wrong_check_digit(OTHER_NPI)} fails the NPI check digit",
    ),
    "PRV005": _ex(
        "rendering NPI not in the provider list",
        lambda c: encounter(c, rendering_npi=OTHER_NPI),
        "rendering provider on file",
        same,
        f"rendering NPI {OTHER_NPI} is not a provider on file",
    ),
    "PRV006": _ex(
        "rendering provider without taxonomy",
        lambda c: provider(c, RENDERING_NPI, taxonomy=""),
        "taxonomy 207Q00000X",
        same,
        f"rendering provider {RENDERING_NPI} has no taxonomy code",
    ),
    "PRV007": _ex(
        "taxonomy 207Q0000X (one character short)",
        lambda c: provider(c, RENDERING_NPI, taxonomy="207Q0000X"),
        "taxonomy 207Q00000X",
        same,
        "taxonomy '207Q0000X' is not a NUCC code",
    ),
    "PRV008": _ex(
        "an individual bills for another clinician's service",
        lambda c: provider(c, BILLING_NPI, kind=ProviderKind.INDIVIDUAL),
        "the group bills",
        same,
        f"individual {BILLING_NPI} bills for a service rendered by {RENDERING_NPI}",
    ),
    "PRV009": _ex(
        "billing tax id 12345",
        lambda c: provider(c, BILLING_NPI, tax_id="12345"),
        "tax id 12-3456789",
        lambda c: provider(c, BILLING_NPI, tax_id="12-3456789"),
        "tax id '12345' is not 9 digits",
    ),
    "DAT001": _ex(
        "a line dated 2026-03-20, after today 2026-03-12",
        lambda c: line(c, 2, date_of_service=date(2026, 3, 20)),
        "every line dated 2026-03-10",
        same,
        "line 2 (83036) is dated 2026-03-20, after today 2026-03-12",
    ),
    "DAT002": _ex(
        "scrubbed 120 days after the visit; the payer allows 90",
        lambda c: replace(c, today=SERVICE_DAY + timedelta(days=120)),
        "scrubbed 2 days after the visit",
        same,
        "Summit Health Plan allows 90 days to file; the limit for 2026-03-10 passed on 2026-06-08",
    ),
    "DAT003": _ex(
        "scrubbed 75 days after the visit (15 days left)",
        lambda c: replace(c, today=SERVICE_DAY + timedelta(days=75)),
        "scrubbed 2 days after the visit",
        same,
        "15 days left to file (limit 2026-06-08)",
    ),
    "DUP001": _ex(
        "claim CE0 already bills 99213 for the same patient, day and clinician",
        billed_elsewhere,
        "no other claim bills it",
        same,
        "line 1 (99213) on 2026-03-10 is already billed on claim(s) CE0",
    ),
    "DUP002": _ex(
        "83036 on two lines",
        lambda c: add_line(c, "83036"),
        "83036 on one line",
        same,
        "line 3 (83036) repeats line 2",
    ),
    "AUT001": _ex(
        "the payer requires authorization for 20610 and the claim has none",
        lambda c: add_line(rules(c, prior_auth_codes=frozenset({"20610"})), "20610"),
        "authorization PA12345 on the claim",
        lambda c: encounter(
            add_line(rules(c, prior_auth_codes=frozenset({"20610"})), "20610"),
            prior_authorization="PA12345",
        ),
        "line 3 (20610) needs prior authorization and the claim has none",
    ),
    "AUT002": _ex(
        "the 271 says 83036 needs authorization; the claim bills it with none",
        lambda c: eligibility(c, authorization_codes=frozenset({"83036"})),
        "the 271 names only 20610, which the claim does not bill",
        lambda c: eligibility(c, authorization_codes=frozenset({"20610"})),
        "line 2 (83036): eligibility check of 2026-03-09 says 83036 needs authorization",
    ),
    "AUT003": _ex(
        "authorization 12-34 where the payer issues PA + 5 digits",
        lambda c: encounter(
            rules(c, prior_auth_pattern=r"^PA[0-9]{5}$"), prior_authorization="12-34"
        ),
        "authorization PA12345",
        lambda c: encounter(
            rules(c, prior_auth_pattern=r"^PA[0-9]{5}$"), prior_authorization="PA12345"
        ),
        "authorization '12-34' does not match the payer's format",
    ),
    "PAY001": _ex(
        "the payer requires a referring NPI; the claim has none",
        lambda c: rules(c, required_fields=("referring_npi",)),
        f"referring NPI {OTHER_NPI}",
        lambda c: encounter(rules(c, required_fields=("referring_npi",)), referring_npi=OTHER_NPI),
        "Summit Health Plan requires referring npi",
    ),
    "PAY002": _ex(
        "the coverage names payer SHP01, which is not on file",
        lambda c: replace(c, payer=None, payers={}),
        "payer SHP01 on file",
        same,
        "coverage C1 names payer SHP01, which is not on file",
    ),
    "PAY003": _ex(
        "83036 billed to a payer configured not to cover it",
        lambda c: rules(c, noncovered_codes=frozenset({"83036"})),
        "the same claim to a payer that covers 83036",
        same,
        "line 2 (83036) is not covered by Summit Health Plan",
    ),
    "PAY004": _ex(
        "J1100 without an NDC to a payer that requires one",
        lambda c: rules(add_line(c, "J1100", units=Decimal(8)), requires_ndc=True),
        "J1100 with NDC 63323016501, 2 ML",
        lambda c: rules(
            add_line(
                c,
                "J1100",
                units=Decimal(8),
                drug=DrugDetail("63323016501", Decimal(2), DrugUnit.MILLILITER),
            ),
            requires_ndc=True,
        ),
        "line 3 (J1100) is a drug without its NDC, which Summit Health Plan requires",
    ),
}
