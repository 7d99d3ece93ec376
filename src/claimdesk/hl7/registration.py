"""Registration messages (ADT A01/A04/A05/A08/A28/A31, BAR P01/P05): the patient (PID), the
guarantor (GT1) and the coverages (IN1, IN2) as the practice bundle's records.

A registration states the patient as the EHR holds them now: each record is stored whole, as an
import of the same rows would store it. Coverages are keyed by IN1-2, the health plan id the
EHR gives each coverage (HL7's v2-to-FHIR mapping takes it as ``Coverage.identifier``).
"""

from __future__ import annotations

from dataclasses import dataclass

from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship, Subscriber
from claimdesk.domain.parties import Guarantor, Patient, Sex
from claimdesk.hl7.directory import Directory
from claimdesk.hl7.fields import address, patient_account, phone
from claimdesk.hl7.mapping import SenderMapping
from claimdesk.hl7.message import Code, Location, Message, Problem, ValueProblemError

# PID-8 administrative sex (HL7 table 0001); claimdesk bills F, M or U.
SEXES = {
    "F": Sex.FEMALE,
    "M": Sex.MALE,
    "U": Sex.UNKNOWN,
    "O": Sex.UNKNOWN,
    "A": Sex.UNKNOWN,
    "N": Sex.UNKNOWN,
    "": Sex.UNKNOWN,
}
# IN1-17 insured's relationship to the patient (HL7 table 0063).
RELATIONSHIPS = {
    "SEL": Relationship.SELF,
    "": Relationship.SELF,
    "SPO": Relationship.SPOUSE,
    "CHD": Relationship.CHILD,
}
# GT1-11 guarantor relationship: the patient is their own guarantor.
SELF = "SEL"


@dataclass(frozen=True, slots=True)
class Registration:
    patient: Patient
    guarantor: Guarantor | None
    coverages: tuple[Coverage, ...]


def _sex(message: Message, at: Location) -> Sex:
    text = message.value(at)
    try:
        return SEXES[text]
    except KeyError:
        raise ValueProblemError(
            at,
            f"sex {text!r} is not in HL7 table 0001 (F, M, O, U, A, N)",
            Code.TABLE_VALUE_NOT_FOUND,
        ) from None


def _guarantor(message: Message, account: str) -> Guarantor | None:
    if message.count("GT1") == 0:
        return None
    number = message.required(Location("GT1", field=2, component=1), "the guarantor number")
    relationship = message.value(Location("GT1", field=11, component=1))
    if number == account or relationship == SELF:
        return None
    return Guarantor(
        account=number,
        last_name=message.required(
            Location("GT1", field=3, component=1), "the guarantor's family name"
        ),
        first_name=message.value(Location("GT1", field=3, component=2)),
        address=address(message, "GT1", 1, 5),
        phone=phone(message, "GT1", 1, 6),
    )


def _coverage(
    message: Message, sequence: int, account: str, mapping: SenderMapping, directory: Directory
) -> Coverage:
    def at(number: int, component: int = 0) -> Location:
        return Location("IN1", sequence, number, component)

    relationship_code = message.value(at(17))
    relationship = RELATIONSHIPS.get(relationship_code, Relationship.OTHER)
    priority_text = message.value(at(22)) or message.value(at(1)) or str(sequence)
    try:
        priority = Priority(int(priority_text))
    except ValueError:
        raise ValueProblemError(
            at(22), f"the coordination of benefits priority is 1, 2 or 3, not {priority_text!r}"
        ) from None
    tier_text = message.value(at(15)) or "1"
    try:
        tier = NetworkTier(int(tier_text))
    except ValueError:
        raise ValueProblemError(
            at(15),
            f"the network tier (plan type) is 1, 2, 3 or 9, not {tier_text!r}",
            Code.TABLE_VALUE_NOT_FOUND,
        ) from None
    payer_at = at(3, 1)
    payer_id = mapping.payer(message.required(payer_at, "the insurance company id"))
    if not directory.has_payer(payer_id):
        raise ValueProblemError(payer_at, f"payer {payer_id} is not on file", Code.UNKNOWN_KEY)
    subscriber = None
    if relationship is not Relationship.SELF:
        subscriber = Subscriber(
            last_name=message.required(at(16, 1), "the insured's family name"),
            first_name=message.value(at(16, 2)),
            birth_date=message.optional_date(at(18), "the insured's birth date"),
            sex=_sex(message, at(43)).value if message.value(at(43)) else "",
        )
    coverage_id = mapping.coverage_id(account, message.required(at(2, 1), "the coverage's id"))
    owner = directory.coverage_owner(coverage_id)
    if owner is not None and owner != account:
        raise ValueProblemError(
            at(2, 1),
            f"coverage {coverage_id} is on file for another patient ({owner}): IN1-2 must name "
            "this patient's coverage (an EHR that sends the plan's id there: coverage_key = "
            '"PID-3+IN1-2" in hl7.toml)',
            Code.DUPLICATE_KEY,
        )
    return Coverage(
        coverage_id=coverage_id,
        patient_account=account,
        payer_id=payer_id,
        plan_name=message.value(at(2, 2)),
        member_id=message.value(at(36)),
        group_number=message.value(at(8)),
        priority=priority,
        relationship=relationship,
        effective=message.date(at(12), "the plan effective date"),
        termination=message.optional_date(at(13), "the plan expiration date"),
        network_tier=tier,
        subscriber=subscriber,
    )


def read_registration(
    message: Message, mapping: SenderMapping, directory: Directory
) -> tuple[Registration | None, list[Problem]]:
    """The registration in ``message``, or every problem found (one per segment at most)."""
    problems: list[Problem] = []
    try:
        account = patient_account(message)
    except ValueProblemError as exc:
        return None, [exc.problem]
    patient: Patient | None = None
    guarantor: Guarantor | None = None
    try:
        guarantor = _guarantor(message, account)
    except ValueProblemError as exc:
        problems.append(exc.problem)
    try:
        patient = Patient(
            account=account,
            last_name=message.required(Location("PID", field=5, component=1), "the family name"),
            first_name=message.required(Location("PID", field=5, component=2), "the given name"),
            middle_name=message.value(Location("PID", field=5, component=3)),
            birth_date=message.date(Location("PID", field=7), "the birth date"),
            sex=_sex(message, Location("PID", field=8)),
            address=address(message, "PID", 1, 11),
            phone=phone(message, "PID", 1, 13),
            guarantor_account=guarantor.account if guarantor is not None else None,
        )
    except ValueProblemError as exc:
        problems.append(exc.problem)
    coverages: list[Coverage] = []
    for sequence in range(1, message.count("IN1") + 1):
        try:
            coverages.append(_coverage(message, sequence, account, mapping, directory))
        except ValueProblemError as exc:
            problems.append(exc.problem)
    if problems or patient is None:
        return None, problems
    return Registration(patient, guarantor, tuple(coverages)), []
