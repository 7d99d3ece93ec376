"""Tier 2 actions on a claim: corrected claim, void, appeal, payer follow-up, chasing claims with
no answer, and write-off (with Tier 3 approval above a configured amount).

Each action is one transaction and records in the claim's history who did it, when and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from claimdesk.denials.explanations import explain_carc
from claimdesk.denials.letter import AppealFacts, appeal_letter
from claimdesk.domain.claims import Claim, ClaimStatus, FrequencyCode
from claimdesk.domain.ledger import Account, BalanceQuery, Entry
from claimdesk.domain.money import Money, total
from claimdesk.domain.practice import PracticeProfile
from claimdesk.domain.recovery import (
    DRAFTED,
    POSTED,
    REJECTED,
    SUBMITTED,
    Appeal,
    FollowUp,
    WriteOffRequest,
)
from claimdesk.domain.work import Problem, WorkItem, WorkKind, WorkStatus
from claimdesk.domain.write_offs import (
    ClaimOpen,
    UnknownReasonError,
    WriteOffReason,
    reason_of,
    write_off_entry,
)
from claimdesk.posting.remit_view import PaymentView, payment_view
from claimdesk.routing.access import Role
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.charges import charge_entry, responsibility_of, reverse_charge
from claimdesk.services.claim_status import Inquiries, no_response_problem, send_inquiries
from claimdesk.services.practice import open_date, posting_date, practice_date
from claimdesk.services.remit_work import insurance_balance as insurance_balance
from claimdesk.services.remit_work import open_in, open_many, solve_settled
from claimdesk.services.secondary import answered_lines
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.services.users import acting_user
from claimdesk.services.work_queue import UowFactory, solve_in
from claimdesk.services.x12_envelopes import publish_staged, write_outbox_file
from claimdesk.store.uow import UnitOfWork

ARGUED = frozenset({WorkKind.DENIAL, WorkKind.UNDERPAYMENT})  # what a won appeal settles
# A corrected claim replaces one the payer adjudicated (it names the payer's claim number).
CORRECTABLE = frozenset(
    {
        ClaimStatus.PAID,
        ClaimStatus.PARTIALLY_PAID,
        ClaimStatus.DENIED,
        ClaimStatus.APPEALED,
        ClaimStatus.CLOSED,
    }
)


class Tier2Error(ValueError):
    """An action the claim's state or the user's role does not allow."""


@dataclass(frozen=True, slots=True)
class Tier2Settings:
    # What a Tier 2 biller or a manager may write off on one claim without a manager's
    # approval, all their requests on the claim together; Tier 1 and every other role: nothing.
    write_off_approval_above: Money = field(default_factory=lambda: Money("100.00"))
    no_response_days: int = 30

    def write_off_limit(self, role: Role) -> Money:
        """Separation of duties: above this, someone else (a manager) must approve."""
        if role in (Role.TIER2, Role.MANAGER):
            return self.write_off_approval_above
        return Money("0.00")


def _claim(uow: UnitOfWork, claim_id: str) -> Claim:
    claim = uow.claims.get(claim_id)
    if claim is None:
        raise Tier2Error(f"claim {claim_id}: no such claim")
    return claim


def _move(
    uow: UnitOfWork, claim: Claim, target: ClaimStatus, by: str, at: datetime, why: str
) -> None:
    if claim.status is target:
        return
    if not claim.can_move_to(target):
        raise Tier2Error(f"claim {claim.claim_id}: is {claim.status}, so it cannot be {why}")
    stored = len(claim.history)
    claim.move_to(target, by=by, at=at, reason=why)
    uow.claims.save_many([(claim, stored)])


# Corrected claims and voids


def _replacement(
    uow: UnitOfWork, original: Claim, frequency: FrequencyCode, by: str, now: datetime
) -> Claim:
    if not original.payer_claim_number:
        raise Tier2Error(
            f"claim {original.claim_id}: the payer has not given a claim number (CLP07), so a "
            "replacement or void cannot name it (REF*F8)"
        )
    count = sum(1 for c in uow.claims.for_encounter(original.encounter.encounter_id))
    new = Claim(
        claim_id=f"{original.claim_id}-{frequency.value}{count}",
        encounter=original.encounter,
        coverage_id=original.coverage_id,
        payer_id=original.payer_id,
        created_at=now,
        created_by=by,
        frequency=frequency,
        replaces_payer_claim_number=original.payer_claim_number,
        prior_authorization=original.prior_authorization,
    )
    uow.claims.add(new)
    return new


def replaced_claim(uow: UnitOfWork, claim: Claim) -> Claim | None:
    """The claim ``claim`` replaces or voids: its visit's claim with the payer's number it
    names (REF*F8); None for an original."""
    if claim.frequency is FrequencyCode.ORIGINAL:
        return None
    return next(
        (
            c
            for c in uow.claims.for_encounter(claim.encounter.encounter_id)
            if c.claim_id != claim.claim_id
            and c.payer_claim_number == claim.replaces_payer_claim_number
        ),
        None,
    )


def _moved_charges(
    uow: UnitOfWork, original: Claim, new: Claim, by: str, now: datetime
) -> list[Entry]:
    """The original's live charges reversed and, for a replacement, its lines charged on the
    new claim as the new claim bills them: the payer reverses the original's payment
    (CLP02 = 22) and answers the new claim, so each claim's balance stays its own."""
    charges = uow.ledger.charge_entry_ids([original.claim_id])
    undone = uow.ledger.reversed_ids([e for ids in charges.values() for e in ids])
    live = uow.ledger.get_many([e for ids in charges.values() for e in ids if e not in undone])
    entries = [
        reverse_charge(
            e,
            effective=posting_date(uow, now),
            recorded_at=now,
            recorded_by=by,
            why=f"moved to {new.claim_id}",
        )
        for e in live.values()
    ]
    payer = uow.payers.get(original.payer_id)
    if new.frequency is FrequencyCode.REPLACEMENT and payer is not None:
        charged = {e.postings[0].dims.line_number for e in live.values()}
        entries += [
            charge_entry(
                claim_id=new.claim_id,
                patient_account=original.encounter.patient_account,
                payer_id=original.payer_id,
                responsibility=responsibility_of(payer.kind),
                line=line,
                revision=1,
                recorded_at=now,
                recorded_by=by,
                source=f"replacement of {original.claim_id}",
                effective=open_date(uow, line.date_of_service),
            )
            for line in new.lines
            if line.line_number in charged and line.charge
        ]
    return entries


