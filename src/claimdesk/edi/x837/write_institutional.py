"""837I health care claim, institutional (005010X223A2): loop 2300 (claim) and 2400 (lines).

Beyond the professional claim it carries the UB-04 facts from
:class:`~claimdesk.edi.x837.claim_input.InstitutionalClaim`: the type of bill (CLM05),
statement dates (DTP*434), admission date and codes (DTP*435, CL1), the admitting diagnosis
(HI*ABJ), the attending provider (2310A) and a revenue code on every line (SV201).
:func:`claimdesk.edi.x837.write.write_837i` puts these loops in the shared HL tree.
"""

from __future__ import annotations

from datetime import datetime

from claimdesk.domain.providers import Provider
from claimdesk.edi.x12.provider import npi, provider_name
from claimdesk.edi.x12.writer import (
    SegmentWriter,
    X12WriteError,
    date8,
    date_range,
    money,
    time4,
)
from claimdesk.edi.x837.claim_input import ClaimInput, InstitutionalClaim
from claimdesk.edi.x837.segments import (
    claim_references,
    diagnoses,
    diagnosis_code,
    drug_identification,
    line_adjudication,
    line_control_number,
    other_subscriber,
    procedure,
    sorted_lines,
    units,
    yes_no,
)

VERSION = "005010X223A2"
MAX_LINES = 999  # loop 2400 repeat in the institutional guide
# Type of bill: first digit the kind of facility, second the bill classification. These are the
# inpatient ones (hospital, skilled nursing, religious non-medical, intermediate care; Part A or
# B inpatient), which need the admission date, type and admitting diagnosis.
INPATIENT_FACILITY_TYPES = frozenset({"11", "12", "21", "22", "41", "42", "61", "62"})


def _code(w: SegmentWriter, value: str, size: int, record: str, field: str) -> str:
    code = w.identifier(value, size, record, field, size)
    if not code.isdigit():
        raise X12WriteError(record, field, f"{value!r} is not {size} digits")
    return code


def _admission(moment: datetime) -> str:
    return date8(moment) + time4(moment)


def claim_loop(w: SegmentWriter, claim: ClaimInput) -> None:
    record = claim.record
    details = claim.institutional
    if details is None:
        raise X12WriteError(record, "institutional", "an 837I claim needs the UB-04 details")
    domain = claim.claim
    lines = sorted_lines(claim, MAX_LINES)
    facility_type = _code(w, details.facility_type_code, 2, record, "CLM05-1 facility type")
    inpatient = facility_type in INPATIENT_FACILITY_TYPES
    if inpatient:
        for present, field in (
            (details.admitted_at is not None, "DTP*435 admission date"),
            (bool(details.admission_type_code.strip()), "CL101 admission type"),
            (bool(details.admitting_diagnosis.strip()), "HI*ABJ admitting diagnosis"),
        ):
            if not present:
                raise X12WriteError(record, field, "is required on an inpatient claim")
    w.add(
        "CLM",
        w.identifier(domain.claim_id, 38, record, "CLM01 claim id"),
        money(domain.total_charge),
        "",
        "",
        w.composite(facility_type, "A", domain.frequency.value),
        "",
        w.identifier(claim.assignment, 1, record, "CLM07 assignment"),
        yes_no(claim.benefits_assigned),
        w.identifier(claim.release_of_information, 1, record, "CLM09 release of information"),
    )
    service_dates = [line.date_of_service for line in lines]
    first = details.statement_from or min(service_dates)
    last = details.statement_through or max(service_dates)
    if last < first:
        raise X12WriteError(record, "DTP*434 statement dates", "the period ends before it starts")
    w.add("DTP", "434", "RD8", date_range(first, last))
    if details.admitted_at is not None:
        w.add("DTP", "435", "DT", _admission(details.admitted_at))
    w.add(
        "CL1",
        _optional(w, details.admission_type_code, record, "CL101 admission type"),
        _optional(w, details.admission_source_code, record, "CL102 admission source"),
        w.identifier(details.patient_status_code, 2, record, "CL103 patient status"),
    )
    claim_references(w, claim)
    codes = diagnoses(claim)
    w.add("HI", w.composite("ABK", codes[0]))
    if details.admitting_diagnosis.strip():
        admitting = diagnosis_code(details.admitting_diagnosis, record, "HI*ABJ admitting")
        w.add("HI", w.composite("ABJ", admitting))
    if len(codes) > 1:
        w.add("HI", *(w.composite("ABF", c) for c in codes[1:]))
    _providers(w, claim, details)
    by_line = other_subscriber(w, claim, institutional=True)
    for number, line in enumerate(lines, 1):
        where = f"2400 line {line.line_number}"
        revenue = details.revenue_codes.get(line.line_number, "")
        if not revenue:
            raise X12WriteError(record, f"{where} SV201 revenue code", "is required but missing")
        revenue = _code(w, revenue, 4, record, f"{where} SV201 revenue code")
        w.add("LX", str(number))
        w.add(
            "SV2",
            revenue,
            procedure(w, line.procedure_code, line.modifiers, record, f"{where} SV202")
            if line.procedure_code.strip()
            else "",
            money(line.charge),
            "UN",
            units(line.units, record, f"{where} SV205 units"),
        )
        w.add("DTP", "472", "D8", date8(line.date_of_service))
        w.add(
            "REF",
            "6R",
            w.identifier(
                line_control_number(domain.claim_id, line.line_number),
                50,
                record,
                f"{where} REF*6R",
            ),
        )
        drug_identification(w, line, record, f"2410 line {line.line_number}")
        adjudication = by_line.get(line.line_number)
        if adjudication is not None:
            line_adjudication(w, claim, line, adjudication, revenue)


def _optional(w: SegmentWriter, value: str, record: str, field: str) -> str:
    return w.identifier(value, 1, record, field) if value.strip() else ""


def _providers(w: SegmentWriter, claim: ClaimInput, details: InstitutionalClaim) -> None:
    """2310A attending, 2310D rendering, 2310E service facility, 2310F referring."""
    record = claim.record
    attending = details.attending or claim.rendering
    if attending is None:
        raise X12WriteError(record, "2310A attending provider", "is required but missing")
    provider_name(w, "71", attending, record, "2310A attending", individual_only=True)
    if attending.taxonomy:
        w.add("PRV", "AT", "PXC", w.identifier(attending.taxonomy, 50, record, "2310A PRV03"))
    rendering = claim.rendering
    if rendering is not None and rendering.npi != attending.npi:
        _rendering(w, rendering, record)
    facility = claim.facility
    if facility is not None and facility.address != claim.billing_provider.address:
        w.add(
            "NM1",
            "77",
            "2",
            w.required_text(facility.name, 60, record, "2310E NM103 facility name"),
            "",
            "",
            "",
            "",
            "XX" if facility.npi else "",
            npi(facility.npi, record, "2310E NM109 facility NPI") if facility.npi else "",
        )
        w.address(facility.address, record, "2310E service facility")
    if claim.referring is not None:
        provider_name(w, "DN", claim.referring, record, "2310F referring", individual_only=True)


def _rendering(w: SegmentWriter, rendering: Provider, record: str) -> None:
    provider_name(w, "82", rendering, record, "2310D rendering", individual_only=True)
