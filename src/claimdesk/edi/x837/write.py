"""Write the 837: professional (005010X222A1) and institutional (005010X223A2) claims.

A batch becomes one interchange with one functional group. Claims with the same submitter and
receiver share one transaction set (loops 1000A/1000B are per transaction set); inside it, claims
are grouped under one billing provider HL (2000A) per billing provider and pay-to address, then
under one subscriber HL (2000B, plus a patient HL 2000C when the patient is a dependent) per
coverage and patient, at most 100 claims (loop 2300's repeat) per subscriber or patient HL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from claimdesk.domain.providers import Provider
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    time4,
    transaction_control_number,
    write_interchange,
)
from claimdesk.edi.x837 import write_institutional, write_professional
from claimdesk.edi.x837.claim_input import ClaimInput, PayTo, Receiver, Submitter
from claimdesk.edi.x837.segments import billing_provider_loop, patient_loop, subscriber_loop

MAX_CLAIMS_PER_HL = 100  # loop 2300 repeats at most 100 times under one 2000B or 2000C

ClaimLoopWriter = Callable[[SegmentWriter, ClaimInput], None]


def write_837p(
    claims: Sequence[ClaimInput],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange of professional claims; raises X12WriteError naming claim and field."""
    return _write(
        claims,
        envelope,
        version=write_professional.VERSION,
        claim_loop=write_professional.claim_loop,
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def write_837i(
    claims: Sequence[ClaimInput],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange of institutional claims; every claim needs ``institutional`` details."""
    return _write(
        claims,
        envelope,
        version=write_institutional.VERSION,
        claim_loop=write_institutional.claim_loop,
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _write(
    claims: Sequence[ClaimInput],
    envelope: Envelope,
    *,
    version: str,
    claim_loop: ClaimLoopWriter,
    delimiters: Delimiters,
    line_breaks: bool,
) -> str:
    if not claims:
        raise X12WriteError("batch", "claims", "there are no claims to write")
    exchanges: dict[tuple[Submitter, Receiver], list[ClaimInput]] = {}
    for claim in claims:
        exchanges.setdefault((claim.submitter, claim.receiver), []).append(claim)
    transactions: list[TransactionSet] = []
    for index, ((submitter, receiver), group) in enumerate(exchanges.items()):
        writer = SegmentWriter(delimiters)
        reference = (
            f"{envelope.interchange_control_number:09d}"
            f"{transaction_control_number(envelope, index)}"
        )
        _header(writer, submitter, receiver, envelope, reference)
        _detail(writer, group, claim_loop)
        transactions.append(TransactionSet(writer.segments))
    return write_interchange(
        envelope,
        functional_id="HC",
        transaction_set_id="837",
        version=version,
        transactions=transactions,
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _header(
    w: SegmentWriter, submitter: Submitter, receiver: Receiver, envelope: Envelope, ref: str
) -> None:
    record = f"submitter {submitter.identifier}"
    # BHT02 00 original, BHT06 CH chargeable claims.
    w.add("BHT", "0019", "00", ref, date8(envelope.created), time4(envelope.created), "CH")
    w.add(
        "NM1",
        "41",
        "2",
        w.required_text(submitter.name, 60, record, "1000A NM103 submitter name"),
        "",
        "",
        "",
        "",
        "46",
        w.identifier(submitter.identifier, 80, record, "1000A NM109 submitter id", 2),
    )
    contact = [
        "PER",
        "IC",
        w.required_text(submitter.contact_name, 60, record, "1000A PER02 contact name"),
    ]
    phone = "".join(c for c in submitter.phone if c.isdigit())
    if phone:
        contact += ["TE", phone]
    if submitter.email:
        contact += ["EM", w.identifier(submitter.email, 256, record, "1000A PER email")]
    if len(contact) == 3:
        raise X12WriteError(record, "1000A PER contact", "needs a phone number or an email")
    w.add(*contact)
    w.add(
        "NM1",
        "40",
        "2",
        w.required_text(receiver.name, 60, f"receiver {receiver.identifier}", "1000B NM103"),
        "",
        "",
        "",
        "",
        "46",
        w.identifier(receiver.identifier, 80, "receiver", "1000B NM109 receiver id", 2),
    )


def _detail(w: SegmentWriter, claims: list[ClaimInput], claim_loop: ClaimLoopWriter) -> None:
    billing_groups: dict[tuple[Provider, PayTo | None], list[ClaimInput]] = {}
    for claim in claims:
        billing_groups.setdefault((claim.billing_provider, claim.pay_to), []).append(claim)
    hl = 0
    for (provider, pay_to), billing_claims in billing_groups.items():
        hl += 1
        billing_hl = str(hl)
        w.add("HL", billing_hl, "", "20", "1")
        billing_provider_loop(w, provider, pay_to, billing_claims[0].record)
        subscriber_groups: dict[object, list[ClaimInput]] = {}
        for claim in billing_claims:
            key = (claim.coverage, claim.payer, claim.patient, claim.medicare_secondary_type)
            subscriber_groups.setdefault(key, []).append(claim)
        for group in subscriber_groups.values():
            for start in range(0, len(group), MAX_CLAIMS_PER_HL):
                chunk = group[start : start + MAX_CLAIMS_PER_HL]
                first = chunk[0]
                dependent = not first.patient_is_subscriber
                hl += 1
                subscriber_hl = str(hl)
                w.add("HL", subscriber_hl, billing_hl, "22", "1" if dependent else "0")
                subscriber_loop(w, first)
                if dependent:
                    hl += 1
                    w.add("HL", str(hl), subscriber_hl, "23", "0")
                    patient_loop(w, first)
                for claim in chunk:
                    claim_loop(w, claim)
