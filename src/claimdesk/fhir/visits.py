"""Visits in a FHIR file: an Encounter with its diagnoses (Condition) and charges (ChargeItem),
or a Claim that bills one visit whole; each becomes an encounter checked as the CSV bundle's
encounter, service line and diagnosis rows are (docs/bundle.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from claimdesk.domain.encounters import (
    Encounter,
    ServiceLine,
)
from claimdesk.domain.money import Money
from claimdesk.domain.payers import FeeScheduleItem
from claimdesk.fhir.claims import claim_visit
from claimdesk.fhir.encounters import (
    charge_item,
    check_conditions,
    encounter_diagnoses,
    encounter_head,
)
from claimdesk.fhir.reading import Reading
from claimdesk.fhir.visit_parts import Line, Visit


def read_visits(reading: Reading, fees: Sequence[FeeScheduleItem]) -> list[Encounter]:
    """Every visit of the file that reads whole; each problem of the others is recorded."""
    visits: dict[str, Visit] = {}
    by_encounter: dict[str, Visit] = {}
    for t in reading.resources.of_type("Encounter"):
        if t.where in reading.key:
            visit = Visit(t, reading.key[t.where])
            visit.head = encounter_head(reading, t)
            visit.diagnoses = encounter_diagnoses(reading, t)
            visits[visit.encounter_id] = by_encounter[t.where] = visit
    check_conditions(reading)
    for t in reading.resources.of_type("ChargeItem"):
        charge_item(reading, t, by_encounter)
    for t in reading.resources.of_type("Claim"):
        claim_visit(reading, t, visits, by_encounter)
    prices = _prices(fees)
    built: list[Encounter] = []
    for visit in visits.values():
        encounter = _assembled(reading, visit, prices)
        if encounter is not None:
            built.append(encounter)
    return built


def _prices(fees: Sequence[FeeScheduleItem]) -> dict[tuple[str, str], list[FeeScheduleItem]]:
    by_code: dict[tuple[str, str], list[FeeScheduleItem]] = defaultdict(list)
    for item in fees:
        by_code[(item.code, item.modifier)].append(item)
    return by_code


def _fee(
    prices: Mapping[tuple[str, str], list[FeeScheduleItem]], line: Line, day: date
) -> Money | None:
    """The fee schedule's charge per unit on ``day``: the newest effective by then, for the
    code with the line's first modifier, else for the code alone."""
    modifier = line.modifiers[0] if line.modifiers else ""
    for key in ((line.code, modifier), (line.code, "")):
        found = [item for item in prices.get(key, ()) if item.effective <= day]
        if found:
            return max(found, key=lambda item: item.effective).charge
    return None


def _assembled(
    reading: Reading, visit: Visit, prices: Mapping[tuple[str, str], list[FeeScheduleItem]]
) -> Encounter | None:
    t = visit.source
    if not visit.line_sources:
        reading.problem(t, "", "no charges: a ChargeItem (context) or a Claim names this visit")
    if visit.diagnoses is not None and not visit.diagnoses:
        reading.problem(t, "diagnosis", "at least one diagnosis (ICD-10-CM) is required")
    head = visit.head
    if head is None or visit.broken or not visit.lines or not visit.diagnoses:
        return None
    facility_place = reading.place_of_service(head.facility_id)
    numbers = [line.line_number for line in visit.lines]
    built: list[ServiceLine] = []
    for line in sorted(visit.lines, key=lambda ln: ln.line_number):
        where = line.element or "extension"
        if numbers.count(line.line_number) > 1:
            reading.problem(line.source, where, f"line number {line.line_number} is given twice")
            return None
        day = line.date_of_service or head.date_of_service
        beyond = [p for p in line.pointers if p > len(visit.diagnoses)]
        if beyond:
            reading.problem(
                line.source,
                where,
                f"diagnosis {beyond[0]}, but the visit has {len(visit.diagnoses)} diagnoses",
            )
            return None
        charge = line.charge
        if charge is None:
            per_unit = _fee(prices, line, day)
            if per_unit is None:
                reading.problem(
                    line.source,
                    line.element or "priceOverride",
                    f"no charge given, and no fee schedule charge for {line.code} on {day}",
                )
                return None
            charge = Money.rounded(per_unit.amount * line.units)
        place = line.place_of_service or facility_place
        if place is None:
            reading.problem(
                t, "", f"the place of service of facility {head.facility_id} is not known"
            )
            return None
        try:
            built.append(
                ServiceLine(
                    line_number=line.line_number,
                    procedure_code=line.code,
                    charge=charge,
                    units=line.units,
                    date_of_service=day,
                    place_of_service=place,
                    diagnosis_pointers=line.pointers,
                    modifiers=line.modifiers,
                    drug=line.drug,
                )
            )
        except ValueError as exc:
            reading.problem(line.source, where, str(exc))
            return None
    try:
        return Encounter(
            encounter_id=visit.encounter_id,
            patient_account=head.patient_account,
            rendering_npi=head.rendering_npi,
            billing_npi=head.billing_npi,
            facility_id=head.facility_id,
            date_of_service=head.date_of_service,
            diagnoses=tuple(visit.diagnoses),
            lines=tuple(built),
            referring_npi=head.referring_npi,
            prior_authorization=head.prior_authorization,
        )
    except ValueError as exc:
        reading.problem(t, "", str(exc))
        return None
