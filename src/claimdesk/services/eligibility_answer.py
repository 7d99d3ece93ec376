"""What a 271 answer means for one coverage on one date of service: pure interpretation.

The answer is active, inactive, about a member the payer does not know, or rejected for another
reason (AAA); whatever is not active becomes Tier 1 work, so every problem carries a reason a
person can read and a fix written as an instruction.
"""

from __future__ import annotations

from datetime import date

from claimdesk.domain.eligibility import BenefitFigures, EligibilityProblem, EligibilityReading
from claimdesk.edi.x12.envelope import TransactionSet
from claimdesk.edi.x271.read import (
    HEALTH_BENEFIT_PLAN_COVERAGE,
    EligibilityResponse,
    MemberEligibility,
    PlanNetwork,
)

NETWORKS = {PlanNetwork.IN_NETWORK: "in", PlanNetwork.OUT_OF_NETWORK: "out"}

# AAA03 reject reason codes (005010X279A1): what the payer said, and what Tier 1 should do.
_UNKNOWN_MEMBER = frozenset({"67", "72", "75", "76", "77", "78"})
_CARD = "Check the member id and the subscriber's name and date of birth against the patient's "
_REJECTIONS: dict[str, tuple[str, str]] = {
    "15": ("required data is missing from the inquiry", "Complete the coverage and patient data."),
    "41": (
        "the payer restricts inquiries from this provider",
        "Call the payer to enable eligibility inquiries for the billing provider.",
    ),
    "42": (
        "the payer could not respond at the time",
        "Run the eligibility check again later.",
    ),
    "43": (
        "the provider identification is invalid or missing",
        "Check the billing provider's NPI and tax id on file.",
    ),
    "51": (
        "the provider is not on the payer's file",
        "Confirm the provider's enrollment with the payer.",
    ),
    "57": ("the date of service is invalid or missing", "Check the visit's date of service."),
    "58": (
        "the date of birth is invalid or missing",
        "Check the patient's date of birth with the patient's card.",
    ),
    "62": (
        "the date of service is outside the payer's inquiry period",
        "Ask the payer by phone for coverage on that date.",
    ),
    "63": (
        "the date of service is in the future",
        "Run the check again nearer the visit.",
    ),
    "67": (
        "the payer cannot find the patient",
        _CARD + "card; make sure the patient is enrolled as a dependent.",
    ),
    "71": (
        "the date of birth does not match the payer's",
        "Check the patient's date of birth with the patient and the insurance card.",
    ),
    "72": (
        "the member id is invalid or missing",
        "Check the member id with the patient's insurance card and correct the coverage.",
    ),
    "73": (
        "the subscriber's name is invalid or missing",
        "Enter the subscriber's name exactly as on the insurance card.",
    ),
    "75": (
        "the payer cannot find the subscriber",
        _CARD + "card; ask the patient whether the plan changed.",
    ),
    "76": (
        "the member id belongs to more than one member",
        "Check the member id suffix and the subscriber's date of birth with the card.",
    ),
    "77": (
        "the subscriber was found but not the patient",
        "Check the patient's relationship to the subscriber and the dependent's name and "
        "date of birth.",
    ),
    "78": (
        "the subscriber is not in the group or plan",
        "Check the group number and plan with the patient's insurance card.",
    ),
}
_INACTIVE_FIX = (
    "Ask the patient for the insurance in force on the date of service; update or end the "
    "coverage, then run the eligibility check again."
)
_NO_STATUS_FIX = "Call the payer to confirm the coverage, then record the answer."


def interpret(member: MemberEligibility, service_date: date) -> EligibilityReading:
    """The 271's answer about ``member`` for ``service_date``."""
    messages = tuple(dict.fromkeys(member.messages))
    plan = member.plan_description or ""
    if member.rejections:
        rejection = member.rejections[0]
        return _rejected(rejection.reason, rejection.follow_up.value if rejection.follow_up else "")
    benefits = _figures(member)
    # Any service type needing authorization flags the coverage (EB11 = Y); a benefit for one
    # procedure (EB13) flags that procedure only.
    flags = [b.authorization_required for b in benefits if b.authorization_required is not None]
    authorization = any(flags) if flags else None
    active = member.is_active(service_date)
    day = service_date.isoformat()
    if active:
        problem, reason, fix = EligibilityProblem.NONE, "", ""
    elif active is None:
        problem = EligibilityProblem.NO_STATUS
        reason = "the 271 gives no coverage status (no active or inactive benefit)"
        fix = _NO_STATUS_FIX
    else:
        problem = EligibilityProblem.INACTIVE
        reason = f"the payer reports the coverage inactive on {day}"
        fix = _INACTIVE_FIX
    return EligibilityReading(
        active=bool(active),
        problem=problem,
        plan=plan,
        reason=reason,
        fix_hint=fix,
        reject_reason="",
        follow_up="",
        authorization_required=authorization,
        messages=messages,
        benefits=benefits,
        authorization_codes=tuple(sorted(member.authorization_codes())),
    )


def _rejected(code: str, follow_up: str) -> EligibilityReading:
    said, fix = _REJECTIONS.get(
        code,
        (
            "the payer rejected the inquiry",
            "Look up the reject reason code, correct the registration and run the check again.",
        ),
    )
    problem = (
        EligibilityProblem.UNKNOWN_MEMBER
        if code in _UNKNOWN_MEMBER
        else EligibilityProblem.REJECTED
    )
    return EligibilityReading(
        active=False,
        problem=problem,
        plan="",
        reason=f"AAA reject reason {code}: {said}",
        fix_hint=fix,
        reject_reason=code,
        follow_up=follow_up,
        authorization_required=None,
        messages=(),
        benefits=(),
    )


def _figures(member: MemberEligibility) -> tuple[BenefitFigures, ...]:
    """Cost share for every service type the answer names, in and out of network."""
    types = dict.fromkeys(
        [HEALTH_BENEFIT_PLAN_COVERAGE, *(t for b in member.benefits for t in b.service_types)]
    )
    found: list[BenefitFigures] = []
    for service_type in types:
        for network, label in NETWORKS.items():
            share = member.cost_share(service_type, network)
            figures = BenefitFigures(
                service_type=service_type,
                network=label,
                copay=share.copay,
                coinsurance=share.coinsurance,
                deductible=share.deductible,
                deductible_remaining=share.deductible_remaining,
                out_of_pocket=share.out_of_pocket,
                out_of_pocket_remaining=share.out_of_pocket_remaining,
                authorization_required=share.authorization_required,
            )
            if any(
                value is not None
                for value in (
                    figures.copay,
                    figures.coinsurance,
                    figures.deductible,
                    figures.deductible_remaining,
                    figures.out_of_pocket,
                    figures.out_of_pocket_remaining,
                    figures.authorization_required,
                )
            ):
                found.append(figures)
    return tuple(found)


def member_segments(
    transactions: tuple[TransactionSet, ...],
    response: EligibilityResponse,
    member: MemberEligibility,
) -> str:
    """The member's own loop as it arrived: its HL up to the next HL (or the SE)."""
    for transaction in transactions:
        if (transaction.interchange_index, transaction.control_number) != (
            response.interchange_index,
            response.control_number,
        ):
            continue
        segments = transaction.segments
        start = next((i for i, s in enumerate(segments) if s.position == member.position), None)
        if start is None:
            return ""
        end = next(
            (i for i in range(start + 1, len(segments)) if segments[i].id in ("HL", "SE")),
            len(segments),
        )
        d = transaction.delimiters
        return "".join(d.element.join(s.elements) + d.segment for s in segments[start:end])
    return ""