def _corrected_chain(uow: UnitOfWork, claim: Claim) -> list[Claim]:
    """The claims ``claim`` replaced, one after the other, oldest first."""
    chain: list[Claim] = []
    earlier = replaced_claim(uow, claim)
    while earlier is not None and earlier not in chain:
        chain.insert(0, earlier)
        earlier = replaced_claim(uow, earlier)
    return chain


def corrected_claim(uow_factory: UowFactory, claim_id: str, *, by: str, now: datetime) -> str:
    """A replacement claim (CLM05-3 = 7, REF*F8 = the payer's claim number) as a draft for the
    claim editor. It is scrubbed and sent only once the biller saves a change on it, or says
    why none is needed (:func:`release_correction`); until then the original keeps its charges,
    its status and its appeal rights. Asked again, it answers the draft already made."""
    with uow_factory() as uow:
        original = _claim(uow, claim_id)
        successors = [
            c
            for c in uow.claims.for_encounter(original.encounter.encounter_id)
            if c.frequency is not FrequencyCode.ORIGINAL
            and c.replaces_payer_claim_number == original.payer_claim_number
        ]
        waiting = [c.claim_id for c in successors if c.awaits_correction]
        if waiting:
            return waiting[0]
        if successors:
            raise Tier2Error(
                f"claim {claim_id}: already replaced by claim {successors[-1].claim_id}; "
                "correct that one"
            )
        if original.status not in CORRECTABLE:
            raise Tier2Error(
                f"claim {claim_id}: is {original.status}; only a claim the payer adjudicated is "
                "corrected"
            )
        new = _replacement(uow, original, FrequencyCode.REPLACEMENT, by, now)
        uow.commit()
        return new.claim_id


