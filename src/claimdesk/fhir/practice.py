"""A FHIR file's resources as a practice bundle: the records the CSV bundle's files hold, each
checked as its row is, every problem located and reported at once (docs/fhir.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.clock import practice_today
from claimdesk.domain.coverage import Coverage
from claimdesk.domain.parties import Guarantor
from claimdesk.domain.payers import ContractRate, FeeScheduleItem, Payer
from claimdesk.domain.providers import Facility, Provider
from claimdesk.fhir import parties, systems
from claimdesk.fhir.problems import FhirProblem
from claimdesk.fhir.reading import Needed, Reading
from claimdesk.fhir.refs import Resources
from claimdesk.fhir.source import Taken
from claimdesk.fhir.visits import read_visits

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PracticeRead:
    """The practice bundle when nothing is wrong, else every problem; and the records its
    references name outside the file, which the import checks claimdesk holds."""

    bundle: PracticeBundle | None
    problems: tuple[FhirProblem, ...] = ()
    needed: tuple[Needed, ...] = field(default=())


def practice_of(
    resources: Sequence[Taken],
    *,
    stored_fees: Sequence[FeeScheduleItem] = (),
    stored_place: Callable[[str], str | None] = lambda _facility: None,
    now: datetime | None = None,
    zone: ZoneInfo | None = None,
) -> PracticeRead:
    """The practice records of ``resources``. A line without its own charge is priced from the
    fee schedule (the file's, else ``stored_fees``); a line's place of service is its
    facility's (the file's, else ``stored_place``). With ``now``, a date of service after the
    practice's today is a problem: today in the time zone the file's practice settings name,
    else in ``zone`` (the stored profile's), as for the CSV bundle."""
    reading = Reading(Resources(resources), stored_place)
    parties.register(reading)
    practice: dict[str, str] = {}
    payers: list[Payer] = []
    providers: list[Provider] = []
    facilities: list[Facility] = []
    for t in reading.resources.all:
        entity = reading.entity.get(t.where)
        if entity == "payers":
            _keep(payers, parties.payer(reading, t))
        elif entity == "providers" and t.resource_type == "Organization":
            _keep(providers, parties.organization_provider(reading, t))
        elif entity == "providers":
            _keep(providers, parties.practitioner(reading, t))
        elif entity == "facilities":
            place = parties.facility(reading, t)
            if place is not None:
                reading.places[place.facility_id] = place.place_of_service
            _keep(facilities, place)
        if t.resource_type == "Organization":
            parties.practice_settings(reading, t, practice)
    guarantors, guarantor_of = _guarantors(reading)
    patients = [
        found
        for t in reading.resources.of_type("Patient")
        if t.where in reading.key
        for found in [parties.patient(reading, t, guarantor_of.get(reading.key[t.where]))]
        if found is not None
    ]
    coverages: list[Coverage] = []
    for t in reading.resources.of_type("Coverage"):
        if t.where in reading.key:
            _keep(coverages, parties.coverage(reading, t))
    fees, contracts = _charge_definitions(reading)
    if now is not None:
        named = practice.get("time_zone")
        reading.today = practice_today(now, ZoneInfo(named) if named else zone)
    encounters = read_visits(reading, [*stored_fees, *fees])
    _check_related_persons(reading)
    if reading.problems:
        return PracticeRead(None, tuple(reading.problems), tuple(reading.needed))
    bundle = PracticeBundle(
        payers=tuple(payers),
        providers=tuple(providers),
        facilities=tuple(facilities),
        guarantors=tuple(guarantors),
        patients=tuple(patients),
        coverages=tuple(coverages),
        fee_schedule=tuple(fees),
        contracts=tuple(contracts),
        encounters=tuple(encounters),
        practice=practice,
    )
    return PracticeRead(bundle, (), tuple(reading.needed))


def _keep(kept: list[T], found: T | None) -> None:
    if found is not None:
        kept.append(found)


def _guarantors(reading: Reading) -> tuple[list[Guarantor], dict[str, str]]:
    """The guarantors (one RelatedPerson per patient they answer for) and each patient's."""
    by_account: dict[str, tuple[Guarantor, str]] = {}
    of_patient: dict[str, tuple[str, str]] = {}
    for t in reading.resources.of_type("RelatedPerson"):
        if reading.entity.get(t.where) != "guarantors":
            continue
        found = parties.guarantor(reading, t)
        if found is None:
            continue
        guarantor, patient_account = found
        first = by_account.get(guarantor.account)
        if first is not None and first[0] != guarantor:
            reading.problem(
                t,
                "",
                f"guarantor {guarantor.account} differs from {first[1]}: one person, one record",
            )
            continue
        by_account.setdefault(guarantor.account, (guarantor, t.where))
        earlier = of_patient.get(patient_account)
        if earlier is not None and earlier[0] != guarantor.account:
            reading.problem(
                t, "patient", f"patient {patient_account} already has guarantor at {earlier[1]}"
            )
            continue
        of_patient[patient_account] = (guarantor.account, t.where)
    return (
        [g for g, _ in by_account.values()],
        {patient: account for patient, (account, _) in of_patient.items()},
    )


def _charge_definitions(reading: Reading) -> tuple[list[FeeScheduleItem], list[ContractRate]]:
    """The fee schedule and the contracts, each natural key once as in their CSV files."""
    fees: list[FeeScheduleItem] = []
    contracts: list[ContractRate] = []
    seen: dict[tuple[object, ...], str] = {}
    for t in reading.resources.of_type("ChargeItemDefinition"):
        found = parties.charge_definition(reading, t)
        if found is None:
            continue
        if isinstance(found, FeeScheduleItem):
            key: tuple[object, ...] = (found.code, found.modifier, found.effective)
        else:
            key = (found.payer_id, found.code, found.modifier, found.effective)
        if key in seen:
            shown = "|".join(str(part) for part in key)
            reading.problem(t, "", f"the charge {shown} is also {seen[key]}")
            continue
        seen[key] = t.where
        if isinstance(found, FeeScheduleItem):
            fees.append(found)
        else:
            contracts.append(found)
    return fees, contracts


def _check_related_persons(reading: Reading) -> None:
    """A RelatedPerson is a guarantor or some Coverage's subscriber: nothing is dropped."""
    subscribers: set[str] = set()
    for t in reading.resources.of_type("Coverage"):
        reference = getattr(t.model, "subscriber", None)
        if reference is None:
            continue
        found = reading.resources.resolve(reference, ("RelatedPerson", "Patient"))
        if not isinstance(found, str) and found.taken is not None:
            subscribers.add(found.taken.where)
    for t in reading.resources.of_type("RelatedPerson"):
        if reading.entity.get(t.where) != "guarantors" and t.where not in subscribers:
            reading.problem(
                t,
                "identifier",
                f"neither a guarantor (an identifier in {systems.GUARANTOR_ACCOUNT}) nor any "
                "Coverage's subscriber",
            )
