"""Who is who in a FHIR file: payers and providers (Organization, Practitioner), facilities
(Location), guarantors (RelatedPerson), patients, their coverages, and the fee schedule and
contracts (ChargeItemDefinition), each checked as its CSV row is (docs/bundle.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar, cast

from fhir.resources.R4B.chargeitemdefinition import ChargeItemDefinition
from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.relatedperson import RelatedPerson

from claimdesk.bundle.cells import (
    COB_METHOD_VALUES,
    NETWORK_TIER_VALUES,
    PAYER_KIND_VALUES,
    PRIORITY_VALUES,
    parse_choice,
    parse_modifier,
    parse_money,
    parse_npi,
    parse_pattern,
    parse_place_of_service,
    parse_procedure_code,
    parse_tax_id,
    parse_taxonomy,
)
from claimdesk.domain.coverage import Coverage, Relationship, Subscriber
from claimdesk.domain.filing import FilingLimit, FilingUnit
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Guarantor, Patient, Sex
from claimdesk.domain.payers import CobMethod, ContractRate, FeeScheduleItem, Payer
from claimdesk.domain.practice import ProfileError, checked_changes
from claimdesk.domain.providers import Facility, Provider, ProviderKind
from claimdesk.fhir import systems
from claimdesk.fhir.reading import Reading, Unreadable
from claimdesk.fhir.source import Taken

T = TypeVar("T")

PROCEDURE_SYSTEMS = (systems.CPT, systems.HCPCS)
TAX_ID_SYSTEMS = (systems.EIN, systems.SSN)
PAYER_TYPES = ("pay", "ins")  # organization-type: payer, insurance company
# FHIR's administrative gender as X12 DMG03: "other" has no code of its own there.
SEXES = {"male": Sex.MALE, "female": Sex.FEMALE, "unknown": Sex.UNKNOWN, "other": Sex.UNKNOWN}
# subscriber-relationship as X12's individual relationship codes: parent, common-law spouse
# and injured plaintiff are G8 (other relationship) on a professional claim.
RELATIONSHIPS = {
    "self": Relationship.SELF,
    "spouse": Relationship.SPOUSE,
    "child": Relationship.CHILD,
    "parent": Relationship.OTHER,
    "common": Relationship.OTHER,
    "injured": Relationship.OTHER,
    "other": Relationship.OTHER,
}
# UCUM duration units a payer states its limits in.
_DURATION_UNITS = {"d": FilingUnit.DAYS, "mo": FilingUnit.MONTHS, "a": FilingUnit.MONTHS}
_MONTHS_PER_YEAR = 12


def model(t: Taken, kind: type[T]) -> T:
    """The resource's model as its class (``source`` validated it by its resourceType)."""
    return cast(T, t.model)


def register(reading: Reading) -> None:
    """Each record's kind and key, before any reference to it is read (references may point
    to resources further down the file)."""
    seen: dict[tuple[str, str], str] = {}
    for t in reading.resources.all:
        found = _record_of(reading, t)
        if found is None:
            continue
        entity, key = found
        first = seen.get((entity, key))
        # One guarantor may be the RelatedPerson of several patients: checked when read.
        if first is not None and entity != "guarantors":
            reading.problem(t, "identifier", f"{key!r} is also {first}")
            continue
        seen.setdefault((entity, key), t.where)
        reading.is_record(t, entity, key)


def _record_of(reading: Reading, t: Taken) -> tuple[str, str] | None:
    kind = t.resource_type
    if kind == "Organization":
        return _organization_record(reading, t)
    if kind == "Practitioner":
        npi = reading.identifier(t, systems.NPI)
        if not npi:
            reading.problem(t, "identifier", f"an NPI ({systems.NPI}) is required")
            return None
        return "providers", npi
    simple = {
        "Location": ("facilities", systems.FACILITY_ID),
        "Patient": ("patients", systems.PATIENT_ACCOUNT),
        "Coverage": ("coverages", systems.COVERAGE_ID),
        "Encounter": ("encounters", systems.ENCOUNTER_ID),
    }
    if kind in simple:
        entity, system = simple[kind]
        key = reading.own_key(t, system)
        return None if key is None else (entity, key)
    if kind == "RelatedPerson" and reading.identifier(t, systems.GUARANTOR_ACCOUNT):
        return "guarantors", reading.identifier(t, systems.GUARANTOR_ACCOUNT)
    return None


