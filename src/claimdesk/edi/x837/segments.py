"""The loops the 837P and 837I define alike: billing provider (2010AA), subscriber (2000B,
2010BA, 2010BB), patient (2000C, 2010CA), other subscriber (2320/2330), line adjudication (2430)
and the element checks both claim loops use (NPI, ICD-10-CM, units, balance)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from claimdesk.domain.coverage import Coverage, Priority, Relationship
from claimdesk.domain.encounters import ServiceLine
from claimdesk.domain.money import total
from claimdesk.domain.payers import PayerKind
from claimdesk.domain.providers import Provider
from claimdesk.edi.x12.provider import provider_name
from claimdesk.edi.x12.writer import (
    SegmentWriter,
    X12WriteError,
    date8,
    decimal,
    money,
)
from claimdesk.edi.x837.claim_input import (
    Adjustment,
    ClaimInput,
    LineAdjudication,
    PayTo,
    PrimaryAdjudication,
)

MAX_ADJUSTMENTS_PER_CAS = 6  # CAS02..CAS19: six reason/amount/quantity triplets
DIAGNOSES_PER_HI = 12  # HI01..HI12


def _tax_id(value: str, record: str) -> str:
    digits = value.strip().replace("-", "")
    if len(digits) != 9 or not digits.isdigit():
        raise X12WriteError(record, "2010AA REF02 tax id", f"{value!r} is not nine digits")
    return digits


def billing_provider_loop(
    w: SegmentWriter, provider: Provider, pay_to: PayTo | None, rec: str
) -> None:
    if provider.taxonomy:
        w.add("PRV", "BI", "PXC", w.identifier(provider.taxonomy, 50, rec, "2000A PRV03 taxonomy"))
    provider_name(w, "85", provider, rec, "2010AA billing provider")
    if provider.address is None:
        raise X12WriteError(rec, "2010AA billing provider address", "is required but missing")
    # 2010AA N403: the guide requires the full nine-digit ZIP code for the billing provider.
    w.address(provider.address, rec, "2010AA billing provider", zip9=True)
    w.add("REF", "EI", _tax_id(provider.tax_id, rec))
    if pay_to is not None:
        w.add("NM1", "87", "2")
        w.address(pay_to.address, rec, "2010AB pay-to")


def _filing_indicator(claim: ClaimInput, kind: PayerKind, field: str) -> str:
    if kind is PayerKind.SELF_PAY:
        raise X12WriteError(claim.record, field, "a self-pay account is not billed with an 837")
    return kind.claim_filing_indicator


def subscriber_loop(w: SegmentWriter, claim: ClaimInput) -> None:
    record = claim.record
    coverage = claim.coverage
    kind = claim.payer.kind
    insurance_type = ""
    if kind is PayerKind.MEDICARE and coverage.priority is not Priority.PRIMARY:
        # SBR05: required when Medicare is billed but is not the primary payer.
        insurance_type = w.identifier(
            claim.medicare_secondary_type, 3, record, "SBR05 Medicare secondary payer type"
        )
    w.add(
        "SBR",
        coverage.priority.sbr01,
        "18" if claim.patient_is_subscriber else "",
        w.identifier(coverage.group_number, 50, record, "SBR03 group number")
        if coverage.group_number.strip()
        else "",
        "",
        insurance_type,
        "",
        "",
        "",
        _filing_indicator(claim, kind, "SBR09 claim filing indicator"),
    )
    _insured_name(w, claim, coverage, "2010BA subscriber")
    if claim.patient_is_subscriber:
        w.address(claim.patient.address, record, "2010BA subscriber")
        _demographics(w, claim)
    w.add(
        "NM1",
        "PR",
        "2",
        w.required_text(claim.payer.name, 60, record, "2010BB NM103 payer name"),
        "",
        "",
        "",
        "",
        "PI",
        w.identifier(claim.payer.payer_id, 80, record, "2010BB NM109 payer id", 2),
    )


def _insured_name(w: SegmentWriter, claim: ClaimInput, coverage: Coverage, who: str) -> None:
    """NM1*IL: the insured person of ``coverage`` (the patient when the relationship is self)."""
    record = claim.record
    subscriber = coverage.subscriber if coverage.relationship is not Relationship.SELF else None
    if subscriber is None:
        patient = claim.patient
        last, first, middle = patient.last_name, patient.first_name, patient.middle_name
    else:
        last, first, middle = subscriber.last_name, subscriber.first_name, ""
    w.add(
        "NM1",
        "IL",
        "1",
        w.required_text(last, 60, record, f"{who} NM103 last name"),
        w.text(first, 35),
        w.text(middle, 25),
        "",
        "",
        "MI",
        w.identifier(coverage.member_id, 80, record, f"{who} NM109 member id", 2),
    )


def _demographics(w: SegmentWriter, claim: ClaimInput) -> None:
    w.add("DMG", "D8", date8(claim.patient.birth_date), claim.patient.sex.value)


def patient_loop(w: SegmentWriter, claim: ClaimInput) -> None:
    patient = claim.patient
    record = claim.record
    w.add("PAT", claim.coverage.relationship.value)
    w.add(
        "NM1",
        "QC",
        "1",
        w.required_text(patient.last_name, 60, record, "2010CA NM103 patient last name"),
        w.text(patient.first_name, 35),
        w.text(patient.middle_name, 25),
    )
    w.address(patient.address, record, "2010CA patient")
    _demographics(w, claim)


def diagnosis_code(value: str, record: str, field: str) -> str:
    """ICD-10-CM as X12 carries it: no dot, upper case, 3 to 7 letters and digits."""
    code = value.strip().upper().replace(".", "")
    if not 3 <= len(code) <= 7 or not code.isascii() or not code.isalnum():
        raise X12WriteError(record, field, f"{value!r} is not an ICD-10-CM code")
    return code


def diagnoses(claim: ClaimInput) -> list[str]:
    codes = claim.claim.encounter.diagnoses
    if len(codes) > DIAGNOSES_PER_HI:
        raise X12WriteError(
            claim.record, "HI diagnoses", f"{len(codes)} diagnoses; at most {DIAGNOSES_PER_HI}"
        )
    return [
        diagnosis_code(code, claim.record, f"HI diagnosis {n}") for n, code in enumerate(codes, 1)
    ]


def claim_references(w: SegmentWriter, claim: ClaimInput) -> None:
    """REF*G1 prior authorization, then REF*F8 for a replacement or void (guide order)."""
    record = claim.record
    if claim.authorization.strip():
        w.add("REF", "G1", w.identifier(claim.authorization, 50, record, "REF*G1 authorization"))
    if claim.claim.frequency.value in ("7", "8"):
        w.add(
            "REF",
            "F8",
            w.identifier(
                claim.claim.replaces_payer_claim_number, 50, record, "REF*F8 payer claim number"
            ),
        )


def sorted_lines(claim: ClaimInput, max_lines: int) -> list[ServiceLine]:
    lines = sorted(claim.claim.lines, key=lambda line: line.line_number)
    if len(lines) > max_lines:
        raise X12WriteError(
            claim.record, "2400 service lines", f"{len(lines)} lines; at most {max_lines}"
        )
    return lines


def line_control_number(claim_id: str, line_number: int) -> str:
    """REF*6R: our id of a service line, echoed back by the payer in the 835."""
    return f"{claim_id}-{line_number}"


def procedure(
    w: SegmentWriter, code: str, modifiers: Sequence[str], record: str, field: str
) -> str:
    """The HC composite: procedure code and up to four two-character modifiers."""
    parts = ["HC", w.identifier(code, 48, record, f"{field} procedure code")]
    for n, modifier in enumerate(modifiers, 1):
        parts.append(w.identifier(modifier, 2, record, f"{field} modifier {n}", 2))
    return w.composite(*parts)


def units(value: Decimal, record: str, field: str) -> str:
    text = decimal(value)
    if len(text.replace(".", "")) > 15:
        raise X12WriteError(record, field, f"{value} has more than 15 digits")
    return text


def drug_identification(w: SegmentWriter, line: ServiceLine, record: str, where: str) -> None:
    """Loop 2410 (both guides): LIN*N4 with the NDC, CTP with its quantity and unit, and the
    prescription number (REF*XZ) or compound link sequence (REF*VY) when there is one."""
    drug = line.drug
    if drug is None:
        return
    w.add("LIN", "", "N4", drug.ndc)
    w.add("CTP", "", "", "", units(drug.quantity, record, f"{where} CTP04"), drug.unit.value)
    if drug.prescription_number:
        w.add(
            "REF",
            "XZ",
            w.identifier(drug.prescription_number, 50, record, f"{where} REF*XZ"),
        )
    elif drug.link_sequence:
        w.add("REF", "VY", w.identifier(drug.link_sequence, 50, record, f"{where} REF*VY"))


def check_balance(claim: ClaimInput, primary: PrimaryAdjudication) -> dict[int, LineAdjudication]:
    """The prior payer's figures must balance as the guide's COB rules require; else refuse.

    Claim: CLM02 - claim CAS - line CAS = AMT*D. Line: line charge - its CAS = SVD02.
    """
    record = claim.record
    lines = {line.line_number: line for line in claim.claim.lines}
    by_line: dict[int, LineAdjudication] = {}
    for adjudication in primary.lines:
        line = lines.get(adjudication.line_number)
        if line is None:
            raise X12WriteError(
                record, "2430 line adjudication", f"no service line {adjudication.line_number}"
            )
        if adjudication.line_number in by_line:
            raise X12WriteError(
                record, "2430 line adjudication", f"line {line.line_number} given twice"
            )
        by_line[line.line_number] = adjudication
        adjusted = total(a.amount for a in adjudication.adjustments)
        if line.charge - adjusted != adjudication.paid:
            raise X12WriteError(
                record,
                f"2430 line {line.line_number}",
                f"charge {line.charge} - adjustments {adjusted} != paid {adjudication.paid}",
            )
    claim_adjusted = total(a.amount for a in primary.claim_adjustments)
    line_adjusted = total(a.amount for adj in primary.lines for a in adj.adjustments)
    charge = claim.claim.total_charge
    if charge - claim_adjusted - line_adjusted != primary.paid:
        raise X12WriteError(
            record,
            "2320 AMT*D prior payer paid",
            f"charge {charge} - adjustments {claim_adjusted + line_adjusted} "
            f"!= paid {primary.paid}",
        )
    if by_line and total(a.paid for a in primary.lines) != primary.paid:
        raise X12WriteError(
            record, "2320 AMT*D prior payer paid", "differs from the sum of the lines paid"
        )
    return by_line


def adjustments(w: SegmentWriter, items: Sequence[Adjustment], record: str, field: str) -> None:
    """CAS segments: one per group code, up to six reason/amount/quantity triplets each."""
    groups: dict[str, list[Adjustment]] = {}
    for item in items:
        groups.setdefault(item.group.value, []).append(item)
    for group, members in groups.items():
        if len(members) > MAX_ADJUSTMENTS_PER_CAS:
            raise X12WriteError(
                record,
                f"{field} CAS {group}",
                f"{len(members)} reasons; at most {MAX_ADJUSTMENTS_PER_CAS} per group",
            )
        elements = ["CAS", group]
        for item in members:
            elements += [
                w.identifier(item.reason, 5, record, f"{field} CAS {group} reason"),
                money(item.amount),
                decimal(item.quantity) if item.quantity is not None else "",
            ]
        w.add(*elements)


def other_subscriber(
    w: SegmentWriter, claim: ClaimInput, *, institutional: bool
) -> dict[int, LineAdjudication]:
    """Loops 2320, 2330A and 2330B: the prior payer and what it paid on the whole claim.

    Returns the prior payer's line adjudications by service line number, for loop 2430.
    """
    primary = claim.primary
    if primary is None:
        return {}
    record = claim.record
    by_line = check_balance(claim, primary)
    other = primary.coverage
    w.add(
        "SBR",
        other.priority.sbr01,
        other.relationship.value,
        w.identifier(other.group_number, 50, record, "2320 SBR03 group number")
        if other.group_number.strip()
        else "",
        "",
        "",
        "",
        "",
        "",
        _filing_indicator(claim, primary.payer.kind, "2320 SBR09 claim filing indicator"),
    )
    adjustments(w, primary.claim_adjustments, record, "2320")
    w.add("AMT", "D", money(primary.paid))
    if primary.patient_responsibility is not None:
        w.add("AMT", "EAF", money(primary.patient_responsibility))
    benefits = "Y" if claim.benefits_assigned else "N"
    release = w.identifier(claim.release_of_information, 1, record, "OI06 release of information")
    # OI04 patient signature source exists in the 837P only.
    w.add("OI", "", "", benefits, "" if institutional else "P", "", release)
    _insured_name(w, claim, other, "2330A other subscriber")
    w.add(
        "NM1",
        "PR",
        "2",
        w.required_text(primary.payer.name, 60, record, "2330B NM103 other payer name"),
        "",
        "",
        "",
        "",
        "PI",
        w.identifier(primary.payer.payer_id, 80, record, "2330B NM109 other payer id", 2),
    )
    if not by_line:
        # DTP*573 in 2330B only when no 2430 loop carries the adjudication date.
        w.add("DTP", "573", "D8", date8(primary.adjudicated_on))
    if primary.payer_claim_number.strip():
        w.add(
            "REF",
            "F8",
            w.identifier(primary.payer_claim_number, 50, record, "2330B REF*F8 claim number"),
        )
    return by_line


def line_adjudication(
    w: SegmentWriter,
    claim: ClaimInput,
    line: ServiceLine,
    adjudication: LineAdjudication,
    revenue_code: str = "",
) -> None:
    """Loop 2430: the prior payer's adjudication of ``line``."""
    primary = claim.primary
    if primary is None:
        return
    record = claim.record
    where = f"2430 line {line.line_number}"
    code = adjudication.procedure_code or line.procedure_code
    modifiers = line.modifiers if adjudication.modifiers is None else adjudication.modifiers
    composite = procedure(w, code, modifiers, record, where) if code.strip() else ""
    paid_units = line.units if adjudication.paid_units is None else adjudication.paid_units
    w.add(
        "SVD",
        # SVD01 must equal the 2330B other payer id.
        w.identifier(primary.payer.payer_id, 80, record, f"{where} SVD01 payer id", 2),
        money(adjudication.paid),
        composite,
        revenue_code,
        units(paid_units, record, f"{where} SVD05 units"),
    )
    adjustments(w, adjudication.adjustments, record, where)
    w.add("DTP", "573", "D8", date8(primary.adjudicated_on))
    if adjudication.patient_responsibility is not None:
        w.add("AMT", "EAF", money(adjudication.patient_responsibility))


def yes_no(flag: bool) -> str:
    return "Y" if flag else "N"
