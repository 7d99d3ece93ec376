"""Claim status: 276 inquiries about claims with no answer, and the payers' 277 responses.

A chased claim is asked about in a 276 (005010X212) in the outbox, one file per payer; its trace
number (TRN02) goes in the claim's follow-up log, so the 277 that echoes it finds the claim
(then REF*EJ, our claim id, then the payer's claim number REF*1K). The 277 status is written in
the follow-up log. A payer that has the claim (accepted A1/A2, pending P1/P2/P4, finalized F*)
answers the no-response problem and closes its item; one that has no record of it (rejected
A3-A8, not found), wants more information (P3) or could not answer (E*) leaves it open, or
opens it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from claimdesk.domain.claims import Claim
from claimdesk.domain.payers import Payer
from claimdesk.domain.recovery import FollowUp
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.edi.x12.sniff import Transaction, sniff
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x276.write import ClaimStatusRequest, write_276
from claimdesk.edi.x277.read import ClaimStatusDetail, StatusCode, read_277
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.claim_inputs import stored_claim_inputs
from claimdesk.services.remit_work import insurance_balance, open_many, solve_settled
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.services.work_queue import UowFactory
from claimdesk.services.x12_envelopes import next_envelope, open_outbox, stage_sent_file
from claimdesk.store.uow import UnitOfWork

NO_RESPONSE = "no_response"
INQUIRY, ANSWER = "276", "277"
ANSWERED_FILE = "answered"
# STC01-1 categories that mean the payer has the claim in hand.
HAS_IT = frozenset({"A0", "A1", "A2", "A5", "P0", "P1", "P2", "P4"})
ASK_AGAIN_DAYS = 14  # a pending claim is asked about again after two weeks


def trace_number(claim_id: str, on: date) -> str:
    """TRN02 of a 276: the claim and the day it was asked about."""
    return f"{claim_id}-{on:%Y%m%d}"


def no_response_problem(uow: UnitOfWork, claim: Claim, payer: Payer | None, why: str) -> Problem:
    deadline = payer.timely_filing.last_day(claim.encounter.date_of_service) if payer else None
    return Problem(
        kind=WorkKind.NO_RESPONSE,
        category="no_response",
        problem_key=NO_RESPONSE,
        amount_at_stake=insurance_balance(uow, claim.claim_id),
        claim_id=claim.claim_id,
        patient_account=claim.encounter.patient_account,
        payer_id=claim.payer_id,
        deadline=deadline,
        deadline_kind="timely_filing" if deadline else "",
        summary=why,
    )


@dataclass(slots=True)
class Inquiries:
    """What a chase asked: the 276 files written, the claims in them, and the claims that
    could not be asked about, with the reason."""

    files: list[Path] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def send_inquiries(
    uow: UnitOfWork,
    claims: Sequence[Claim],
    outbox: Path,
    *,
    partners: TradingPartners,
    now: datetime,
) -> Inquiries:
    """Stage a 276 per payer asking about ``claims`` and log each inquiry with its trace; the
    caller publishes ``files`` (:func:`publish_staged`) once its transaction has committed."""
    done = Inquiries()
    open_outbox(uow, outbox)
    inputs, done.refused = stored_claim_inputs(uow, claims, partners)
    requests: dict[str, list[ClaimStatusRequest]] = {}
    probe = Envelope("PROBE", "PROBE", 1, 1, now)
    for claim_id, claim_input in sorted(inputs.items()):
        request = ClaimStatusRequest(claim_input, trace_number(claim_id, now.date()))
        try:
            write_276([request], probe)
        except X12WriteError as exc:
            done.refused[claim_id] = f"276 writer refused the claim: {exc}"
            continue
        requests.setdefault(claim_input.payer.payer_id, []).append(request)
    for payer_id, group in sorted(requests.items()):
        first: ClaimInput = group[0].claim
        envelope = next_envelope(
            uow,
            sender_id=first.submitter.identifier,
            receiver_id=first.receiver.identifier,
            created=now,
            production=partners.production,
        )
        name = f"276-{payer_id}-{envelope.interchange_control_number:09d}.x12"
        for request in group:
            uow.follow_ups.add(
                FollowUp(
                    claim_id=request.claim.claim.claim_id,
                    at=now,
                    by="system",
                    channel=INQUIRY,
                    reference=request.trace_number,
                    notes=f"claim status inquiry in {name}",
                    next_follow_up=(now + timedelta(days=7)).date(),
                )
            )
            done.asked.append(request.claim.claim.claim_id)
        done.files.append(
            stage_sent_file(
                uow,
                outbox,
                name,
                write_276(group, envelope),
                transaction="276",
                now=now,
                by="system",
            )
        )
    return done


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    claim_id: str
    trace: str
    status: str  # the STC01 composites, as the payer sent them
    items_opened: int
    items_closed: int

    def as_json(self) -> dict[str, object]:
        return {
            "claim_id": self.claim_id,
            "trace": self.trace,
            "status": self.status,
            "items_opened": self.items_opened,
            "items_closed": self.items_closed,
        }


@dataclass(slots=True)
class StatusReport:
    """What a 277 claim status file said, claim by claim."""

    file: str
    already_ingested: bool = False
    answers: list[StatusAnswer] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # TRN02 of claims we could not find

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "kind": "277",
            "already_ingested": self.already_ingested,
            "answers": [a.as_json() for a in self.answers],
            "unmatched": self.unmatched,
        }


def is_claim_status(text: str) -> bool:
    """True when ``text`` holds a 277 claim status response (BHT06 = DG, or 005010X212)."""
    return Transaction.CLAIM_STATUS in sniff(text)


def ingest_claim_status(
    uow_factory: UowFactory,
    text: str,
    *,
    name: str,
    now: datetime,
    policy: RoutingPolicy,
) -> StatusReport:
    """Apply a 277 claim status file in one transaction; the same file twice changes nothing."""
    report = StatusReport(name)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    chosen = policy
    with uow_factory() as uow:
        uow.work_items.begin_write()
        if uow.remittances.file_outcome(sha) is not None:
            report.already_ingested = True
            return report
        details = [
            detail
            for response in read_277(text).responses
            if not response.is_acknowledgment
            for detail in response.claims
        ]
        for detail in details:
            claim = _claim_of(uow, detail)
            if claim is None:
                report.unmatched.append(detail.patient_control_number)
                continue
            report.answers.append(_answer(uow, claim, detail, name, now, chosen))
        uow.remittances.record_file(
            {
                "sha256": sha,
                "name": name,
                "ingested_at": now,
                "ingested_by": "system",
                "outcome": ANSWERED_FILE,
                "detail": {"kind": ANSWER, "unmatched": report.unmatched},
            }
        )
        uow.commit()
    return report


def _claim_of(uow: UnitOfWork, detail: ClaimStatusDetail) -> Claim | None:
    """The claim a 277 answers: by our 276 trace (TRN02), our claim id (REF*EJ, or TRN02
    itself), else the payer's claim number (REF*1K)."""
    trace = detail.patient_control_number
    inquiry = uow.follow_ups.by_reference(INQUIRY, trace)
    candidates = [
        inquiry.claim_id if inquiry is not None else None,
        detail.reference("EJ"),
        trace,
    ]
    number = detail.payer_claim_number
    if number:
        candidates.append(uow.claims.by_payer_number([number]).get(number))
    for claim_id in candidates:
        if claim_id:
            claim = uow.claims.get(claim_id)
            if claim is not None:
                return claim
    return None


