"""276 health care claim status request (005010X212).

One transaction set per file: payer (HL 20), information receiver = the submitter (HL 21),
service provider = the billing provider (HL 19), then one subscriber HL (22) per request with a
dependent HL (23) when the patient is not the subscriber. The claim being asked about (TRN,
REF, AMT*T3, DTP*472) sits at the patient's level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Provider
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.hierarchy_write import (
    CLAIM_STATUS_NAMES,
    begin_hierarchy,
    payer_level,
    subscriber_levels,
)
from claimdesk.edi.x12.provider import provider_name
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    date_range,
    money,
    write_interchange,
)
from claimdesk.edi.x837.claim_input import ClaimInput, Submitter

VERSION = "005010X212"


@dataclass(frozen=True, slots=True)
class ClaimStatusRequest:
    """Ask the payer where ``claim`` stands; ``trace_number`` (TRN02) comes back in the 277."""

    claim: ClaimInput
    trace_number: str


def write_276(
    requests: Sequence[ClaimStatusRequest],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange holding one 276, grouped by payer, submitter and billing provider."""
    if not requests:
        raise X12WriteError("batch", "requests", "there are no claim status requests to write")
    w = SegmentWriter(delimiters)
    begin_hierarchy(w, envelope, "0010", "13")
    tree: dict[Payer, dict[Submitter, dict[Provider, list[ClaimStatusRequest]]]] = {}
    for request in requests:
        claim = request.claim
        tree.setdefault(claim.payer, {}).setdefault(claim.submitter, {}).setdefault(
            claim.billing_provider, []
        ).append(request)
    hl = 0
    for payer, by_submitter in tree.items():
        hl += 1
        payer_hl = payer_level(w, payer, hl)
        for submitter, by_provider in by_submitter.items():
            hl += 1
            receiver_hl = str(hl)
            record = f"submitter {submitter.identifier}"
            w.add("HL", receiver_hl, payer_hl, "21", "1")
            w.add(
                "NM1",
                "41",
                "2",
                w.required_text(submitter.name, 60, record, "2100B NM103 name"),
                "",
                "",
                "",
                "",
                "46",
                w.identifier(submitter.identifier, 80, record, "2100B NM109 id", 2),
            )
            for provider, group in by_provider.items():
                hl += 1
                provider_hl = str(hl)
                w.add("HL", provider_hl, receiver_hl, "19", "1")
                provider_name(w, "1P", provider, group[0].claim.record, "2100C provider")
                for request in group:
                    hl = _subscriber(w, request, hl, provider_hl)
    return write_interchange(
        envelope,
        functional_id="HR",
        transaction_set_id="276",
        version=VERSION,
        transactions=[TransactionSet(w.segments)],
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _subscriber(w: SegmentWriter, request: ClaimStatusRequest, hl: int, parent: str) -> int:
    """Loops 2000D/2100D/2200D (or 2000E/2100E/2200E for a dependent); returns the last HL."""
    claim = request.claim
    record = claim.record
    patient = claim.patient
    coverage = claim.coverage
    dependent = not claim.patient_is_subscriber
    demographics = partial(w.add, "DMG", "D8", date8(patient.birth_date), patient.sex.value)
    hl = subscriber_levels(
        w, coverage, patient, dependent, hl, parent, record, CLAIM_STATUS_NAMES, demographics
    )
    _claim_inquiry(w, request)
    return hl


def _claim_inquiry(w: SegmentWriter, request: ClaimStatusRequest) -> None:
    claim = request.claim
    record = claim.record
    domain = claim.claim
    w.add("TRN", "1", w.identifier(request.trace_number, 50, record, "TRN02 trace number"))
    if domain.payer_claim_number.strip():
        w.add("REF", "1K", w.identifier(domain.payer_claim_number, 50, record, "REF*1K"))
    if claim.institutional is not None:
        # REF*BLT: the type of bill, facility type and frequency, as in CLM05.
        bill_type = claim.institutional.facility_type_code.strip() + domain.frequency.value
        w.add("REF", "BLT", w.identifier(bill_type, 3, record, "REF*BLT type of bill", 3))
    w.add("REF", "EJ", w.identifier(domain.claim_id, 38, record, "REF*EJ claim id"))
    w.add("AMT", "T3", money(domain.total_charge))
    dates = [line.date_of_service for line in domain.lines]
    first, last = min(dates), max(dates)
    if first == last:
        w.add("DTP", "472", "D8", date8(first))
    else:
        w.add("DTP", "472", "RD8", date_range(first, last))