def _organization_record(reading: Reading, t: Taken) -> tuple[str, str] | None:
    org = model(t, Organization)
    types = {c.code for concept in org.type or () for c in concept.coding or ()}
    payer_id = reading.identifier(t, systems.PAYER_ID)
    npi = reading.identifier(t, systems.NPI)
    if npi and (payer_id or types & set(PAYER_TYPES)):
        reading.problem(
            t, "identifier", "an Organization is a payer or a provider (with an NPI), not both"
        )
        return None
    if npi:
        return "providers", npi
    if payer_id or types & set(PAYER_TYPES):
        key = reading.own_key(t, systems.PAYER_ID)
        return None if key is None else ("payers", key)
    reading.problem(
        t,
        "identifier",
        f"an Organization is a payer (an identifier in {systems.PAYER_ID}, or type pay) or a "
        f"provider (an NPI in {systems.NPI})",
    )
    return None


def _value_code(ext: Extension | None) -> str:
    return str(ext.valueCode) if ext is not None and ext.valueCode else ""


def payer(reading: Reading, t: Taken) -> Payer | None:
    org = model(t, Organization)
    key = reading.key[t.where]
    name = reading.required(t, "name", org.name)
    kind_ext = reading.extension(t, org, systems.PAYER_KIND, "extension")
    kind = None
    if not _value_code(kind_ext):
        reading.problem(t, "extension", f"{systems.PAYER_KIND} (valueCode) is required")
    else:
        kind = reading.cell(
            t, "extension", _value_code(kind_ext), partial(parse_choice, choices=PAYER_KIND_VALUES)
        )
    filing = _filing_limit(reading, t, org)
    appeal = _duration_days(reading, t, org, systems.APPEAL_WINDOW)
    pattern_ext = reading.extension(t, org, systems.MEMBER_ID_PATTERN, "extension")
    pattern = ""
    if pattern_ext is not None and pattern_ext.valueString:
        pattern = reading.cell(t, "extension", pattern_ext.valueString, parse_pattern) or ""
    cob_text = _value_code(reading.extension(t, org, systems.COB_METHOD, "extension"))
    cob = None
    if cob_text:
        cob = reading.cell(
            t, "extension", cob_text, partial(parse_choice, choices=COB_METHOD_VALUES)
        )
    if name is None or kind is None or filing is None or appeal is None:
        return None
    return _built(
        reading,
        t,
        lambda: Payer(
            key,
            name,
            kind,
            filing.days,
            appeal,
            pattern,
            filing.months,
            CobMethod(cob) if cob else None,
        ),
    )


def _duration(reading: Reading, t: Taken, owner: Any, url: str) -> tuple[int, str] | None:
    ext = reading.extension(t, owner, url, "extension")
    duration = ext.valueDuration if ext is not None else None
    if duration is None or duration.value is None:
        reading.problem(t, "extension", f"{url} (valueDuration) is required")
        return None
    value = duration.value
    if value != value.to_integral_value() or value <= 0:
        reading.problem(t, "extension", f"{url}: a positive whole number, not {value}")
        return None
    return int(value), str(duration.code or duration.unit or "")


def _filing_limit(reading: Reading, t: Taken, org: Organization) -> FilingLimit | None:
    stated = _duration(reading, t, org, systems.TIMELY_FILING)
    if stated is None:
        return None
    amount, unit = stated
    if unit not in _DURATION_UNITS:
        reading.problem(
            t, "extension", f"{systems.TIMELY_FILING}: unit {unit!r}: d, mo or a (UCUM)"
        )
        return None
    if unit == "a":
        amount *= _MONTHS_PER_YEAR
    return FilingLimit(amount, _DURATION_UNITS[unit])


def _duration_days(reading: Reading, t: Taken, owner: Any, url: str) -> int | None:
    stated = _duration(reading, t, owner, url)
    if stated is None:
        return None
    if stated[1] != "d":
        reading.problem(t, "extension", f"{url}: in days (code d), not {stated[1]!r}")
        return None
    return stated[0]


def _built(reading: Reading, t: Taken, factory: Callable[[], T]) -> T | None:
    """The domain object, or None with the domain's reason (cells that disagree)."""
    try:
        return factory()
    except ValueError as exc:
        reading.problem(t, "", str(exc))
        return None


