"""Eligibility use cases: send 270 inquiries for coverages that need a check, read 271 answers.

A coverage needs a check for a date of service when one of its unbilled claims (draft, held or
ready) is for that date and no answered check younger than the limit exists, nor an unanswered
one sent within it. An answer that is not "active" becomes a Tier 1 work item on every unbilled
claim of that coverage and date; a later clean answer closes those items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.eligibility import EligibilityProblem
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.edi.x12.errors import Severity
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x270.write import EligibilityRequest, write_270
from claimdesk.edi.x271.read import read_271
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.context import EligibilityResult
from claimdesk.services.crash_points import crash_point
from claimdesk.services.eligibility_answer import interpret, member_segments
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.services.work_queue import open_item, solve_problem
from claimdesk.services.x12_envelopes import (
    next_envelope,
    open_outbox,
    publish_staged,
    sha256_of,
    stage_sent_file,
)
from claimdesk.store.repositories.eligibility import EligibilityCheck
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

UNBILLED = (ClaimStatus.DRAFT, ClaimStatus.HELD, ClaimStatus.READY)
CATEGORY = "eligibility"
BY = "eligibility"
NOT_SENT_FIX = "Enter the member id from the patient's insurance card, then run eligibility."


def problem_key(coverage_id: str) -> str:
    return f"eligibility:{coverage_id}"


def eligibility_result(check: EligibilityCheck) -> EligibilityResult | None:
    """The scrub engine's view of a stored check; None while it has no answer."""
    if check.answered_at is None:
        return None
    return EligibilityResult(
        coverage_id=check.coverage_id,
        checked_at=check.answered_at,
        service_date=check.service_date,
        active=bool(check.active),
        authorization_required=bool(check.authorization_required),
        authorization_codes=frozenset(check.authorization_codes),
        reason=check.reason,
    )


def results_for_claims(
    claims: Iterable[Claim], checks: Iterable[EligibilityCheck]
) -> dict[str, EligibilityResult]:
    """Per claim id, the answer to use: the latest for its coverage and date of service, else
    the latest for its coverage (which the scrubber reports as for another date)."""
    by_day: dict[tuple[str, date], EligibilityCheck] = {}
    by_coverage: dict[str, EligibilityCheck] = {}
    for check in checks:  # oldest first, so later ones win
        if check.answered_at is None:
            continue
        by_day[(check.coverage_id, check.service_date)] = check
        by_coverage[check.coverage_id] = check
    found: dict[str, EligibilityResult] = {}
    for claim in claims:
        key = (claim.coverage_id, claim.encounter.date_of_service)
        chosen = by_day.get(key) or by_coverage.get(claim.coverage_id)
        result = None if chosen is None else eligibility_result(chosen)
        if result is not None:
            found[claim.claim_id] = result
    return found


@dataclass(slots=True)
class InquiryReport:
    files: list[str] = field(default_factory=list)
    requests: int = 0
    up_to_date: int = 0  # answered within the limit
    pending: int = 0  # sent within the limit, no answer yet
    not_sent: list[str] = field(default_factory=list)  # coverage: reason
    work_items: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "files": self.files,
            "requests": self.requests,
            "up_to_date": self.up_to_date,
            "pending": self.pending,
            "not_sent": self.not_sent,
            "work_items": self.work_items,
        }


def _unbilled(uow: UnitOfWork) -> list[Claim]:
    return [c for s in UNBILLED for c in uow.claims.with_status(s) if c.coverage_id]


