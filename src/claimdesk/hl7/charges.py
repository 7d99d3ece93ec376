"""Charge messages (DFT^P03): the visit (PV1), its diagnoses (DG1, FT1-19) and its charge lines
(FT1) as the practice bundle's encounter.

A DFT states the visit's charges as the EHR holds them now: the encounter is stored whole, so
a DFT sent again after a line changed re-charges that line, as a re-imported bundle would.
Only charges (FT1-6 ``CG``) are taken; payments and adjustments are posted in claimdesk.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from claimdesk.bundle.cells import (
    parse_diagnosis_code,
    parse_modifier,
    parse_money,
    parse_ndc,
    parse_procedure_code,
)
from claimdesk.domain.encounters import (
    MAX_DIAGNOSES,
    MAX_MODIFIERS,
    MAX_POINTERS,
    DrugDetail,
    DrugUnit,
    Encounter,
    EncounterError,
    ServiceLine,
)
from claimdesk.domain.money import Money
from claimdesk.hl7.directory import Directory
from claimdesk.hl7.fields import checked, patient_account
from claimdesk.hl7.mapping import SenderMapping
from claimdesk.hl7.message import Code, Location, Message, Problem, ValueProblemError

CHARGE = "CG"  # FT1-6 transaction type (HL7 user table 0017)
DRUG_UNITS = {unit.value: unit for unit in DrugUnit}


@dataclass(frozen=True, slots=True)
class Charges:
    encounter: Encounter

    @property
    def total(self) -> Money:
        return self.encounter.total_charge


def _provider(
    message: Message, at: Location, mapping: SenderMapping, directory: Directory, what: str
) -> str:
    npi = mapping.provider(message.required(at, what))
    if not directory.has_provider(npi):
        raise ValueProblemError(at, f"{what} {npi} is not a provider on file", Code.UNKNOWN_KEY)
    return npi


def _diagnosis(message: Message, at: Location, mapping: SenderMapping) -> str:
    system = message.value(Location(at.segment, at.sequence, at.field, 3, at.repetition))
    if system and system not in mapping.diagnosis_systems:
        raise ValueProblemError(
            Location(at.segment, at.sequence, at.field, 3, at.repetition),
            f"coding system {system!r} is not ICD-10-CM ({', '.join(mapping.diagnosis_systems)})",
            Code.TABLE_VALUE_NOT_FOUND,
        )
    return checked(message, at, parse_diagnosis_code, "the diagnosis")


def _visit_diagnoses(message: Message, mapping: SenderMapping) -> list[str]:
    codes: list[str] = []
    for sequence in range(1, message.count("DG1") + 1):
        code = _diagnosis(message, Location("DG1", sequence, 3, 1), mapping)
        if code not in codes:
            codes.append(code)
    return codes


def _line_diagnoses(message: Message, sequence: int, mapping: SenderMapping) -> list[str]:
    field = Location("FT1", sequence, 19, 1)
    return [
        _diagnosis(message, Location("FT1", sequence, 19, 1, repetition), mapping)
        for repetition in range(1, message.repetitions(field) + 1)
    ]


def _drug(message: Message, sequence: int) -> DrugDetail | None:
    """FT1-29 (NDC code): claimdesk reads the NDC in component 1 and, as its convention, the
    quantity and its unit (CTP04, CTP05-1) in components 2 and 3."""
    ndc_at = Location("FT1", sequence, 29, 1)
    if not message.value(ndc_at):
        return None
    ndc = checked(message, ndc_at, parse_ndc, "the NDC")
    quantity_at = Location("FT1", sequence, 29, 2)
    quantity = message.number(quantity_at, "the NDC quantity")
    if quantity is None or quantity <= 0:
        raise ValueProblemError(quantity_at, "the NDC quantity must be a positive number")
    unit_at = Location("FT1", sequence, 29, 3)
    unit = DRUG_UNITS.get(message.value(unit_at))
    if unit is None:
        raise ValueProblemError(
            unit_at,
            f"the NDC unit is one of {', '.join(DRUG_UNITS)}, not {message.value(unit_at)!r}",
            Code.TABLE_VALUE_NOT_FOUND,
        )
    return DrugDetail(ndc=ndc, quantity=quantity, unit=unit)


def _line(
    message: Message,
    sequence: int,
    mapping: SenderMapping,
    diagnoses: list[str],
    place_of_service: str,
) -> ServiceLine:
    def at(number: int, component: int = 0, repetition: int = 1) -> Location:
        return Location("FT1", sequence, number, component, repetition)

    kind = message.value(at(6))
    if kind != CHARGE:
        raise ValueProblemError(
            at(6),
            f"transaction type {kind!r}: claimdesk takes charges ({CHARGE}); payments and "
            "adjustments are posted in claimdesk",
            Code.TABLE_VALUE_NOT_FOUND,
        )
    code_at = at(25) if message.value(at(25)) else at(7)
    system_at = Location("FT1", sequence, code_at.field, 3)
    system = message.value(system_at)
    if system and system not in mapping.procedure_systems:
        raise ValueProblemError(
            system_at,
            f"coding system {system!r} is not CPT/HCPCS ({', '.join(mapping.procedure_systems)})",
            Code.TABLE_VALUE_NOT_FOUND,
        )
    code = checked(message, code_at, parse_procedure_code, "the procedure code")
    modifiers = tuple(
        checked(message, at(26, 1, r), parse_modifier, "the modifier")
        for r in range(1, message.repetitions(at(26)) + 1)
    )
    if len(modifiers) > MAX_MODIFIERS:
        raise ValueProblemError(at(26), f"at most {MAX_MODIFIERS} modifiers, not {len(modifiers)}")
    units = message.number(at(10), "the quantity") or Decimal(1)
    if units <= 0:
        raise ValueProblemError(at(10), "the quantity must be positive")
    if message.value(at(11)):
        charge = checked(message, at(11), parse_money, "the extended amount")
    elif message.value(at(12)):
        # FT1-12 times FT1-10, rounded half up to the cent as the EHR's statement would.
        charge = Money.rounded(
            checked(message, at(12), parse_money, "the unit amount").amount * units
        )
    else:
        raise ValueProblemError(
            at(11), "the charge (extended or unit amount) is missing", Code.REQUIRED_FIELD_MISSING
        )
    line_codes = _line_diagnoses(message, sequence, mapping)
    for code_of_line in line_codes:
        if code_of_line not in diagnoses:
            diagnoses.append(code_of_line)
    if len(diagnoses) > MAX_DIAGNOSES:
        raise ValueProblemError(at(19), f"a claim carries at most {MAX_DIAGNOSES} diagnoses")
    pointers = tuple(diagnoses.index(c) + 1 for c in line_codes) or (1,)
    if len(pointers) > MAX_POINTERS:
        raise ValueProblemError(at(19), f"a line points to at most {MAX_POINTERS} diagnoses")
    number_text = message.value(at(1))
    return ServiceLine(
        line_number=int(number_text)
        if number_text.isdigit() and int(number_text) > 0
        else sequence,
        procedure_code=code,
        charge=charge,
        units=units,
        date_of_service=message.date(at(4), "the transaction date"),
        place_of_service=place_of_service,
        diagnosis_pointers=pointers,
        modifiers=modifiers,
        drug=_drug(message, sequence),
    )


def read_charges(
    message: Message, mapping: SenderMapping, directory: Directory
) -> tuple[Charges | None, list[Problem]]:
    """The visit in ``message``, or every problem found (one per segment at most)."""
    try:
        account = patient_account(message)
        if not directory.has_patient(account):
            raise ValueProblemError(
                Location("PID", field=3),
                f"patient {account} is not registered: their registration (ADT) comes first",
                Code.UNKNOWN_KEY,
            )
        if message.count("PV1") == 0:
            raise ValueProblemError(
                Location("PV1"), "the PV1 segment is missing", Code.SEGMENT_SEQUENCE
            )
        if message.count("FT1") == 0:
            raise ValueProblemError(
                Location("FT1"),
                "a DFT^P03 carries at least one charge (FT1)",
                Code.SEGMENT_SEQUENCE,
            )
        visit = message.required(Location("PV1", field=19, component=1), "the visit number")
        location_at = Location("PV1", field=3, component=1)
        facility = mapping.facility(message.required(location_at, "the point of care"))
        place = directory.place_of_service(facility)
        if place is None:
            raise ValueProblemError(
                location_at, f"facility {facility} is not on file", Code.UNKNOWN_KEY
            )
        attending = Location("PV1", field=7, component=1)
        rendering_at = attending if message.value(attending) else Location("FT1", 1, 20, 1)
        rendering = _provider(message, rendering_at, mapping, directory, "the rendering provider")
        # A referring provider need not be on file (the bundle's rule too): the 837 names them.
        referring = mapping.provider(message.value(Location("PV1", field=8, component=1)))
        diagnoses = _visit_diagnoses(message, mapping)
    except ValueProblemError as exc:
        return None, [exc.problem]
    problems: list[Problem] = []
    lines: list[ServiceLine] = []
    for sequence in range(1, message.count("FT1") + 1):
        try:
            lines.append(_line(message, sequence, mapping, diagnoses, place))
        except ValueProblemError as exc:
            problems.append(exc.problem)
        except EncounterError as exc:
            problems.append(Problem(Location("FT1", sequence), str(exc)))
    if problems:
        return None, problems
    admitted = Location("PV1", field=44, component=1)
    try:
        day = message.optional_date(admitted, "the admit date") or min(
            line.date_of_service for line in lines
        )
        encounter = Encounter(
            encounter_id=visit,
            patient_account=account,
            rendering_npi=rendering,
            billing_npi=mapping.billing_npi,
            facility_id=facility,
            date_of_service=day,
            diagnoses=tuple(diagnoses),
            lines=tuple(lines),
            referring_npi=referring,
            prior_authorization=message.value(Location("IN1", field=14, component=1)),
        )
    except ValueProblemError as exc:
        return None, [exc.problem]
    except EncounterError as exc:
        where = Location("DG1") if "diagnos" in str(exc) else Location("FT1")
        return None, [Problem(where, str(exc), Code.REQUIRED_FIELD_MISSING)]
    return Charges(encounter), []