def _tax_id(reading: Reading, t: Taken) -> str | None:
    for system in TAX_ID_SYSTEMS:
        value = reading.identifier(t, system)
        if value:
            return reading.cell(t, "identifier", value, parse_tax_id)
    reading.problem(t, "identifier", f"a tax id (EIN {systems.EIN} or SSN {systems.SSN})")
    return None


def organization_provider(reading: Reading, t: Taken) -> Provider | None:
    org = model(t, Organization)
    npi = reading.cell(t, "identifier", reading.key[t.where], parse_npi)
    name = reading.required(t, "name", org.name)
    taxonomy_ext = reading.extension(t, org, systems.TAXONOMY, "extension")
    taxonomy_code = reading.code(
        t, "extension", taxonomy_ext.valueCoding if taxonomy_ext else None, (systems.NUCC,)
    )
    taxonomy = None
    if taxonomy_code is not None:
        taxonomy = reading.cell(t, "extension", taxonomy_code, parse_taxonomy)
    tax_id = _tax_id(reading, t)
    address = reading.address(t, org.address, required=False)
    if npi is None or name is None or taxonomy is None or tax_id is None:
        return None
    return Provider(npi, ProviderKind.ORGANIZATION, name, taxonomy, tax_id, "", address)


def practice_settings(reading: Reading, t: Taken, settings: dict[str, str]) -> None:
    """The practice profile's settings an Organization carries (docs/fhir.md)."""
    given: dict[str, str] = {}
    org = model(t, Organization)
    for index, ext in enumerate(org.extension or ()):
        if ext.url != systems.PRACTICE_SETTING:
            continue
        parts = {e.url: e.valueString or "" for e in ext.extension or ()}
        element = f"extension[{index}]"
        key = parts.get("key", "")
        if not key:
            reading.problem(t, element, "a practice setting needs its key (sub-extension key)")
            continue
        if key in given or key in settings:
            reading.problem(t, element, f"practice setting {key} is given twice")
            continue
        given[key] = parts.get("value", "")
    try:
        settings.update(checked_changes(given))
    except ProfileError as exc:
        for key, reason in exc.problems:
            reading.problem(t, "extension", f"practice setting {key}: {reason}")


def practitioner(reading: Reading, t: Taken) -> Provider | None:
    doctor = model(t, Practitioner)
    npi = reading.cell(t, "identifier", reading.key[t.where], parse_npi)
    named = reading.name(t, doctor.name)
    codes = [q.code for q in doctor.qualification or ()]
    taxonomy_code = None
    for code in codes:
        taxonomy_code = reading.code(t, "qualification", code, (systems.NUCC,), required=False)
        if taxonomy_code:
            break
    if taxonomy_code is None:
        reading.problem(t, "qualification", f"a NUCC taxonomy ({systems.NUCC}) is required")
    taxonomy = (
        None
        if taxonomy_code is None
        else reading.cell(t, "qualification", taxonomy_code, parse_taxonomy)
    )
    tax_id = _tax_id(reading, t)
    address = reading.address(t, doctor.address, required=False)
    if npi is None or named is None or taxonomy is None or tax_id is None:
        return None
    family, given = named
    first = given[0] if given else ""
    return Provider(npi, ProviderKind.INDIVIDUAL, family, taxonomy, tax_id, first, address)


def facility(reading: Reading, t: Taken) -> Facility | None:
    place = model(t, Location)
    key = reading.key[t.where]
    name = reading.required(t, "name", place.name)
    codes = [
        reading.code(t, "type", concept, (systems.PLACE_OF_SERVICE,), required=False)
        for concept in place.type or ()
    ]
    found = next((c for c in codes if c), None)
    pos = None
    if found is None:
        reading.problem(t, "type", f"a place of service ({systems.PLACE_OF_SERVICE}) is required")
    else:
        pos = reading.cell(t, "type", found, parse_place_of_service)
    npi_text = reading.identifier(t, systems.NPI)
    npi = reading.cell(t, "identifier", npi_text, parse_npi) if npi_text else ""
    address = reading.address(t, [place.address] if place.address else None, required=True)
    if name is None or pos is None or npi is None or address is None:
        return None
    return Facility(key, name, pos, address, npi)