def send_inquiries(
    uow_factory: UowFactory,
    outbox: Path,
    *,
    partners: TradingPartners,
    config: ScrubConfig,
    now: datetime,
    max_age_days: int | None = None,
    policy: RoutingPolicy,
) -> InquiryReport:
    """Write one 270 file per payer to ``outbox`` for every check that is missing or stale.

    ``max_age_days`` overrides each payer's ``eligibility_max_age_days`` (scrub configuration).
    """
    report = InquiryReport()
    refused: list[tuple[Problem, str]] = []
    with uow_factory() as uow:
        uow.work_items.begin_write()
        open_outbox(uow, outbox)
        claims = _unbilled(uow)
        checks = uow.eligibility.checks_of([c.coverage_id for c in claims])
        latest: dict[tuple[str, date], EligibilityCheck] = {}
        for check in checks:
            latest[(check.coverage_id, check.service_date)] = check
        wanted: dict[tuple[str, date], Claim] = {}
        visits: dict[tuple[str, date], list[str]] = {}
        for claim in sorted(claims, key=lambda c: c.claim_id):
            key = (claim.coverage_id, claim.encounter.date_of_service)
            wanted.setdefault(key, claim)
            visits.setdefault(key, []).append(claim.encounter.encounter_id)
        by_payer: dict[str, list[EligibilityRequest]] = {}
        for (coverage_id, day), claim in sorted(wanted.items()):
            coverage = uow.coverages.get(coverage_id)
            payer = uow.payers.get(claim.payer_id)
            patient = uow.patients.get(claim.encounter.patient_account)
            provider = uow.providers.get(claim.encounter.billing_npi)
            about = _about(visits[(coverage_id, day)], coverage_id, day)
            if coverage is None or payer is None or patient is None or provider is None:
                report.not_sent.append(f"{about}: registration is incomplete")
                continue
            limit = timedelta(
                days=max_age_days
                if max_age_days is not None
                else config.rules_for(payer).eligibility_max_age_days
            )
            last = latest.get((coverage_id, day))
            if (
                last is not None
                and last.answered_at is not None
                and now - last.answered_at <= limit
            ):
                report.up_to_date += 1
                continue
            if last is not None and last.answered_at is None and now - last.requested_at <= limit:
                report.pending += 1
                continue
            if not coverage.member_id.strip():
                reason = f"{about}: no member id to ask the payer about"
                report.not_sent.append(reason)
                refused.append((_problem(claim, reason, NOT_SENT_FIX), reason))
                continue
            trace = f"CD{uow.batches.next_number('trace:270'):010d}"
            request = EligibilityRequest(coverage, patient, payer, provider, day, trace)
            by_payer.setdefault(payer.payer_id, []).append(request)
        for payer_id, requests in sorted(by_payer.items()):
            sendable = _sendable(requests, report, now, visits)
            if not sendable:
                continue
            submitter = partners.submitter_for(sendable[0].provider)
            receiver = partners.receiver_for(sendable[0].payer)
            envelope = next_envelope(
                uow,
                sender_id=submitter.identifier,
                receiver_id=receiver.identifier,
                created=now,
                production=partners.production,
            )
            text = write_270(sendable, envelope)
            name = f"270-{payer_id}-{envelope.interchange_control_number:09d}.x12"
            for request in sendable:
                uow.eligibility.add_check(
                    trace_number=request.trace_number,
                    coverage_id=request.coverage.coverage_id,
                    payer_id=payer_id,
                    patient_account=request.patient.account,
                    service_date=request.service_date,
                    requested_at=now,
                    request_file=name,
                )
            report.files.append(
                str(stage_sent_file(uow, outbox, name, text, transaction="270", now=now, by=BY))
            )
            report.requests += len(sendable)
        crash_point("eligibility:staged")
        uow.commit()
    crash_point("eligibility:committed")
    # Only now are the 270s sent: a crash before the commit leaves them staged, and the next
    # run that stages files drops them (their checks were never recorded).
    for path in report.files:
        publish_staged(outbox, Path(path).name)
    for problem, _reason in refused:
        if open_item(uow_factory, problem, now=now, by=BY, policy=policy).created:
            report.work_items += 1
    return report


def _about(encounters: Iterable[str], coverage_id: str, day: date) -> str:
    """What a message is about: the visits (by encounter id, never the patient's name: messages
    reach logs) and the coverage and day they share."""
    names = sorted(set(encounters))
    if not names:
        visits = "no unbilled encounter"
    elif len(names) == 1:
        visits = f"encounter {names[0]}"
    else:
        visits = f"encounters {', '.join(names)}"
    return f"{visits}, coverage {coverage_id} on {day.isoformat()}"


def _sendable(
    requests: list[EligibilityRequest],
    report: InquiryReport,
    now: datetime,
    visits: Mapping[tuple[str, date], list[str]],
) -> list[EligibilityRequest]:
    """The requests a 270 can carry; each refused one is reported with the writer's reason."""
    probe = Envelope("PROBE", "PROBE", 1, 1, now)
    fine: list[EligibilityRequest] = []
    for request in requests:
        try:
            write_270([request], probe)
        except X12WriteError as exc:
            key = (request.coverage.coverage_id, request.service_date)
            # The writer's record is the coverage, which ``_about`` names already.
            report.not_sent.append(f"{_about(visits[key], *key)}: {exc.field}: {exc.reason}")
            continue
        fine.append(request)
    return fine


def _problem(claim: Claim, reason: str, fix: str) -> Problem:
    return Problem(
        kind=WorkKind.ELIGIBILITY_FAILURE,
        category=CATEGORY,
        problem_key=problem_key(claim.coverage_id),
        amount_at_stake=claim.total_charge,
        claim_id=claim.claim_id,
        patient_account=claim.encounter.patient_account,
        payer_id=claim.payer_id,
        summary=f"{reason}. Fix: {fix}",
    )