def release_correction(uow: UnitOfWork, claim: Claim, *, why: str, by: str, now: datetime) -> None:
    """The biller saved the corrected claim ``claim``: the original's charges move to it as it
    now bills, and the original closes as replaced. The caller scrubs it and moves it on."""
    original = replaced_claim(uow, claim)
    if original is None:
        raise Tier2Error(
            f"claim {claim.claim_id}: the claim it corrects (payer claim number "
            f"{claim.replaces_payer_claim_number}) is not on file"
        )
    uow.ledger.append_many(_moved_charges(uow, original, claim, by, now))
    _move(
        uow,
        original,
        ClaimStatus.CLOSED,
        by,
        now,
        f"replaced by {claim.claim_id}: {why}",
    )


def void_claim(
    uow_factory: UowFactory, claim_id: str, *, reason: str, by: str, now: datetime
) -> str:
    """A void (CLM05-3 = 8) of a claim the payer has adjudicated; its charges are reversed.
    ``reason`` (why the claim should never have been billed: wrong patient, wrong payer, a
    duplicate, a service not rendered) is kept in both claims' status history."""
    why = " ".join(reason.split())
    if not why:
        raise Tier2Error(
            f"claim {claim_id}: a void needs its reason (wrong patient, wrong payer, a "
            "duplicate, a service not rendered)"
        )
    with uow_factory() as uow:
        original = _claim(uow, claim_id)
        new = _replacement(uow, original, FrequencyCode.VOID, by, now)
        uow.ledger.append_many(_moved_charges(uow, original, new, by, now))
        new.move_to(ClaimStatus.READY, by=by, at=now, reason=f"voids {claim_id}: {why}")
        uow.claims.save_many([(new, 1)])
        _move(
            uow,
            _claim(uow, claim_id),
            ClaimStatus.CLOSED,
            by,
            now,
            f"voided by {new.claim_id}: {why}",
        )
        uow.commit()
        return new.claim_id


# Appeals


