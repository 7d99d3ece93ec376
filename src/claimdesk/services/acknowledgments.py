"""999 and 277CA acknowledgments of our 837 batches: rejections become Tier 1 work.

A 999 answers the syntax of a batch: a rejected transaction set (or a rejected group) rejects
every claim it carried; an accepted one changes no claim, which waits for its 277CA. A 277CA
answers per claim: A1/A2 moves it SUBMITTED -> ACCEPTED (with the payer's claim number), a
rejecting category moves it to REJECTED. The first answer about a claim decides its batch's
first-pass acceptance. Every file is read once (by its content).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.edi.x12.envelope import Envelopes
from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x12.sniff import Transaction, sniff
from claimdesk.edi.x277.read import (
    ClaimStatusDetail,
    ClaimStatusFile,
    claim_statuses_of,
    read_277,
)
from claimdesk.edi.x999.model import Acknowledgment, AcknowledgmentFile, TransactionSetAck
from claimdesk.edi.x999.read import acknowledgments_of, read_acknowledgments
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.eligibility import AnswerReport, ingest_eligibility
from claimdesk.services.work_queue import open_item, solve_problem
from claimdesk.services.x12_envelopes import sha256_of
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
BY = "acknowledgments"
KIND_999, KIND_277CA, KIND_271 = "999", "277CA", "271"
REJECTION_FIX = (
    "Correct what the rejection names at the location given, then release the claim to be "
    "scrubbed and sent again as an original claim (a rejected claim never reached adjudication)."
)


def problem_key(kind: str) -> str:
    return f"rejection:{kind}"


def tier1_kind(text: str) -> str | None:
    """999, 277CA or 271 when ``text`` holds that transaction set; None for anything else.

    Raises ``X12Error`` when ``text`` is not X12 at all.
    """
    return tier1_kind_of(sniff(text))


def tier1_kind_of(kinds: frozenset[Transaction]) -> str | None:
    """:func:`tier1_kind` of a file whose transactions were sniffed already."""
    if kinds & {Transaction.IMPLEMENTATION_ACKNOWLEDGMENT, Transaction.FUNCTIONAL_ACKNOWLEDGMENT}:
        return KIND_999  # a 997 answers a batch as a 999 does
    if Transaction.ELIGIBILITY_ANSWER in kinds:
        return KIND_271
    if Transaction.CLAIM_ACKNOWLEDGMENT in kinds:
        return KIND_277CA
    return None


@dataclass(frozen=True, slots=True)
class Rejection:
    claim_id: str
    reason: str
    location: str

    def as_json(self) -> dict[str, str]:
        return {"claim_id": self.claim_id, "reason": self.reason, "location": self.location}


@dataclass(slots=True)
class AckReport:
    name: str
    kind: str
    sha256: str
    already_read: bool = False
    accepted: list[str] = field(default_factory=list)  # claims moved to ACCEPTED
    syntax_accepted: list[str] = field(default_factory=list)  # 999: waiting for the 277CA
    rejected: list[Rejection] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # groups or claims we never sent
    work_items_opened: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.name,
            "kind": self.kind,
            "sha256": self.sha256,
            "already_read": self.already_read,
            "accepted": self.accepted,
            "syntax_accepted": self.syntax_accepted,
            "rejected": [r.as_json() for r in self.rejected],
            "unmatched": self.unmatched,
            "work_items_opened": self.work_items_opened,
        }


def ingest_acknowledgment(
    uow_factory: UowFactory,
    text: str,
    *,
    source: str,
    now: datetime,
    policy: RoutingPolicy,
    kind: str | None = None,
    envelopes: Envelopes | None = None,
) -> AckReport:
    """Apply a 999 (or 997) or 277CA file; raises ``ValueError`` for any other content.
    ``kind`` is the file's :func:`tier1_kind` and ``envelopes`` its envelopes when the caller
    has read them already (a large file is then read once)."""
    kind = kind or tier1_kind(text)
    if kind not in (KIND_999, KIND_277CA):
        raise ValueError(f"{source}: holds no 999 or 277CA acknowledgment")
    digest = sha256_of(text)
    report = AckReport(source, kind, digest)
    rejected: list[tuple[Claim, Rejection]] = []
    with uow_factory() as uow:
        uow.work_items.begin_write()
        if uow.files_read.contains(digest, kind):
            report.already_read = True
            return report
        if kind == KIND_999:
            parsed = (
                acknowledgments_of(envelopes)
                if envelopes is not None
                else read_acknowledgments(text)
            )
            _apply_999(uow, parsed, report, rejected, now)
        else:
            statuses = claim_statuses_of(envelopes) if envelopes is not None else read_277(text)
            _apply_277ca(uow, statuses, report, rejected, now)
        uow.files_read.add(
            sha256=digest,
            kind=kind,
            name=source,
            at=now,
            detail={"accepted": len(report.accepted), "rejected": len(report.rejected)},
        )
        uow.commit()
    for claim, rejection in rejected:
        opened = open_item(
            uow_factory, _problem(claim, kind, rejection), now=now, by=BY, policy=policy
        )
        report.work_items_opened += int(opened.created)
    return report


def ingest_tier1_file(
    uow_factory: UowFactory,
    text: str,
    *,
    source: str,
    now: datetime,
    policy: RoutingPolicy,
    kinds: frozenset[Transaction] | None = None,
    envelopes: Envelopes | None = None,
) -> AckReport | AnswerReport | None:
    """Dispatch a 999, 997, 277CA or 271 file; None when it is none of them. ``kinds``: what
    :func:`sniff` found in ``text``, when the caller has read it already."""
    kind = tier1_kind_of(kinds) if kinds is not None else tier1_kind(text)
    if kind == KIND_271:
        return ingest_eligibility(uow_factory, text, source=source, now=now, policy=policy)
    if kind in (KIND_999, KIND_277CA):
        return ingest_acknowledgment(
            uow_factory, text, source=source, now=now, policy=policy, kind=kind, envelopes=envelopes
        )
    return None


def _problem(claim: Claim, kind: str, rejection: Rejection) -> Problem:
    return Problem(
        kind=WorkKind.CLEARINGHOUSE_REJECTION,
        category="syntax" if kind == KIND_999 else "other",
        problem_key=problem_key(kind),
        amount_at_stake=claim.total_charge,
        claim_id=claim.claim_id,
        patient_account=claim.encounter.patient_account,
        payer_id=claim.payer_id,
        summary=(
            f"{kind} rejected: {rejection.reason}; at {rejection.location}. Fix: {REJECTION_FIX}"
        ),
    )


def _decide(
    uow: UnitOfWork,
    claim: Claim,
    accepted: bool,
    reason: str,
    now: datetime,
    *,
    payer_claim_number: str = "",
) -> bool:
    """Move the claim and record the batch's first answer; False when the claim cannot move."""
    target = ClaimStatus.ACCEPTED if accepted else ClaimStatus.REJECTED
    if claim.status is target or not claim.can_move_to(target):
        return False
    claim.move_to(target, by=BY, at=now, reason=reason)
    if payer_claim_number:
        claim.payer_claim_number = payer_claim_number
    uow.claims.save(claim)
    entry = uow.batches.latest_claim(claim.claim_id)
    if entry is not None and entry.outcome == "submitted":
        uow.batches.record_outcome(
            entry.batch_id,
            claim.claim_id,
            "accepted" if accepted else "rejected",
            at=now,
            reason=reason,
        )
    return True


