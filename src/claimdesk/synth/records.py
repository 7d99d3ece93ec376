"""Mutable records of a practice being generated: defects are applied to them before writing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimdesk.synth.catalog import PayerSpec


def day_text(value: date | None) -> str:
    """A day as the bundle's and the answer key's cells write it: ISO, or empty."""
    return value.isoformat() if value is not None else ""


@dataclass(slots=True)
class AddressRec:
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str


@dataclass(slots=True)
class GuarantorRec:
    account: str
    last_name: str
    first_name: str
    address: AddressRec
    phone: str
    # Not a guarantor field in the bundle: used when the guarantor is also the subscriber.
    birth_date: date
    sex: str


@dataclass(slots=True)
class CoverageRec:
    coverage_id: str
    patient_account: str
    payer: PayerSpec
    plan_name: str
    member_id: str
    group_number: str
    priority: int
    relationship: str  # bundle words: self, spouse, child, other
    effective: date
    termination: date | None
    network_tier: int
    subscriber_last_name: str = ""
    subscriber_first_name: str = ""
    subscriber_birth_date: date | None = None
    subscriber_sex: str = ""


@dataclass(slots=True)
class PatientRec:
    account: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: date
    sex: str
    address: AddressRec
    phone: str
    guarantor: GuarantorRec | None
    # Chronic conditions: a catalog group name and the patient's own code in it, for every visit.
    chronic: list[tuple[str, str]] = field(default_factory=list)
    coverages: list[CoverageRec] = field(default_factory=list)

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def primary(self) -> CoverageRec | None:
        return self.coverages[0] if self.coverages else None


@dataclass(slots=True)
class LineRec:
    line_number: int
    procedure_code: str
    modifiers: list[str]
    units: int
    charge: Decimal
    pointers: list[int]
    # The drug given (837 loop 2410), in mL of the package: "" and None for other lines.
    ndc: str = ""
    ndc_quantity: Decimal | None = None


@dataclass(slots=True)
class EncounterRec:
    encounter_id: str
    patient: PatientRec
    rendering_npi: str
    billing_npi: str
    facility_id: str
    place_of_service: str
    date_of_service: date
    referring_npi: str
    prior_authorization: str
    diagnoses: list[str]
    lines: list[LineRec]


@dataclass(frozen=True, slots=True)
class DefectRec:
    kind: str
    patient_account: str
    encounter_id: str
    coverage_id: str
    detail: str
    # What the chart or the patient gives to set it right, as the claim editor takes it:
    # "field=value" pairs joined by "; ", a line's field as "line N field" (cycle/chart.py).
    correction: str = ""
