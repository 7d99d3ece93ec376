"""Dates: no future services, and the payer's timely filing window."""

from __future__ import annotations

from collections.abc import Iterator

from claimdesk.domain.encounters import ServiceLine
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, WARNING = Severity.ERROR, Severity.WARNING
T1, T2 = BillingTier.TIER_1, BillingTier.TIER_2


@rule(
    "DAT001",
    "future-service-date",
    ERROR,
    T1,
    summary="A service date is after today.",
    fix="Correct the date of service; bill services only after they are given.",
    reference="005010X222A1 2400 DTP*472 (service date)",
)
def future_service(ctx: ScrubContext) -> Iterator[Issue]:
    for line in ctx.claim.lines:
        if line.date_of_service > ctx.today:
            yield Issue(
                f"line {line.line_number} ({line.procedure_code}) is dated "
                f"{line.date_of_service.isoformat()}, after today {ctx.today.isoformat()}",
                "date_of_service",
                line.line_number,
            )


def _oldest(ctx: ScrubContext) -> ServiceLine:
    """The line whose service date starts the claim's filing window."""
    return min(ctx.claim.lines, key=lambda line: line.date_of_service)


@rule(
    "DAT002",
    "timely-filing-expired",
    ERROR,
    T2,
    summary="The payer's timely filing limit has passed for a service date.",
    fix=(
        "Look for proof of an earlier timely submission and appeal with it; otherwise request "
        "approval to write the charge off."
    ),
    reference="Payer timely filing limit (Medicare: 12 months, 42 CFR 424.44)",
)
def filing_expired(ctx: ScrubContext) -> Iterator[Issue]:
    payer = ctx.payer
    if payer is None:
        return
    oldest = _oldest(ctx)
    deadline = payer.timely_filing.last_day(oldest.date_of_service)
    # The last day itself is still on time; the claim is late from the day after (42 CFR 424.44).
    if ctx.today > deadline:
        yield Issue(
            f"{payer.name} allows {payer.timely_filing} to file; the limit for "
            f"{oldest.date_of_service.isoformat()} passed on {deadline.isoformat()}",
            "date_of_service",
            oldest.line_number,
        )


@rule(
    "DAT003",
    "timely-filing-near",
    WARNING,
    T1,
    summary="The payer's timely filing limit is near for a service date.",
    fix="Submit this claim first: fix any other findings today.",
    reference="Payer timely filing limit; payer configuration timely_filing_warning_days",
)
def filing_near(ctx: ScrubContext) -> Iterator[Issue]:
    if ctx.payer is None:
        return
    oldest = _oldest(ctx)
    deadline = ctx.payer.timely_filing.last_day(oldest.date_of_service)
    left = (deadline - ctx.today).days
    if 0 <= left <= ctx.payer_rules.timely_filing_warning_days:
        yield Issue(
            f"{left} days left to file (limit {deadline.isoformat()})",
            "date_of_service",
            oldest.line_number,
        )