def _status_text(code: StatusCode) -> str:
    return ":".join(p for p in (code.category, code.status, code.entity) if p)


def _answer(
    uow: UnitOfWork,
    claim: Claim,
    detail: ClaimStatusDetail,
    name: str,
    now: datetime,
    policy: RoutingPolicy,
) -> StatusAnswer:
    codes = detail.codes
    status = " ".join(_status_text(c) for c in codes)
    notes = [f"277 in {name}: {status or 'no status'}"]
    for stc in detail.statuses:
        if stc.paid is not None:
            notes.append(f"paid {stc.paid}")
        if stc.check_number:
            notes.append(f"check/EFT {stc.check_number}")
        if stc.message:
            notes.append(stc.message)
    has_it = any(c.category in HAS_IT for c in codes) and not detail.rejected
    finalized = detail.finalized and not detail.rejected
    pending = has_it and not finalized
    uow.follow_ups.add(
        FollowUp(
            claim_id=claim.claim_id,
            at=now,
            by="system",
            channel=ANSWER,
            reference=detail.patient_control_number[:80],
            notes="; ".join(notes),
            next_follow_up=(now + timedelta(days=ASK_AGAIN_DAYS)).date() if pending else None,
        )
    )
    opened = closed = 0
    if has_it or finalized:
        closed = len(
            solve_settled(
                uow,
                claim.claim_id,
                now=now,
                reason=f"277: the payer has the claim ({status})",
                kinds=frozenset({WorkKind.NO_RESPONSE}),
            )
        )
    else:
        why = f"277: the payer reports {status or 'no status'} for the claim"
        problem = no_response_problem(uow, claim, uow.payers.get(claim.payer_id), why)
        opened = len(
            open_many(
                uow, [problem], now=now, policy=policy, history=uow.work_items.recovery_history()
            )
        )
    return StatusAnswer(claim.claim_id, detail.patient_control_number, status, opened, closed)
