"""A practice's registrations and visits written as the HL7 v2.5.1 messages an EHR sends:
ADT^A04 per patient (PID, GT1, IN1) and DFT^P03 per visit (PV1, DG1, FT1), in the fields the
reader takes them from (``docs/hl7.md``). The synthetic practice is written this way, so the
bundle, HL7 and FHIR intakes can be compared on one practice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.coverage import Coverage, Relationship
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.parties import Address, Guarantor, Patient
from claimdesk.hl7.ack import escaped
from claimdesk.hl7.message import ENCODING_CHARACTERS

VERSION = "2.5.1"
APPLICATION = "EHR"
RELATIONSHIP_CODES = {
    Relationship.SELF: "SEL",
    Relationship.SPOUSE: "SPO",
    Relationship.CHILD: "CHD",
    Relationship.OTHER: "OTH",
}


def _segment(name: str, fields: dict[int, str]) -> str:
    last = max(fields, default=0)
    return "|".join([name, *(fields.get(n, "") for n in range(1, last + 1))])


def _day(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value is not None else ""


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _address(address: Address) -> str:
    parts = (address.line1, address.line2, address.city, address.state, address.postal_code)
    return "^".join(escaped(p) for p in parts)


def _msh(sender: str, kind: str, structure: str, control_id: str, now: datetime) -> str:
    return "|".join(
        [
            "MSH",
            ENCODING_CHARACTERS,
            APPLICATION,
            escaped(sender),
            "CLAIMDESK",
            "",
            now.strftime("%Y%m%d%H%M%S"),
            "",
            f"{kind}^{structure}",
            escaped(control_id),
            "P",
            VERSION,
        ]
    )


def _pid(patient: Patient, sender: str) -> str:
    name = "^".join(
        escaped(p) for p in (patient.last_name, patient.first_name, patient.middle_name)
    )
    return _segment(
        "PID",
        {
            1: "1",
            3: f"{escaped(patient.account)}^^^{escaped(sender)}^MR",
            5: name,
            7: _day(patient.birth_date),
            8: patient.sex.value,
            11: _address(patient.address),
            13: patient.phone,
        },
    )


def _gt1(guarantor: Guarantor) -> str:
    return _segment(
        "GT1",
        {
            1: "1",
            2: escaped(guarantor.account),
            3: f"{escaped(guarantor.last_name)}^{escaped(guarantor.first_name)}",
            5: _address(guarantor.address),
            6: guarantor.phone,
        },
    )


def _in1(coverage: Coverage, set_id: int) -> str:
    fields = {
        1: str(set_id),
        2: f"{escaped(coverage.coverage_id)}^{escaped(coverage.plan_name)}",
        3: escaped(coverage.payer_id),
        8: escaped(coverage.group_number),
        12: _day(coverage.effective),
        13: _day(coverage.termination),
        15: str(int(coverage.network_tier)),
        17: RELATIONSHIP_CODES[coverage.relationship],
        22: str(int(coverage.priority)),
        36: escaped(coverage.member_id),
    }
    subscriber = coverage.subscriber
    if subscriber is not None:
        fields[16] = f"{escaped(subscriber.last_name)}^{escaped(subscriber.first_name)}"
        fields[18] = _day(subscriber.birth_date)
        fields[43] = subscriber.sex
    return _segment("IN1", fields)


def registration(
    patient: Patient,
    guarantor: Guarantor | None,
    coverages: Sequence[Coverage],
    *,
    sender: str,
    control_id: str,
    now: datetime,
    event: str = "A04",
) -> str:
    """ADT^``event`` registering ``patient`` with their guarantor and coverages."""
    segments = [
        _msh(sender, f"ADT^{event}", "ADT_A01", control_id, now),
        _segment("EVN", {1: event, 2: now.strftime("%Y%m%d%H%M%S")}),
        _pid(patient, sender),
        _segment("PV1", {1: "1", 2: "O"}),
    ]
    if guarantor is not None:
        segments.append(_gt1(guarantor))
    segments += [_in1(c, n) for n, c in enumerate(coverages, start=1)]
    return "\r".join(segments) + "\r"


def charges(
    encounter: Encounter, patient: Patient, *, sender: str, control_id: str, now: datetime
) -> str:
    """DFT^P03 with the visit's diagnoses and one FT1 per service line."""
    segments = [
        _msh(sender, "DFT^P03", "DFT_P03", control_id, now),
        _segment("EVN", {1: "P03", 2: now.strftime("%Y%m%d%H%M%S")}),
        _pid(patient, sender),
        _segment(
            "PV1",
            {
                1: "1",
                2: "O",
                3: escaped(encounter.facility_id),
                7: escaped(encounter.rendering_npi),
                8: escaped(encounter.referring_npi),
                19: escaped(encounter.encounter_id),
                44: _day(encounter.date_of_service),
            },
        ),
    ]
    segments += [
        _segment("DG1", {1: str(n), 3: f"{code}^^I10", 6: "F"})
        for n, code in enumerate(encounter.diagnoses, start=1)
    ]
    for line in encounter.lines:
        fields = {
            1: str(line.line_number),
            2: escaped(f"{encounter.encounter_id}-{line.line_number}"),
            4: _day(line.date_of_service),
            6: "CG",
            7: f"{line.procedure_code}^^CPT",
            10: _number(line.units),
            11: str(line.charge.amount),
            19: "~".join(f"{encounter.diagnoses[p - 1]}^^I10" for p in line.diagnosis_pointers),
            20: escaped(encounter.rendering_npi),
            25: f"{line.procedure_code}^^CPT",
            26: "~".join(line.modifiers),
        }
        if line.drug is not None:
            fields[29] = f"{line.drug.ndc}^{_number(line.drug.quantity)}^{line.drug.unit.value}"
        segments.append(_segment("FT1", fields))
    if encounter.prior_authorization:
        segments.append(_segment("IN1", {1: "1", 14: escaped(encounter.prior_authorization)}))
    return "\r".join(segments) + "\r"


def practice_messages(bundle: PracticeBundle, *, sender: str, now: datetime) -> Iterator[str]:
    """Every patient's registration, then every visit's charges in date order."""
    guarantors = {g.account: g for g in bundle.guarantors}
    patients = {p.account: p for p in bundle.patients}
    coverages: dict[str, list[Coverage]] = {}
    for coverage in bundle.coverages:
        coverages.setdefault(coverage.patient_account, []).append(coverage)
    for n, patient in enumerate(bundle.patients, start=1):
        guarantor = guarantors.get(patient.guarantor_account or "")
        yield registration(
            patient,
            guarantor,
            sorted(coverages.get(patient.account, []), key=lambda c: (c.priority, c.coverage_id)),
            sender=sender,
            control_id=f"ADT{n:07d}",
            now=now,
        )
    visits: Iterable[Encounter] = sorted(
        bundle.encounters, key=lambda e: (e.date_of_service, e.encounter_id)
    )
    for n, encounter in enumerate(visits, start=1):
        yield charges(
            encounter,
            patients[encounter.patient_account],
            sender=sender,
            control_id=f"DFT{n:07d}",
            now=now,
        )


def batch_file(messages: Iterable[str]) -> str:
    """Messages one after another, a segment per line (``hl7 import`` reads this)."""
    return "".join(m.replace("\r", "\r\n") for m in messages)
