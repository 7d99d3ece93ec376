"""A visit billed whole as a Claim: its head, diagnoses and items (docs/fhir.md)."""

from __future__ import annotations

from collections.abc import Mapping

from fhir.resources.R4B.claim import Claim, ClaimCareTeam, ClaimItem

from claimdesk.bundle.cells import (
    parse_diagnosis_code,
    parse_place_of_service,
    parse_procedure_code,
)
from claimdesk.domain.money import Money
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


def claim_visit(
    reading: Reading, t: Taken, visits: dict[str, Visit], by_encounter: Mapping[str, Visit]
) -> None:
    """The visit the Claim bills: the Encounter of the file its items name (the Claim gives
    its lines and diagnoses), else a visit of its own, keyed by the Encounter its items name or
    by the Claim's own key."""
    bill = model(t, Claim)
    named = {
        ref.reference or (ref.identifier.value if ref.identifier else "") or ""
        for item in bill.item or ()
        for ref in item.encounter or ()
    }
    if len(named) > 1:
        reading.problem(t, "item", "a claim bills one visit: every item names the same Encounter")
        return
    encounter_ref = next((ref for item in bill.item or () for ref in item.encounter or ()), None)
    visit: Visit | None = None
    if encounter_ref is not None:
        target = reading.target(t, "item[0].encounter[0]", encounter_ref, ("Encounter",))
        if target is None:
            return
        if target.taken is not None:
            visit = by_encounter.get(target.taken.where)
            if visit is None:
                return
            if visit.line_sources or visit.diagnoses:
                reading.problem(
                    t,
                    "item[0].encounter[0]",
                    f"{target.taken.where} has diagnoses or ChargeItems of its own: a visit's "
                    "charges come from its ChargeItems or from one Claim",
                )
                return
            key = visit.encounter_id
        else:
            key = target.key
    else:
        key = reading.own_key(t, systems.ENCOUNTER_ID) or ""
    if not key:
        return
    if visit is None:
        if key in visits:
            reading.problem(t, "", f"visit {key!r} is also {visits[key].source.where}")
            return
        visit = visits[key] = Visit(t, key)
        visit.head = _claim_head(reading, t, bill)
    elif visit.head is not None:
        account = reading.refer(t, "patient", bill.patient, "patients", ("Patient",))
        if account is not None and account != visit.head.patient_account:
            reading.problem(t, "patient", f"{account} is not the patient of {visit.source.where}")
            visit.broken = True
    visit.line_sources.add("Claim")
    visit.diagnoses = _claim_diagnoses(reading, t, bill)
    for index, item in enumerate(bill.item or ()):
        line = _claim_line(reading, t, index, item)
        if line is None:
            visit.broken = True
        else:
            visit.lines.append(line)
    for index, insurance in enumerate(bill.insurance or ()):
        reading.refer(
            t, f"insurance[{index}].coverage", insurance.coverage, "coverages", ("Coverage",)
        )


def _claim_head(reading: Reading, t: Taken, bill: Claim) -> Head | None:
    account = reading.refer(t, "patient", bill.patient, "patients", ("Patient",))
    billing = reading.refer(t, "provider", bill.provider, "providers", PROVIDERS)
    rendering: str | None = None
    referring = ""
    for index, member in enumerate(bill.careTeam or ()):
        roles = _roles(member)
        element = f"careTeam[{index}].provider"
        if roles & {"primary", "rendering"}:
            rendering = reading.refer(t, element, member.provider, "providers", PROVIDERS)
        elif "referring" in roles:
            referring = npi_of(reading, t, element, member.provider) or ""
    if not any(_roles(member) & {"primary", "rendering"} for member in bill.careTeam or ()):
        reading.problem(t, "careTeam", "the rendering clinician (role primary) is required")
    facility = reading.refer(t, "facility", bill.facility, "facilities", ("Location",))
    start: object = bill.billablePeriod.start if bill.billablePeriod else None
    day = reading.served(
        t, "billablePeriod.start", reading.day(t, "billablePeriod.start", start, required=False)
    )
    if start is None:
        # Without a billable period the visit is on its first line's day (checked there).
        served = [i.servicedDate for i in bill.item or () if i.servicedDate is not None]
        day = min(served) if served else None
        if day is None:
            reading.problem(t, "billablePeriod.start", "a date of service is required")
    insurances = bill.insurance or []
    focal = next((i for i in insurances if i.focal), insurances[0] if insurances else None)
    authorization = ((focal.preAuthRef or [""])[0] or "") if focal is not None else ""
    if account is None or billing is None or rendering is None or facility is None or day is None:
        return None
    return Head(account, day, rendering, billing, facility, referring, authorization.strip())


