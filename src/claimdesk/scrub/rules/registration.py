"""Registration and demographics: the patient, the subscriber and the member id."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimdesk.domain.coverage import Relationship
from claimdesk.domain.patterns import compiled
from claimdesk.domain.payers import PayerKind
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, T1 = Severity.ERROR, BillingTier.TIER_1
OLDEST_PLAUSIBLE_AGE = 120
ADULT_AGE = 18
# USPS state and territory codes, including the armed forces codes AA, AE, AP.
STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
        "AA",
        "AE",
        "AP",
    ]
)
ZIP = re.compile(r"^[0-9]{5}(?:[0-9]{4})?$")
# Letters in any script, joined by a space, apostrophe, period or hyphen (O'Neil, St. John).
NAME = re.compile(r"^[^\W\d_]+(?:[ '.-]+[^\W\d_]+)*\.?$")


@rule(
    "REG001",
    "birth-date-after-service",
    ERROR,
    T1,
    summary="The patient's date of birth is after the date of service.",
    fix="Correct the date of birth from the patient's ID or insurance card.",
    reference="005010X222A1 2010CA DMG02 (patient birth date)",
)
def birth_after_service(ctx: ScrubContext) -> Iterator[Issue]:
    born = ctx.patient.birth_date
    if born > ctx.date_of_service:
        yield Issue(
            f"date of birth {born.isoformat()} is after the date of service "
            f"{ctx.date_of_service.isoformat()}",
            "patient.birth_date",
        )


@rule(
    "REG002",
    "implausible-age",
    ERROR,
    T1,
    summary="The patient would be older than 120 on the date of service.",
    fix="Check the year of birth (a typo such as 1823 for 1923) and correct it.",
    reference="005010X222A1 2010CA DMG02 (patient birth date)",
)
def implausible_age(ctx: ScrubContext) -> Iterator[Issue]:
    age = ctx.patient.age_on(ctx.date_of_service)
    if age > OLDEST_PLAUSIBLE_AGE:
        yield Issue(
            f"date of birth {ctx.patient.birth_date.isoformat()} makes the patient {age} "
            "on the date of service",
            "patient.birth_date",
        )


@rule(
    "REG003",
    "patient-address-incomplete",
    ERROR,
    T1,
    summary="The patient's address lacks a street line, city, state or ZIP code.",
    fix="Enter the patient's full street address as it appears on the insurance card.",
    reference="005010X222A1 2010CA N3/N4 (patient address, required)",
)
def address_incomplete(ctx: ScrubContext) -> Iterator[Issue]:
    address = ctx.patient.address
    missing = [
        label
        for label, value in (
            ("street line", address.line1),
            ("city", address.city),
            ("state", address.state),
            ("ZIP code", address.postal_code),
        )
        if not value.strip()
    ]
    if missing:
        yield Issue(f"patient address has no {', '.join(missing)}", "patient.address")


@rule(
    "REG004",
    "postal-code-format",
    ERROR,
    T1,
    summary="The patient's ZIP code is not 5 or 9 digits.",
    fix="Enter the ZIP code as 5 digits or ZIP+4 (9 digits, no dash).",
    reference="005010X222A1 2010CA N403 (postal code)",
)
def postal_code_format(ctx: ScrubContext) -> Iterator[Issue]:
    postal = ctx.patient.address.postal_code
    if postal and not ZIP.match(postal):
        yield Issue(f"ZIP code {postal!r} is not 5 or 9 digits", "patient.address.postal_code")


@rule(
    "REG005",
    "state-code-unknown",
    ERROR,
    T1,
    summary="The patient's state is not a USPS state or territory code.",
    fix="Enter the two-letter USPS code of the patient's state (for example OH).",
    reference="005010X222A1 2010CA N402 (state code)",
)
def state_unknown(ctx: ScrubContext) -> Iterator[Issue]:
    state = ctx.patient.address.state
    if state and state not in STATES:
        yield Issue(f"state {state!r} is not a USPS state code", "patient.address.state")


@rule(
    "REG006",
    "member-id-missing",
    ERROR,
    T1,
    summary="The billed coverage has no member id.",
    fix="Copy the member id from the front of the patient's insurance card.",
    reference="005010X222A1 2010BA NM109 (subscriber primary identifier, required)",
)
def member_id_missing(ctx: ScrubContext) -> Iterator[Issue]:
    coverage = ctx.coverage
    if coverage is not None and not coverage.member_id.strip():
        yield Issue(
            f"coverage {coverage.coverage_id} ({coverage.plan_name}) has no member id",
            "coverage.member_id",
        )


@rule(
    "REG007",
    "member-id-format",
    ERROR,
    T1,
    summary="The member id does not have the shape the payer's ids have.",
    fix="Re-enter the member id exactly as on the card (letters, digits, no spaces or dashes).",
    reference="Payer member id format (payers.csv member_id_pattern); MBI format for Medicare",
)
def member_id_format(ctx: ScrubContext) -> Iterator[Issue]:
    coverage, payer = ctx.coverage, ctx.payer
    if coverage is None or payer is None or not payer.member_id_pattern:
        return
    member_id = coverage.member_id.strip()
    if member_id and not compiled(payer.member_id_pattern).match(member_id):
        yield Issue(
            f"member id {member_id!r} does not match {payer.name}'s format "
            f"{payer.member_id_pattern}",
            "coverage.member_id",
        )


@rule(
    "REG008",
    "minor-registered-as-subscriber",
    ERROR,
    T1,
    summary="A minor is registered as the subscriber (relationship self) of a commercial plan.",
    fix=(
        "Enter the policy holder named on the card as the subscriber and set the patient's "
        "relationship to child."
    ),
    reference="005010X222A1 2000B SBR02 / 2000C PAT01 (individual relationship code)",
)
def minor_as_subscriber(ctx: ScrubContext) -> Iterator[Issue]:
    coverage, payer = ctx.coverage, ctx.payer
    if coverage is None or payer is None or payer.kind is not PayerKind.COMMERCIAL:
        return
    age = ctx.patient.age_on(ctx.date_of_service)
    if coverage.relationship is Relationship.SELF and 0 <= age < ADULT_AGE:
        yield Issue(
            f"patient is {age} on the date of service and registered as the subscriber "
            f"(relationship self) of {coverage.plan_name}",
            "coverage.relationship",
        )


@rule(
    "REG009",
    "subscriber-name-missing",
    ERROR,
    T1,
    summary="A dependent's coverage lacks the subscriber's last or first name.",
    fix="Enter the subscriber's name exactly as on the insurance card.",
    reference="005010X222A1 2010BA NM103/NM104 (subscriber name)",
)
def subscriber_name_missing(ctx: ScrubContext) -> Iterator[Issue]:
    coverage = ctx.coverage
    if coverage is None or coverage.subscriber is None:
        return
    subscriber = coverage.subscriber
    if not subscriber.last_name.strip() or not subscriber.first_name.strip():
        yield Issue(
            f"coverage {coverage.coverage_id}: the subscriber's name is incomplete",
            "coverage.subscriber",
        )


@rule(
    "REG010",
    "subscriber-younger-than-child",
    ERROR,
    T1,
    summary="A child's subscriber (the parent) is born after the child.",
    fix="Check the subscriber's date of birth and the relationship on the registration.",
    reference="005010X222A1 2010BA DMG02 (subscriber birth date) and 2000C PAT01",
)
def subscriber_younger(ctx: ScrubContext) -> Iterator[Issue]:
    coverage = ctx.coverage
    if coverage is None or coverage.relationship is not Relationship.CHILD:
        return
    subscriber = coverage.subscriber
    if subscriber is None or subscriber.birth_date is None:
        return
    if subscriber.birth_date >= ctx.patient.birth_date:
        yield Issue(
            f"subscriber born {subscriber.birth_date.isoformat()} is not older than the "
            f"child born {ctx.patient.birth_date.isoformat()}",
            "coverage.subscriber.birth_date",
        )


@rule(
    "REG011",
    "patient-name-invalid",
    ERROR,
    T1,
    summary="The patient's last or first name is empty or has characters names do not have.",
    fix="Enter the patient's name exactly as on the insurance card, letters only.",
    reference="005010X222A1 2010CA NM103/NM104 (patient name)",
)
def patient_name_invalid(ctx: ScrubContext) -> Iterator[Issue]:
    for label, value in (
        ("last", ctx.patient.last_name),
        ("first", ctx.patient.first_name),
    ):
        if not NAME.match(value.strip()):
            yield Issue(f"patient {label} name {value!r} is not a name", f"patient.{label}_name")