def start_appeal(
    uow_factory: UowFactory,
    claim_id: str,
    *,
    argument: str,
    letters: Path,
    by: str,
    now: datetime,
    settings: Tier2Settings | None = None,
) -> int:
    """Write the appeal letter (PDF) and track the appeal; the claim moves to appealed."""
    if not argument.strip():
        raise Tier2Error(f"claim {claim_id}: an appeal needs the specialist's argument")
    settings = settings or Tier2Settings()
    with uow_factory() as uow:
        claim = _claim(uow, claim_id)
        items = uow.work_items.active_of_claim(claim_id, None)
        denials = [i for i in items if i.kind in (WorkKind.DENIAL, WorkKind.UNDERPAYMENT)]
        if claim.status is not ClaimStatus.APPEALED and not claim.can_move_to(ClaimStatus.APPEALED):
            raise Tier2Error(f"claim {claim_id}: is {claim.status}, so it cannot be appealed")
        if any(not i.appeal_rights for i in denials) and not any(i.appeal_rights for i in denials):
            raise Tier2Error(f"claim {claim_id}: its denial has no appeal rights")
        codes = tuple(i.problem_key.split(":", 1)[1] for i in denials if ":" in i.problem_key)
        deadline = min((i.deadline for i in denials if i.deadline), default=None)
        today = practice_date(uow, now)
        if deadline is not None and today > deadline:
            raise Tier2Error(f"claim {claim_id}: the appeal window ended {deadline}")
        at_stake = sum((i.amount_at_stake for i in denials), Money.zero())
        patient = uow.patients.get(claim.encounter.patient_account)
        coverage = uow.coverages.get(claim.coverage_id) if claim.coverage_id else None
        payer = uow.payers.get(claim.payer_id)
        posted = [
            dict(p) for p in uow.remittances.payments_of_claim(claim_id) if p["status"] == "posted"
        ]
        payments = [payment_view(p) for p in posted]
        if not codes and payments:
            # An underpayment names no code of its own: the remittance's adjustments do.
            codes = _adjusted_codes(payments[-1])
        carcs = [c.split("-", 1)[1] for c in codes if "-" in c]
        texts = uow.code_texts.get_many("CARC", carcs)
        user = uow.users.get(by)
        # A corrected claim's appeal continues its original's: the service's appeal level.
        corrected = _corrected_chain(uow, claim)
        level = sum(len(uow.appeals.of_claim(c.claim_id)) for c in (*corrected, claim)) + 1
        profile = uow.practice.profile()
        if not profile.get("name"):
            raise Tier2Error(
                f"claim {claim_id}: an appeal letter names the practice; set it first with: "
                "claimdesk practice set name VALUE"
            )
        letter = appeal_letter(
            AppealFacts(
                payer_name=payer.name if payer else claim.payer_id,
                practice_name=profile.get("name"),
                signature=profile.get("signature") or profile.get("name"),
                claim_id=claim_id,
                payer_claim_number=claim.payer_claim_number,
                patient_name=f"{patient.first_name} {patient.last_name}" if patient else "",
                member_id=coverage.member_id if coverage else "",
                date_of_service=claim.encounter.date_of_service,
                amount=at_stake,
                denial_codes=codes,
                denial_texts=_reasons(codes, texts),
                argument=argument.strip(),
                written_on=today,
                deadline=deadline,
                level=level,
                letterhead=_letterhead(profile),
                signer="" if user is None else user.name,
                lines=_paid_lines(claim, posted[-1]["adjudication"] if posted else None),
                corrects=tuple((c.claim_id, c.payer_claim_number) for c in corrected),
                enclosures=(
                    f"the remittance advice (835) for claim {claim_id}",
                    f"a copy of claim {claim_id} as billed",
                    "the medical record of the date of service",
                ),
            )
        )
        path = letters / f"appeal-{claim_id}-{level}.pdf"
        appeal_id = uow.appeals.add(
            Appeal(
                claim_id=claim_id,
                level=level,
                denial_codes=",".join(codes)[:200],
                amount=at_stake,
                argument=argument.strip(),
                deadline=deadline,
                letter_path=str(path),
                created_at=now,
                created_by=by,
            )
        )
        _move(uow, claim, ClaimStatus.APPEALED, by, now, f"appeal {appeal_id} (level {level})")
        uow.commit()
    # Only an appeal that was recorded leaves a letter behind.
    write_outbox_file(letters, path.name, letter)
    return appeal_id


def _adjusted_codes(payment: PaymentView) -> tuple[str, ...]:
    """The remittance's adjustments other than the patient's share, in the order sent."""
    found = [
        a.code
        for a in (*payment.adjustments, *(a for line in payment.lines for a in line.adjustments))
        if not a.code.startswith("PR-")
    ]
    return tuple(dict.fromkeys(found))


def _reasons(codes: Sequence[str], official: Mapping[str, str]) -> tuple[str, ...]:
    """Each code's official text when the practice imported the code list, else its meaning
    in plain words (``denials.explanations``)."""
    found = []
    for code in codes:
        carc = code.split("-", 1)[-1]
        explained = explain_carc(carc)
        text = official.get(carc) or ("" if explained is None else explained.meaning)
        if text:
            found.append(f"{code}: {text}")
    return tuple(found)


def _letterhead(profile: PracticeProfile) -> tuple[str, ...]:
    city = ", ".join(x for x in (profile.get("billing.city"), profile.get("billing.state")) if x)
    place = " ".join(x for x in (city, profile.get("billing.zip")) if x)
    ids = "; ".join(
        f"{label} {value}"
        for label, value in (
            ("NPI", profile.get("billing.npi")),
            ("Tax id", profile.get("billing.tax_id")),
        )
        if value
    )
    phone = profile.get("submitter.phone")
    return tuple(
        x
        for x in (
            profile.get("billing.address1"),
            profile.get("billing.address2"),
            place,
            ids,
            f"Phone {phone}" if phone else "",
        )
        if x
    )


