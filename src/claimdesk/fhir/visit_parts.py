"""What every visit of a FHIR file is read into, and the readers of the elements its
Encounter, ChargeItems and Claim items share (docs/fhir.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference

from claimdesk.bundle.cells import (
    parse_choice,
    parse_diagnosis_code,
    parse_modifier,
    parse_money,
    parse_ndc,
    parse_npi,
    parse_units,
)
from claimdesk.domain.encounters import (
    MAX_MODIFIERS,
    DrugDetail,
    DrugUnit,
)
from claimdesk.domain.money import Money
from claimdesk.fhir import systems
from claimdesk.fhir.parties import model
from claimdesk.fhir.reading import Reading, Unreadable
from claimdesk.fhir.source import Taken

PROVIDERS = ("Practitioner", "Organization")
_DRUG_UNITS = {unit.value: unit for unit in DrugUnit}


@dataclass(slots=True)
class Visit:
    """One visit as read so far: its head (None when unreadable), diagnoses and lines."""

    source: Taken  # the Encounter, or the Claim that bills a visit of its own
    encounter_id: str
    head: Head | None = None
    diagnoses: list[str] | None = None  # None: unreadable
    lines: list[Line] = field(default_factory=list)
    line_sources: set[str] = field(default_factory=set)  # ChargeItem, Claim
    broken: bool = False


@dataclass(frozen=True, slots=True)
class Head:
    """What a visit's Encounter (or Claim) says of the whole visit."""

    patient_account: str
    date_of_service: date
    rendering_npi: str
    billing_npi: str
    facility_id: str
    referring_npi: str = ""
    prior_authorization: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """A service line as its ChargeItem or Claim item gave it, before the visit is assembled."""

    source: Taken
    element: str
    line_number: int
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Money | None  # None: priced from the fee schedule
    date_of_service: date | None
    place_of_service: str | None
    pointers: tuple[int, ...]
    drug: DrugDetail | None


def npi_of(reading: Reading, t: Taken, element: str, reference: Reference | None) -> str | None:
    """A clinician's NPI who need not be registered (a referring provider)."""
    target = reading.target(t, element, reference, ("Practitioner",))
    if target is None:
        return None
    if target.taken is not None:
        return reading.key.get(target.taken.where)
    if target.system not in ("", systems.NPI):
        reading.problem(t, element, f"a clinician is named by NPI ({systems.NPI})")
        return None
    return reading.cell(t, element, target.key, parse_npi)


def condition_code(reading: Reading, t: Taken) -> str | None:
    condition = model(t, Condition)
    code = reading.code(t, "code", condition.code, (systems.ICD10CM,))
    return None if code is None else reading.cell(t, "code", code, parse_diagnosis_code)


def modifiers_of(
    reading: Reading, t: Taken, element: str, codes: Sequence[str]
) -> tuple[str, ...] | None:
    if len(codes) > MAX_MODIFIERS:
        reading.problem(t, element, f"at most {MAX_MODIFIERS} modifiers, got {len(codes)}")
        return None
    parsed = [reading.cell(t, element, code, parse_modifier) for code in codes]
    return None if any(p is None for p in parsed) else tuple(p for p in parsed if p)


def units_of(reading: Reading, t: Taken, element: str, quantity: Quantity | None) -> Decimal | None:
    if quantity is None or quantity.value is None:
        reading.problem(t, element, "the number of units is required")
        return None
    return reading.cell(t, element, format(quantity.value, "f"), parse_units)


def amount_of(reading: Reading, t: Taken, element: str, value: Decimal | None) -> Money | None:
    return None if value is None else reading.cell(t, element, format(value, "f"), parse_money)


def drug_of(
    reading: Reading, t: Taken, element: str, owner: object
) -> DrugDetail | Unreadable | None:
    """The drug given on a line (837 loop 2410)."""
    ext = reading.extension(t, owner, systems.DRUG, element)
    if ext is None:
        return None
    parts: Mapping[str, Extension] = {str(e.url): e for e in ext.extension or ()}
    ndc_code = reading.code(
        t, element, parts["ndc"].valueCoding if "ndc" in parts else None, (systems.NDC,)
    )
    ndc = None if ndc_code is None else reading.cell(t, element, ndc_code, parse_ndc)
    quantity = parts["quantity"].valueQuantity if "quantity" in parts else None
    units = units_of(reading, t, element, quantity)
    unit = None
    if quantity is not None:
        unit = reading.cell(
            t, element, str(quantity.code or ""), partial(parse_choice, choices=_DRUG_UNITS)
        )
    prescription = parts["prescription"].valueString if "prescription" in parts else ""
    link = parts["link-sequence"].valueString if "link-sequence" in parts else ""
    if ndc is None or units is None or unit is None:
        return Unreadable.ELEMENT
    try:
        return DrugDetail(ndc, units, unit, prescription or "", link or "")
    except ValueError as exc:
        reading.problem(t, element, str(exc))
        return Unreadable.ELEMENT


def given(drug: DrugDetail | Unreadable | None) -> DrugDetail | None:
    return drug if isinstance(drug, DrugDetail) else None
