"""Write the 277 health care claim status response (005010X212), the answer to a 276.

One transaction set per information source (the payer): information source (HL 20), receiver
(HL 21, who asked), service provider (HL 19) and one subscriber level (HL 22) per claim asked
about. Each claim echoes the inquiry's trace (TRN02 of the 276's 2200D) and says in STC where the
claim is: not found (A4), pending (P1), or finalized (F1 paid, F2 denied) with the amount paid,
the date, the payment method and the check or EFT number of the 835 that carried it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from claimdesk.domain.money import Money
from claimdesk.edi.x12.composites import EntityName
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    money,
    time4,
    transaction_control_number,
    write_interchange,
)
from claimdesk.edi.x277.read import CLAIM_STATUS, StatusCode
from claimdesk.edi.x277.write import _dates, _name, _status

NOT_FOUND = StatusCode("A4", "35")  # 35: claim/encounter not found
IN_PROCESS = StatusCode("P1", "20")  # in the adjudication system, accepted for processing
PAID = StatusCode("F1", "1")  # 1: for more detailed information, see the remittance advice
DENIED = StatusCode("F2", "1")
CHECK_NUMBER_MAX = 16  # STC09, data element 429
PAYMENT_METHODS = frozenset({"ACH", "BOP", "CHK", "FWT", "NON"})


@dataclass(frozen=True, slots=True)
class ClaimStatusReport:
    """Loop 2000D/2200D: the status of one claim the 276 asked about."""

    trace_number: str  # TRN02: the 276's trace, echoed
    subscriber: EntityName  # NM1*IL, identified by member id (MI)
    status: StatusCode  # STC01
    status_date: date  # STC02: when the status became effective
    charge: Money  # STC04
    patient_control_number: str = ""  # REF*EJ: CLM01 of the 837
    payer_claim_number: str = ""  # REF*1K
    paid: Money | None = None  # STC05 (finalized claims)
    adjudicated: date | None = None  # STC06
    payment_method: str = ""  # STC07: ACH, CHK, ...
    check_date: date | None = None  # STC08
    check_number: str = ""  # STC09: the 835's TRN02
    service_from: date | None = None  # DTP*472
    service_to: date | None = None

    @property
    def record(self) -> str:
        return f"status {self.trace_number}"


@dataclass(frozen=True, slots=True)
class StatusResponse:
    """One 277: a payer's answers to one provider's inquiries."""

    source: EntityName  # NM1*PR, identified by payer id (PI)
    receiver: EntityName  # NM1*41: who asked
    provider: EntityName  # NM1*1P, identified by NPI (XX)
    claims: tuple[ClaimStatusReport, ...]


def write_277_status(
    responses: Sequence[StatusResponse],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange with one 277 claim status transaction set per response."""
    if not responses:
        raise X12WriteError("277", "responses", "there is no claim status to write")
    transactions = [
        TransactionSet(_response(r, envelope, index, delimiters))
        for index, r in enumerate(responses)
    ]
    return write_interchange(
        envelope,
        functional_id="HN",
        transaction_set_id="277",
        version=CLAIM_STATUS,
        transactions=transactions,
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _response(
    response: StatusResponse, envelope: Envelope, index: int, delimiters: Delimiters
) -> list[str]:
    w = SegmentWriter(delimiters)
    record = f"277 for {response.provider.id}"
    if not response.claims:
        raise X12WriteError(record, "claims", "a 277 answers at least one claim")
    reference = (
        f"{envelope.interchange_control_number:09d}{transaction_control_number(envelope, index)}"
    )
    # BHT01 0010 source, receiver, provider, subscriber; BHT02 08 status; BHT06 DG response.
    w.add("BHT", "0010", "08", reference, date8(envelope.created), time4(envelope.created), "DG")
    w.add("HL", "1", "", "20", "1")
    if response.source.id_qualifier != "PI":
        raise X12WriteError(record, "2100A NM108", "the payer is identified by its id (PI)")
    _name(w, "PR", "2", response.source, record, "2100A")
    w.add("HL", "2", "1", "21", "1")
    _name(w, "41", "", response.receiver, record, "2100B")
    w.add("HL", "3", "2", "19", "1")
    if response.provider.id_qualifier != "XX":
        raise X12WriteError(record, "2100C NM108", "the provider needs an NPI (XX)")
    _name(w, "1P", "", response.provider, record, "2100C")
    for number, claim in enumerate(response.claims, start=4):
        # HL04 0: the subscriber is the patient; no dependent level below.
        w.add("HL", str(number), "3", "22", "0")
        _claim(w, claim)
    return w.segments


def _claim(w: SegmentWriter, claim: ClaimStatusReport) -> None:
    record = claim.record
    if claim.subscriber.id_qualifier != "MI":
        raise X12WriteError(record, "2100D NM108", "the subscriber needs a member id (MI)")
    _name(w, "IL", "1", claim.subscriber, record, "2100D")
    w.add("TRN", "2", w.identifier(claim.trace_number, 50, record, "2200D TRN02"))
    finalized = claim.status.category.startswith("F")
    if finalized and claim.paid is None:
        raise X12WriteError(record, "STC05", "a finalized claim states the amount paid")
    if claim.payment_method and claim.payment_method not in PAYMENT_METHODS:
        raise X12WriteError(record, "STC07", f"{claim.payment_method!r} is no payment method")
    w.add(
        "STC",
        _status(w, claim.status),
        date8(claim.status_date),
        "",
        money(claim.charge),
        money(claim.paid) if claim.paid is not None else "",
        date8(claim.adjudicated) if claim.adjudicated else "",
        claim.payment_method,
        date8(claim.check_date) if claim.check_date else "",
        w.identifier(claim.check_number, CHECK_NUMBER_MAX, record, "STC09 check number")
        if claim.check_number
        else "",
    )
    for qualifier, value, field in (
        ("1K", claim.payer_claim_number, "REF*1K payer claim number"),
        ("EJ", claim.patient_control_number, "REF*EJ patient account number"),
    ):
        if value:
            w.add("REF", qualifier, w.identifier(value, 50, record, field))
    if claim.service_from is not None:
        w.add("DTP", "472", *_dates(claim.service_from, claim.service_to))
