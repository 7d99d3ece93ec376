"""A visit as an Encounter with its diagnoses (Condition) and charges (ChargeItem), each read
as the CSV bundle's encounter, diagnosis and service line rows are (docs/fhir.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fhir.resources.R4B.chargeitem import ChargeItem
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.encounter import Encounter as FhirEncounter

from claimdesk.bundle.cells import (
    parse_diagnosis_code,
    parse_place_of_service,
    parse_procedure_code,
)
from claimdesk.fhir import systems
from claimdesk.fhir.parties import PROCEDURE_SYSTEMS, model
from claimdesk.fhir.reading import Reading, Unreadable
from claimdesk.fhir.source import Taken
from claimdesk.fhir.visit_parts import (
    PROVIDERS,
    Head,
    Line,
    Visit,
    amount_of,
    condition_code,
    drug_of,
    given,
    modifiers_of,
    npi_of,
    units_of,
)

# Encounter.participant.type: the primary performer renders, the referrer refers.
RENDERING, REFERRING = "PPRF", "REF"


def _text_extension(reading: Reading, t: Taken, owner: object, url: str) -> str:
    ext = reading.extension(t, owner, url, "extension")
    return (ext.valueString or "").strip() if ext is not None else ""


def encounter_head(reading: Reading, t: Taken) -> Head | None:
    visit = model(t, FhirEncounter)
    account = reading.refer(t, "subject", visit.subject, "patients", ("Patient",))
    start = visit.period.start if visit.period else None
    day = reading.served(t, "period.start", reading.day(t, "period.start", start))
    rendering: str | None = None
    referring = ""
    renders = False
    for index, participant in enumerate(visit.participant or ()):
        codes = {
            reading.code(t, f"participant[{index}].type", concept, (systems.PARTICIPATION_TYPE,))
            for concept in participant.type or ()
        }
        element = f"participant[{index}].individual"
        if RENDERING in codes:
            renders = True
            rendering = reading.refer(t, element, participant.individual, "providers", PROVIDERS)
        elif REFERRING in codes:
            referring = npi_of(reading, t, element, participant.individual) or ""
    if not renders:
        reading.problem(t, "participant", f"the rendering clinician (type {RENDERING}) is required")
    billing_ext = reading.extension(t, visit, systems.BILLING_PROVIDER, "extension")
    if billing_ext is not None:
        billing = reading.refer(t, "extension", billing_ext.valueReference, "providers", PROVIDERS)
    else:
        billing = reading.refer(
            t, "serviceProvider", visit.serviceProvider, "providers", ("Organization",)
        )
    places = visit.location or []
    facility = reading.refer(
        t,
        "location[0].location",
        places[0].location if places else None,
        "facilities",
        ("Location",),
    )
    if account is None or day is None or rendering is None or billing is None or facility is None:
        return None
    return Head(
        patient_account=account,
        date_of_service=day,
        rendering_npi=rendering,
        billing_npi=billing,
        facility_id=facility,
        referring_npi=referring,
        prior_authorization=_text_extension(reading, t, visit, systems.PRIOR_AUTHORIZATION),
    )


def encounter_diagnoses(reading: Reading, t: Taken) -> list[str] | None:
    visit = model(t, FhirEncounter)
    ranked: list[tuple[int, str]] = []
    ok = True
    given = visit.diagnosis or []
    ranks = [d.rank for d in given]
    if any(r is not None for r in ranks) and any(r is None for r in ranks):
        reading.problem(t, "diagnosis", "rank every diagnosis, or none (then in their order)")
        return None
    for index, diagnosis in enumerate(given):
        element = f"diagnosis[{index}].condition"
        condition = reading.in_file(t, element, diagnosis.condition, ("Condition",))
        code = None if condition is None else condition_code(reading, condition)
        if code is None:
            ok = False
            continue
        ranked.append((diagnosis.rank or index + 1, code))
    if not ok:
        return None
    ranked.sort()
    numbers = [rank for rank, _ in ranked]
    if numbers != list(range(1, len(numbers) + 1)):
        reading.problem(
            t, "diagnosis", f"ranks {numbers}: number them 1 to {len(numbers)} without gaps"
        )
        return None
    return [code for _, code in ranked]


def check_conditions(reading: Reading) -> None:
    """A Condition is read as some Encounter's diagnosis; one that is none would be lost."""
    named: set[str] = set()
    for t in reading.resources.of_type("Encounter"):
        for diagnosis in model(t, FhirEncounter).diagnosis or ():
            found = reading.resources.resolve(diagnosis.condition, ("Condition",))
            if not isinstance(found, str) and found.taken is not None:
                named.add(found.taken.where)
    for t in reading.resources.of_type("Condition"):
        if t.where not in named:
            reading.problem(
                t, "", "no Encounter names it as a diagnosis (Encounter.diagnosis.condition)"
            )


