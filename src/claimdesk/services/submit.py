"""``submit``: scrub every unbilled claim; clean ones go out in one 837P batch per payer.

Draft, held and ready claims are scrubbed as of ``now``. A claim with an error is held and its
findings (errors first, then warnings, each with its fix) become one Tier 1 scrub-hold item; a
held claim that now passes is released (its item closed) and sent. Clean claims of a payer are
written to one 837P interchange in the outbox, recorded as a batch with its clean claim rate,
and move READY -> SUBMITTED. A self-pay claim is scrubbed too, but is billed to the patient, so
it stays READY and goes in no 837. A claim the 837 writer refuses (a billing provider on file
without a ZIP+4, say) is a configuration error: it is left as it was, opens no work item, and is
listed in ``not_written`` for the face to report. A payer that takes paper only
(``paper.PAYERID.only``) gets no 837: its clean claims are printed as CMS-1500s, one PDF per payer
in ``outbox/paper/`` (:mod:`claimdesk.services.paper_claims`), staged and published as 837s are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.money import total
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.edi.x12.writer import Envelope, X12WriteError, transaction_control_number
from claimdesk.edi.x837.claim_input import ClaimInput, PrimaryAdjudication, Receiver, Submitter
from claimdesk.edi.x837.write import write_837p
from claimdesk.forms.cms1500 import FormPage
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber, ScrubResult
from claimdesk.scrub.findings import Finding
from claimdesk.scrub.reference import ReferenceData
from claimdesk.services.claim_inputs import ClaimParties, build_claim_input, primary_adjudications
from claimdesk.services.crash_points import crash_point
from claimdesk.services.paper_claims import (
    PaperBatch,
    PaperClaimError,
    form_pages,
    paper_outbox,
    print_paper_batch,
)
from claimdesk.services.practice import practice_date
from claimdesk.services.scrub_store import store_contexts
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.services.work_queue import open_item, solve_problem
from claimdesk.services.x12_envelopes import (
    next_envelope,
    open_outbox,
    publish_staged,
    stage_sent_file,
)
from claimdesk.store.repositories.batches import BatchClaim, BatchRecord
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

SCRUBBED = (ClaimStatus.DRAFT, ClaimStatus.HELD, ClaimStatus.READY)
HOLD_KEY = "scrub-hold"
CATEGORY = "scrub"


def finding_text(finding: Finding) -> str:
    return (
        f"{finding.rule} {finding.name} ({finding.severity.value}) at {finding.location}: "
        f"{finding.message}. Fix: {finding.fix}"
    )


@dataclass(frozen=True, slots=True)
class HeldClaim:
    claim_id: str
    rules: tuple[str, ...]  # the codes of the blocking findings
    findings: tuple[str, ...]  # every finding, as text with its fix

    def as_json(self) -> dict[str, object]:
        return {
            "claim_id": self.claim_id,
            "rules": list(self.rules),
            "findings": list(self.findings),
        }


@dataclass(frozen=True, slots=True)
class NotWritten:
    """A claim the 837 writer refused: a configuration error, reported, never held."""

    claim_id: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"claim_id": self.claim_id, "reason": self.reason}


@dataclass(slots=True)
class PayerCounts:
    scrubbed: int = 0
    clean: int = 0
    held: int = 0


@dataclass(slots=True)
class SubmitReport:
    scrubbed: int = 0
    clean: int = 0
    held: list[HeldClaim] = field(default_factory=list)
    released: list[str] = field(default_factory=list)  # held before, clean now
    self_pay_ready: list[str] = field(default_factory=list)
    not_written: list[NotWritten] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # 837s a crashed run committed, now sent
    batches: list[BatchRecord] = field(default_factory=list)
    printed: list[PaperBatch] = field(default_factory=list)  # CMS-1500s for paper-only payers
    work_items_opened: int = 0
    work_items_closed: int = 0

    @property
    def submitted(self) -> int:
        return sum(b.submitted for b in self.batches)

    def as_json(self) -> dict[str, object]:
        return {
            "scrubbed": self.scrubbed,
            "clean": self.clean,
            "held": [h.as_json() for h in self.held],
            "released": self.released,
            "self_pay_ready": self.self_pay_ready,
            "not_written": [n.as_json() for n in self.not_written],
            "recovered": self.recovered,
            "submitted": self.submitted,
            "batches": [b.as_json() for b in self.batches],
            "printed": [p.as_json() for p in self.printed],
            "work_items_opened": self.work_items_opened,
            "work_items_closed": self.work_items_closed,
        }


@dataclass(frozen=True, slots=True)
class _Outgoing:
    claim: Claim
    claim_input: ClaimInput
    pages: tuple[FormPage, ...] = ()  # its CMS-1500, for a payer that takes paper only


def submit(
    uow_factory: UowFactory,
    outbox: Path,
    *,
    reference: ReferenceData,
    config: ScrubConfig,
    partners: TradingPartners,
    now: datetime,
    by: str,
    scrubber: Scrubber | None = None,
    policy: RoutingPolicy,
) -> SubmitReport:
    engine = scrubber or Scrubber.default()
    report = SubmitReport()
    was_held: set[str] = set()
    with uow_factory() as uow:
        uow.work_items.begin_write()
        # A run that died between its commit and its rename left its files staged; which of
        # them committed is known only once no run that stages files is in flight.
        report.recovered = open_outbox(uow, outbox, paper_outbox(outbox))
        # Locked for this run: a concurrent run skips them, so no claim goes in two 837s.
        # A corrected claim waits in the editor until the biller saves its change.
        claims = [c for c in uow.claims.claim_for_submission(SCRUBBED) if not c.awaits_correction]
        crash_point("submit:claimed")
        was_held = {c.claim_id for c in claims if c.status is ClaimStatus.HELD}
        today = practice_date(uow, now)
        profile = uow.practice.profile()
        paper = profile.paper_payers()
        contexts = store_contexts(uow, claims, reference, config, today=today)
        coverages = {c.coverage.coverage_id: c.coverage for c in contexts if c.coverage}
        primaries = primary_adjudications(uow, claims, coverages)
        counts: dict[str, PayerCounts] = {}
        outgoing: dict[str, list[_Outgoing]] = {}
        held: list[tuple[Claim, HeldClaim, date | None]] = []
        for context in contexts:
            claim = context.claim
            result = engine.scrub(context)
            report.scrubbed += 1
            tally = counts.setdefault(claim.payer_id, PayerCounts())
            tally.scrubbed += 1
            claim_input = None
            pages: tuple[FormPage, ...] = ()
            problem = None if result.clean else _held(result)
            if problem is None and context.coverage is not None and context.payer is not None:
                claim_input, refusal = _claim_input(
                    claim, context, partners, now, primaries.get(claim.claim_id)
                )
                if claim_input is not None and claim.payer_id in paper:
                    try:
                        pages = form_pages(claim_input, profile, today=today, now=now)
                    except PaperClaimError as exc:
                        refusal = str(exc)
                if refusal is not None:
                    # What the writer refuses is set up wrongly (profile, provider file), not
                    # wrong with this claim: no hold and no work item; submit names it instead.
                    report.not_written.append(NotWritten(claim.claim_id, refusal))
                    continue
            if problem is not None:
                tally.held += 1
                # The hold's deadline: the payer's timely filing limit from the visit.
                payer = context.payer or uow.payers.get(claim.payer_id)
                deadline = (
                    None
                    if payer is None
                    else payer.timely_filing.last_day(claim.encounter.date_of_service)
                )
                held.append((claim, problem, deadline))
                if claim.status is not ClaimStatus.HELD:
                    claim.move_to(
                        ClaimStatus.HELD, by=by, at=now, reason="scrub: " + ", ".join(problem.rules)
                    )
                    uow.claims.save(claim)
                continue
            tally.clean += 1
            report.clean += 1
            if claim.status is not ClaimStatus.READY:
                claim.move_to(ClaimStatus.READY, by=by, at=now, reason="scrub: clean")
            if claim_input is None:
                report.self_pay_ready.append(claim.claim_id)
                uow.claims.save(claim)
                continue
            outgoing.setdefault(claim.payer_id, []).append(_Outgoing(claim, claim_input, pages))
        for payer_id, batch in sorted(outgoing.items()):
            if payer_id in paper:
                report.printed.append(
                    print_paper_batch(
                        uow, outbox, payer_id, [(o.claim, o.pages) for o in batch], now=now, by=by
                    )
                )
                continue
            report.batches.append(
                _send(uow, outbox, payer_id, batch, counts[payer_id], partners, now, by)
            )
        crash_point("submit:staged")
        uow.commit()
    crash_point("submit:committed")
    for sent in report.batches:
        publish_staged(outbox, sent.file_name)
    for printed in report.printed:
        publish_staged(paper_outbox(outbox), printed.file_name)
    crash_point("submit:published")
    report.held = [h for _, h, _deadline in held]
    report.released = sorted(
        o.claim.claim_id
        for batch in outgoing.values()
        for o in batch
        if o.claim.claim_id in was_held
    ) + sorted(c for c in report.self_pay_ready if c in was_held)
    chosen = policy
    for claim, hold, deadline in held:
        opened = open_item(
            uow_factory, _hold_problem(claim, hold, deadline), now=now, by=by, policy=chosen
        )
        report.work_items_opened += int(opened.created)
    for claim_id in report.released:
        closed = solve_problem(
            uow_factory, claim_id=claim_id, problem_key=HOLD_KEY, now=now, reason="scrub: clean"
        )
        report.work_items_closed += len(closed)
    return report


def _held(result: ScrubResult) -> HeldClaim:
    blocking = tuple(dict.fromkeys(f.rule for f in result.findings if f.blocks_submission))
    return HeldClaim(result.claim_id, blocking, tuple(finding_text(f) for f in result.findings))


def _hold_problem(claim: Claim, hold: HeldClaim, deadline: date | None) -> Problem:
    """Tier 1's item for a held claim: the claim's charge at stake, due by the payer's timely
    filing limit (a hold that outlives it cannot be billed)."""
    return Problem(
        kind=WorkKind.SCRUB_HOLD,
        category=CATEGORY,
        problem_key=HOLD_KEY,
        amount_at_stake=claim.total_charge,
        claim_id=claim.claim_id,
        patient_account=claim.encounter.patient_account,
        payer_id=claim.payer_id,
        deadline=deadline,
        deadline_kind="" if deadline is None else "timely_filing",
        summary=f"held by {', '.join(hold.rules)}: " + " | ".join(hold.findings),
    )


def _claim_input(
    claim: Claim,
    context: ScrubContext,
    partners: TradingPartners,
    now: datetime,
    primary: PrimaryAdjudication | None,
) -> tuple[ClaimInput | None, str | None]:
    """The claim's 837 input, or why the 837 writer refuses it (written alone as a probe)."""
    coverage, payer = context.coverage, context.payer
    if coverage is None or payer is None:
        return None, None
    parties = ClaimParties(context.patient, coverage, payer, context.providers, context.facility)
    try:
        built = build_claim_input(claim, parties, partners, primary)
        write_837p([built], Envelope("PROBE", "PROBE", 1, 1, now))
    except X12WriteError as exc:
        return None, str(exc)
    return built, None


