"""Prior authorization: required by the payer's configuration or its eligibility response."""

from __future__ import annotations

from collections.abc import Iterator

from claimdesk.domain.patterns import compiled
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, T1 = Severity.ERROR, BillingTier.TIER_1


@rule(
    "AUT001",
    "prior-authorization-missing",
    ERROR,
    T1,
    summary="The payer requires prior authorization for a billed code and none is on the claim.",
    fix="Enter the payer's authorization number, or obtain a retro authorization first.",
    reference="Payer prior authorization list (configuration); 005010X222A1 2300 REF*G1",
)
def prior_auth_missing(ctx: ScrubContext) -> Iterator[Issue]:
    codes = ctx.payer_rules.prior_auth_codes
    if not codes or ctx.claim.authorization:
        return
    for line in ctx.claim.lines:
        if line.procedure_code in codes:
            yield Issue(
                f"line {line.line_number} ({line.procedure_code}) needs prior authorization "
                "and the claim has none",
                "prior_authorization",
                line.line_number,
            )


@rule(
    "AUT002",
    "eligibility-says-authorization-required",
    ERROR,
    T1,
    summary=(
        "The eligibility response says a billed procedure (or the whole plan) needs "
        "authorization; none is on the claim."
    ),
    fix="Obtain the authorization from the payer and enter its number on the claim.",
    reference=(
        "005010X279A1 271 EB11 = Y (authorization or certification required) for the "
        "procedure in EB13, or for the plan when EB13 is absent"
    ),
)
def eligibility_auth(ctx: ScrubContext) -> Iterator[Issue]:
    result = ctx.eligibility
    if result is None or ctx.claim.authorization:
        return
    checked = result.checked_at.date().isoformat()
    codes = result.authorization_codes
    if codes:
        for line in ctx.claim.lines:
            if line.procedure_code in codes:
                yield Issue(
                    f"line {line.line_number} ({line.procedure_code}): eligibility check of "
                    f"{checked} says {line.procedure_code} needs authorization and the claim "
                    "has none",
                    "prior_authorization",
                    line.line_number,
                )
    elif result.authorization_required:
        # EB11 = Y with no EB13: the payer names no procedure, so the claim as a whole.
        yield Issue(
            f"eligibility check of {checked} says authorization is required and the claim has none",
            "prior_authorization",
        )


@rule(
    "AUT003",
    "prior-authorization-format",
    ERROR,
    T1,
    summary="The authorization number does not have the payer's format.",
    fix="Copy the authorization number exactly as the payer issued it.",
    reference="Payer configuration prior_auth_pattern; 005010X222A1 2300 REF*G1",
)
def prior_auth_format(ctx: ScrubContext) -> Iterator[Issue]:
    pattern = ctx.payer_rules.prior_auth_pattern
    number = ctx.claim.authorization
    if pattern and number and not compiled(pattern).match(number):
        yield Issue(
            f"authorization {number!r} does not match the payer's format {pattern}",
            "prior_authorization",
        )
