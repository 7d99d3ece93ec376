"""Coverage: the billed coverage is active, in the right order, and the other payers are known."""

from __future__ import annotations

from collections.abc import Iterator

from claimdesk.domain.coverage import Priority
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import rule
from claimdesk.scrub.rule import Issue

ERROR, WARNING, T1 = Severity.ERROR, Severity.WARNING, BillingTier.TIER_1


@rule(
    "COV001",
    "coverage-not-active-on-service-date",
    ERROR,
    T1,
    summary="The billed coverage's registered dates do not include the date of service.",
    fix="Ask the patient for the insurance in force on the date of service; update the coverage.",
    reference="Coverage effective and termination dates (271 DTP*346/347)",
)
def coverage_not_active(ctx: ScrubContext) -> Iterator[Issue]:
    coverage = ctx.coverage
    if coverage is not None and not coverage.active_on(ctx.date_of_service):
        ends = coverage.termination.isoformat() if coverage.termination else "open-ended"
        yield Issue(
            f"coverage {coverage.coverage_id} runs {coverage.effective.isoformat()} to {ends}, "
            f"not on the date of service {ctx.date_of_service.isoformat()}",
            "coverage",
        )


@rule(
    "COV002",
    "eligibility-inactive",
    ERROR,
    T1,
    summary="The latest eligibility check says the coverage is not active on the date of service.",
    fix="Verify the member id and dates with the patient's card, then run eligibility again.",
    reference="005010X279A1 271 EB01 = 6 (inactive) or AAA rejection",
)
def eligibility_inactive(ctx: ScrubContext) -> Iterator[Issue]:
    result = ctx.eligibility
    if result is not None and not result.active:
        why = f": {result.reason}" if result.reason else ""
        yield Issue(
            f"eligibility check of {result.checked_at.date().isoformat()} found coverage "
            f"{result.coverage_id} inactive on {result.service_date.isoformat()}{why}",
            "eligibility",
        )


@rule(
    "COV003",
    "eligibility-not-checked",
    WARNING,
    T1,
    summary="No eligibility check is on file for the billed coverage.",
    fix="Run an eligibility check (270) for the coverage before submitting.",
    reference="005010X279A1 270/271 eligibility inquiry and response",
)
def eligibility_not_checked(ctx: ScrubContext) -> Iterator[Issue]:
    if ctx.coverage is not None and ctx.eligibility is None:
        yield Issue(
            f"coverage {ctx.coverage.coverage_id} has no eligibility check on file", "eligibility"
        )


@rule(
    "COV004",
    "eligibility-stale",
    WARNING,
    T1,
    summary="The latest eligibility check is older than the payer's limit or for another date.",
    fix="Run the eligibility check again for this date of service.",
    reference="Payer configuration eligibility_max_age_days",
)
def eligibility_stale(ctx: ScrubContext) -> Iterator[Issue]:
    result = ctx.eligibility
    if result is None or not result.active:
        return
    age = (ctx.today - result.checked_at.date()).days
    limit = ctx.payer_rules.eligibility_max_age_days
    if age > limit:
        yield Issue(
            f"eligibility was checked {age} days ago (limit {limit})", "eligibility.checked_at"
        )
    elif result.service_date != ctx.date_of_service:
        yield Issue(
            f"eligibility was checked for {result.service_date.isoformat()}, not the date of "
            f"service {ctx.date_of_service.isoformat()}",
            "eligibility.service_date",
        )


@rule(
    "COV005",
    "payer-order",
    ERROR,
    T1,
    summary="The claim bills a secondary or tertiary coverage while a higher one is active.",
    fix="Bill the primary coverage first; bill this one after the primary's remittance.",
    reference="Coordination of benefits: 005010X222A1 2000B SBR01 payer responsibility sequence",
)
def payer_order(ctx: ScrubContext) -> Iterator[Issue]:
    billed = ctx.coverage
    if billed is None or billed.priority is Priority.PRIMARY or ctx.prior_payers_adjudicated:
        return
    day = ctx.date_of_service
    for other in ctx.coverages:
        if other.priority < billed.priority and other.active_on(day):
            yield Issue(
                f"claim bills {billed.priority.name.lower()} coverage {billed.coverage_id} "
                f"while {other.priority.name.lower()} coverage {other.coverage_id} is active",
                "coverage.priority",
            )
            return


@rule(
    "COV006",
    "duplicate-coverage-priority",
    ERROR,
    T1,
    summary="Two coverages active on the date of service have the same priority.",
    fix="Ask the patient which plan is primary and set the coverages' order (1, 2, 3).",
    reference="Coordination of benefits: one payer per responsibility sequence (SBR01)",
)
def duplicate_priority(ctx: ScrubContext) -> Iterator[Issue]:
    seen: dict[Priority, str] = {}
    day = ctx.date_of_service
    for coverage in ctx.coverages:
        if not coverage.active_on(day):
            continue
        first = seen.setdefault(coverage.priority, coverage.coverage_id)
        if first != coverage.coverage_id:
            yield Issue(
                f"coverages {first} and {coverage.coverage_id} are both "
                f"{coverage.priority.name.lower()} on the date of service",
                "coverages.priority",
            )


@rule(
    "COV007",
    "coverage-lapsed",
    ERROR,
    T1,
    summary="The patient has coverage on file, but none of it is active on the date of service.",
    fix=(
        "Ask the patient for current insurance and run an eligibility check; when no coverage "
        "applies, record the day the patient is uninsured since (claim editor) and the visit is "
        "billed to the patient."
    ),
    reference="Registration: coverage effective and termination dates",
)
def coverage_lapsed(ctx: ScrubContext) -> Iterator[Issue]:
    if ctx.coverage is not None or not ctx.coverages:
        return
    day = ctx.date_of_service
    if any(c.active_on(day) for c in ctx.coverages):
        return
    uninsured = ctx.patient.uninsured_since
    if uninsured is not None and uninsured <= day:
        # The patient confirmed no coverage applies: the visit is theirs to pay (self-pay).
        return
    ended = [c for c in ctx.coverages if c.termination is not None and c.termination < day]
    if ended:
        last = max(ended, key=lambda c: c.termination or day)
        yield Issue(
            f"coverage {last.coverage_id} ({last.plan_name}) ended "
            f"{(last.termination or day).isoformat()}, before the date of service "
            f"{day.isoformat()}; no coverage on file is active",
            "coverages",
        )
    else:
        first = min(ctx.coverages, key=lambda c: c.effective)
        yield Issue(
            f"coverage {first.coverage_id} ({first.plan_name}) starts "
            f"{first.effective.isoformat()}, after the date of service {day.isoformat()}",
            "coverages",
        )


@rule(
    "COV008",
    "other-coverage-incomplete",
    ERROR,
    T1,
    summary="Another coverage active on the date of service lacks its member id or payer.",
    fix="Complete the other coverage from the patient's second card (member id and payer).",
    reference="005010X222A1 2320/2330A other subscriber information (coordination of benefits)",
)
def other_coverage_incomplete(ctx: ScrubContext) -> Iterator[Issue]:
    billed = ctx.coverage.coverage_id if ctx.coverage is not None else ""
    day = ctx.date_of_service
    for other in ctx.coverages:
        if other.coverage_id == billed or not other.active_on(day):
            continue
        if not other.member_id.strip():
            yield Issue(f"other coverage {other.coverage_id} has no member id", "coverages")
        if other.payer_id not in ctx.payers:
            yield Issue(
                f"other coverage {other.coverage_id} names payer {other.payer_id}, which is "
                "not on file",
                "coverages",
            )
