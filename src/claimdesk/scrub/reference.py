"""Reference data the rules read: code sets as precomputed, in-memory lookups.

The types are pure; ``claimdesk.codes`` fills them from the installed ICD-10-CM packages and from
the official files the user imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol


class DiagnosisStatus(StrEnum):
    VALID = "valid"  # a billable code in effect on the date of service
    NOT_BILLABLE = "not_billable"  # a category or subcategory that has codes below it
    NOT_IN_EFFECT = "not_in_effect"  # a real code, but not on the date of service
    UNKNOWN = "unknown"  # not an ICD-10-CM code at all


@dataclass(frozen=True, slots=True)
class Excludes1:
    """One Excludes1 target: codes starting with ``low`` .. ``high`` (compared on their prefix)."""

    low: str
    high: str
    note: str  # the note it came from, e.g. "type 1 diabetes mellitus (E10.-)"

    def matches(self, code: str) -> bool:
        return self.low <= code[: len(self.low)] and code[: len(self.high)] <= self.high


@dataclass(frozen=True, slots=True)
class DiagnosisFacts:
    """What the code set says about one diagnosis code on one date of service."""

    code: str  # without the dot, as X12 sends it
    status: DiagnosisStatus
    # For NOT_IN_EFFECT: the first and last day the code was valid, when it ever was
    # (``valid_through`` is None for a code still valid at the end of the code-set data).
    valid_from: date | None = None
    valid_through: date | None = None
    # "manifestation" or "external cause" when the code may not be listed first.
    first_listed_problem: str = ""
    # MCE age edit: the ages (years) at which the code conflicts, as inclusive ranges.
    age_conflicts: tuple[tuple[int, int], ...] = ()
    # MCE sex edit (last published FY2024): "M" or "F" when the code is for one sex only.
    sex: str = ""
    excludes1: tuple[Excludes1, ...] = ()
    # History and status codes (ICD-10-CM block Z77-Z99): never the reason for a service.
    history_or_status: bool = False

    @property
    def dotted(self) -> str:
        return dotted(self.code)

    def conflicts_with_age(self, age: int) -> bool:
        return any(low <= age <= high for low, high in self.age_conflicts)


def dotted(code: str) -> str:
    """ICD-10-CM codes are shown with the dot after the category (E1165 -> E11.65)."""
    return code if len(code) <= 3 or "." in code else f"{code[:3]}.{code[3:]}"


class DiagnosisCodeSet(Protocol):
    def facts(self, code: str, day: date) -> DiagnosisFacts:
        """The code set's facts for ``code`` (dot optional) on ``day``; cached per code."""
        ...


@dataclass(frozen=True, slots=True)
class CodeSpan:
    """A HCPCS code's life: usable from ``effective`` through ``termination`` (inclusive)."""

    effective: date | None
    termination: date | None

    def in_effect(self, day: date) -> bool:
        return (self.effective is None or self.effective <= day) and (
            self.termination is None or day <= self.termination
        )


@dataclass(frozen=True, slots=True)
class PtpEdit:
    """One NCCI procedure-to-procedure edit (practitioner table)."""

    column1: str
    column2: str
    effective: date
    deletion: date | None
    # 0: never together, 1: together with an NCCI-associated modifier, 9: edit not applied.
    modifier_indicator: str

    def applies_on(self, day: date) -> bool:
        return self.effective <= day and (self.deletion is None or day <= self.deletion)


@dataclass(frozen=True, slots=True)
class MueLimit:
    """A medically unlikely edit: most units of ``code`` per line (MAI 1) or per day (MAI 2, 3)."""

    code: str
    units: int
    adjudication_indicator: str  # MAI 1 line, 2 absolute date of service, 3 date of service


@dataclass(frozen=True, slots=True)
class ReferenceData:
    diagnoses: DiagnosisCodeSet
    modifiers: frozenset[str]
    places_of_service: frozenset[str]
    # Imported files; ``None`` when the user has not imported that kind, so its rules stay quiet.
    hcpcs: Mapping[str, CodeSpan] | None = None
    ptp: Mapping[tuple[str, str], tuple[PtpEdit, ...]] = field(default_factory=dict)
    mue: Mapping[str, MueLimit] = field(default_factory=dict)
    taxonomies: frozenset[str] | None = None