def _apply_999(
    uow: UnitOfWork,
    parsed: AcknowledgmentFile,
    report: AckReport,
    rejected: list[tuple[Claim, Rejection]],
    now: datetime,
) -> None:
    # Once per file: per acknowledgment, it made a file of many interchanges quadratic.
    receivers = {ic.index: ic.header.receiver_id for ic in parsed.envelopes.interchanges}
    for ack in parsed.acknowledgments:
        if ack.functional_id != "HC":
            continue
        batch = None
        if ack.group_control_number.isdigit() and ack.interchange_index in receivers:
            # The 999 comes back to us: its ISA08 is the sender id of the batch it answers.
            batch = uow.batches.by_group(
                receivers[ack.interchange_index], int(ack.group_control_number)
            )
        if batch is None:
            report.unmatched.append(f"group {ack.group_control_number}")
            continue
        by_set: dict[str, list[str]] = {}
        for entry in uow.batches.claims_of(batch.batch_id):
            by_set.setdefault(entry.transaction_control_number, []).append(entry.claim_id)
        verdicts = _verdicts(ack, by_set)
        for control_number, claim_ids in sorted(by_set.items()):
            verdict = verdicts.get(control_number)
            for claim_id in claim_ids:
                claim = uow.claims.get(claim_id)
                if claim is None:
                    report.unmatched.append(claim_id)
                    continue
                if verdict is None:
                    report.syntax_accepted.append(claim_id)
                    continue
                reason, location = verdict
                if _decide(uow, claim, False, f"999: {reason}", now):
                    rejection = Rejection(claim_id, reason, location)
                    report.rejected.append(rejection)
                    rejected.append((claim, rejection))