def _paid_lines(
    claim: Claim, adjudication: Mapping[str, Any] | None
) -> tuple[tuple[str, Money, Money], ...]:
    """The claim's lines as billed, each with what the remittance paid on it (its 2110 answers
    matched to our lines as the secondary claim matches them: REF*6R, else position)."""
    paid = {line.line_number: Money.zero() for line in claim.lines}
    answered = [] if adjudication is None else adjudication.get("lines", [])
    for ours, line in answered_lines(claim.claim_id, claim.lines, answered):
        paid[ours.line_number] = paid[ours.line_number] + Money(line["paid"])
    return tuple(
        (" ".join((line.procedure_code, *line.modifiers)), line.charge, paid[line.line_number])
        for line in claim.lines
    )


def submit_appeal(uow_factory: UowFactory, appeal_id: int, *, on: date) -> None:
    with uow_factory() as uow:
        appeal = uow.appeals.get(appeal_id)
        if appeal is None or appeal.status != DRAFTED:
            raise Tier2Error(f"appeal {appeal_id}: no drafted appeal to submit")
        uow.appeals.save(appeal.submitted(on))
        uow.commit()


def decide_appeal(
    uow_factory: UowFactory, appeal_id: int, *, outcome: str, on: date, by: str, now: datetime
) -> None:
    """Record the payer's decision: ``won`` (a new remittance will pay) or ``lost``."""
    if outcome not in ("won", "lost"):
        raise Tier2Error(f"appeal {appeal_id}: outcome must be won or lost, not {outcome!r}")
    with uow_factory() as uow:
        appeal = uow.appeals.get(appeal_id)
        if appeal is None or appeal.status != SUBMITTED:
            raise Tier2Error(f"appeal {appeal_id}: only a submitted appeal can be decided")
        uow.appeals.save(appeal.decided(outcome, on))
        claim = _claim(uow, appeal.claim_id)
        if outcome == "lost":
            # The denial stands: its items stay for the next level of appeal or a write-off.
            _move(uow, claim, ClaimStatus.DENIED, by, now, f"appeal {appeal_id} lost")
        else:
            # Won: the payer reprocesses and pays; nothing is left to argue, and a claim whose
            # payment never comes is chased as unanswered.
            solve_settled(
                uow,
                claim.claim_id,
                now=now,
                reason=f"appeal {appeal_id} won",
                kinds=ARGUED,
            )
        uow.commit()


# Follow-up


def log_follow_up(
    uow_factory: UowFactory,
    claim_id: str,
    *,
    channel: str,
    reference: str,
    notes: str,
    next_follow_up: date | None,
    by: str,
    now: datetime,
) -> int:
    if channel not in ("call", "portal", "276", "277"):
        raise Tier2Error(
            f"follow-up on claim {claim_id}: channel {channel!r} is not call or portal"
        )
    with uow_factory() as uow:
        _claim(uow, claim_id)
        follow_up = uow.follow_ups.add(
            FollowUp(
                claim_id=claim_id,
                at=now,
                by=by,
                channel=channel,
                reference=reference,
                notes=notes,
                next_follow_up=next_follow_up,
            )
        )
        uow.commit()
        return follow_up


@dataclass(frozen=True, slots=True)
class Chase:
    waiting: list[str]  # claims with no answer after the configured days
    inquiries: Inquiries | None  # the 276s written, when an outbox was given


def chase(
    uow_factory: UowFactory,
    *,
    now: datetime,
    settings: Tier2Settings | None = None,
    policy: RoutingPolicy,
    outbox: Path | None = None,
    partners: TradingPartners | None = None,
) -> Chase:
    """Claims with no answer after the configured days get a no-response work item each, once;
    with an ``outbox``, a 276 per payer asks about the newly chased claims, each inquiry logged
    with the trace number its 277 answer will echo."""
    settings = settings or Tier2Settings()
    with uow_factory() as uow:
        waiting = uow.claims.waiting_since(now - timedelta(days=settings.no_response_days))
        claims = uow.claims.get_many(waiting)
        payers = {p.payer_id: p for p in uow.payers.list()}
        problems = [
            no_response_problem(
                uow,
                claims[claim_id],
                payers.get(claims[claim_id].payer_id),
                f"no answer since {claims[claim_id].history[-1].at:%Y-%m-%d}",
            )
            for claim_id in waiting
        ]
        made = open_many(
            uow, problems, now=now, policy=policy, history=uow.work_items.recovery_history()
        )
        inquiries = None
        if outbox is not None:
            inquiries = send_inquiries(
                uow,
                [claims[item.claim_id] for item in made if item.claim_id is not None],
                outbox,
                partners=partners or TradingPartners(),
                now=now,
            )
        uow.commit()
    if inquiries is not None and outbox is not None:
        for path in inquiries.files:
            publish_staged(outbox, path.name)
    return Chase(waiting, inquiries)