def _roles(member: ClaimCareTeam) -> set[str]:
    return {
        code
        for coding in (member.role.coding or () if member.role else ())
        if coding.system in (systems.CARE_TEAM_ROLE, systems.CARIN_CARE_TEAM_ROLE)
        for code in [str(coding.code or "")]
    }


def _claim_diagnoses(reading: Reading, t: Taken, bill: Claim) -> list[str] | None:
    found: list[tuple[int, str]] = []
    for index, diagnosis in enumerate(bill.diagnosis or ()):
        element = f"diagnosis[{index}]"
        if diagnosis.diagnosisReference is not None:
            condition = reading.in_file(
                t, f"{element}.diagnosisReference", diagnosis.diagnosisReference, ("Condition",)
            )
            code = None if condition is None else condition_code(reading, condition)
        else:
            text = reading.code(
                t,
                f"{element}.diagnosisCodeableConcept",
                diagnosis.diagnosisCodeableConcept,
                (systems.ICD10CM,),
            )
            code = None if text is None else reading.cell(t, element, text, parse_diagnosis_code)
        if code is None:
            return None
        found.append((diagnosis.sequence or 0, code))
    found.sort()
    numbers = [sequence for sequence, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        reading.problem(
            t, "diagnosis", f"sequences {numbers}: number them 1 to {len(numbers)} without gaps"
        )
        return None
    return [code for _, code in found]


def _claim_line(reading: Reading, t: Taken, index: int, item: ClaimItem) -> Line | None:
    at = f"item[{index}]"
    code_text = reading.code(t, f"{at}.productOrService", item.productOrService, PROCEDURE_SYSTEMS)
    code = (
        None
        if code_text is None
        else reading.cell(t, f"{at}.productOrService", code_text, parse_procedure_code)
    )
    modifier_codes = [
        reading.code(t, f"{at}.modifier", m, PROCEDURE_SYSTEMS) or "" for m in item.modifier or ()
    ]
    modifiers = modifiers_of(reading, t, f"{at}.modifier", modifier_codes)
    units = units_of(reading, t, f"{at}.quantity", item.quantity)
    charge: Money | None = None
    if item.net is not None:
        charge = amount_of(reading, t, f"{at}.net", item.net.value)
    elif item.unitPrice is not None and item.unitPrice.value is not None and units is not None:
        charge = Money.rounded(item.unitPrice.value * units)
    served = item.servicedDate or (item.servicedPeriod.start if item.servicedPeriod else None)
    day = reading.served(
        t, f"{at}.servicedDate", reading.day(t, f"{at}.servicedDate", served, required=False)
    )
    place = None
    if item.locationCodeableConcept is not None:
        place_code = reading.code(
            t,
            f"{at}.locationCodeableConcept",
            item.locationCodeableConcept,
            (systems.PLACE_OF_SERVICE,),
        )
        place = (
            None
            if place_code is None
            else reading.cell(
                t, f"{at}.locationCodeableConcept", place_code, parse_place_of_service
            )
        )
    pointers = tuple(p for p in item.diagnosisSequence or () if p is not None)
    if not pointers:
        reading.problem(t, f"{at}.diagnosisSequence", "the line's diagnoses are required")
    drug = drug_of(reading, t, f"{at}.extension", item)
    if (
        code is None
        or modifiers is None
        or units is None
        or not pointers
        or drug is Unreadable.ELEMENT
        or (item.net is not None and charge is None)
        or (item.locationCodeableConcept is not None and place is None)
        or (served is not None and day is None)
    ):
        return None
    return Line(
        t,
        at,
        item.sequence or 0,
        code,
        modifiers,
        units,
        charge,
        day,
        place,
        pointers,
        given(drug),
    )
