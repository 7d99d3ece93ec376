"""FHIR in: a file an EHR might send becomes practice records, with the CSV bundle's checks;
a practice written as FHIR reads back as the same practice; every bad input is one located
problem, all reported at once and no bundle given."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from claimdesk.bundle.reader import read_bundle
from claimdesk.domain.coverage import Priority, Relationship
from claimdesk.domain.money import Money
from claimdesk.domain.payers import FeeScheduleItem
from claimdesk.fhir import systems
from claimdesk.fhir.jsontext import dumps
from claimdesk.fhir.practice import PracticeRead, practice_of
from claimdesk.fhir.source import read_fhir
from claimdesk.fhir.writer import icd10cm, practice_json
from claimdesk.synth import write_practice

GROUP_NPI, DOCTOR_NPI = "1234567893", "1245319599"
NOW = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


def _coding(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _ext(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


ADDRESS = {"line": ["100 Main St"], "city": "Columbus", "state": "OH", "postalCode": "43215"}


def ehr_bundle() -> dict[str, Any]:
    """A transaction an EHR might send: the visit E1 as an Encounter with Conditions and
    ChargeItems (one priced by the fee schedule), and the visit E2 as a Claim."""
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Organization",
            "id": "acme",
            "extension": [
                _ext(systems.PAYER_KIND, valueCode="commercial"),
                _ext(systems.TIMELY_FILING, valueDuration={"value": 90, "code": "d"}),
                _ext(systems.APPEAL_WINDOW, valueDuration={"value": 180, "code": "d"}),
            ],
            "identifier": [{"system": systems.PAYER_ID, "value": "ACME"}],
            "name": "Acme Health",
        },
        {
            "resourceType": "Organization",
            "id": "group",
            "extension": [
                _ext(systems.TAXONOMY, valueCoding={"system": systems.NUCC, "code": "261QP2300X"}),
                _ext(
                    systems.PRACTICE_SETTING,
                    extension=[
                        {"url": "key", "valueString": "time_zone"},
                        {"url": "value", "valueString": "America/Chicago"},
                    ],
                ),
            ],
            "identifier": [
                {"system": systems.NPI, "value": GROUP_NPI},
                {"system": systems.EIN, "value": "12-3456789"},
            ],
            "name": "Riverbend Group",
            "address": [ADDRESS],
        },
        {
            "resourceType": "Practitioner",
            "id": "okafor",
            "identifier": [
                {"system": systems.NPI, "value": DOCTOR_NPI},
                {"system": systems.EIN, "value": "123456789"},
            ],
            "name": [{"family": "Okafor", "given": ["Adaeze"]}],
            "qualification": [{"code": _coding(systems.NUCC, "207Q00000X")}],
        },
        {
            "resourceType": "Location",
            "id": "OFFICE1",
            "name": "Main Office",
            "type": [_coding(systems.PLACE_OF_SERVICE, "11")],
            "address": ADDRESS,
        },
        {
            "resourceType": "Patient",
            "id": "P1",
            "name": [{"family": "Walsh", "given": ["Henry", "J"]}],
            "gender": "male",
            "birthDate": "2015-03-14",
            "address": [ADDRESS],
        },
        {
            "resourceType": "RelatedPerson",
            "id": "mother",
            "identifier": [{"system": systems.GUARANTOR_ACCOUNT, "value": "G1"}],
            "patient": {"reference": "Patient/P1"},
            "name": [{"family": "Walsh", "given": ["Tara"]}],
            "telecom": [{"system": "phone", "value": "6145550101"}],
            "address": [ADDRESS],
        },
        {
            "resourceType": "Coverage",
            "id": "cov-1",
            "extension": [_ext(systems.NETWORK_TIER, valuePositiveInt=1)],
            "status": "active",
            "subscriber": {"reference": "RelatedPerson/mother"},
            "subscriberId": "A12345678",
            "beneficiary": {"reference": "Patient/P1"},
            "relationship": _coding(systems.SUBSCRIBER_RELATIONSHIP, "child"),
            "period": {"start": "2024-01-01"},
            "payor": [{"reference": "Organization/acme"}],
            "class": [
                {"type": _coding(systems.COVERAGE_CLASS, "plan"), "value": "Acme PPO"},
                {"type": _coding(systems.COVERAGE_CLASS, "group"), "value": "482913"},
            ],
            "order": 1,
        },
        {
            "resourceType": "ChargeItemDefinition",
            "id": "fee-99213",
            "url": "https://example.org/fees/99213",
            "status": "active",
            "code": _coding(systems.CPT, "99213"),
            "effectivePeriod": {"start": "2024-01-01"},
            "propertyGroup": [
                {"priceComponent": [{"type": "base", "amount": {"value": 150, "currency": "USD"}}]}
            ],
        },
        {
            "resourceType": "Encounter",
            "id": "E1",
            "status": "finished",
            "class": {"system": systems.ACT_CODE, "code": "AMB"},
            "subject": {"reference": "Patient/P1"},
            "participant": [
                {
                    "type": [_coding(systems.PARTICIPATION_TYPE, "PPRF")],
                    "individual": {"reference": "Practitioner/okafor"},
                }
            ],
            "period": {"start": "2026-02-10T09:30:00-05:00"},
            "diagnosis": [
                {"condition": {"reference": "Condition/dx2"}, "rank": 2},
                {"condition": {"reference": "Condition/dx1"}, "rank": 1},
            ],
            "location": [{"location": {"reference": "Location/OFFICE1"}}],
            "serviceProvider": {"reference": "Organization/group"},
        },
        {
            "resourceType": "Condition",
            "id": "dx1",
            "code": _coding(systems.ICD10CM, "J02.9"),
            "subject": {"reference": "Patient/P1"},
        },
        {
            "resourceType": "Condition",
            "id": "dx2",
            "code": _coding(systems.ICD10CM, "Z23"),
            "subject": {"reference": "Patient/P1"},
        },
        {
            "resourceType": "ChargeItem",
            "id": "E1-1",
            "status": "billable",
            "code": _coding(systems.CPT, "99213"),
            "subject": {"reference": "Patient/P1"},
            "context": {"reference": "Encounter/E1"},
            "quantity": {"value": 1},
            "reason": [_coding(systems.ICD10CM, "J02.9")],
        },
        {
            "resourceType": "ChargeItem",
            "id": "E1-2",
            "extension": [_ext(systems.MODIFIER, valueCode="59")],
            "status": "billable",
            "code": _coding(systems.CPT, "90686"),
            "subject": {"reference": "Patient/P1"},
            "context": {"reference": "Encounter/E1"},
            "quantity": {"value": 1},
            "priceOverride": {"value": Decimal("40.00"), "currency": "USD"},
            "reason": [_coding(systems.ICD10CM, "Z23")],
        },
        {
            "resourceType": "Claim",
            "id": "claim-e2",
            "identifier": [{"system": systems.ENCOUNTER_ID, "value": "E2"}],
            "status": "active",
            "type": _coding(systems.CLAIM_TYPE, "professional"),
            "use": "claim",
            "patient": {"reference": "Patient/P1"},
            "created": "2026-02-12",
            "provider": {"reference": "Organization/group"},
            "priority": _coding(systems.PROCESS_PRIORITY, "normal"),
            "careTeam": [
                {
                    "sequence": 1,
                    "provider": {"reference": "Practitioner/okafor"},
                    "role": _coding(systems.CARE_TEAM_ROLE, "primary"),
                },
                {
                    "sequence": 2,
                    "provider": {"identifier": {"system": systems.NPI, "value": "1679576722"}},
                    "role": _coding(systems.CARIN_CARE_TEAM_ROLE, "referring"),
                },
            ],
            "diagnosis": [
                {"sequence": 1, "diagnosisCodeableConcept": _coding(systems.ICD10CM, "E11.9")}
            ],
            "insurance": [
                {
                    "sequence": 1,
                    "focal": True,
                    "coverage": {"reference": "Coverage/cov-1"},
                    "preAuthRef": ["PA-77"],
                }
            ],
            "facility": {"reference": "Location/OFFICE1"},
            "item": [
                {
                    "sequence": 1,
                    "diagnosisSequence": [1],
                    "productOrService": _coding(systems.CPT, "99214"),
                    "servicedDate": "2026-02-11",
                    "quantity": {"value": 2},
                    "unitPrice": {"value": Decimal("110.00"), "currency": "USD"},
                }
            ],
        },
    ]
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
            for r in resources
        ],
    }


def _read(data: dict[str, Any], name: str = "ehr.json", **options: Any) -> PracticeRead:
    found = read_fhir(name, dumps(data).encode())
    assert not found.problems, [str(p) for p in found.problems]
    return practice_of(found.resources, **options)


def _problems(data: dict[str, Any] | str, name: str = "ehr.json", **options: Any) -> list[str]:
    text = data if isinstance(data, str) else dumps(data)
    found = read_fhir(name, text.encode())
    if found.problems:
        assert found.resources == ()
        return [str(p) for p in found.problems]
    read = practice_of(found.resources, **options)
    assert read.bundle is None
    return [str(p) for p in read.problems]


def _resource(data: dict[str, Any], resource_id: str) -> dict[str, Any]:
    for e in data["entry"]:
        if e["resource"].get("id") == resource_id:
            resource: dict[str, Any] = e["resource"]
            return resource
    raise KeyError(resource_id)


def test_an_ehr_transaction_becomes_the_practice_records() -> None:
    read = _read(ehr_bundle(), now=NOW)

    assert read.problems == ()
    bundle = read.bundle
    assert bundle is not None
    assert [p.payer_id for p in bundle.payers] == ["ACME"]
    assert bundle.payers[0].timely_filing_days == 90
    assert {p.npi for p in bundle.providers} == {GROUP_NPI, DOCTOR_NPI}
    assert bundle.practice == {"time_zone": "America/Chicago"}
    (patient,) = bundle.patients
    assert (patient.account, patient.middle_name, patient.guarantor_account) == ("P1", "J", "G1")
    (coverage,) = bundle.coverages
    assert coverage.priority is Priority.PRIMARY
    assert coverage.relationship is Relationship.CHILD
    assert coverage.subscriber is not None
    assert coverage.subscriber.first_name == "Tara"
    assert (coverage.member_id, coverage.group_number) == ("A12345678", "482913")
    e1, e2 = sorted(bundle.encounters, key=lambda e: e.encounter_id)
    # Ranked diagnoses in rank order; the ChargeItems' reasons point into them.
    assert e1.diagnoses == ("J029", "Z23")
    assert e1.date_of_service == date(2026, 2, 10)
    assert [(ln.procedure_code, ln.charge, ln.diagnosis_pointers) for ln in e1.lines] == [
        ("99213", Money("150.00"), (1,)),  # the fee schedule's 150.00 x 1 unit
        ("90686", Money("40.00"), (2,)),
    ]
    assert e1.lines[1].modifiers == ("59",)
    assert {ln.place_of_service for ln in e1.lines} == {"11"}  # the facility's
    # The Claim bills a visit of its own: 2 units at 110.00.
    assert (e2.encounter_id, e2.prior_authorization, e2.referring_npi) == (
        "E2",
        "PA-77",
        "1679576722",
    )
    assert [(ln.procedure_code, ln.units, ln.charge) for ln in e2.lines] == [
        ("99214", Decimal(2), Money("220.00"))
    ]
    assert read.needed == ()


def test_a_claim_gives_the_lines_of_the_encounter_its_items_name() -> None:
    data = ehr_bundle()
    data["entry"] = [
        e for e in data["entry"] if e["resource"]["resourceType"] not in ("ChargeItem", "Condition")
    ]
    del _resource(data, "E1")["diagnosis"]
    claim = _resource(data, "claim-e2")
    del claim["identifier"]
    claim["item"][0]["encounter"] = [{"reference": "Encounter/E1"}]

    read = _read(data)

    assert read.bundle is not None
    (visit,) = read.bundle.encounters
    assert (visit.encounter_id, visit.date_of_service, visit.diagnoses) == (
        "E1",
        date(2026, 2, 10),  # the Encounter's head
        ("E119",),  # the Claim's diagnoses and lines
    )
    assert [(ln.procedure_code, ln.charge) for ln in visit.lines] == [("99214", Money("220.00"))]


def test_a_line_without_a_price_is_priced_from_the_stored_fee_schedule() -> None:
    data = ehr_bundle()
    data["entry"] = [
        e for e in data["entry"] if e["resource"]["resourceType"] != "ChargeItemDefinition"
    ]
    _resource(data, "E1-1")["quantity"] = {"value": Decimal("1.5")}
    stored = [
        FeeScheduleItem("99213", Money("140.00"), date(2025, 1, 1)),
        FeeScheduleItem("99213", Money("150.01"), date(2026, 1, 1)),
        FeeScheduleItem("99213", Money("999.00"), date(2026, 3, 1)),  # after the visit
    ]

    read = _read(data, stored_fees=stored)

    assert read.bundle is not None
    e1 = next(e for e in read.bundle.encounters if e.encounter_id == "E1")
    # 150.01 x 1.5 = 225.015, rounded half up to the cent.
    assert e1.lines[0].charge == Money("225.02")


def test_references_outside_the_file_are_left_for_the_import_to_check() -> None:
    data = ehr_bundle()
    _resource(data, "cov-1")["payor"] = [{"reference": "Organization/MCR"}]
    _resource(data, "E1")["location"] = [
        {"location": {"identifier": {"system": systems.FACILITY_ID, "value": "HOPD1"}}}
    ]

    read = _read(data, stored_place={"HOPD1": "22"}.get)

    assert read.bundle is not None
    assert {(n.entity, n.key, n.element) for n in read.needed} == {
        ("payers", "MCR", "payor[0]"),
        ("facilities", "HOPD1", "location[0].location"),
    }
    e1 = next(e for e in read.bundle.encounters if e.encounter_id == "E1")
    assert {ln.place_of_service for ln in e1.lines} == {"22"}


def test_a_synthetic_practice_written_as_fhir_reads_back_the_same(tmp_path: Path) -> None:
    write_practice(tmp_path, patients=40, encounters=120, seed=3, as_of=date(2026, 9, 30))
    csv = read_bundle(tmp_path).bundle
    assert csv is not None

    read = _read(json.loads(practice_json(csv), parse_float=Decimal), "practice.fhir.json")

    assert read.problems == ()
    assert read.bundle == csv


def test_ndjson_one_resource_a_line() -> None:
    lines = [dumps(e["resource"]) for e in ehr_bundle()["entry"]]

    read = practice_of(read_fhir("ehr.ndjson", "\n".join(lines).encode()).resources)

    assert read.bundle is not None
    assert len(read.bundle.encounters) == 2


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("ehr.json", '{"resourceType": "Bundle", "type": ', "ehr.json: not JSON: Expecting value"),
        (
            "ehr.json",
            '{"resourceType": "Patient", "id": "P1"}',
            "ehr.json: resourceType: a JSON file holds one Bundle, not 'Patient'",
        ),
        ("ehr.ndjson", '{"resourceType": "Patient"}\n{oops', "line 2: not JSON"),
        ("ehr.json", b"\xff\xfe{".decode("latin-1"), "ehr.json: not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_json_is_one_problem(name: str, text: str, expected: str) -> None:
    content = text.encode("latin-1") if "UTF-8" in expected else text.encode()

    found = read_fhir(name, content)

    assert found.resources == ()
    assert len(found.problems) == 1
    assert str(found.problems[0]).startswith(expected)


def test_a_resource_of_a_type_not_taken_is_located() -> None:
    data = ehr_bundle()
    data["entry"].insert(
        2,
        {
            "resource": {
                "resourceType": "Observation",
                "id": "bp",
                "status": "final",
                "code": {"text": "blood pressure"},
            }
        },
    )

    problems = _problems(data)

    assert len(problems) == 1
    assert problems[0].startswith(
        "Bundle.entry[2] Observation/bp: resourceType: claimdesk does not take 'Observation'"
    )


def test_a_bundle_the_models_refuse_reports_every_resource_at_once() -> None:
    data = ehr_bundle()
    _resource(data, "P1")["birthDate"] = "2015-13-01"
    del _resource(data, "cov-1")["status"]
    _resource(data, "E1-1")["quantity"] = {"value": "one"}
    data["type"] = "batch"

    problems = _problems(data)

    assert "Bundle: type: 'batch': claimdesk takes a transaction or a collection Bundle" in (
        problems
    )
    assert any(p.startswith("Bundle.entry[4] Patient/P1: birthDate: ") for p in problems)
    assert "Bundle.entry[6] Coverage/cov-1: status: Value for the field 'status' is required." in (
        problems
    )
    assert any(p.startswith("Bundle.entry[11] ChargeItem/E1-1: quantity.value: ") for p in problems)
    assert len(problems) == 4


def test_a_coverage_without_its_payor_is_located() -> None:
    missing = ehr_bundle()
    del _resource(missing, "cov-1")["payor"]
    unresolved = ehr_bundle()
    _resource(unresolved, "cov-1")["payor"] = [{"reference": "urn:uuid:0000"}]

    assert _problems(missing) == ["Bundle.entry[6] Coverage/cov-1: payor: Field required"]
    assert _problems(unresolved) == [
        "Bundle.entry[6] Coverage/cov-1: payor[0]: 'urn:uuid:0000' names no resource of this "
        "file, and no Organization by its key"
    ]


def test_the_checks_of_the_csv_rows_hold_for_resources() -> None:
    data = ehr_bundle()
    _resource(data, "okafor")["identifier"][0]["value"] = "12345"  # NPI shape
    _resource(data, "E1")["diagnosis"][0]["rank"] = 3  # ranks 1 and 3: a gap
    _resource(data, "cov-1")["period"] = {"start": "2024-01-01", "end": "2023-12-31"}
    claim = _resource(data, "claim-e2")
    claim["item"][0]["servicedDate"] = "2026-03-02"  # after today
    claim["item"][0]["modifier"] = [_coding(systems.CPT, m) for m in ("25", "59", "76", "77", "91")]

    problems = _problems(data, now=NOW)

    assert "Bundle.entry[2] Practitioner/okafor: identifier: an NPI has 10 digits, not '12345'" in (
        problems
    )
    assert (
        "Bundle.entry[8] Encounter/E1: diagnosis: ranks [1, 3]: number them 1 to 2 without "
        "gaps" in problems
    )
    assert (
        "Bundle.entry[6] Coverage/cov-1: coverage cov-1: terminates before it is effective"
        in problems
    )
    assert "Bundle.entry[13] Claim/claim-e2: item[0].modifier: at most 4 modifiers, got 5" in (
        problems
    )
    assert (
        "Bundle.entry[13] Claim/claim-e2: item[0].servicedDate: date of service 2026-03-02 is "
        "after today 2026-03-01" in problems
    )
    assert len(problems) == 5


def test_a_line_points_only_to_its_visit_s_diagnoses() -> None:
    data = ehr_bundle()
    _resource(data, "E1-2")["reason"] = [_coding(systems.ICD10CM, "R05.9")]
    _resource(data, "claim-e2")["item"][0]["diagnosisSequence"] = [2]

    assert _problems(data) == [
        "Bundle.entry[12] ChargeItem/E1-2: reason[0]: R059 is not a diagnosis of its Encounter",
        "Bundle.entry[13] Claim/claim-e2: item[0]: diagnosis 2, but the visit has 1 diagnoses",
    ]


def test_a_visit_after_today_is_a_problem_in_the_practice_time_zone() -> None:
    data = ehr_bundle()
    _resource(data, "E1")["period"] = {"start": "2026-03-02"}
    # 03:00 UTC on 2 March is still 1 March in Chicago, the zone the practice settings name.
    late_evening = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)

    assert _problems(data, now=late_evening) == [
        "Bundle.entry[8] Encounter/E1: period.start: date of service 2026-03-02 is after today "
        "2026-03-01"
    ]
    assert _read(data, now=datetime(2026, 3, 2, 7, 0, tzinfo=UTC)).problems == ()


def test_nothing_in_the_file_is_dropped_unread() -> None:
    data = ehr_bundle()
    stray = copy.deepcopy(_resource(data, "dx1"))
    stray["id"] = "dx9"
    data["entry"].append({"resource": stray})

    assert _problems(data) == [
        "Bundle.entry[14] Condition/dx9: no Encounter names it as a diagnosis "
        "(Encounter.diagnosis.condition)"
    ]


def test_a_diagnosis_corrected_with_its_dot_is_written_with_one() -> None:
    # The claim editor keeps a typed code as typed (R10.13); an import keeps it bare (R1013).
    assert [icd10cm(c) for c in ("R10.13", "R1013", "I10")] == ["R10.13", "R10.13", "I10"]