def guarantor(reading: Reading, t: Taken) -> tuple[Guarantor, str] | None:
    """The guarantor and the account of the patient it answers for."""
    person = model(t, RelatedPerson)
    patient = reading.in_file(t, "patient", person.patient, ("Patient",))
    named = reading.name(t, person.name)
    address = reading.address(t, person.address, required=True)
    if patient is None or named is None or address is None:
        return None
    family, given = named
    if not given:
        reading.problem(t, "name[0].given", "a first name is required")
        return None
    found = Guarantor(
        reading.key[t.where], family, given[0], address, reading.phone(person.telecom)
    )
    return found, reading.key[patient.where]


def patient(reading: Reading, t: Taken, guarantor_account: str | None) -> Patient | None:
    person = model(t, FhirPatient)
    named = reading.name(t, person.name)
    birth = reading.day(t, "birthDate", person.birthDate)
    sex = None
    if person.gender is None:
        reading.problem(t, "gender", "a value is required")
    else:
        sex = SEXES.get(str(person.gender))
        if sex is None:
            reading.problem(t, "gender", f"{person.gender!r}: male, female, other or unknown")
    address = reading.address(t, person.address, required=True)
    if named is None or birth is None or sex is None or address is None:
        return None
    family, given = named
    if not given:
        reading.problem(t, "name[0].given", "a first name is required")
        return None
    return Patient(
        account=reading.key[t.where],
        last_name=family,
        first_name=given[0],
        birth_date=birth,
        sex=sex,
        address=address,
        phone=reading.phone(person.telecom),
        middle_name=given[1] if len(given) > 1 else "",
        guarantor_account=guarantor_account,
    )


def coverage(reading: Reading, t: Taken) -> Coverage | None:
    plan = model(t, FhirCoverage)
    account = reading.refer(t, "beneficiary", plan.beneficiary, "patients", ("Patient",))
    payors = plan.payor or []
    payer_id = reading.refer(
        t, "payor[0]", payors[0] if payors else None, "payers", ("Organization",)
    )
    if len(payors) > 1:
        reading.problem(t, "payor", "one payer a coverage: give each payer a Coverage of its own")
    classes = {
        code: cls
        for cls in plan.class_fhir or ()
        for code in [reading.code(t, "class", cls.type, (systems.COVERAGE_CLASS,), required=False)]
        if code
    }
    plan_class = classes.get("plan")
    plan_name = reading.required(
        t, "class", (plan_class.name or plan_class.value) if plan_class else None
    )
    group = classes.get("group")
    priority = None
    if plan.order is None:
        reading.problem(t, "order", "a value is required (1 primary, 2 secondary, 3 tertiary)")
    else:
        priority = reading.cell(
            t, "order", str(plan.order), partial(parse_choice, choices=PRIORITY_VALUES)
        )
    relationship = None
    relation = reading.code(
        t, "relationship", plan.relationship, (systems.SUBSCRIBER_RELATIONSHIP,)
    )
    if relation is not None:
        relationship = RELATIONSHIPS.get(relation)
        if relationship is None:
            reading.problem(t, "relationship", f"{relation!r}: {', '.join(RELATIONSHIPS)}")
    period = plan.period
    effective = reading.day(t, "period.start", period.start if period else None)
    termination = reading.day(t, "period.end", period.end if period else None, required=False)
    tier_ext = reading.extension(t, plan, systems.NETWORK_TIER, "extension")
    tier = None
    if tier_ext is None or tier_ext.valuePositiveInt is None:
        reading.problem(t, "extension", f"{systems.NETWORK_TIER} (valuePositiveInt) is required")
    else:
        tier = reading.cell(
            t,
            "extension",
            str(tier_ext.valuePositiveInt),
            partial(parse_choice, choices=NETWORK_TIER_VALUES),
        )
    subscriber = _subscriber(reading, t, plan)
    if (
        account is None
        or payer_id is None
        or plan_name is None
        or priority is None
        or relationship is None
        or effective is None
        or tier is None
        or subscriber is Unreadable.ELEMENT
    ):
        return None
    return _built(
        reading,
        t,
        lambda: Coverage(
            coverage_id=reading.key[t.where],
            patient_account=account,
            payer_id=payer_id,
            plan_name=plan_name,
            member_id=(plan.subscriberId or "").strip(),
            group_number=((group.value or "").strip() if group else ""),
            priority=priority,
            relationship=relationship,
            effective=effective,
            termination=termination,
            network_tier=tier,
            subscriber=subscriber,
        ),
    )


