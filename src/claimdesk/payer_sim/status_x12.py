"""The payer simulator's 276 answer as a 277 claim status response (005010X212).

``PayerSimulator.claim_status`` answers each 276 inquiry with a record; this writes those records
as the X12 277 a payer returns: one transaction set per payer, receiver and provider asked, each
claim with where it stands (not found, in process, paid or denied) and, once an 835 carried it,
what was paid, when and under which trace number.
"""

from __future__ import annotations

from datetime import date

from claimdesk.domain.money import Money
from claimdesk.edi.x12.composites import EntityName
from claimdesk.edi.x276.read import ClaimStatusInquiry, read_276, status_question
from claimdesk.edi.x277.read import StatusCode
from claimdesk.edi.x277.write_status import (
    CHECK_NUMBER_MAX,
    DENIED,
    IN_PROCESS,
    NOT_FOUND,
    PAID,
    ClaimStatusReport,
    StatusResponse,
    write_277_status,
)
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.status import ClaimStatusAnswer, StatusKind, claim_status


def _status(answer: ClaimStatusAnswer) -> StatusCode:
    if answer.kind is StatusKind.NOT_FOUND:
        return NOT_FOUND
    if answer.kind is StatusKind.PENDING:
        return IN_PROCESS
    return PAID if answer.paid is not None and answer.paid.is_positive() else DENIED


def _check_number(answer: ClaimStatusAnswer) -> str:
    """The 835's trace, when it fits STC09 (at most 16 characters; TRN02 allows 50)."""
    trace = answer.payment_trace
    return trace if len(trace) <= CHECK_NUMBER_MAX else ""


def _subscriber(inquiry: ClaimStatusInquiry, member_id: str) -> EntityName:
    person = inquiry.subscriber
    name = person.name if person is not None else None
    return EntityName(
        "IL",
        "1",
        name.last_or_organization if name is not None else "UNKNOWN",
        name.first if name is not None else "",
        id_qualifier="MI",
        id=member_id,
    )


def _report(
    inquiry: ClaimStatusInquiry, answer: ClaimStatusAnswer, today: date
) -> ClaimStatusReport:
    question = status_question(inquiry)
    finalized = answer.kind is StatusKind.FINALIZED
    paid = answer.paid if finalized else None
    dates = inquiry.service_dates
    return ClaimStatusReport(
        trace_number=question.trace_number,
        subscriber=_subscriber(inquiry, question.member_id),
        status=_status(answer),
        status_date=answer.paid_on or today,
        charge=answer.charge or question.charge or Money.zero(),
        patient_control_number=answer.patient_control_number,
        payer_claim_number=answer.payer_claim_number,
        paid=paid,
        adjudicated=answer.paid_on if finalized else None,
        # CHK/ACH only when money moved; NON: no payment (a denial).
        payment_method=("ACH" if paid.is_positive() else "NON") if paid is not None else "",
        check_date=answer.paid_on if paid is not None and paid.is_positive() else None,
        check_number=_check_number(answer) if paid is not None and paid.is_positive() else "",
        service_from=dates.start if dates is not None else None,
        service_to=dates.end if dates is not None else None,
    )


def answer_276(simulator: PayerSimulator, text: str, today: date) -> str | None:
    """The 277 answering every inquiry of the 276 ``text``; None when it asks about nothing."""
    read = read_276(text)
    world = simulator.world
    groups: dict[tuple[str, str, str], list[ClaimStatusReport]] = {}
    names: dict[tuple[str, str, str], tuple[EntityName, EntityName, EntityName]] = {}
    for inquiry in read.inquiries:
        question = status_question(inquiry)
        answer = claim_status(question, simulator.state)
        key = (question.payer_id, question.submitter_id, question.provider_npi)
        groups.setdefault(key, []).append(_report(inquiry, answer, today))
        if key not in names:
            payer = world.payers.get(question.payer_id)
            provider = world.providers.get(question.provider_npi)
            receiver = inquiry.receiver
            names[key] = (
                EntityName(
                    "PR",
                    "2",
                    payer.name if payer is not None else question.payer_id,
                    id_qualifier="PI",
                    id=question.payer_id,
                ),
                EntityName(
                    "41",
                    "2",
                    receiver.last_or_organization
                    if receiver is not None
                    else question.submitter_id,
                    id_qualifier="46",
                    id=question.submitter_id,
                ),
                EntityName(
                    "1P",
                    "2",
                    provider.name if provider is not None else question.provider_npi,
                    id_qualifier="XX",
                    id=question.provider_npi,
                ),
            )
    if not groups:
        return None
    responses = [
        StatusResponse(*names[key], tuple(claims)) for key, claims in sorted(groups.items())
    ]
    sender = read.envelopes.interchanges[0].header.sender_id
    envelope = simulator.envelope(world.policy.clearinghouse_id, sender, today)
    return write_277_status(responses, envelope)
