"""What claimdesk billed and what payers answered, as FHIR: a Claim per claim, and for each 835
claim payment posted on it a ClaimResponse and an ExplanationOfBenefit (docs/fhir.md).

Parties are named by logical references (their claimdesk identifiers, as the import reads
them); a ClaimResponse and an ExplanationOfBenefit refer to their Claim's entry. Each resource
is validated by the library's models before it is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from claimdesk.domain.claims import Claim, ClaimStatus, FrequencyCode
from claimdesk.domain.encounters import ServiceLine
from claimdesk.domain.money import Money, total
from claimdesk.edi.x837.segments import line_control_number
from claimdesk.fhir import systems
from claimdesk.fhir.writer import (
    Resource,
    coding,
    entry,
    full_url,
    icd10cm,
    money,
    procedure_system,
)

# Claim.status: one not yet sent is a draft; a voided claim is cancelled.
_DRAFTS = frozenset({ClaimStatus.DRAFT, ClaimStatus.HELD, ClaimStatus.READY})
_PRIMARY, _REFERRING = 1, 2  # care team sequences
_PATIENT_RESPONSIBILITY = "PR"
SELF_PAY = "self-pay"


@dataclass(frozen=True, slots=True)
class Payment:
    """One 835 claim payment (CLP) posted on a claim, as posting kept it: its amounts and the
    payer's adjudication (``services.post_remittance.adjudication_of``)."""

    remittance_id: str
    position: int
    status: str  # posted, or reversed by a later CLP02 = 22
    clp_status: str  # CLP02
    trace_number: str  # TRN02: the check or EFT number
    paid_on: date  # BPR16, else the day it was posted
    charge: Money
    paid: Money
    patient_share: Money
    payer_claim_number: str
    adjudication: Mapping[str, Any]

    @property
    def key(self) -> str:
        return f"{self.remittance_id}-{self.position}"


def _logical(system: str, value: str, kind: str = "") -> dict[str, Any]:
    return {**({"type": kind} if kind else {}), "identifier": {"system": system, "value": value}}


def claim_entries(claim: Claim, payments: Sequence[Payment]) -> Iterator[Resource]:
    """The claim's Claim, then a ClaimResponse and an ExplanationOfBenefit per payment."""
    yield entry("Claim", claim.claim_id, claim_resource(claim))
    for payment in payments:
        key = _answer_key(claim, payment)
        yield entry("ClaimResponse", key, response_resource(claim, payment))
        yield entry("ExplanationOfBenefit", key, eob_resource(claim, payment))


def _answer_key(claim: Claim, payment: Payment) -> str:
    return f"{claim.claim_id}-{payment.key}"


def _status(claim: Claim) -> str:
    if claim.status in _DRAFTS:
        return "draft"
    if claim.status is ClaimStatus.VOIDED:
        return "cancelled"
    return "active"


def _header(claim: Claim) -> Resource:
    """What a Claim and an ExplanationOfBenefit both say of the bill."""
    visit = claim.encounter
    last = max(line.date_of_service for line in claim.lines)
    return {
        "type": coding(systems.CLAIM_TYPE, "professional"),
        "use": "claim",
        "patient": _logical(systems.PATIENT_ACCOUNT, visit.patient_account, "Patient"),
        "billablePeriod": {"start": visit.date_of_service.isoformat(), "end": last.isoformat()},
        "created": _instant(claim.created_at),
        "provider": _logical(systems.NPI, visit.billing_npi),
    }


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _insurer(claim: Claim) -> dict[str, Any]:
    return _logical(systems.PAYER_ID, claim.payer_id, "Organization")


def _coverage(claim: Claim) -> dict[str, Any]:
    if not claim.coverage_id:
        return {"display": SELF_PAY}
    return _logical(systems.COVERAGE_ID, claim.coverage_id, "Coverage")


def _care_team(claim: Claim) -> list[Resource]:
    visit = claim.encounter
    team = [
        {
            "sequence": _PRIMARY,
            "provider": _logical(systems.NPI, visit.rendering_npi),
            "role": coding(systems.CARE_TEAM_ROLE, "primary"),
        }
    ]
    if visit.referring_npi:
        team.append(
            {
                "sequence": _REFERRING,
                "provider": _logical(systems.NPI, visit.referring_npi, "Practitioner"),
                "role": coding(systems.CARIN_CARE_TEAM_ROLE, "referring"),
            }
        )
    return team


def _diagnoses(claim: Claim) -> list[Resource]:
    return [
        {"sequence": n, "diagnosisCodeableConcept": coding(systems.ICD10CM, icd10cm(code))}
        for n, code in enumerate(claim.encounter.diagnoses, start=1)
    ]


