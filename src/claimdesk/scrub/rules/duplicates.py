"""Duplicates: the same service for the same patient, day and clinician billed twice."""

from __future__ import annotations

from collections.abc import Iterator

from claimdesk.scrub import procedures as proc
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, T1 = Severity.ERROR, BillingTier.TIER_1


@rule(
    "DUP001",
    "already-billed",
    ERROR,
    T1,
    summary="Another claim already bills the same patient, date, code and rendering provider.",
    fix=(
        "Compare with the other claim: void one, or mark a real repeat with 76/77/91 and "
        "document it."
    ),
    reference="CARC 18 (exact duplicate claim/service) prevention",
)
def already_billed(ctx: ScrubContext) -> Iterator[Issue]:
    encounter = ctx.claim.encounter
    for line in encounter.lines:
        if set(line.modifiers) & proc.REPEAT_MODIFIERS:
            continue
        key = (
            encounter.patient_account,
            line.date_of_service,
            line.procedure_code,
            encounter.rendering_npi,
        )
        others = ctx.history.other_claims(key, ctx.claim.claim_id)
        if others:
            yield Issue(
                f"line {line.line_number} ({line.procedure_code}) on "
                f"{line.date_of_service.isoformat()} is already billed on claim(s) "
                f"{', '.join(sorted(others))}",
                "procedure_code",
                line.line_number,
            )


@rule(
    "DUP002",
    "repeated-line",
    ERROR,
    T1,
    summary="Two lines of the claim bill the same code on the same day with the same modifiers.",
    fix="Put the units on one line, or mark a real repeat with 76/77/91.",
    reference="CARC 18 (duplicate service) prevention",
)
def repeated_line(ctx: ScrubContext) -> Iterator[Issue]:
    seen: dict[tuple[str, object, tuple[str, ...]], int] = {}
    for line in ctx.claim.lines:
        if set(line.modifiers) & proc.REPEAT_MODIFIERS:
            continue
        key = (line.procedure_code, line.date_of_service, tuple(sorted(line.modifiers)))
        first = seen.setdefault(key, line.line_number)
        if first != line.line_number:
            yield Issue(
                f"line {line.line_number} ({line.procedure_code}) repeats line {first}",
                "procedure_code",
                line.line_number,
            )
