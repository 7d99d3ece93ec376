"""270 eligibility, coverage or benefit inquiry (005010X279A1).

One transaction set per file: information source (payer, HL 20), information receiver (our
provider, HL 21), then one subscriber HL (22) per request, with a dependent HL (23) when the
patient is not the subscriber. The inquiry (TRN, DTP*291, EQ) sits at the patient's level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from claimdesk.domain.coverage import Coverage, Relationship
from claimdesk.domain.parties import Patient
from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Provider
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.hierarchy_write import (
    ELIGIBILITY_NAMES,
    begin_hierarchy,
    payer_and_provider_levels,
    subscriber_levels,
)
from claimdesk.edi.x12.writer import (
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
    trace = partial(_trace, w, request)
    hl = subscriber_levels(
        w, coverage, patient, dependent, hl, parent, record, ELIGIBILITY_NAMES, trace
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
