"""Payer-specific requirements from configuration, and the payer itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from claimdesk.scrub import procedures as proc
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, WARNING, T1 = Severity.ERROR, Severity.WARNING, BillingTier.TIER_1


def _group_number(ctx: ScrubContext) -> str:
    return ctx.coverage.group_number if ctx.coverage is not None else ""


def _subscriber_birth_date(ctx: ScrubContext) -> str:
    coverage = ctx.coverage
    if coverage is None:
        return ""
    if coverage.subscriber is None:  # the patient is the subscriber
        return ctx.patient.birth_date.isoformat()
    born = coverage.subscriber.birth_date
    return born.isoformat() if born is not None else ""


# What each configurable required field reads from the claim (names: config.REQUIRED_FIELD_NAMES).
FIELD_VALUES: dict[str, Callable[[ScrubContext], str]] = {
    "referring_npi": lambda ctx: ctx.claim.encounter.referring_npi,
    "prior_authorization": lambda ctx: ctx.claim.authorization,
    "group_number": _group_number,
    "subscriber_birth_date": _subscriber_birth_date,
    "patient_phone": lambda ctx: ctx.patient.phone,
    "facility_npi": lambda ctx: ctx.facility.npi if ctx.facility is not None else "",
}


@rule(
    "PAY001",
    "payer-required-field",
    ERROR,
    T1,
    summary="A field this payer requires (by configuration) is empty.",
    fix="Fill in the field the payer requires; its value is on the card or in the chart.",
    reference="Payer companion guide requirements (configuration required_fields)",
)
def required_field(ctx: ScrubContext) -> Iterator[Issue]:
    if ctx.payer is None:
        return
    for name in ctx.payer_rules.required_fields:
        if not FIELD_VALUES[name](ctx).strip():
            yield Issue(f"{ctx.payer.name} requires {name.replace('_', ' ')}", name)


@rule(
    "PAY002",
    "payer-not-on-file",
    ERROR,
    T1,
    summary="The claim's payer is not a payer on file.",
    fix="Add the payer (payer id, kind, filing limits) or correct the coverage's payer.",
    reference="005010X222A1 2010BB NM109 (payer identifier)",
)
def payer_not_on_file(ctx: ScrubContext) -> Iterator[Issue]:
    if ctx.coverage is not None and ctx.payer is None:
        yield Issue(
            f"coverage {ctx.coverage.coverage_id} names payer {ctx.coverage.payer_id}, which is "
            "not on file",
            "payer_id",
        )


@rule(
    "PAY003",
    "payer-noncovered-service",
    WARNING,
    T1,
    summary="A billed code is one this payer never covers (by configuration).",
    fix=(
        "Bill the service to the patient or a secondary payer (with an advance beneficiary "
        "notice where the payer requires one)."
    ),
    reference="Payer non-covered services (configuration noncovered_codes)",
)
def noncovered(ctx: ScrubContext) -> Iterator[Issue]:
    codes = ctx.payer_rules.noncovered_codes
    if not codes or ctx.payer is None:
        return
    for line in ctx.claim.lines:
        if line.procedure_code in codes:
            yield Issue(
                f"line {line.line_number} ({line.procedure_code}) is not covered by "
                f"{ctx.payer.name}",
                "procedure_code",
                line.line_number,
            )


@rule(
    "PAY004",
    "drug-ndc-missing",
    ERROR,
    T1,
    summary="A drug line (J code or biosimilar) has no NDC, and this payer requires one.",
    fix=(
        "Enter the NDC from the vial or package given (11 digits, 5-4-2), with the quantity and "
        "unit (UN, ML, GR, F2 or ME), on the line: service_lines.csv ndc, ndc_quantity and "
        "ndc_unit, which go out in the 837 loop 2410 (LIN*N4 and CTP)."
    ),
    reference=(
        "005010X222A1 loop 2410 LIN/CTP; Deficit Reduction Act of 2005 section 6002 (Medicaid "
        "NDC for physician-administered drugs); configuration requires_ndc"
    ),
)
def drug_ndc_missing(ctx: ScrubContext) -> Iterator[Issue]:
    if not ctx.payer_rules.requires_ndc or ctx.payer is None:
        return
    for line in ctx.claim.lines:
        if line.drug is None and proc.needs_ndc(line.procedure_code):
            yield Issue(
                f"line {line.line_number} ({line.procedure_code}) is a drug without its NDC, "
                f"which {ctx.payer.name} requires",
                "ndc",
                line.line_number,
            )