def _subscriber(reading: Reading, t: Taken, plan: FhirCoverage) -> Subscriber | Unreadable | None:
    """The insured person when it is not the patient."""
    if plan.subscriber is None:
        return None
    text = plan.subscriber.reference or ""
    person: Any
    if text.startswith("#"):
        contained = {r.id: r for r in plan.contained or ()}
        person = contained.get(text[1:])
        if person is None:
            reading.problem(t, "subscriber", f"{text}: no contained resource with this id")
            return Unreadable.ELEMENT
    else:
        found = reading.in_file(t, "subscriber", plan.subscriber, ("RelatedPerson", "Patient"))
        if found is None:
            return Unreadable.ELEMENT
        person = found.model
    if not isinstance(person, RelatedPerson | FhirPatient):
        reading.problem(t, "subscriber", "the subscriber is a RelatedPerson or a Patient")
        return Unreadable.ELEMENT
    names = person.name or []
    family = (names[0].family or "").strip() if names else ""
    given = (
        [(g or "").strip() for g in (names[0].given or ()) if (g or "").strip()] if names else []
    )
    if not family or not given:
        reading.problem(t, "subscriber", "the subscriber's family and given name are required")
        return Unreadable.ELEMENT
    birth = person.birthDate
    gender = str(person.gender) if person.gender else ""
    return Subscriber(
        last_name=family,
        first_name=given[0],
        birth_date=birth if isinstance(birth, date) else None,
        sex=SEXES[gender].value if gender in SEXES else "",
    )


def charge_definition(reading: Reading, t: Taken) -> FeeScheduleItem | ContractRate | None:
    """A fee schedule charge, or a payer's contracted allowed amount (with a contract payer)."""
    definition = model(t, ChargeItemDefinition)
    code_text = reading.code(t, "code", definition.code, PROCEDURE_SYSTEMS)
    code = None if code_text is None else reading.cell(t, "code", code_text, parse_procedure_code)
    modifiers = reading.extensions(definition, systems.MODIFIER)
    modifier = ""
    if len(modifiers) > 1:
        reading.problem(t, "extension", "a charge is for one modifier at most")
    elif modifiers:
        modifier = reading.cell(t, "extension", _value_code(modifiers[0]), parse_modifier) or ""
    period = definition.effectivePeriod
    effective = reading.day(t, "effectivePeriod.start", period.start if period else None)
    ending = reading.day(t, "effectivePeriod.end", period.end if period else None, required=False)
    amount = _base_price(reading, t, definition)
    payer_ext = reading.extension(t, definition, systems.CONTRACT_PAYER, "extension")
    if code is None or effective is None or amount is None:
        return None
    if payer_ext is None:
        if ending is not None:
            reading.problem(
                t, "effectivePeriod.end", "a fee schedule charge runs until a later one: no end"
            )
            return None
        return FeeScheduleItem(code, amount, effective, modifier)
    payer_id = reading.refer(t, "extension", payer_ext.valueReference, "payers", ("Organization",))
    if ending is not None and ending < effective:
        reading.problem(t, "effectivePeriod.end", "the rate terminates before it is effective")
        return None
    if payer_id is None:
        return None
    return ContractRate(payer_id, code, amount, effective, ending, modifier)


def _base_price(reading: Reading, t: Taken, definition: ChargeItemDefinition) -> Money | None:
    for group in definition.propertyGroup or ():
        for component in group.priceComponent or ():
            if component.type == "base" and component.amount is not None:
                if component.amount.currency not in (None, systems.CURRENCY):
                    reading.problem(t, "propertyGroup", "amounts are in USD")
                    return None
                value = component.amount.value
                if value is None:
                    break
                return reading.cell(t, "propertyGroup", _decimal_text(value), parse_money)
    reading.problem(t, "propertyGroup", "a base price component with its amount is required")
    return None


def _decimal_text(value: Decimal) -> str:
    """A decimal as the CSV bundle writes an amount: digits, no exponent."""
    return format(value, "f")