def _service(claim: Claim, line: ServiceLine) -> Resource:
    """What an item of a Claim and of an ExplanationOfBenefit both say of a service line."""
    return {
        "sequence": line.line_number,
        "careTeamSequence": [_PRIMARY],
        "diagnosisSequence": list(line.diagnosis_pointers),
        "productOrService": coding(procedure_system(line.procedure_code), line.procedure_code),
        **(
            {"modifier": [coding(procedure_system(line.procedure_code), m) for m in line.modifiers]}
            if line.modifiers
            else {}
        ),
        "servicedDate": line.date_of_service.isoformat(),
        "locationCodeableConcept": coding(systems.PLACE_OF_SERVICE, line.place_of_service),
        "quantity": {"value": line.units},
        "encounter": [_logical(systems.ENCOUNTER_ID, claim.encounter.encounter_id, "Encounter")],
    }


def claim_resource(claim: Claim) -> Resource:
    identifiers = [{"system": systems.CLAIM_ID, "value": claim.claim_id}]
    if claim.payer_claim_number:
        identifiers.append(
            {"system": systems.PAYER_CLAIM_NUMBER, "value": claim.payer_claim_number}
        )
    related = []
    if claim.frequency is not FrequencyCode.ORIGINAL:
        # A replacement (7) or void (8) names the payer's number of the claim it corrects.
        related.append(
            {
                "relationship": coding(
                    "http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior"
                ),
                "reference": {
                    "system": systems.PAYER_CLAIM_NUMBER,
                    "value": claim.replaces_payer_claim_number,
                },
            }
        )
    insurance: Resource = {"sequence": 1, "focal": True, "coverage": _coverage(claim)}
    if claim.authorization:
        insurance["preAuthRef"] = [claim.authorization]
    return {
        "extension": [{"url": systems.CLAIM_STATUS, "valueCode": claim.status.value}],
        "identifier": identifiers,
        "status": _status(claim),
        **_header(claim),
        **({"insurer": _insurer(claim)} if claim.coverage_id else {}),
        "priority": coding(systems.PROCESS_PRIORITY, "normal"),
        **({"related": related} if related else {}),
        "careTeam": _care_team(claim),
        "diagnosis": _diagnoses(claim),
        "insurance": [insurance],
        "facility": _logical(systems.FACILITY_ID, claim.encounter.facility_id, "Location"),
        "item": [
            {**_service(claim, line), "net": money(line.charge.amount)} for line in claim.lines
        ],
        "total": money(claim.total_charge.amount),
    }


@dataclass(frozen=True, slots=True)
class _Adjudicated:
    """One 835 service line (SVC) as posting kept it."""

    code: str
    modifiers: tuple[str, ...]
    charge: Money | None
    allowed: Money | None
    paid: Money
    adjustments: tuple[tuple[str, str, Money], ...]  # group, CARC, amount


def _adjustments(given: Sequence[Sequence[str]]) -> tuple[tuple[str, str, Money], ...]:
    return tuple((group, carc, Money(amount)) for group, carc, amount in given)


def _amount(text: str) -> Money | None:
    return Money(text) if text else None


def _adjudicated(payment: Payment) -> list[tuple[Mapping[str, Any], _Adjudicated]]:
    return [
        (
            line,
            _Adjudicated(
                code=str(line.get("code", "")),
                modifiers=tuple(line.get("modifiers", ())),
                charge=_amount(str(line.get("charge", ""))),
                allowed=_amount(str(line.get("allowed", ""))),
                paid=Money(str(line.get("paid", "0"))),
                adjustments=_adjustments(line.get("adjustments", ())),
            ),
        )
        for line in payment.adjudication.get("lines", ())
    ]


def matched_lines(claim: Claim, payment: Payment) -> list[tuple[_Adjudicated, ServiceLine | None]]:
    """Each adjudicated line with the claim's line it pays: by the line control number the
    payer echoes (REF*6R), else the next unused line of the same procedure code."""
    by_control = {line_control_number(claim.claim_id, ln.line_number): ln for ln in claim.lines}
    used: set[int] = set()
    found: list[tuple[_Adjudicated, ServiceLine | None]] = []
    for raw, paid in _adjudicated(payment):
        line = by_control.get(str(raw.get("control", "")))
        if line is None or line.line_number in used:
            line = next(
                (
                    ln
                    for ln in claim.lines
                    if ln.line_number not in used and ln.procedure_code == paid.code
                ),
                None,
            )
        if line is not None:
            used.add(line.line_number)
        found.append((paid, line))
    return found


def _category(code: str) -> dict[str, Any]:
    return coding(systems.ADJUDICATION, code)


def _line_adjudication(paid: _Adjudicated) -> list[Resource]:
    found: list[Resource] = []
    if paid.charge is not None:
        found.append({"category": _category("submitted"), "amount": money(paid.charge.amount)})
    if paid.allowed is not None:
        found.append({"category": _category("eligible"), "amount": money(paid.allowed.amount)})
    found.append({"category": _category("benefit"), "amount": money(paid.paid.amount)})
    found.extend(_cas(paid.adjustments))
    return found


def _cas(adjustments: Sequence[tuple[str, str, Money]]) -> list[Resource]:
    """Each CAS adjustment: its group code as the category, its CARC as the reason."""
    return [
        {
            "category": coding(systems.CAS_GROUP, group),
            "reason": coding(systems.CARC, carc),
            "amount": money(amount.amount),
        }
        for group, carc, amount in adjustments
    ]