@dataclass(slots=True)
class AnswerReport:
    """What one 271 file changed."""

    name: str
    sha256: str
    already_read: bool = False
    answered: int = 0
    active: int = 0
    problems: list[str] = field(default_factory=list)  # coverage: reason, fix
    unmatched: list[str] = field(default_factory=list)  # traces no check of ours carries
    findings: list[str] = field(default_factory=list)  # X12 errors in the file
    work_items_opened: int = 0
    work_items_closed: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.name,
            "sha256": self.sha256,
            "already_read": self.already_read,
            "answered": self.answered,
            "active": self.active,
            "problems": self.problems,
            "unmatched": self.unmatched,
            "findings": self.findings,
            "work_items_opened": self.work_items_opened,
            "work_items_closed": self.work_items_closed,
        }


def ingest_eligibility(
    uow_factory: UowFactory,
    text: str,
    *,
    source: str,
    now: datetime,
    policy: RoutingPolicy,
) -> AnswerReport:
    """Store every answer of a 271 file whose trace number is one of our checks (once per file).

    Raises ``X12Error`` when ``text`` is not X12 at all.
    """
    digest = sha256_of(text)
    report = AnswerReport(source, digest)
    parsed = read_271(text)
    report.findings = [str(f) for f in parsed.findings if f.severity is Severity.ERROR]
    answered: list[EligibilityCheck] = []
    troubled: list[tuple[EligibilityCheck, str]] = []  # the check, its problem and fix
    with uow_factory() as uow:
        uow.work_items.begin_write()
        if uow.files_read.contains(digest, "271"):
            report.already_read = True
            return report
        transactions = parsed.envelopes.transaction_sets
        for response in parsed.responses:
            for member in response.patients:
                trace = member.request_trace
                check = None if trace is None else uow.eligibility.check_by_trace(trace)
                if check is None:
                    report.unmatched.append(trace or f"member at segment {member.position}")
                    continue
                if check.answered_at is not None:
                    continue
                reading = interpret(member, check.service_date)
                uow.eligibility.record_answer(
                    check.check_id,
                    reading,
                    answered_at=now,
                    response_file=source,
                    raw_response=member_segments(transactions, response, member),
                )
                stored = uow.eligibility.check_by_trace(check.trace_number)
                if stored is not None:
                    answered.append(stored)
                report.answered += 1
                if reading.problem is EligibilityProblem.NONE:
                    report.active += 1
                else:
                    troubled.append((check, f"{reading.reason}; fix: {reading.fix_hint}"))
        uow.files_read.add(
            sha256=digest,
            kind="271",
            name=source,
            at=now,
            detail={"answered": report.answered, "unmatched": len(report.unmatched)},
        )
        affected = _claims_of(uow, answered)
        uow.commit()
    for check, problem in troubled:
        key = (check.coverage_id, check.service_date)
        visits = [
            claim.encounter.encounter_id
            for answer, claim in affected
            if (answer.coverage_id, answer.service_date) == key
        ]
        report.problems.append(f"{_about(visits, *key)}: {problem}")
    _route(uow_factory, affected, now, policy, report)
    return report


def _claims_of(
    uow: UnitOfWork, checks: list[EligibilityCheck]
) -> list[tuple[EligibilityCheck, Claim]]:
    keys = {(c.coverage_id, c.service_date): c for c in checks}
    return [
        (keys[(claim.coverage_id, claim.encounter.date_of_service)], claim)
        for claim in _unbilled(uow)
        if (claim.coverage_id, claim.encounter.date_of_service) in keys
    ]


def _route(
    uow_factory: UowFactory,
    affected: list[tuple[EligibilityCheck, Claim]],
    now: datetime,
    policy: RoutingPolicy,
    report: AnswerReport,
) -> None:
    for check, claim in sorted(affected, key=lambda pair: pair[1].claim_id):
        if check.problem:
            opened = open_item(
                uow_factory,
                _problem(claim, check.reason, check.fix_hint),
                now=now,
                by=BY,
                policy=policy,
            )
            report.work_items_opened += int(opened.created)
        else:
            closed = solve_problem(
                uow_factory,
                claim_id=claim.claim_id,
                problem_key=problem_key(claim.coverage_id),
                now=now,
                reason=f"eligibility check {check.trace_number}: coverage active",
            )
            report.work_items_closed += len(closed)