def chase_unanswered(
    uow_factory: UowFactory,
    *,
    now: datetime,
    settings: Tier2Settings | None = None,
    policy: RoutingPolicy,
    outbox: Path | None = None,
    partners: TradingPartners | None = None,
) -> list[str]:
    """:func:`chase`, answering only which claims were waiting."""
    return chase(
        uow_factory, now=now, settings=settings, policy=policy, outbox=outbox, partners=partners
    ).waiting


# Write-offs


def request_write_off(
    uow_factory: UowFactory,
    claim_id: str,
    *,
    amount: Money,
    reason_code: str,
    note: str,
    by: str,
    now: datetime,
    settings: Tier2Settings | None = None,
    policy: RoutingPolicy,
) -> int:
    """Write off up to the claim's balance (what the payers owe, else what the patient owes)
    for a reason from the code list (domain/write_offs.py; ``note`` is free text). Above the
    approval amount, or for a reason that always needs approval, the request waits for Tier 3
    (a write-off approval item). The amount is the claim's requests together (every one not
    rejected, this one included), so small write-offs repeated on one claim cannot add up to
    more than the requester's limit without approval; Tier 1's limit is nothing."""
    settings = settings or Tier2Settings()
    if not amount.is_positive():
        raise Tier2Error(f"write-off on claim {claim_id}: the amount must be positive")
    try:
        reason = reason_of(reason_code)
    except UnknownReasonError as error:
        raise Tier2Error(f"write-off on claim {claim_id}: {error}") from None
    with uow_factory() as uow:
        requester = acting_user(uow, by)
        claim = _claim(uow, claim_id)
        owed = _owed(uow, claim_id, _receivable(uow, claim_id))
        if amount > owed:
            raise Tier2Error(
                f"write-off on claim {claim_id}: {amount} is more than the {owed} owed"
            )
        earlier = total(r.amount for r in uow.write_offs.of_claim(claim_id) if r.status != REJECTED)
        limit = settings.write_off_limit(requester.role)
        request = uow.write_offs.add(
            WriteOffRequest(
                claim_id=claim_id,
                amount=amount,
                reason_code=reason.code,
                note=note,
                requested_by=by,
                requested_at=now,
            )
        )
        request_id = cast(int, request.request_id)
        if reason.needs_approval or earlier + amount > limit:
            item = open_in(
                uow,
                Problem(
                    kind=WorkKind.WRITE_OFF_APPROVAL,
                    category="write_off",
                    problem_key=f"write_off:{request_id}",
                    amount_at_stake=amount,
                    claim_id=claim_id,
                    patient_account=claim.encounter.patient_account,
                    payer_id=claim.payer_id,
                    summary=f"write-off {amount} ({reason.name}) requested by {by}",
                ),
                now=now,
                policy=policy,
                history=uow.work_items.recovery_history(),
            )
            uow.write_offs.save(replace(request, work_item_id=item.item_id if item else None))
        else:
            _post_write_off(uow, claim, request, by, now)
        uow.commit()
        return request_id


def decide_write_off(
    uow_factory: UowFactory, request_id: int, *, approve: bool, by: str, now: datetime
) -> str:
    """A manager (Tier 3) approves or rejects a pending write-off."""
    with uow_factory() as uow:
        user = acting_user(uow, by)
        if user.role is not Role.MANAGER:
            raise Tier2Error(f"write-off {request_id}: only a manager (Tier 3) may decide it")
        request = uow.write_offs.get(request_id)
        if request is None or not request.pending:
            raise Tier2Error(f"write-off {request_id}: no pending request")
        if request.requested_by == user.user_id:
            raise Tier2Error(
                f"write-off {request_id}: you requested it; another manager must decide it"
            )
        claim = _claim(uow, request.claim_id)
        if approve:
            amount = request.amount
            if amount > _owed(uow, claim.claim_id, _receivable(uow, claim.claim_id)):
                raise Tier2Error(f"write-off {request_id}: the claim no longer owes {amount}")
            _post_write_off(uow, claim, request, by, now)
        else:
            uow.write_offs.save(request.rejected(by=by, at=now))
        uow.commit()
    return POSTED if approve else REJECTED