def _send(
    uow: UnitOfWork,
    outbox: Path,
    payer_id: str,
    batch: list[_Outgoing],
    counts: PayerCounts,
    partners: TradingPartners,
    now: datetime,
    by: str,
) -> BatchRecord:
    first = batch[0].claim_input
    envelope = next_envelope(
        uow,
        sender_id=first.submitter.identifier,
        receiver_id=first.receiver.identifier,
        created=now,
        production=partners.production,
    )
    inputs = [o.claim_input for o in batch]
    text = write_837p(inputs, envelope)
    name = f"837P-{payer_id}-{envelope.interchange_control_number:09d}.x12"
    # write_837 puts each (submitter, receiver) pair in its own transaction set, in first-seen
    # order; the 999 answers per transaction set (AK202 = ST02).
    exchanges: dict[tuple[Submitter, Receiver], str] = {}
    for claim_input in inputs:
        key = (claim_input.submitter, claim_input.receiver)
        if key not in exchanges:
            exchanges[key] = transaction_control_number(envelope, len(exchanges))
    batch_id = uow.batches.add(
        {
            "payer_id": payer_id,
            "transaction": "837P",
            "file_name": name,
            "sender_id": envelope.sender_id,
            "receiver_id": envelope.receiver_id,
            "interchange_control_number": envelope.interchange_control_number,
            "group_control_number": envelope.group_control_number,
            "created_at": now,
            "created_by": by,
            "scrubbed": counts.scrubbed,
            "clean": counts.clean,
            "held": counts.held,
            "submitted": len(batch),
            "total_charge": total(o.claim.total_charge for o in batch).amount,
        },
        [
            BatchClaim(
                batch_id=0,
                claim_id=o.claim.claim_id,
                transaction_control_number=exchanges[
                    (o.claim_input.submitter, o.claim_input.receiver)
                ],
                charge=o.claim.total_charge,
                outcome="submitted",
                reason="",
            )
            for o in batch
        ],
    )
    for o in batch:
        o.claim.move_to(ClaimStatus.SUBMITTED, by=by, at=now, reason=f"batch {batch_id}: {name}")
        uow.claims.save(o.claim)
    stage_sent_file(uow, outbox, name, text, transaction="837", now=now, by=by)
    stored = uow.batches.get(batch_id)
    if stored is None:
        raise LookupError(f"batch {batch_id} was not stored")
    return stored
