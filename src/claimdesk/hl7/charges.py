"""Charge messages (DFT^P03): the visit (PV1), its diagnoses (DG1, FT1-19) and its charge lines
(FT1) as the practice bundle's encounter.

A DFT states the visit's charges as the EHR holds them now: the encounter is stored whole, so
a DFT sent again after a line changed re-charges that line, as a re-imported bundle would.
Only charges (FT1-6 ``CG``) are taken; payments and adjustments are posted in claimdesk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from typing import TypeVar

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

T = TypeVar("T")

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
    directory: Directory,
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
    day = message.date(at(4), "the transaction date")
    if day > directory.today():
        raise ValueProblemError(
            at(4),
            f"the date of service {day} is after today {directory.today()}: a charge is "
            "sent once the service was given",
        )
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
        # No amount sent: the practice's fee schedule prices the line, as it does a bundle's.
        fee = directory.fee(code, modifiers[0] if modifiers else "", day)
        if fee is None:
            raise ValueProblemError(
                at(11),
                f"no charge sent (FT1-11, FT1-12) and no fee on file for {code} on {day}",
                Code.REQUIRED_FIELD_MISSING,
            )
        charge = Money.rounded(fee.amount * units)
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
        date_of_service=day,
        place_of_service=place_of_service,
        diagnosis_pointers=pointers,
        modifiers=modifiers,
        drug=_drug(message, sequence),
    )


def _attempt(problems: list[Problem], read: Callable[[], T], fallback: T) -> T:
    """``read()``, or ``fallback`` with its problem noted: every problem of a message is found
    in one pass, so the EHR's team fixes it once."""
    try:
        return read()
    except ValueProblemError as exc:
        problems.append(exc.problem)
        return fallback


def _registered(message: Message, directory: Directory) -> str:
    account = patient_account(message)
    if not directory.has_patient(account):
        raise ValueProblemError(
            Location("PID", field=3),
            f"patient {account} is not registered: their registration (ADT) comes first",
            Code.UNKNOWN_KEY,
        )
    return account


def _visit(message: Message, account: str, directory: Directory) -> str:
    at = Location("PV1", field=19, component=1)
    visit = message.required(at, "the visit number")
    owner = directory.visit_owner(visit)
    if owner is not None and account and owner != account:
        raise ValueProblemError(
            at,
            f"visit {visit} is on file for another patient ({owner}): a visit does not move "
            "between patients; void its claim in claimdesk and send the visit under a new number",
            Code.DUPLICATE_KEY,
        )
    return visit


def _place(message: Message, mapping: SenderMapping, directory: Directory) -> tuple[str, str]:
    at = Location("PV1", field=3, component=1)
    facility = mapping.facility(message.required(at, "the point of care"))
    place = directory.place_of_service(facility)
    if place is None:
        raise ValueProblemError(at, f"facility {facility} is not on file", Code.UNKNOWN_KEY)
    return facility, place


def _billing(mapping: SenderMapping, directory: Directory) -> str:
    if not directory.has_provider(mapping.billing_npi):
        raise ValueProblemError(
            Location("MSH", field=4),
            f"hl7.toml: senders.{mapping.sender}.billing_npi {mapping.billing_npi} is not a "
            "provider on file",
            Code.UNKNOWN_KEY,
        )
    return mapping.billing_npi


def read_charges(
    message: Message, mapping: SenderMapping, directory: Directory
) -> tuple[Charges | None, list[Problem]]:
    """The visit in ``message``, or every problem found (one per value at most)."""
    problems: list[Problem] = []
    for segment, what in (("PV1", "the PV1 segment"), ("FT1", "a charge (FT1)")):
        if message.count(segment) == 0:
            problems.append(Problem(Location(segment), f"{what} is missing", Code.SEGMENT_SEQUENCE))
    if problems:
        return None, problems
    account = _attempt(problems, lambda: _registered(message, directory), "")
    visit = _attempt(problems, lambda: _visit(message, account, directory), "")
    facility, place = _attempt(problems, lambda: _place(message, mapping, directory), ("", ""))
    billing = _attempt(problems, lambda: _billing(mapping, directory), "")
    attending = Location("PV1", field=7, component=1)
    rendering_at = attending if message.value(attending) else Location("FT1", 1, 20, 1)
    rendering = _attempt(
        problems,
        lambda: _provider(message, rendering_at, mapping, directory, "the rendering provider"),
        "",
    )
    # A referring provider need not be on file (the bundle's rule too): the 837 names them.
    referring = mapping.provider(message.value(Location("PV1", field=8, component=1)))
    diagnoses: list[str] = []
    for sequence in range(1, message.count("DG1") + 1):
        at = Location("DG1", sequence, 3, 1)
        code = _attempt(problems, partial(_diagnosis, message, at, mapping), "")
        if code and code not in diagnoses:
            diagnoses.append(code)
    admitted = _attempt(
        problems,
        lambda: message.optional_date(Location("PV1", field=44, component=1), "the admit date"),
        None,
    )
    lines: list[ServiceLine] = []
    for sequence in range(1, message.count("FT1") + 1):
        try:
            lines.append(_line(message, sequence, mapping, diagnoses, place, directory))
        except ValueProblemError as exc:
            problems.append(exc.problem)
        except EncounterError as exc:
            problems.append(Problem(Location("FT1", sequence), str(exc)))
    if problems:
        return None, problems
    day = admitted or min(line.date_of_service for line in lines)
    try:
        encounter = Encounter(
            encounter_id=visit,
            patient_account=account,
            rendering_npi=rendering,
            billing_npi=billing,
            facility_id=facility,
            date_of_service=day,
            diagnoses=tuple(diagnoses),
            lines=tuple(lines),
            referring_npi=referring,
            prior_authorization=message.value(Location("IN1", field=14, component=1)),
        )
    except EncounterError as exc:
        where = Location("DG1") if "diagnos" in str(exc) else Location("FT1")
        return None, [Problem(where, str(exc), Code.REQUIRED_FIELD_MISSING)]
    return Charges(encounter), []


def added_to(on_file: Encounter, sent: Encounter) -> Encounter:
    """``sent``'s lines added to the visit on file (a sender with ``charges = "add"``): its new
    diagnoses after the visit's, each new line numbered after the last and pointing to its
    diagnoses where they now stand. Raises :class:`EncounterError` past 12 diagnoses."""
    diagnoses = list(on_file.diagnoses)
    diagnoses += [code for code in sent.diagnoses if code not in diagnoses]
    last = max(line.line_number for line in on_file.lines)
    added = tuple(
        replace(
            line,
            line_number=last + n,
            diagnosis_pointers=tuple(
                diagnoses.index(sent.diagnoses[p - 1]) + 1 for p in line.diagnosis_pointers
            ),
        )
        for n, line in enumerate(sent.lines, start=1)
    )
    return replace(
        on_file,
        diagnoses=tuple(diagnoses),
        lines=(*on_file.lines, *added),
        date_of_service=min(on_file.date_of_service, sent.date_of_service),
    )
