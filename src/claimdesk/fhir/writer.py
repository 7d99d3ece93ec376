"""A practice bundle written as one FHIR collection Bundle, in the conventions the import reads
(docs/fhir.md): what ``claimdesk synth --fhir`` writes beside the CSV files, so both intakes
can be compared on one practice.

Each resource is validated by the library's models before it is written.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.coverage import Coverage, Relationship, Subscriber
from claimdesk.domain.encounters import DrugDetail, Encounter, ServiceLine
from claimdesk.domain.filing import FilingUnit
from claimdesk.domain.parties import Address, Guarantor, Patient
from claimdesk.domain.payers import ContractRate, FeeScheduleItem, Payer
from claimdesk.domain.providers import Facility, Provider, ProviderKind
from claimdesk.fhir import systems
from claimdesk.fhir.jsontext import dumps

Resource = dict[str, Any]
# What ``claimdesk synth --fhir`` writes beside the CSV files.
PRACTICE_FHIR_FILE = "practice.fhir.json"
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_GENDERS = {"M": "male", "F": "female", "U": "unknown"}
_RELATIONSHIPS = {
    Relationship.SELF: "self",
    Relationship.SPOUSE: "spouse",
    Relationship.CHILD: "child",
    Relationship.OTHER: "other",
}
_ICD10_CATEGORY = 3
_ABSENT = {
    "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
    "valueCode": "unknown",
}  # the dot of an ICD-10-CM code follows its three-character category


def resource_id(key: str) -> str:
    """A FHIR id for a claimdesk key: the key itself when it is one, else a digest of it."""
    if _FHIR_ID.fullmatch(key):
        return key
    return "k-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def full_url(resource_type: str, key: str) -> str:
    """The entry's fullUrl: a UUID derived from the resource's type and key, so the same
    practice is always written the same, and every reference is to an entry's fullUrl."""
    name = f"https://claimdesk.dev/fhir/{resource_type}/{key}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def ref(resource_type: str, key: str) -> dict[str, str]:
    return {"reference": full_url(resource_type, key)}


