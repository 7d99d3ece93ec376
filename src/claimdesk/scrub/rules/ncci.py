"""NCCI: procedure-to-procedure pairs with modifier indicators, and medically unlikely edits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from claimdesk.domain.encounters import ServiceLine
from claimdesk.scrub import procedures as proc
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.reference import MueLimit, PtpEdit
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, WARNING, T2 = Severity.ERROR, Severity.WARNING, BillingTier.TIER_2
PTP_REFERENCE = "CMS NCCI procedure-to-procedure edits, practitioner table (imported file)"
MUE_REFERENCE = "CMS NCCI medically unlikely edits, practitioner table (imported file)"


def _pairs(ctx: ScrubContext, indicator: str) -> Iterator[tuple[ServiceLine, ServiceLine, PtpEdit]]:
    """(column 1 line, column 2 line, edit) for every edit with ``indicator`` that applies."""
    ptp = ctx.reference.ptp
    lines = ctx.claim.lines
    if not ptp or len(lines) < 2:
        return
    for first in lines:
        for second in lines:
            if first.procedure_code == second.procedure_code:
                continue
            if first.date_of_service != second.date_of_service:
                continue
            edits = ptp.get((first.procedure_code, second.procedure_code))
            if not edits:
                continue
            for edit in edits:
                if edit.modifier_indicator == indicator and edit.applies_on(second.date_of_service):
                    yield first, second, edit
                    break


@rule(
    "NCC001",
    "ptp-pair-not-allowed",
    ERROR,
    T2,
    summary="Two codes billed the same day form an NCCI pair that no modifier can separate.",
    fix="Remove the column 2 code; it is included in the column 1 service (modifier indicator 0).",
    reference=f"{PTP_REFERENCE}: modifier indicator 0",
)
def ptp_not_allowed(ctx: ScrubContext) -> Iterator[Issue]:
    for first, second, _ in _pairs(ctx, "0"):
        yield Issue(
            f"line {second.line_number} ({second.procedure_code}) is bundled into line "
            f"{first.line_number} ({first.procedure_code}); NCCI allows no modifier for this pair",
            "procedure_code",
            second.line_number,
        )


@rule(
    "NCC002",
    "ptp-modifier-required",
    ERROR,
    T2,
    summary="An NCCI pair that a modifier may separate is billed without such a modifier.",
    fix=(
        "When the services were distinct (other site, session or encounter), add the fitting "
        "NCCI-associated modifier (XS, XE, XP, XU, 59, 25, LT/RT...) to the column 2 code; "
        "otherwise remove it."
    ),
    reference=f"{PTP_REFERENCE}: modifier indicator 1",
)
def ptp_modifier_required(ctx: ScrubContext) -> Iterator[Issue]:
    for first, second, _ in _pairs(ctx, "1"):
        if set(second.modifiers) & proc.NCCI_ASSOCIATED:
            continue
        yield Issue(
            f"line {second.line_number} ({second.procedure_code}) pairs with line "
            f"{first.line_number} ({first.procedure_code}) under NCCI and has no "
            "NCCI-associated modifier",
            "modifiers",
            second.line_number,
        )


def _limits(
    ctx: ScrubContext, indicators: frozenset[str]
) -> Iterator[tuple[MueLimit, date, Decimal, ServiceLine]]:
    """(limit, day, units that day, first line) where a day's units of a code exceed its MUE."""
    mue = ctx.reference.mue
    if not mue:
        return
    totals: dict[tuple[str, date], tuple[Decimal, ServiceLine]] = {}
    for line in ctx.claim.lines:
        limit = mue.get(line.procedure_code)
        if limit is None or limit.adjudication_indicator not in indicators:
            continue
        key = (line.procedure_code, line.date_of_service)
        units, first = totals.get(key, (Decimal(0), line))
        totals[key] = (units + line.units, first)
    for (code, day), (units, first) in totals.items():
        limit = mue[code]
        if units > limit.units:
            yield limit, day, units, first


@rule(
    "NCC003",
    "mue-line-limit",
    ERROR,
    T2,
    summary="A line's units exceed the code's medically unlikely edit (MAI 1, per line).",
    fix=(
        "Check the units; when more were truly given (another site or session), split them "
        "onto lines with the fitting modifier (76, 91, RT/LT...)."
    ),
    reference=f"{MUE_REFERENCE}: MUE adjudication indicator 1",
)
def mue_line(ctx: ScrubContext) -> Iterator[Issue]:
    mue = ctx.reference.mue
    if not mue:
        return
    for line in ctx.claim.lines:
        limit = mue.get(line.procedure_code)
        if limit is not None and limit.adjudication_indicator == "1" and line.units > limit.units:
            yield Issue(
                f"line {line.line_number} ({line.procedure_code}) has {line.units} units; the "
                f"MUE allows {limit.units} per line",
                "units",
                line.line_number,
            )


@rule(
    "NCC004",
    "mue-day-limit",
    ERROR,
    T2,
    summary="A code's units for one day exceed its absolute medically unlikely edit (MAI 2).",
    fix="Reduce the units to the MUE; more units than this are not payable on one day.",
    reference=f"{MUE_REFERENCE}: MUE adjudication indicator 2",
)
def mue_day_absolute(ctx: ScrubContext) -> Iterator[Issue]:
    for limit, day, units, first in _limits(ctx, frozenset({"2"})):
        yield Issue(
            f"{limit.code} has {units} units on {day.isoformat()}; the MUE allows "
            f"{limit.units} per day",
            "units",
            first.line_number,
        )


@rule(
    "NCC005",
    "mue-day-review",
    WARNING,
    T2,
    summary="A code's units for one day exceed its medically unlikely edit (MAI 3, reviewable).",
    fix="Check the units; when correct, attach documentation that supports them.",
    reference=f"{MUE_REFERENCE}: MUE adjudication indicator 3",
)
def mue_day_review(ctx: ScrubContext) -> Iterator[Issue]:
    for limit, day, units, first in _limits(ctx, frozenset({"3"})):
        yield Issue(
            f"{limit.code} has {units} units on {day.isoformat()}; the MUE allows "
            f"{limit.units} per day without documentation",
            "units",
            first.line_number,
        )