def _verdicts(ack: Acknowledgment, by_set: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """Reason and location per rejected transaction set (ST02) of the batch."""
    group = f"functional group {ack.group_control_number}"
    if not ack.transaction_sets and not ack.accepted:
        codes = ", ".join(e.value for e in ack.errors) or "no code"
        return dict.fromkeys(by_set, (f"the whole group was rejected (AK9 {codes})", group))
    found: dict[str, tuple[str, str]] = {}
    for ts in ack.transaction_sets:
        if ts.rejected:
            found[ts.control_number] = _set_reason(ts, group)
    return found


def _set_reason(ts: TransactionSetAck, group: str) -> tuple[str, str]:
    parts = [f"IK5 {', '.join(e.name.lower().replace('_', ' ') for e in ts.errors) or 'rejected'}"]
    locations = []
    for error in ts.segment_errors:
        code = error.code.name.lower().replace("_", " ") if error.code else "error"
        parts.append(f"segment {error.segment_id}: {code}")
        where = f"segment {error.segment_id} #{error.position} in loop {error.loop_id or '?'}"
        for element in error.element_errors:
            element_code = element.code.name.lower().replace("_", " ") if element.code else "error"
            parts.append(
                f"element {error.segment_id}{element.position or ''}: {element_code}"
                + (f" (value {element.bad_value!r})" if element.bad_value else "")
            )
        locations.append(where)
    location = f"{group}, transaction set {ts.control_number}"
    if locations:
        location += ": " + "; ".join(locations)
    return "; ".join(parts), location


def _apply_277ca(
    uow: UnitOfWork,
    statuses: ClaimStatusFile,
    report: AckReport,
    rejected: list[tuple[Claim, Rejection]],
    now: datetime,
) -> None:
    for response in statuses.responses:
        if not response.is_acknowledgment:
            continue
        for detail in response.claims:
            claim = uow.claims.get(detail.patient_control_number)
            if claim is None:
                report.unmatched.append(detail.patient_control_number)
                continue
            if detail.rejected:
                reason, location = _claim_reason(detail)
                if _decide(uow, claim, False, f"277CA: {reason}", now):
                    rejection = Rejection(claim.claim_id, reason, location)
                    report.rejected.append(rejection)
                    rejected.append((claim, rejection))
            elif detail.accepted and _decide(
                uow,
                claim,
                True,
                "277CA: accepted for adjudication",
                now,
                payer_claim_number=detail.payer_claim_number or "",
            ):
                report.accepted.append(claim.claim_id)


def _claim_reason(detail: ClaimStatusDetail) -> tuple[str, str]:
    codes = [":".join(p for p in (c.category, c.status, c.entity) if p) for c in detail.codes]
    messages = [s.message for s in detail.statuses if s.message]
    reason = "STC " + ", ".join(codes)
    if messages:
        reason += f" ({'; '.join(messages)})"
    location = f"claim {detail.patient_control_number} (TRN02)"
    lines = [
        f"line {line.control_number or line.position} "
        + ", ".join(":".join((c.category, c.status)) for s in line.statuses for c in s.codes)
        for line in detail.lines
        if line.rejected
    ]
    if lines:
        location += "; " + "; ".join(lines)
    return reason, location


def release_rejected(uow_factory: UowFactory, claim_id: str, *, now: datetime, by: str) -> Claim:
    """A person fixed a rejected claim: it goes back to READY for the next ``submit``, and the
    rejection items close (the next scrub holds it again if something is still wrong)."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        claim = uow.claims.get(claim_id)
        if claim is None:
            raise LookupError(f"claim {claim_id}: no such claim")
        claim.move_to(ClaimStatus.READY, by=by, at=now, reason="rejection corrected")
        uow.claims.save(claim)
        uow.commit()
    for kind in (KIND_999, KIND_277CA):
        solve_problem(
            uow_factory,
            claim_id=claim_id,
            problem_key=problem_key(kind),
            now=now,
            reason=f"released by {by} after correction",
            by=by,
        )
    return claim


def ingest_tier1_path(
    uow_factory: UowFactory, path: Path, *, now: datetime, policy: RoutingPolicy
) -> AckReport | AnswerReport | None:
    """``ingest_tier1_file`` for a file; None when it is not a 999, 277CA or 271 (or not X12,
    which the caller's own reader then reports)."""
    try:
        text = path.read_text(encoding="utf-8")
        kind = tier1_kind(text)
    except (X12Error, UnicodeDecodeError):
        return None
    if kind is None:
        return None
    return ingest_tier1_file(uow_factory, text, source=path.name, now=now, policy=policy)
