"""Coverage: a patient's insurance under one payer's plan, in a priority order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum


class Priority(IntEnum):
    PRIMARY = 1
    SECONDARY = 2
    TERTIARY = 3

    @property
    def sbr01(self) -> str:
        """SBR01 payer responsibility sequence code."""
        return {Priority.PRIMARY: "P", Priority.SECONDARY: "S", Priority.TERTIARY: "T"}[self]


class Relationship(StrEnum):
    """Patient's relationship to the subscriber (SBR02 / PAT01 individual relationship codes)."""

    SELF = "18"
    SPOUSE = "01"
    CHILD = "19"
    OTHER = "G8"


class NetworkTier(IntEnum):
    """The plan's tier for our providers: changes what the *patient* pays, not billing routing."""

    TIER_1 = 1
    TIER_2 = 2
    TIER_3 = 3
    OUT_OF_NETWORK = 9


@dataclass(frozen=True, slots=True)
class Subscriber:
    """The insured person when it is not the patient."""

    last_name: str
    first_name: str
    birth_date: date | None = None
    sex: str = ""


@dataclass(frozen=True, slots=True)
class Coverage:
    coverage_id: str
    patient_account: str
    payer_id: str
    plan_name: str
    member_id: str
    group_number: str
    priority: Priority
    relationship: Relationship
    effective: date
    termination: date | None
    network_tier: NetworkTier
    subscriber: Subscriber | None = None

    def __post_init__(self) -> None:
        if self.termination is not None and self.termination < self.effective:
            raise ValueError(f"coverage {self.coverage_id}: terminates before it is effective")
        if self.relationship is not Relationship.SELF and self.subscriber is None:
            raise ValueError(
                f"coverage {self.coverage_id}: a dependent coverage needs the subscriber's name"
            )

    def active_on(self, day: date) -> bool:
        return self.effective <= day and (self.termination is None or day <= self.termination)
