"""Eligibility as claimdesk keeps it: what a 271 said about a coverage on a date of service.

A 271 is read by ``claimdesk.edi.x271.read`` and interpreted by
``claimdesk.services.eligibility_answer`` into these plain records, which the store keeps and
the scrubber and estimates read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from claimdesk.domain.money import Money


class EligibilityProblem(StrEnum):
    NONE = ""
    INACTIVE = "inactive"  # EB01 6-8, or dates that leave out the date of service
    UNKNOWN_MEMBER = "unknown_member"  # AAA: the payer cannot find the member
    REJECTED = "rejected"  # AAA for another reason
    NO_STATUS = "no_status"  # neither active nor inactive benefit in the answer


@dataclass(frozen=True, slots=True)
class BenefitFigures:
    """Cost share for one service type and network, as the 271 gave it."""

    service_type: str
    network: str  # in / out
    copay: Money | None
    coinsurance: Decimal | None
    deductible: Money | None
    deductible_remaining: Money | None
    out_of_pocket: Money | None
    out_of_pocket_remaining: Money | None
    authorization_required: bool | None


@dataclass(frozen=True, slots=True)
class EligibilityReading:
    active: bool
    problem: EligibilityProblem
    plan: str
    reason: str  # empty when active
    fix_hint: str
    reject_reason: str  # AAA03
    follow_up: str  # AAA04
    authorization_required: bool | None  # plan-wide: an EB11 = Y that names no procedure
    messages: tuple[str, ...]
    benefits: tuple[BenefitFigures, ...]
    # The procedure codes (EB13) the payer says need authorization (EB11 = Y), sorted.
    authorization_codes: tuple[str, ...] = ()
