"""Encounters and their service lines: what was done, for which diagnoses, at what charge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from claimdesk.domain.money import Money

MAX_DIAGNOSES = 12  # HI segment: up to 12 diagnosis codes on a professional claim
MAX_MODIFIERS = 4  # SV101-3 .. SV101-6
MAX_POINTERS = 4  # SV107-1 .. SV107-4


NDC_DIGITS = 11  # the 5-4-2 billing form of a National Drug Code, without hyphens (LIN03, N4)


class EncounterError(ValueError):
    """A structurally impossible encounter (not a scrub finding: those are data)."""


class DrugUnit(StrEnum):
    """CTP05-1: the unit the NDC quantity is counted in (837P/837I loop 2410)."""

    UNIT = "UN"
    MILLILITER = "ML"
    GRAM = "GR"
    INTERNATIONAL_UNIT = "F2"
    MILLIGRAM = "ME"


@dataclass(frozen=True, slots=True)
class DrugDetail:
    """The drug actually given on a line billed with a HCPCS drug code (loop 2410).

    The HCPCS code's units count doses of the code's descriptor; the NDC quantity counts the
    package's own unit, so both are kept. At most one of the two references: REF*XZ (the
    pharmacy prescription number) or REF*VY (the link sequence of a compound drug).
    """

    ndc: str  # LIN03, qualifier N4
    quantity: Decimal  # CTP04
    unit: DrugUnit  # CTP05-1
    prescription_number: str = ""  # REF*XZ
    link_sequence: str = ""  # REF*VY

    def __post_init__(self) -> None:
        if len(self.ndc) != NDC_DIGITS or not (self.ndc.isascii() and self.ndc.isdigit()):
            raise EncounterError(f"NDC {self.ndc!r} is not {NDC_DIGITS} digits (5-4-2)")
        if self.quantity <= 0:
            raise EncounterError(f"NDC {self.ndc}: the quantity must be positive")
        if self.prescription_number and self.link_sequence:
            raise EncounterError(
                f"NDC {self.ndc}: loop 2410 has one REF, a prescription number or a link sequence"
            )


@dataclass(frozen=True, slots=True)
class ServiceLine:
    line_number: int
    procedure_code: str
    charge: Money
    units: Decimal
    date_of_service: date
    place_of_service: str
    diagnosis_pointers: tuple[int, ...]
    modifiers: tuple[str, ...] = ()
    drug: DrugDetail | None = None

    def __post_init__(self) -> None:
        where = f"service line {self.line_number}"
        if self.line_number < 1:
            raise EncounterError(f"{where}: line numbers start at 1")
        if len(self.modifiers) > MAX_MODIFIERS:
            raise EncounterError(f"{where}: at most {MAX_MODIFIERS} modifiers")
        if not 1 <= len(self.diagnosis_pointers) <= MAX_POINTERS:
            raise EncounterError(f"{where}: 1 to {MAX_POINTERS} diagnosis pointers")
        if any(not 1 <= p <= MAX_DIAGNOSES for p in self.diagnosis_pointers):
            raise EncounterError(f"{where}: diagnosis pointers run from 1 to {MAX_DIAGNOSES}")
        if self.units <= 0:
            raise EncounterError(f"{where}: units must be positive")
        if self.charge.is_negative():
            raise EncounterError(f"{where}: a charge cannot be negative")


@dataclass(frozen=True, slots=True)
class Encounter:
    """One visit: the diagnoses (ICD-10-CM, up to 12) and the service lines that point to them."""

    encounter_id: str
    patient_account: str
    rendering_npi: str
    billing_npi: str
    facility_id: str
    date_of_service: date
    diagnoses: tuple[str, ...]
    lines: tuple[ServiceLine, ...]
    referring_npi: str = ""
    prior_authorization: str = ""

    def __post_init__(self) -> None:
        where = f"encounter {self.encounter_id}"
        if not 1 <= len(self.diagnoses) <= MAX_DIAGNOSES:
            raise EncounterError(f"{where}: 1 to {MAX_DIAGNOSES} diagnoses")
        if not self.lines:
            raise EncounterError(f"{where}: no service lines")
        numbers = [line.line_number for line in self.lines]
        if len(set(numbers)) != len(numbers):
            raise EncounterError(f"{where}: duplicate service line numbers")
        for line in self.lines:
            if max(line.diagnosis_pointers) > len(self.diagnoses):
                raise EncounterError(
                    f"{where}, service line {line.line_number}: pointer "
                    f"{max(line.diagnosis_pointers)} but only {len(self.diagnoses)} diagnoses"
                )

    @property
    def total_charge(self) -> Money:
        return sum((line.charge for line in self.lines), Money.zero())
