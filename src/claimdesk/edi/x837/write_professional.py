"""837P health care claim, professional (005010X222A1): loop 2300 (claim) and 2400 (lines).

:func:`claimdesk.edi.x837.write.write_837p` puts these loops in the shared HL tree.
"""

from __future__ import annotations

from claimdesk.domain.providers import Provider
from claimdesk.edi.x12.provider import npi, provider_name
from claimdesk.edi.x12.writer import SegmentWriter, X12WriteError, date8, money
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.edi.x837.segments import (
    claim_references,
    diagnoses,
    drug_identification,
    line_adjudication,
    line_control_number,
    other_subscriber,
    procedure,
    sorted_lines,
    units,
    yes_no,
)

VERSION = "005010X222A1"
MAX_LINES = 50  # loop 2400 repeat in the professional guide


def _place_of_service(w: SegmentWriter, value: str, record: str, field: str) -> str:
    code = w.identifier(value, 2, record, field, 2)
    if not code.isdigit():
        raise X12WriteError(record, field, f"{value!r} is not a two-digit place of service")
    return code


def claim_loop(w: SegmentWriter, claim: ClaimInput) -> None:
    record = claim.record
    domain = claim.claim
    lines = sorted_lines(claim, MAX_LINES)
    facility = claim.facility
    claim_pos = _place_of_service(
        w,
        facility.place_of_service if facility is not None else lines[0].place_of_service,
        record,
        "CLM05-1 place of service",
    )
    w.add(
        "CLM",
        w.identifier(domain.claim_id, 38, record, "CLM01 claim id"),
        money(domain.total_charge),
        "",
        "",
        w.composite(claim_pos, "B", domain.frequency.value),
        yes_no(claim.provider_signature_on_file),
        w.identifier(claim.assignment, 1, record, "CLM07 assignment"),
        yes_no(claim.benefits_assigned),
        w.identifier(claim.release_of_information, 1, record, "CLM09 release of information"),
        *(("", w.composite(*claim.related_causes[:3])) if claim.related_causes else ()),
    )
    claim_references(w, claim)
    codes = diagnoses(claim)
    w.add("HI", w.composite("ABK", codes[0]), *(w.composite("ABF", c) for c in codes[1:]))
    billing = claim.billing_provider
    if claim.referring is not None:
        provider_name(w, "DN", claim.referring, record, "2310A referring", individual_only=True)
    rendering = claim.rendering
    if rendering is not None and rendering.npi != billing.npi:
        # 2310B only when the rendering provider is not the billing provider.
        _rendering(w, rendering, record)
    if facility is not None and facility.address != billing.address:
        # 2310C only when the service was not at the billing provider's address.
        w.add(
            "NM1",
            "77",
            "2",
            w.required_text(facility.name, 60, record, "2310C NM103 facility name"),
            "",
            "",
            "",
            "",
            "XX" if facility.npi else "",
            npi(facility.npi, record, "2310C NM109 facility NPI") if facility.npi else "",
        )
        w.address(facility.address, record, "2310C service facility")
    by_line = other_subscriber(w, claim, institutional=False)
    for number, line in enumerate(lines, 1):
        where = f"2400 line {line.line_number}"
        line_pos = _place_of_service(w, line.place_of_service, record, f"{where} SV105")
        w.add("LX", str(number))
        w.add(
            "SV1",
            procedure(w, line.procedure_code, line.modifiers, record, f"{where} SV101"),
            money(line.charge),
            "UN",
            units(line.units, record, f"{where} SV104 units"),
            # SV105 only when it differs from CLM05-1.
            "" if line_pos == claim_pos else line_pos,
            "",
            w.composite(*(str(p) for p in line.diagnosis_pointers)),
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
            line_adjudication(w, claim, line, adjudication)


def _rendering(w: SegmentWriter, rendering: Provider, record: str) -> None:
    provider_name(w, "82", rendering, record, "2310B rendering")
    if rendering.taxonomy:
        w.add(
            "PRV", "PE", "PXC", w.identifier(rendering.taxonomy, 50, record, "2310B PRV03 taxonomy")
        )