def charge_item(reading: Reading, t: Taken, by_encounter: Mapping[str, Visit]) -> None:
    item = model(t, ChargeItem)
    context = reading.in_file(t, "context", item.context, ("Encounter",))
    if context is None or context.where not in by_encounter:
        return
    visit = by_encounter[context.where]
    visit.line_sources.add("ChargeItem")
    account = reading.refer(t, "subject", item.subject, "patients", ("Patient",))
    if visit.head is not None and account is not None and account != visit.head.patient_account:
        reading.problem(t, "subject", f"{account} is not the patient of {context.where}")
        visit.broken = True
    code_text = reading.code(t, "code", item.code, PROCEDURE_SYSTEMS)
    code = None if code_text is None else reading.cell(t, "code", code_text, parse_procedure_code)
    modifiers = modifiers_of(
        reading,
        t,
        "extension",
        [str(e.valueCode or "") for e in reading.extensions(item, systems.MODIFIER)],
    )
    units = units_of(reading, t, "quantity", item.quantity)
    charge = amount_of(
        reading, t, "priceOverride", item.priceOverride.value if item.priceOverride else None
    )
    occurred = item.occurrenceDateTime or (
        item.occurrencePeriod.start if item.occurrencePeriod else None
    )
    day = reading.served(
        t, "occurrenceDateTime", reading.day(t, "occurrenceDateTime", occurred, required=False)
    )
    place_ext = reading.extension(t, item, systems.LINE_PLACE_OF_SERVICE, "extension")
    place = None
    if place_ext is not None:
        place_code = reading.code(
            t, "extension", place_ext.valueCoding, (systems.PLACE_OF_SERVICE,)
        )
        place = (
            None
            if place_code is None
            else reading.cell(t, "extension", place_code, parse_place_of_service)
        )
    pointers = _reason_pointers(reading, t, item.reason, visit.diagnoses)
    number_ext = reading.extension(t, item, systems.LINE_NUMBER, "extension")
    number = (
        int(number_ext.valuePositiveInt)
        if number_ext is not None and number_ext.valuePositiveInt
        else len(visit.lines) + 1
    )
    drug = drug_of(reading, t, "extension", item)
    if (
        code is None
        or modifiers is None
        or units is None
        or pointers is None
        or drug is Unreadable.ELEMENT
        or (place_ext is not None and place is None)
        or (occurred is not None and day is None)
        or (item.priceOverride is not None and charge is None)
    ):
        visit.broken = True
        return
    visit.lines.append(
        Line(t, "", number, code, modifiers, units, charge, day, place, pointers, given(drug))
    )


def _reason_pointers(
    reading: Reading,
    t: Taken,
    reasons: Sequence[CodeableConcept] | None,
    diagnoses: list[str] | None,
) -> tuple[int, ...] | None:
    """The line's diagnoses as pointers into its Encounter's (SV107): by their codes."""
    if not reasons:
        reading.problem(t, "reason", "the line's diagnoses (ICD-10-CM) are required")
        return None
    if diagnoses is None:
        return None
    pointers: list[int] = []
    for index, reason in enumerate(reasons):
        element = f"reason[{index}]"
        text = reading.code(t, element, reason, (systems.ICD10CM,))
        code = None if text is None else reading.cell(t, element, text, parse_diagnosis_code)
        if code is None:
            return None
        if code not in diagnoses:
            reading.problem(t, element, f"{code} is not a diagnosis of its Encounter")
            return None
        pointers.append(diagnoses.index(code) + 1)
    return tuple(pointers)
