"""270 eligibility, coverage or benefit inquiry (005010X279A1).

One transaction set per file: information source (payer, HL 20), information receiver (our
provider, HL 21), then one subscriber HL (22) per request, with a dependent HL (23) when the
patient is not the subscriber. The inquiry (TRN, DTP*291, EQ) sits at the patient's level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from claimdesk.domain.coverage import Coverage, Relationship
from claimdesk.domain.parties import Patient
from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Provider
from claimdesk.edi.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.hl_writer import begin_hierarchy, payer_and_provider_levels
from claimdesk.edi.writer import (
    Envelope,
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    write_interchange,
)

VERSION = "005010X279A1"
HEALTH_BENEFIT_PLAN_COVERAGE = "30"  # EQ01 service type code for "is the plan active"


@dataclass(frozen=True, slots=True)
class EligibilityRequest:
    """Ask ``payer`` about ``coverage`` of ``patient`` on ``service_date``.

    ``trace_number`` (TRN02) comes back in the 271 and ties the answer to this request;
    ``provider`` is the information receiver, whose tax id makes TRN03.
    """

    coverage: Coverage
    patient: Patient
    payer: Payer
    provider: Provider
    service_date: date
    trace_number: str
    service_types: tuple[str, ...] = (HEALTH_BENEFIT_PLAN_COVERAGE,)

    @property
    def record(self) -> str:
        return f"coverage {self.coverage.coverage_id}"


def write_270(
    requests: Sequence[EligibilityRequest],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange holding one 270 with every request, grouped by payer and provider."""
    if not requests:
        raise X12WriteError("batch", "requests", "there are no eligibility requests to write")
    w = SegmentWriter(delimiters)
    # BHT02 13: request.
    begin_hierarchy(w, envelope, "0022", "13")
    payer_and_provider_levels(
        w,
        requests,
        lambda request: request.payer,
        lambda request: request.provider,
        lambda request: request.record,
        _subscriber,
    )
    return write_interchange(
        envelope,
        functional_id="HS",
        transaction_set_id="270",
        version=VERSION,
        transactions=[TransactionSet(w.segments)],
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _subscriber(w: SegmentWriter, request: EligibilityRequest, hl: int, parent: str) -> int:
    """Loops 2000C/2100C (and 2000D/2100D for a dependent); returns the last HL id used."""
    record = request.record
    coverage = request.coverage
    patient = request.patient
    dependent = coverage.relationship is not Relationship.SELF
    hl += 1
    subscriber_hl = str(hl)
    w.add("HL", subscriber_hl, parent, "22", "1" if dependent else "0")
    if not dependent:
        _trace(w, request)
    subscriber = coverage.subscriber if dependent else None
    last, first, middle = (
        (subscriber.last_name, subscriber.first_name, "")
        if subscriber is not None
        else (patient.last_name, patient.first_name, patient.middle_name)
    )
    w.add(
        "NM1",
        "IL",
        "1",
        w.required_text(last, 60, record, "2100C NM103 subscriber last name"),
        w.text(first, 35),
        w.text(middle, 25),
        "",
        "",
        "MI",
        w.identifier(coverage.member_id, 80, record, "2100C NM109 member id", 2),
    )
    if dependent:
        hl += 1
        w.add("HL", str(hl), subscriber_hl, "23", "0")
        _trace(w, request)
        w.add(
            "NM1",
            "03",
            "1",
            w.required_text(patient.last_name, 60, record, "2100D NM103 patient last name"),
            w.text(patient.first_name, 35),
            w.text(patient.middle_name, 25),
        )
    w.add("DMG", "D8", date8(patient.birth_date), patient.sex.value)
    w.add("DTP", "291", "D8", date8(request.service_date))
    if not request.service_types:
        raise X12WriteError(record, "EQ01 service type", "at least one is required")
    for code in request.service_types:
        w.add("EQ", w.identifier(code, 2, record, "EQ01 service type"))
    return hl


def _trace(w: SegmentWriter, request: EligibilityRequest) -> None:
    record = request.record
    tax_id = request.provider.tax_id.strip().replace("-", "")
    if len(tax_id) != 9 or not tax_id.isdigit():
        raise X12WriteError(record, "TRN03 originator", "needs the provider's nine-digit EIN")
    # TRN03: "1" followed by the originator's EIN.
    w.add(
        "TRN",
        "1",
        w.identifier(request.trace_number, 50, record, "TRN02 trace number"),
        "1" + tax_id,
    )
