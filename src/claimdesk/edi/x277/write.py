"""Write the 277CA health care claim acknowledgment (005010X214).

The payer (or clearinghouse) answers a batch of 837 claims: information source (HL 20) with the
receipt and process dates, information receiver (HL 21, the submitter) with the batch's totals,
one billing provider level (HL 19) per provider with its totals, and one patient level (HL PT) per
claim. Each claim echoes its patient control number in TRN02 and says in STC whether it entered
adjudication (category A1/A2, action WQ) or was rejected (A3/A4/A6/A7/A8, action U), with the
payer's claim number (REF*1K) when accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.composites import EntityName, Procedure
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    date_range,
    decimal,
    money,
    time4,
    transaction_control_number,
    write_interchange,
)
from claimdesk.edi.x277.read import CLAIM_ACKNOWLEDGMENT, StatusCode

# STC01 for the batch and provider levels: the entity acknowledges receipt (A1:19).
RECEIPT = StatusCode("A1", "19", "PR")
PROVIDER_RECEIPT = StatusCode("A1", "19", "85")
# A claim accepted into the adjudication system (A2:20 accepted for processing).
ACCEPTED_FOR_PROCESSING = StatusCode("A2", "20")


@dataclass(frozen=True, slots=True)
class LineDecision:
    """Loop 2220D: the status of one service line (sent for lines the payer rejects)."""

    procedure: Procedure  # SVC01
    charge: Money  # SVC02
    status: StatusCode  # STC01
    units: Decimal | None = None  # SVC07
    control_number: str = ""  # REF*FJ: the 837's line item control number
    service_date: date | None = None  # DTP*472


@dataclass(frozen=True, slots=True)
class ClaimDecision:
    """Loop 2000D/2200D: one claim accepted or rejected.

    ``statuses`` are STC01, STC10 and STC11 (one to three); a claim with a rejecting category
    is written with action code U, any other with WQ.
    """

    patient_control_number: str  # TRN02: CLM01 of the 837
    patient: EntityName  # NM1*QC, identified by member id (MI)
    billing_provider: EntityName  # NM1*85, identified by NPI (XX)
    charge: Money  # STC04: CLM02 of the 837
    service_from: date  # DTP*472
    statuses: tuple[StatusCode, ...] = (ACCEPTED_FOR_PROCESSING,)
    service_to: date | None = None
    payer_claim_number: str = ""  # REF*1K
    clearinghouse_trace: str = ""  # REF*D9
    bill_type: str = ""  # REF*BLT (institutional)
    message: str = ""  # STC12
    lines: tuple[LineDecision, ...] = ()

    @property
    def rejected(self) -> bool:
        return any(s.rejected for s in self.statuses)

    @property
    def record(self) -> str:
        return f"claim {self.patient_control_number}"


@dataclass(frozen=True, slots=True)
class AcknowledgmentBatch:
    """One 277CA: the answer to one 837 batch from one submitter.

    ``batch_reference`` is the 837's BHT03, echoed in TRN02 of the receiver level.
    """

    source: EntityName  # NM1*PR (payer) or AY (clearinghouse), with its id
    receiver: EntityName  # NM1*41: the submitter, identified by its ETIN (46)
    batch_reference: str
    received: date  # DTP*050
    processed: date  # DTP*009 and STC02
    claims: tuple[ClaimDecision, ...]


def write_277ca(
    batches: Sequence[AcknowledgmentBatch],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange with one 277CA transaction set per batch."""
    if not batches:
        raise X12WriteError("batch", "batches", "there are no claim acknowledgments to write")
    transactions = [
        TransactionSet(_batch(b, envelope, index, delimiters)) for index, b in enumerate(batches)
    ]
    return write_interchange(
        envelope,
        functional_id="HN",
        transaction_set_id="277",
        version=CLAIM_ACKNOWLEDGMENT,
        transactions=transactions,
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _batch(
    batch: AcknowledgmentBatch, envelope: Envelope, index: int, delimiters: Delimiters
) -> list[str]:
    w = SegmentWriter(delimiters)
    record = f"batch {batch.batch_reference}"
    if not batch.claims:
        raise X12WriteError(record, "claims", "a 277CA acknowledges at least one claim")
    reference = (
        f"{envelope.interchange_control_number:09d}{transaction_control_number(envelope, index)}"
    )
    # BHT01 0085 information source, receiver, provider, patient; BHT02 08 status; BHT06 TH.
    w.add("BHT", "0085", "08", reference, date8(envelope.created), time4(envelope.created), "TH")
    processed = date8(batch.processed)
    w.add("HL", "1", "", "20", "1")
    _name(w, "PR" if batch.source.entity != "AY" else "AY", "2", batch.source, record, "2100A")
    w.add("TRN", "1", reference)
    w.add("DTP", "050", "D8", date8(batch.received))
    w.add("DTP", "009", "D8", processed)
    w.add("HL", "2", "1", "21", "1")
    if batch.receiver.id_qualifier != "46":
        raise X12WriteError(record, "2100B NM108", "the receiver is identified by its ETIN (46)")
    _name(w, "41", "", batch.receiver, record, "2100B")
    w.add(
        "TRN", "2", w.identifier(batch.batch_reference, 50, record, "2200B TRN02 batch reference")
    )
    w.add("STC", _status(w, RECEIPT), processed, "WQ", money(total(c.charge for c in batch.claims)))
    _totals(w, batch.claims, ("90", "AA"))
    by_provider: dict[EntityName, list[ClaimDecision]] = {}
    for claim in batch.claims:
        by_provider.setdefault(claim.billing_provider, []).append(claim)
    hl = 2
    for provider, claims in by_provider.items():
        hl += 1
        provider_hl = str(hl)
        w.add("HL", provider_hl, "2", "19", "1")
        if provider.id_qualifier != "XX":
            raise X12WriteError(claims[0].record, "2100C NM108", "the provider needs an NPI (XX)")
        _name(w, "85", "", provider, claims[0].record, "2100C")
        w.add("TRN", "1", provider.id)
        # 2200C STC02 is not used.
        w.add("STC", _status(w, PROVIDER_RECEIPT), "", "WQ", money(total(c.charge for c in claims)))
        _totals(w, claims, ("QA", "QC"))
        for claim in claims:
            hl += 1
            # HL04 is not used at the patient level.
            w.add("HL", str(hl), provider_hl, "PT")
            _claim(w, claim, processed)
    return w.segments


def _totals(w: SegmentWriter, claims: Sequence[ClaimDecision], qualifiers: tuple[str, str]) -> None:
    """QTY and AMT of accepted and rejected claims (only those that are not zero)."""
    accepted = [c for c in claims if not c.rejected]
    rejected = [c for c in claims if c.rejected]
    if accepted:
        w.add("QTY", qualifiers[0], str(len(accepted)))
    if rejected:
        w.add("QTY", qualifiers[1], str(len(rejected)))
    if accepted:
        w.add("AMT", "YU", money(total(c.charge for c in accepted)))
    if rejected:
        w.add("AMT", "YY", money(total(c.charge for c in rejected)))


def _name(
    w: SegmentWriter, entity: str, entity_type: str, name: EntityName, record: str, loop: str
) -> None:
    person = (entity_type or name.entity_type) == "1"
    w.add(
        "NM1",
        entity,
        "1" if person else "2",
        w.required_text(name.last_or_organization, 60, record, f"{loop} NM103 name"),
        w.text(name.first, 35) if person else "",
        w.text(name.middle, 25) if person else "",
        "",
        w.text(name.suffix, 10) if person else "",
        w.identifier(name.id_qualifier, 2, record, f"{loop} NM108", 2),
        w.identifier(name.id, 80, record, f"{loop} NM109 id", 2),
    )


def _status(w: SegmentWriter, code: StatusCode) -> str:
    record = f"status {code.category}:{code.status}"
    return w.composite(
        w.identifier(code.category, 2, record, "STC01-1 category", 2),
        w.identifier(code.status, 30, record, "STC01-2 status code"),
        w.identifier(code.entity, 3, record, "STC01-3 entity", 2) if code.entity else "",
        w.identifier(code.code_list, 3, record, "STC01-4 code list") if code.code_list else "",
    )


def _claim(w: SegmentWriter, claim: ClaimDecision, processed: str) -> None:
    record = claim.record
    patient = claim.patient
    if patient.id_qualifier not in ("MI", "II"):
        raise X12WriteError(record, "2100D NM108", "the patient needs a member id (MI)")
    _name(w, "QC", "1", patient, record, "2100D")
    w.add("TRN", "2", w.identifier(claim.patient_control_number, 50, record, "2200D TRN02"))
    if not 1 <= len(claim.statuses) <= 3:
        raise X12WriteError(record, "STC01", "a claim needs one to three status codes")
    codes = [_status(w, s) for s in claim.statuses] + ["", ""]
    w.add(
        "STC",
        codes[0],
        processed,
        "U" if claim.rejected else "WQ",
        money(claim.charge),
        "",
        "",
        "",
        "",
        "",
        codes[1],
        codes[2],
        w.text(claim.message, 264),
    )
    for qualifier, value, field in (
        ("1K", claim.payer_claim_number, "REF*1K payer claim number"),
        ("D9", claim.clearinghouse_trace, "REF*D9 clearinghouse trace"),
        ("BLT", claim.bill_type, "REF*BLT bill type"),
    ):
        if value:
            w.add("REF", qualifier, w.identifier(value, 50, record, field))
    w.add("DTP", "472", *_dates(claim.service_from, claim.service_to))
    for number, line in enumerate(claim.lines, start=1):
        _line(w, line, processed, f"{record} line {number}")


def _dates(first: date, last: date | None) -> tuple[str, str]:
    if last is None or last == first:
        return "D8", date8(first)
    return "RD8", date_range(first, last)


def _line(w: SegmentWriter, line: LineDecision, processed: str, record: str) -> None:
    procedure = line.procedure
    w.add(
        "SVC",
        w.composite(
            w.identifier(procedure.qualifier, 2, record, "SVC01-1 qualifier"),
            w.identifier(procedure.code, 48, record, "SVC01-2 procedure code"),
            *(w.identifier(m, 2, record, "SVC01 modifier", 2) for m in procedure.modifiers),
        ),
        money(line.charge),
        "",
        "",
        "",
        "",
        decimal(line.units) if line.units is not None else "",
    )
    # 2220D STC03 takes only U and STC04 is not used.
    w.add("STC", _status(w, line.status), processed, "U")
    if line.control_number:
        w.add("REF", "FJ", w.identifier(line.control_number, 50, record, "REF*FJ"))
    if line.service_date is not None:
        w.add("DTP", "472", "D8", date8(line.service_date))