def _items(claim: Claim, payment: Payment, *, full: bool) -> tuple[list[Resource], list[Resource]]:
    """The adjudicated items and the lines the payer added (none of ours matched)."""
    items: list[Resource] = []
    added: list[Resource] = []
    for paid, line in matched_lines(claim, payment):
        adjudication = _line_adjudication(paid)
        if line is None:
            added.append(
                {
                    "productOrService": coding(procedure_system(paid.code), paid.code),
                    **(
                        {
                            "modifier": [
                                coding(procedure_system(paid.code), m) for m in paid.modifiers
                            ]
                        }
                        if paid.modifiers
                        else {}
                    ),
                    "adjudication": adjudication,
                }
            )
        elif full:
            items.append({**_service(claim, line), "adjudication": adjudication})
        else:
            items.append({"itemSequence": line.line_number, "adjudication": adjudication})
    return items, added


def _claim_adjustments(payment: Payment) -> list[Resource]:
    return _cas(_adjustments(payment.adjudication.get("adjustments", ())))


def _totals(claim: Claim, payment: Payment) -> list[Resource]:
    """What the payment comes to: charged, allowed (when the payer said so on every line),
    paid, and what the patient owes (the PR adjustments)."""
    lines = [paid for paid, _ in matched_lines(claim, payment)]
    found = [{"category": _category("submitted"), "amount": money(payment.charge.amount)}]
    if lines and all(p.allowed is not None for p in lines):
        allowed = total(p.allowed for p in lines if p.allowed is not None)
        found.append({"category": _category("eligible"), "amount": money(allowed.amount)})
    found.append({"category": _category("benefit"), "amount": money(payment.paid.amount)})
    found.append(
        {
            "category": coding(systems.CAS_GROUP, _PATIENT_RESPONSIBILITY),
            "amount": money(payment.patient_share.amount),
        }
    )
    return found


def _payment(payment: Payment) -> Resource:
    return {
        "type": coding(systems.PAYMENT_TYPE, "complete"),
        "date": payment.paid_on.isoformat(),
        "amount": money(payment.paid.amount),
        **(
            {"identifier": {"system": systems.PAYMENT_TRACE, "value": payment.trace_number}}
            if payment.trace_number
            else {}
        ),
    }


def _payment_extensions(payment: Payment) -> list[Resource]:
    """The 835's own words for the payment: CLP02, and whether a reversal undid it."""
    return [
        {"url": systems.CLAIM_PAYMENT_STATUS, "valueCode": payment.clp_status or "unknown"},
        {"url": systems.REVERSED, "valueBoolean": payment.status == "reversed"},
    ]


def _payer_identifiers(payment: Payment) -> list[Resource]:
    found = [{"system": systems.REMITTANCE_ID, "value": payment.key}]
    if payment.payer_claim_number:
        found.append({"system": systems.PAYER_CLAIM_NUMBER, "value": payment.payer_claim_number})
    return found


def response_resource(claim: Claim, payment: Payment) -> Resource:
    items, added = _items(claim, payment, full=False)
    return {
        "extension": _payment_extensions(payment),
        "identifier": _payer_identifiers(payment),
        "status": "active",
        "type": coding(systems.CLAIM_TYPE, "professional"),
        "use": "claim",
        "patient": _logical(systems.PATIENT_ACCOUNT, claim.encounter.patient_account, "Patient"),
        "created": payment.paid_on.isoformat(),
        "insurer": _insurer(claim),
        "request": {"reference": full_url("Claim", claim.claim_id)},
        "outcome": "complete",
        **({"item": items} if items else {}),
        **({"addItem": added} if added else {}),
        **({"adjudication": _claim_adjustments(payment)} if _claim_adjustments(payment) else {}),
        "total": _totals(claim, payment),
        "payment": _payment(payment),
    }


def eob_resource(claim: Claim, payment: Payment) -> Resource:
    items, added = _items(claim, payment, full=True)
    return {
        "extension": _payment_extensions(payment),
        "identifier": _payer_identifiers(payment),
        "status": "active",
        **_header(claim),
        "created": payment.paid_on.isoformat(),
        "insurer": _insurer(claim),
        "claim": {"reference": full_url("Claim", claim.claim_id)},
        "claimResponse": {"reference": full_url("ClaimResponse", _answer_key(claim, payment))},
        "outcome": "complete",
        "careTeam": _care_team(claim),
        "diagnosis": _diagnoses(claim),
        "insurance": [{"focal": True, "coverage": _coverage(claim)}],
        "facility": _logical(systems.FACILITY_ID, claim.encounter.facility_id, "Location"),
        **({"item": items} if items else {}),
        **({"addItem": added} if added else {}),
        **({"adjudication": _claim_adjustments(payment)} if _claim_adjustments(payment) else {}),
        "total": _totals(claim, payment),
        "payment": _payment(payment),
    }