def _receivable(uow: UnitOfWork, claim_id: str) -> Account:
    """A write-off comes off what the payers owe on the claim; once they owe nothing (a
    self-pay visit, or the payers are done), off what the patient owes."""
    if insurance_balance(uow, claim_id).is_positive():
        return Account.INSURANCE_AR
    return Account.PATIENT_AR


def _owed(uow: UnitOfWork, claim_id: str, account: Account) -> Money:
    return uow.ledger.balance(BalanceQuery(accounts=frozenset({account}), claim_id=claim_id))


def _open_balances(uow: UnitOfWork, claim: Claim) -> ClaimOpen:
    account = _receivable(uow, claim.claim_id)
    lines = uow.ledger.balances_by_line(claim.claim_id, frozenset({account}))
    return ClaimOpen(
        patient_account=claim.encounter.patient_account,
        claim_id=claim.claim_id,
        payer_id=claim.payer_id,
        account=account,
        lines=lines,
        claim_level=_owed(uow, claim.claim_id, account) - total(lines.values()),
    )


# A claim no payer adjudicated: written off in full, it ends WRITTEN_OFF, never scrubbed again.
_UNBILLED = frozenset(
    {ClaimStatus.DRAFT, ClaimStatus.HELD, ClaimStatus.READY, ClaimStatus.REJECTED}
)


_ENDED_BY_WRITE_OFF = frozenset(
    {
        WorkKind.SCRUB_HOLD,
        WorkKind.CLEARINGHOUSE_REJECTION,
        WorkKind.PAYER_REJECTION,
        WorkKind.ELIGIBILITY_FAILURE,
    }
)


def _kept_by_its_worker(item: WorkItem) -> bool:
    """A written-off claim has nothing left to correct; an item someone is working stays
    theirs to close (they may be the one writing the claim off through it)."""
    return item.kind not in _ENDED_BY_WRITE_OFF or item.status is WorkStatus.IN_PROGRESS


def _reason(request: WriteOffRequest) -> WriteOffReason:
    try:
        return reason_of(request.reason_code)
    except UnknownReasonError as error:
        raise Tier2Error(
            f"write-off {request.request_id}: {error}; reject it and request it again with a code"
        ) from None


def _post_write_off(
    uow: UnitOfWork,
    claim: Claim,
    request: WriteOffRequest,
    by: str,
    now: datetime,
) -> None:
    reason = _reason(request)
    open_balances = _open_balances(uow, claim)
    entry = write_off_entry(
        entry_id=f"write-off:{request.request_id}",
        reason=reason,
        amount=request.amount,
        claim=open_balances,
        effective=posting_date(uow, now),
        recorded_at=now,
        recorded_by=by,
        source=f"write-off request {request.request_id}",
        memo=f"{reason.code}: {request.note}" if request.note else reason.code,
    )
    uow.ledger.append(entry)
    uow.write_offs.save(request.posted(by=by, at=now, entry_id=entry.entry_id))
    settled = not _owed(uow, claim.claim_id, open_balances.account)
    if settled and not insurance_balance(uow, claim.claim_id):
        why = f"written off ({reason.name})"
        if claim.status in _UNBILLED:
            _move(uow, claim, ClaimStatus.WRITTEN_OFF, by, now, why)
            solve_in(uow, claim.claim_id, now=now, reason=why, keep=_kept_by_its_worker)
        elif claim.can_move_to(ClaimStatus.CLOSED):
            _move(uow, claim, ClaimStatus.CLOSED, by, now, why)
        solve_settled(
            uow,
            claim.claim_id,
            now=now,
            reason=f"write-off request {request.request_id}: nothing is owed on the claim",
        )