def coding(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def procedure_system(code: str) -> str:
    """CPT codes start with a digit; HCPCS Level II codes with a letter."""
    return systems.HCPCS if code[:1].isalpha() else systems.CPT


def icd10cm(code: str) -> str:
    """A stored ICD-10-CM code (``E1165``) as it is written (``E11.65``). The claim editor keeps
    a corrected code as the person typed it, with its dot or without: both are written so."""
    code = code.replace(".", "")
    if len(code) > _ICD10_CATEGORY:
        return f"{code[:_ICD10_CATEGORY]}.{code[_ICD10_CATEGORY:]}"
    return code


def money(amount: Decimal) -> dict[str, Any]:
    return {"value": amount, "currency": systems.CURRENCY}


def validated(resource: Resource) -> Resource:
    """``resource`` once the library's model of its type accepts it (a failure is a bug)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def entry(resource_type: str, key: str, resource: Resource) -> Resource:
    return {
        "fullUrl": full_url(resource_type, key),
        "resource": validated({"resourceType": resource_type, "id": resource_id(key), **resource}),
    }


def practice_bundle(bundle: PracticeBundle) -> Resource:
    """The whole practice as a collection Bundle."""
    return {"resourceType": "Bundle", "type": "collection", "entry": list(_entries(bundle))}


def practice_json(bundle: PracticeBundle) -> str:
    """The whole practice as the text of a FHIR JSON file."""
    return dumps(practice_bundle(bundle), indent=1) + "\n"


def _entries(bundle: PracticeBundle) -> Iterator[Resource]:
    npis = {p.npi: p for p in bundle.providers}
    settings_on = _settings_owner(bundle)
    for payer in bundle.payers:
        yield entry("Organization", f"payer-{payer.payer_id}", payer_resource(payer))
    for provider in bundle.providers:
        settings = bundle.practice if provider.npi == settings_on else {}
        yield provider_entry(provider, settings)
    for place in bundle.facilities:
        yield entry("Location", place.facility_id, facility_resource(place))
    guarantors = {g.account: g for g in bundle.guarantors}
    for patient in bundle.patients:
        yield entry("Patient", patient.account, patient_resource(patient))
        if patient.guarantor_account:
            guarantor = guarantors[patient.guarantor_account]
            key = f"{guarantor.account}-{patient.account}"
            yield entry("RelatedPerson", key, guarantor_resource(guarantor, patient.account))
    for plan in bundle.coverages:
        yield entry("Coverage", plan.coverage_id, coverage_resource(plan))
    for fee in bundle.fee_schedule:
        key = f"fee-{fee.code}-{fee.modifier}-{fee.effective}"
        yield entry("ChargeItemDefinition", key, fee_resource(fee))
    for rate in bundle.contracts:
        key = f"contract-{rate.payer_id}-{rate.code}-{rate.modifier}-{rate.effective}"
        yield entry("ChargeItemDefinition", key, contract_resource(rate))
    places = {f.facility_id: f.place_of_service for f in bundle.facilities}
    for visit in bundle.encounters:
        yield from encounter_entries(visit, npis, places.get(visit.facility_id, ""))


def _settings_owner(bundle: PracticeBundle) -> str:
    """The NPI of the Organization that carries the practice profile: the billing provider's."""
    if not bundle.practice:
        return ""
    organizations = [p.npi for p in bundle.providers if p.kind is ProviderKind.ORGANIZATION]
    billing = bundle.practice.get("billing.npi", "")
    if billing in organizations:
        return billing
    if not organizations:
        raise ValueError("the practice profile is written on the billing Organization: none")
    return organizations[0]


def _extension(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


def _duration(amount: int, unit: FilingUnit) -> dict[str, Any]:
    code = "d" if unit is FilingUnit.DAYS else "mo"
    return {"value": amount, "unit": unit.value, "system": systems.UCUM, "code": code}


def payer_resource(payer: Payer) -> Resource:
    limit = payer.timely_filing
    extensions = [
        _extension(systems.PAYER_KIND, valueCode=payer.kind.value),
        _extension(systems.TIMELY_FILING, valueDuration=_duration(limit.amount, limit.unit)),
        _extension(
            systems.APPEAL_WINDOW,
            valueDuration=_duration(payer.appeal_window_days, FilingUnit.DAYS),
        ),
    ]
    if payer.member_id_pattern:
        extensions.append(
            _extension(systems.MEMBER_ID_PATTERN, valueString=payer.member_id_pattern)
        )
    if payer.cob_method is not None:
        extensions.append(_extension(systems.COB_METHOD, valueCode=payer.cob_method.value))
    return {
        "extension": extensions,
        "identifier": [{"system": systems.PAYER_ID, "value": payer.payer_id}],
        "type": [coding(systems.ORGANIZATION_TYPE, "pay")],
        "name": payer.name,
    }


def address(given: Address) -> dict[str, Any]:
    """A FHIR Address. An empty street line before a second line (a registration defect the
    scrubber must see) is a null with the data-absent-reason extension: FHIR has no empty
    string, and the second line must stay second."""
    lines: dict[str, Any] = {}
    if given.line1:
        lines["line"] = [given.line1, *([given.line2] if given.line2 else [])]
    elif given.line2:
        lines["line"] = [None, given.line2]
        lines["_line"] = [{"extension": [_ABSENT]}, None]
    return {
        **lines,
        "city": given.city,
        "state": given.state,
        "postalCode": given.postal_code,
    }


def _name(family: str, *given: str) -> list[dict[str, Any]]:
    names = [g for g in given if g]
    return [{"family": family, **({"given": names} if names else {})}]


def _phone(phone: str) -> dict[str, Any]:
    return {"telecom": [{"system": "phone", "value": phone}]} if phone else {}


def provider_entry(provider: Provider, settings: Mapping[str, str]) -> Resource:
    identifiers = [
        {"system": systems.NPI, "value": provider.npi},
        {"system": systems.EIN, "value": provider.tax_id},
    ]
    located = {"address": [address(provider.address)]} if provider.address else {}
    if provider.kind is ProviderKind.INDIVIDUAL:
        doctor = {
            "identifier": identifiers,
            "name": _name(provider.name, provider.first_name),
            **located,
            "qualification": [{"code": coding(systems.NUCC, provider.taxonomy)}],
        }
        return entry("Practitioner", provider.npi, doctor)
    extensions = [
        _extension(
            systems.TAXONOMY, valueCoding={"system": systems.NUCC, "code": provider.taxonomy}
        ),
        *(
            _extension(
                systems.PRACTICE_SETTING,
                extension=[
                    {"url": "key", "valueString": key},
                    {"url": "value", "valueString": value},
                ],
            )
            for key, value in settings.items()
            if value
        ),
    ]
    org = {
        "extension": extensions,
        "identifier": identifiers,
        "type": [coding(systems.ORGANIZATION_TYPE, "prov")],
        "name": provider.name,
        **located,
    }
    return entry("Organization", provider.npi, org)


def provider_ref(npi: str, providers: Mapping[str, Provider]) -> dict[str, Any]:
    """A reference to a provider of the bundle, or by NPI to one outside it (a referrer)."""
    found = providers.get(npi)
    if found is None:
        return {"identifier": {"system": systems.NPI, "value": npi}}
    kind = "Practitioner" if found.kind is ProviderKind.INDIVIDUAL else "Organization"
    return ref(kind, npi)


def facility_resource(place: Facility) -> Resource:
    identifiers = [{"system": systems.FACILITY_ID, "value": place.facility_id}]
    if place.npi:
        identifiers.append({"system": systems.NPI, "value": place.npi})
    return {
        "identifier": identifiers,
        "name": place.name,
        "type": [coding(systems.PLACE_OF_SERVICE, place.place_of_service)],
        "address": address(place.address),
    }


def patient_resource(patient: Patient) -> Resource:
    return {
        "identifier": [{"system": systems.PATIENT_ACCOUNT, "value": patient.account}],
        "name": _name(patient.last_name, patient.first_name, patient.middle_name),
        **_phone(patient.phone),
        "gender": _GENDERS[patient.sex.value],
        "birthDate": patient.birth_date.isoformat(),
        "address": [address(patient.address)],
    }


def guarantor_resource(guarantor: Guarantor, patient_account: str) -> Resource:
    return {
        "identifier": [{"system": systems.GUARANTOR_ACCOUNT, "value": guarantor.account}],
        "patient": ref("Patient", patient_account),
        "name": _name(guarantor.last_name, guarantor.first_name),
        **_phone(guarantor.phone),
        "address": [address(guarantor.address)],
    }


def _subscriber(person: Subscriber, patient_account: str) -> Resource:
    return {
        "resourceType": "RelatedPerson",
        "id": "subscriber",
        "patient": ref("Patient", patient_account),
        "name": _name(person.last_name, person.first_name),
        **({"gender": _GENDERS[person.sex]} if person.sex else {}),
        **({"birthDate": person.birth_date.isoformat()} if person.birth_date else {}),
    }


def coverage_resource(plan: Coverage) -> Resource:
    classes = [
        {
            "type": coding(systems.COVERAGE_CLASS, "plan"),
            "value": plan.plan_name,
            "name": plan.plan_name,
        }
    ]
    if plan.group_number:
        classes.append(
            {"type": coding(systems.COVERAGE_CLASS, "group"), "value": plan.group_number}
        )
    period = {"start": plan.effective.isoformat()}
    if plan.termination is not None:
        period["end"] = plan.termination.isoformat()
    subscriber: Resource = {}
    if plan.subscriber is not None:
        subscriber = {
            "contained": [_subscriber(plan.subscriber, plan.patient_account)],
            "subscriber": {"reference": "#subscriber"},
        }
    return {
        **({"contained": subscriber["contained"]} if subscriber else {}),
        "extension": [
            _extension(systems.NETWORK_TIER, valuePositiveInt=int(plan.network_tier)),
        ],
        "identifier": [{"system": systems.COVERAGE_ID, "value": plan.coverage_id}],
        "status": "active",
        **({"subscriber": subscriber["subscriber"]} if subscriber else {}),
        **({"subscriberId": plan.member_id} if plan.member_id else {}),
        "beneficiary": ref("Patient", plan.patient_account),
        "relationship": coding(systems.SUBSCRIBER_RELATIONSHIP, _RELATIONSHIPS[plan.relationship]),
        "period": period,
        "payor": [ref("Organization", f"payer-{plan.payer_id}")],
        "class": classes,
        "order": int(plan.priority),
    }


def _charge_definition(
    url: str, code: str, modifier: str, amount: Decimal, period: dict[str, str]
) -> Resource:
    return {
        "extension": [_extension(systems.MODIFIER, valueCode=modifier)] if modifier else [],
        "url": url,
        "status": "active",
        "code": coding(procedure_system(code), code),
        "effectivePeriod": period,
        "propertyGroup": [{"priceComponent": [{"type": "base", "amount": money(amount)}]}],
    }


def fee_resource(fee: FeeScheduleItem) -> Resource:
    url = f"{systems.FEE_SCHEDULE}/{fee.code}/{fee.modifier or '-'}/{fee.effective}"
    period = {"start": fee.effective.isoformat()}
    found = _charge_definition(url, fee.code, fee.modifier, fee.charge.amount, period)
    if not found["extension"]:
        del found["extension"]
    return found


def contract_resource(rate: ContractRate) -> Resource:
    url = f"{systems.CONTRACT}/{rate.payer_id}/{rate.code}/{rate.modifier or '-'}/{rate.effective}"
    period = {"start": rate.effective.isoformat()}
    if rate.termination is not None:
        period["end"] = rate.termination.isoformat()
    found = _charge_definition(url, rate.code, rate.modifier, rate.allowed.amount, period)
    found["extension"].append(
        _extension(
            systems.CONTRACT_PAYER, valueReference=ref("Organization", f"payer-{rate.payer_id}")
        )
    )
    return found


def encounter_entries(
    visit: Encounter, providers: Mapping[str, Provider], facility_place: str
) -> Iterator[Resource]:
    eid = visit.encounter_id
    participants = [
        {
            "type": [coding(systems.PARTICIPATION_TYPE, "PPRF")],
            "individual": provider_ref(visit.rendering_npi, providers),
        }
    ]
    if visit.referring_npi:
        participants.append(
            {
                "type": [coding(systems.PARTICIPATION_TYPE, "REF")],
                "individual": provider_ref(visit.referring_npi, providers),
            }
        )
    billing = provider_ref(visit.billing_npi, providers)
    billed_by_person = visit.billing_npi in providers and (
        providers[visit.billing_npi].kind is ProviderKind.INDIVIDUAL
    )
    extensions = []
    if billed_by_person:
        extensions.append(_extension(systems.BILLING_PROVIDER, valueReference=billing))
    if visit.prior_authorization:
        extensions.append(
            _extension(systems.PRIOR_AUTHORIZATION, valueString=visit.prior_authorization)
        )
    resource: Resource = {
        **({"extension": extensions} if extensions else {}),
        "identifier": [{"system": systems.ENCOUNTER_ID, "value": eid}],
        "status": "finished",
        "class": {"system": systems.ACT_CODE, "code": "AMB"},
        "subject": ref("Patient", visit.patient_account),
        "participant": participants,
        "period": {"start": visit.date_of_service.isoformat()},
        "diagnosis": [
            {"condition": ref("Condition", f"{eid}-dx{rank}"), "rank": rank}
            for rank in range(1, len(visit.diagnoses) + 1)
        ],
        "location": [{"location": ref("Location", visit.facility_id)}],
        **({} if billed_by_person else {"serviceProvider": billing}),
    }
    yield entry("Encounter", eid, resource)
    for rank, code in enumerate(visit.diagnoses, start=1):
        condition = {
            "category": [
                coding(
                    "http://terminology.hl7.org/CodeSystem/condition-category",
                    "encounter-diagnosis",
                )
            ],
            "code": coding(systems.ICD10CM, icd10cm(code)),
            "subject": ref("Patient", visit.patient_account),
            "encounter": ref("Encounter", eid),
        }
        yield entry("Condition", f"{eid}-dx{rank}", condition)
    for line in visit.lines:
        yield entry(
            "ChargeItem", f"{eid}-{line.line_number}", _charge_item(visit, line, facility_place)
        )


def drug_extension(drug: DrugDetail) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": "ndc", "valueCoding": {"system": systems.NDC, "code": drug.ndc}},
        {
            "url": "quantity",
            "valueQuantity": {
                "value": drug.quantity,
                "system": systems.DRUG_UNIT,
                "code": drug.unit.value,
            },
        },
    ]
    if drug.prescription_number:
        parts.append({"url": "prescription", "valueString": drug.prescription_number})
    if drug.link_sequence:
        parts.append({"url": "link-sequence", "valueString": drug.link_sequence})
    return _extension(systems.DRUG, extension=parts)


def _charge_item(visit: Encounter, line: ServiceLine, facility_place: str) -> Resource:
    extensions = [
        _extension(systems.LINE_NUMBER, valuePositiveInt=line.line_number),
        *(_extension(systems.MODIFIER, valueCode=m) for m in line.modifiers),
    ]
    if line.place_of_service != facility_place:
        extensions.append(
            _extension(
                systems.LINE_PLACE_OF_SERVICE,
                valueCoding={"system": systems.PLACE_OF_SERVICE, "code": line.place_of_service},
            )
        )
    if line.drug is not None:
        extensions.append(drug_extension(line.drug))
    return {
        "extension": extensions,
        "status": "billable",
        "code": coding(procedure_system(line.procedure_code), line.procedure_code),
        "subject": ref("Patient", visit.patient_account),
        "context": ref("Encounter", visit.encounter_id),
        "occurrenceDateTime": line.date_of_service.isoformat(),
        "quantity": {"value": line.units},
        "priceOverride": money(line.charge.amount),
        "reason": [
            coding(systems.ICD10CM, icd10cm(visit.diagnoses[pointer - 1]))
            for pointer in line.diagnosis_pointers
        ],
    }
