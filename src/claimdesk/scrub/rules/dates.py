"""Dates: no future services, and the payer's timely filing window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

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


def _deadline_days(ctx: ScrubContext) -> int | None:
    return ctx.payer.timely_filing_days if ctx.payer is not None else None


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
    days = _deadline_days(ctx)
    if days is None or ctx.payer is None:
        return
    oldest = min(ctx.claim.lines, key=lambda line: line.date_of_service)
    deadline = oldest.date_of_service + timedelta(days=days)
    if ctx.today > deadline:
        yield Issue(
            f"{ctx.payer.name} allows {days} days to file; the limit for "
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
    days = _deadline_days(ctx)
    if days is None:
        return
    oldest = min(ctx.claim.lines, key=lambda line: line.date_of_service)
    deadline = oldest.date_of_service + timedelta(days=days)
    left = (deadline - ctx.today).days
    if 0 <= left <= ctx.payer_rules.timely_filing_warning_days:
        yield Issue(
            f"{left} days left to file (limit {deadline.isoformat()})",
            "date_of_service",
            oldest.line_number,
        )
