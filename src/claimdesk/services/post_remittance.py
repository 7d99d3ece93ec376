"""Post 835 remittances: every cent exactly once, every problem a Tier 2 work item.

One 835 transaction set posts in one transaction. A remittance that fails balancing, or has a
claim payment that matches none of our claims, posts nothing and becomes work with the reason;
with ``claim_level`` posting configured, the claims that are sound post and only the failed
claims wait (never half a claim). The idempotency key is (payer, payee, TRN02) plus the file's
SHA-256: the same file or the same payment re-enveloped posts nothing the second time, and the
same trace number with different money is refused and raised as work.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from claimdesk.denials.table import CategoryTable
from claimdesk.domain.claims import TRANSITIONS, Claim, ClaimStatus
from claimdesk.domain.ledger import Account, BalanceQuery, Entry, EntryKind, Posting, standard_entry
from claimdesk.domain.ledger import Dimensions as Dims
from claimdesk.domain.money import Money, total
from claimdesk.domain.payers import ContractRate, Payer, rate_on
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.edi.x12.codes import ClaimStatus as ClpStatus
from claimdesk.edi.x12.codes import ProviderAdjustmentReason
from claimdesk.edi.x12.errors import Severity
from claimdesk.edi.x835.model import ClaimPayment, ProviderAdjustmentItem, Remittance
from claimdesk.edi.x835.read import read_835
from claimdesk.posting.facts import ClaimFacts, LineFacts, PostingContext
from claimdesk.posting.policy import (
    ClaimPosting,
    PostingRefusedError,
    post_payment,
    post_reversal,
)
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.patient_payments import (
    apply_credits_in,
    insurance_credit_problem,
    patient_credit_problems,
)
from claimdesk.services.practice import open_date, practice_date
from claimdesk.services.remit_work import insurance_balance, open_many, solve_settled
from claimdesk.services.secondary import bill_secondary, carry_to_secondary, prior_payers
from claimdesk.services.work_queue import UowFactory, solve_in
from claimdesk.store.repositories.remittances import HELD, POSTED
from claimdesk.store.uow import UnitOfWork

_CLAIM_RULES = frozenset({"835.balance.claim", "835.balance.line"})
_FINAL = frozenset({ClaimStatus.CLOSED, ClaimStatus.VOIDED})
INSURANCE_ONLY = frozenset({Account.INSURANCE_AR})
# PLB reasons that take back money paid on a claim: on no claim of ours, someone must apply them.
_CLAIM_RECOVERIES = frozenset(
    {ProviderAdjustmentReason.OVERPAYMENT_RECOVERY, ProviderAdjustmentReason.FORWARDING_BALANCE}
)


class RemitOutcome(StrEnum):
    POSTED = "posted"
    PARTIAL = "partially_posted"
    HELD = "held"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class PostingOptions:
    claim_level: bool = False  # post the sound claims of a remittance whose other claims fail
    underpayment_tolerance: Money = field(default_factory=lambda: Money("1.00"))
    bill_secondary: bool = True


@dataclass(slots=True)
class RemittanceResult:
    trace_number: str
    outcome: RemitOutcome
    payment: Money
    claims_posted: int = 0
    claims_held: int = 0
    reasons: list[str] = field(default_factory=list)
    work_items: int = 0
    work_items_closed: int = 0  # problems this remittance solved (the claim is paid)
    secondary_claims: int = 0


@dataclass(slots=True)
class FileResult:
    name: str
    sha256: str
    already_ingested: bool
    remittances: list[RemittanceResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(
            r.outcome in (RemitOutcome.POSTED, RemitOutcome.DUPLICATE) for r in self.remittances
        )


def post_bytes(
    uow_factory: UowFactory,
    data: bytes,
    *,
    name: str,
    now: datetime,
    by: str,
    options: PostingOptions | None = None,
    table: CategoryTable,
    policy: RoutingPolicy,
) -> FileResult:
    """Read an 835 file and post each remittance in it, each in one transaction."""
    sha = hashlib.sha256(data).hexdigest()
    result = FileResult(name, sha, already_ingested=False)
    with uow_factory() as uow:
        if uow.remittances.file_outcome(sha) == RemitOutcome.POSTED.value:
            result.already_ingested = True
            return result
    read = read_835(data.decode("utf-8"))
    envelope_errors = [
        str(f)
        for f in read.findings
        if f.severity is Severity.ERROR and not f.rule.startswith(("835.", "x12."))
    ]
    result.problems.extend(envelope_errors)
    poster = _Poster(
        options or PostingOptions(),
        table,
        policy,
        now,
        by,
        sha,
        name,
    )
    # A damaged envelope (a count, a control number or a trailer that does not match) means
    # the file may not be what the payer sent: all or nothing, none of its payments post.
    blocking = [f"{name}: {e}; nothing in the file is posted" for e in envelope_errors]
    for remittance, occurrence, repeated in _in_file(read.remittances):
        with uow_factory() as uow:
            result.remittances.append(
                poster.post(uow, remittance, occurrence=occurrence, blocking=blocking + repeated)
            )
            uow.commit()
    if not read.remittances:
        result.problems.append(f"{name}: no 835 transaction set in the file")
    with uow_factory() as uow:
        outcome = RemitOutcome.POSTED if result.ok else RemitOutcome.HELD
        uow.remittances.record_file(
            {
                "sha256": sha,
                "name": name,
                "ingested_at": now,
                "ingested_by": by,
                "outcome": outcome.value,
                "detail": {
                    "remittances": [
                        {"trace": r.trace_number, "outcome": r.outcome.value}
                        for r in result.remittances
                    ],
                    "problems": result.problems,
                },
            }
        )
        uow.commit()
    return result


def remittance_key(remittance: Remittance, occurrence: int = 1) -> tuple[str, str, str] | None:
    """(payer, payee, TRN02): TRN03 or the payer's name; the payee's NPI, tax id or id.

    ``occurrence`` counts the 835 transactions of one file with the same payer, payee and
    TRN02: each is its own remittance, so the second is keyed ``TRN02#2`` (the same file
    enveloped again gives the same keys, so nothing posts twice)."""
    if remittance.trace is None or remittance.payee is None:
        return None
    payer = remittance.trace.originator or (remittance.payer.name if remittance.payer else "")
    payee = remittance.payee.npi or remittance.payee.tax_id or remittance.payee.id
    if not (payer and payee and remittance.trace.number):
        return None
    trace = (
        remittance.trace.number if occurrence == 1 else f"{remittance.trace.number}#{occurrence}"
    )
    return payer, payee or remittance.payee.name, trace


def _claim_key(payment: ClaimPayment) -> tuple[str, str, str]:
    """CLP01, CLP02 and CLP07: a claim answered twice this way would be posted twice."""
    status = payment.status.value if payment.status is not None else ""
    return payment.patient_control_number, status, payment.payer_claim_control_number


def _in_file(
    remittances: Sequence[Remittance],
) -> list[tuple[Remittance, int, list[str]]]:
    """Each remittance of a file with its occurrence among those of its payer, payee and TRN02,
    and the reasons it must not post because a claim in it was answered by an earlier one of
    them (one 835 repeated in a file is one payment, not two)."""
    seen: dict[tuple[str, str, str], int] = {}
    answered: dict[tuple[str, str, str], dict[tuple[str, str, str], str]] = {}
    found: list[tuple[Remittance, int, list[str]]] = []
    for remittance in remittances:
        key = remittance_key(remittance)
        if key is None:
            found.append((remittance, 1, []))
            continue
        seen[key] = occurrence = seen.get(key, 0) + 1
        earlier = answered.setdefault(key, {})
        repeated = [
            f"claim {claim[0]} (CLP02 {claim[1]}, CLP07 {claim[2]}) is answered a second time "
            f"in the file (first in 835 ST02 {earlier[claim]}): nothing in the transaction is "
            "posted"
            for claim in dict.fromkeys(_claim_key(c) for c in remittance.claims)
            if claim in earlier
        ]
        for claim in remittance.claims:
            earlier.setdefault(_claim_key(claim), remittance.control_number)
        found.append((remittance, occurrence, repeated))
    return found


def remittance_id_of(key: tuple[str, str, str]) -> str:
    return "R" + hashlib.sha256("|".join(key).encode()).hexdigest()[:23]


def status_path(current: ClaimStatus, target: ClaimStatus) -> list[ClaimStatus] | None:
    """The shortest list of moves from ``current`` to ``target`` through the state machine."""
    if current == target:
        return []
    seen = {current}
    queue: deque[tuple[ClaimStatus, list[ClaimStatus]]] = deque([(current, [])])
    while queue:
        status, path = queue.popleft()
        for step in sorted(TRANSITIONS[status]):
            if step in seen or (step in _FINAL and step != target):
                continue
            if step == target:
                return [*path, step]
            seen.add(step)
            queue.append((step, [*path, step]))
    return None


@dataclass(slots=True)
class _Held:
    index: int
    payment: ClaimPayment
    reason: str


@dataclass(slots=True)
class _Ready:
    index: int
    payment: ClaimPayment
    claim: Claim
    posting: ClaimPosting
    reverses: tuple[int, ...] = ()  # the claim payment rows a reversal undoes


class _Poster:
    def __init__(
        self,
        options: PostingOptions,
        table: CategoryTable,
        policy: RoutingPolicy,
        now: datetime,
        by: str,
        sha: str,
        name: str,
    ) -> None:
        self.name = name  # of the file, for the people who work its problems
        self.options = options
        self.table = table
        self.policy = policy
        self.now = now
        self.by = by
        self.sha = sha
        self.known: dict[tuple[str, str], tuple[bool, int]] | None = None
        self.pending: list[Problem] = []  # work the remittance causes, opened together

    def post(
        self,
        uow: UnitOfWork,
        remittance: Remittance,
        *,
        occurrence: int = 1,
        blocking: Sequence[str] = (),
    ) -> RemittanceResult:
        self.known = None
        self.pending = []
        result = self._post(uow, remittance, occurrence, blocking)
        # Work about no claim (an unidentified remittance) is opened once while it is active.
        self.pending = [
            p
            for p in self.pending
            if p.claim_id is not None or not uow.work_items.active_without_claim(p.problem_key)
        ]
        if self.pending:
            made = open_many(
                uow,
                self.pending,
                now=self.now,
                policy=self.policy,
                history=uow.work_items.recovery_history(),
                known=self.known,
            )
            result.work_items += len(made)
        return result

    def _post(
        self, uow: UnitOfWork, remittance: Remittance, occurrence: int, file_errors: Sequence[str]
    ) -> RemittanceResult:
        payment = remittance.payment
        trace = remittance.trace.number if remittance.trace else ""
        amount = payment.amount if payment else Money.zero()
        result = RemittanceResult(trace, RemitOutcome.HELD, amount)
        key = remittance_key(remittance, occurrence)
        if key is None or payment is None:
            result.outcome = RemitOutcome.REFUSED
            reason = (
                f"835 ST02 {remittance.control_number}: no BPR, TRN or payee id; it cannot be "
                "identified, so nothing is posted"
            )
            result.reasons.append(reason)
            # Someone must find out whose payment this is (835 TRN02 is the check or EFT
            # number that ties it to the money in the bank).
            self._work(
                Problem(
                    kind=WorkKind.UNMATCHED_PAYMENT,
                    category="payment_matching",
                    problem_key=f"unidentified:{self.sha[:16]}:{remittance.control_number[:12]}",
                    amount_at_stake=abs(amount),
                    summary=f"{reason} (file SHA-256 {self.sha[:16]})",
                ),
            )
            return result
        claims_paid = total(c.paid for c in remittance.claims)
        stored = uow.remittances.remittance_by_key(*key)
        rid = remittance_id_of(key)
        if stored is not None:
            same = (
                stored.payment_amount == amount
                and stored.claims_paid == claims_paid
                and stored.claim_count == len(remittance.claims)
            )
            # A remittance held whole posted nothing: a corrected or complete copy replaces it.
            if not same and stored.status != HELD:
                result.outcome = RemitOutcome.REFUSED
                reason = (
                    f"TRN02 {trace} was posted before with payment {stored.payment_amount}; "
                    f"this one says {amount}: refused"
                )
                result.reasons.append(reason)
                self._work(
                    Problem(
                        kind=WorkKind.UNMATCHED_PAYMENT,
                        category="payment_matching",
                        problem_key=f"trace-conflict:{rid}",
                        amount_at_stake=abs(amount),
                        remittance_id=rid,
                        summary=f"{self.name}: {reason}",
                    ),
                )
                return result
            held_before = HELD in uow.remittances.payment_positions(rid).values()
            if stored.status != HELD and not held_before:
                result.outcome = RemitOutcome.DUPLICATE
                result.reasons.append(f"TRN02 {trace} is already posted; nothing posted again")
                return result
        first_time = stored is None
        uow.remittances.drop_held_payments(rid)
        done = set(uow.remittances.payment_positions(rid))
        # Paid in a closed month: posted on the first open day; the remittance row keeps the
        # real payment date (BPR16) for the pack and the deposit match.
        paid_on = (
            payment.effective_date or remittance.production_date or practice_date(uow, self.now)
        )
        effective = open_date(uow, paid_on)
        context = PostingContext(
            remittance_id=rid,
            trace_number=trace,
            effective=effective,
            recorded_at=self.now,
            recorded_by=self.by,
            underpayment_tolerance=self.options.underpayment_tolerance,
        )
        blocking = [*file_errors, *self._transaction_errors(remittance)]
        claim_errors = self._claim_errors(remittance)
        ready, held = self._prepare(uow, remittance, context, claim_errors, done)
        plb_entries, plb_unapplied = self._provider_adjustments(uow, remittance, context)
        values = {
            "remittance_id": rid,
            "payer_key": key[0],
            "payee_key": key[1],
            "trace_number": key[2],
            "file_sha256": self.sha,
            "control_number": remittance.control_number,
            "payment_amount": amount.amount,
            "claims_paid": claims_paid.amount,
            "claim_count": len(remittance.claims),
            "payment_date": payment.effective_date,
            "posted_at": self.now,
            "posted_by": self.by,
        }
        if blocking or (held and not self.options.claim_level):
            reasons = blocking + [h.reason for h in held]
            result.reasons.extend(reasons)
            result.claims_held = len(remittance.claims) - len(done)
            uow.remittances.save_remittance(
                values | {"status": HELD, "reason": "; ".join(reasons)[:4000]}
            )
            uow.remittances.add_payments([self._held_row(rid, h) for h in held])
            if first_time:
                self._hold_work(rid, amount, blocking, held)
            return result
        status = RemitOutcome.PARTIAL if held else RemitOutcome.POSTED
        uow.remittances.save_remittance(
            values | {"status": POSTED, "reason": "; ".join(h.reason for h in held)[:4000]}
        )
        entries = [e for r in ready for e in r.posting.entries]
        if not done:
            entries.extend(plb_entries)
            self.pending.extend(plb_unapplied)
        uow.ledger.append_many(entries)
        self._move_claims(uow, ready)
        ids = uow.remittances.add_payments(
            [self._posted_row(rid, r) for r in ready] + [self._held_row(rid, h) for h in held]
        )
        uow.remittances.mark_reversed(n for r in ready for n in r.reverses)
        for h in held:
            self._work(self._unmatched(rid, h))
        payers: dict[str, Payer | None] = {}
        billable = [
            r
            for r in ready
            if self.options.bill_secondary
            and not r.payment.is_reversal
            and r.posting.patient_share.is_positive()
        ]
        self.known = uow.work_items.on_claims([r.claim.claim_id for r in ready])
        secondary = uow.claims.with_secondary_coverage([r.claim.claim_id for r in billable])
        to_bill = {r.index for r in billable if r.claim.claim_id in secondary}
        billed: set[int] = set()
        owed = uow.ledger.balances_of_claims(
            [r.claim.claim_id for r in ready], BalanceQuery(accounts=INSURANCE_ONLY)
        )
        for r in ready:
            self._claim_work(uow, r, rid, paid_on, payers, owed)
            if r.index in to_bill:
                made = bill_secondary(
                    uow,
                    r.claim,
                    ids[r.index],
                    r.posting,
                    now=self.now,
                    by=self.by,
                    crossed_over=_crossed_over(r.payment),
                )
                if made is not None:
                    billed.add(r.index)
                    result.secondary_claims += 1
        for r in ready:
            if r.index in billed:
                continue
            moved = carry_to_secondary(
                uow,
                r.claim,
                entry_id=f"{rid}:{r.index}:secondary",
                now=self.now,
                by=self.by,
                source=f"835 TRN02={trace} CLP01={r.claim.claim_id}",
            )
            if moved is not None:
                self._credit_balance(uow, moved, rid, "the primary's new answer")
        result.work_items_closed = self._solve_settled(uow, ready, trace)
        result.work_items_closed += self._recouped(uow, plb_entries if not done else [], trace)
        # A balance moved to a patient who has unapplied credit is paid from it at once
        # (docs/patient-payments.md).
        apply_credits_in(
            uow,
            [r.claim.encounter.patient_account for r in ready if r.posting.patient_share],
            now=self.now,
            by=self.by,
            policy=self.policy,
        )
        for problem in patient_credit_problems(uow, [r.claim for r in ready], rid):
            self._work(problem)
        result.outcome = status
        result.claims_posted = len(ready)
        result.claims_held = len(held)
        result.reasons.extend(h.reason for h in held)
        return result

    # Checks

    def _transaction_errors(self, remittance: Remittance) -> list[str]:
        return [
            f"835 ST02 {remittance.control_number}, {f}"
            for f in remittance.findings
            if f.severity is Severity.ERROR and f.rule not in _CLAIM_RULES
        ]

    def _claim_errors(self, remittance: Remittance) -> dict[int, list[str]]:
        """Balancing findings of a claim or its lines, by the claim's index in the remittance."""
        positions = [c.position for c in remittance.claims]
        found: dict[int, list[str]] = {}
        for f in remittance.findings:
            if f.rule in _CLAIM_RULES and f.location.segment_position is not None:
                index = bisect.bisect_right(positions, f.location.segment_position) - 1
                found.setdefault(max(index, 0), []).append(str(f))
        return found

    # Matching and posting policy

    def _prepare(
        self,
        uow: UnitOfWork,
        remittance: Remittance,
        context: PostingContext,
        claim_errors: Mapping[int, list[str]],
        done: set[int],
    ) -> tuple[list[_Ready], list[_Held]]:
        payments = [(i, p) for i, p in enumerate(remittance.claims) if i not in done]
        claim_ids, claims = self._match(uow, [p for _i, p in payments])
        claims.update(
            uow.claims.get_many(sorted({c for c in claim_ids.values() if c} - set(claims)))
        )
        standing = uow.remittances.standing([c for c in claim_ids.values() if c])
        secondaries = uow.claims.secondaries_among([c for c in claim_ids.values() if c])
        originals = uow.ledger.get_many(
            [e for paid in standing.values() for p in paid for e in p.entry_ids]
        )
        rates: dict[str, list[ContractRate]] = {}
        ready: list[_Ready] = []
        held: list[_Held] = []
        for position, (index, payment) in enumerate(payments):
            where = f"835 TRN02 {context.trace_number}, claim payment {index + 1} (CLP01)"
            claim_id = claim_ids.get(position)
            if index in claim_errors:
                held.append(_Held(index, payment, f"{where}: {'; '.join(claim_errors[index])}"))
                continue
            claim = claims.get(claim_id or "")
            if claim is None:
                held.append(_Held(index, payment, f"{where}: matches none of our claims"))
                continue
            before = standing.pop(claim.claim_id, [])
            entries = [originals[e] for p in before for e in p.entry_ids if e in originals]
            facts = self._facts(uow, claim, rates, claim.claim_id in secondaries)
            try:
                if payment.is_reversal:
                    if not before:
                        raise PostingRefusedError(
                            f"claim {claim.claim_id}: CLP02 = 22 reverses a payment that was "
                            "never posted"
                        )
                    posting = post_reversal(payment, facts, context, entries, index=index)
                    reverses = tuple(p.payment_id for p in before)
                else:
                    posting = post_payment(
                        payment, facts, context, self.table, index=index, standing=entries
                    )
                    # A re-adjudication stands beside the earlier one; a reversal undoes both.
                    standing[claim.claim_id] = before
                    reverses = ()
            except PostingRefusedError as exc:
                held.append(_Held(index, payment, f"{where}: {exc}"))
                continue
            if status_path(claim.status, posting.target) is None:
                held.append(
                    _Held(index, payment, f"{where}: claim is {claim.status}, cannot be posted")
                )
                continue
            ready.append(_Ready(index, payment, claim, posting, reverses))
        return ready, held

    def _match(
        self, uow: UnitOfWork, payments: Sequence[ClaimPayment]
    ) -> tuple[dict[int, str | None], dict[str, Claim]]:
        """Our claim id per claim payment: CLP01, else the payer claim number (CLP07), else
        the patient's member id + date of service + total charge."""
        direct = uow.claims.get_many([p.patient_control_number for p in payments])
        by_number = uow.claims.by_payer_number(
            [
                p.payer_claim_control_number
                for p in payments
                if p.patient_control_number not in direct
            ]
        )
        found: dict[int, str | None] = {}
        for n, p in enumerate(payments):
            if p.patient_control_number in direct:
                found[n] = self._payer_in_turn(uow, p, direct[p.patient_control_number])
            elif p.payer_claim_control_number in by_number:
                found[n] = by_number[p.payer_claim_control_number]
            else:
                found[n] = self._by_patient(uow, p)
        return found, direct

    def _payer_in_turn(self, uow: UnitOfWork, p: ClaimPayment, claim: Claim) -> str:
        """A crossover payer's 835 names the primary claim (CLP01 is the patient control
        number we sent the primary) but processes it as secondary or tertiary (CLP02 = 2, 3):
        it pays the secondary claim made from the primary's answer."""
        later = p.status in (ClpStatus.SECONDARY, ClpStatus.TERTIARY)
        secondary = uow.claims.secondary_of(claim.claim_id) if later else None
        return secondary or claim.claim_id

    def _by_patient(self, uow: UnitOfWork, p: ClaimPayment) -> str | None:
        person = p.patient or p.insured
        day = p.statement_from or next(
            (line.service_date for line in p.service_lines if line.service_date), None
        )
        if person is None or not person.id or day is None:
            return None
        candidates = uow.claims.get_many(uow.claims.by_member_and_date(person.id, day))
        fits = [c for c in candidates.values() if c.total_charge == abs(p.charge)]
        return fits[0].claim_id if len(fits) == 1 else None

    def _facts(
        self,
        uow: UnitOfWork,
        claim: Claim,
        rates: dict[str, list[ContractRate]],
        later_payer: bool,
    ) -> ClaimFacts:
        """What posting needs of our claim; ``later_payer``: it bills a secondary payer, whose
        answer restates the prior payers."""
        if claim.payer_id not in rates:
            rates[claim.payer_id] = uow.contracts.for_payer(claim.payer_id)
        contract = rates[claim.payer_id]
        allowed: dict[int, Money] = {}
        for line in claim.lines:
            modifier = line.modifiers[0] if line.modifiers else ""
            rate = rate_on(contract, line.procedure_code, line.date_of_service, modifier)
            if rate is None and modifier:
                rate = rate_on(contract, line.procedure_code, line.date_of_service)
            if rate is not None:
                allowed[line.line_number] = Money.rounded(rate.allowed.amount * line.units)
        return ClaimFacts(
            claim_id=claim.claim_id,
            patient_account=claim.encounter.patient_account,
            payer_id=claim.payer_id,
            status=claim.status,
            date_of_service=claim.encounter.date_of_service,
            lines=tuple(
                LineFacts(
                    ln.line_number,
                    ln.procedure_code,
                    ln.modifiers,
                    ln.charge,
                    ln.units,
                    ln.date_of_service,
                )
                for ln in claim.lines
            ),
            contract_allowed=allowed,
            prior=prior_payers(uow, claim) if later_payer else None,
        )

    def _provider_adjustments(
        self, uow: UnitOfWork, remittance: Remittance, context: PostingContext
    ) -> tuple[list[Entry], list[Problem]]:
        """PLB items: a positive amount is money the payer keeps (recoupment, forwarding
        balance), a negative one money it adds (interest). An item whose reference (PLB03-2)
        names one of our claims posts on that claim; any other posts at the provider level,
        so BPR02 = sum of CLP04 - sum of PLB04 holds in the books as on the check."""
        entries: list[Entry] = []
        unapplied: list[Problem] = []
        items = [(plb, item) for plb in remittance.provider_adjustments for item in plb.items]
        if not items:
            return entries, unapplied
        # A reference may be a payer claim number (CLP07) of this very remittance.
        local = {c.payer_claim_control_number: c.patient_control_number for c in remittance.claims}
        references = [local.get(item.reference, item.reference) for _plb, item in items]
        claims = uow.claims.get_many(references)
        by_number = uow.claims.by_payer_number(references)
        missing = [by_number[r] for r in references if r not in claims and r in by_number]
        claims.update(uow.claims.get_many(missing))
        payer = self._remittance_payer(uow, remittance)
        for n, ((plb, item), reference) in enumerate(zip(items, references, strict=True), 1):
            claim_id = reference if reference in claims else by_number.get(reference)
            claim = claims.get(claim_id or "")
            if claim is not None:
                dims = Dims(claim.encounter.patient_account, claim.claim_id, None, claim.payer_id)
            else:
                dims = Dims(None, None, None, payer)
                if item.reason in _CLAIM_RECOVERIES:
                    unapplied.append(self._unapplied(context, plb.position, n, item))
            entries.append(self._plb_entry(dims, claim is None, item, n, context))
        return entries, unapplied

    def _remittance_payer(self, uow: UnitOfWork, remittance: Remittance) -> str | None:
        """Our payer id for money on no claim: the payer of the remittance's claims."""
        found = uow.claims.get_many([c.patient_control_number for c in remittance.claims[:1]])
        first = next(iter(found.values()), None)
        return first.payer_id if first is not None else None

    def _unapplied(
        self, context: PostingContext, position: int, n: int, item: ProviderAdjustmentItem
    ) -> Problem:
        return Problem(
            kind=WorkKind.UNMATCHED_PAYMENT,
            category="payment_matching",
            problem_key=f"plb:{context.remittance_id}:{n}",
            amount_at_stake=abs(item.amount),
            remittance_id=context.remittance_id,
            summary=(
                f"835 TRN02 {context.trace_number}, PLB segment {position}, item {n}: "
                f"{item.reason_code} "
                f"{item.amount} names none of our claims (reference {item.reference or 'none'}); "
                "posted at the provider level: apply it to the claim it recovers"
            ),
        )

    def _plb_entry(
        self,
        dims: Dims,
        provider_level: bool,
        item: ProviderAdjustmentItem,
        n: int,
        context: PostingContext,
    ) -> Entry:
        amount, code = item.amount, item.reason_code
        common: dict[str, Any] = {
            "entry_id": f"{context.remittance_id}:plb:{n}",
            "effective": context.effective,
            "recorded_at": context.recorded_at,
            "recorded_by": context.recorded_by,
            "source": f"835 TRN02={context.trace_number} PLB {code}",
            "memo": f"PLB {code}" + (" (provider level)" if provider_level else ""),
        }
        if item.reason is ProviderAdjustmentReason.INTEREST_OWED:
            # Interest is income on top of the claim, not a payment of its receivable: cash
            # up, and the other-adjustment account credited (a negative PLB amount adds money).
            return Entry(
                kind=EntryKind.OTHER_ADJUSTMENT,
                postings=(
                    Posting(Account.CASH, -amount, dims),
                    Posting(Account.OTHER_ADJUSTMENT, amount, dims),
                ),
                **common,
            )
        if provider_level:
            # Money the payer keeps (positive) or adds (negative) on no claim of ours.
            return Entry(
                kind=EntryKind.OTHER_ADJUSTMENT,
                postings=(
                    Posting(Account.PROVIDER_LEVEL, amount, dims),
                    Posting(Account.CASH, -amount, dims),
                ),
                **common,
            )
        if amount.is_positive():
            return standard_entry(kind=EntryKind.RECOUPMENT, amount=amount, dims=dims, **common)
        return standard_entry(kind=EntryKind.INSURANCE_PAYMENT, amount=-amount, dims=dims, **common)

    # Claims, records and work

    def _move_claims(self, uow: UnitOfWork, ready: Sequence[_Ready]) -> None:
        moved: dict[str, tuple[Claim, int]] = {}
        for r in ready:
            claim = r.claim
            if claim.claim_id not in moved:
                moved[claim.claim_id] = (claim, len(claim.history))
            for step in status_path(claim.status, r.posting.target) or []:
                claim.move_to(step, by=self.by, at=self.now, reason=r.posting.reason)
            if r.payment.payer_claim_control_number and not r.payment.is_reversal:
                claim.payer_claim_number = r.payment.payer_claim_control_number
        uow.claims.save_many(list(moved.values()))

    def _posted_row(self, rid: str, r: _Ready) -> dict[str, Any]:
        p = r.payment
        return _payment_row(rid, r.index, p, r.claim.claim_id) | {
            "status": POSTED,
            "patient_share": r.posting.patient_share.amount,
            "denied": r.posting.denied_total.amount,
            "shortfall": r.posting.shortfall_total.amount,
            "reason": r.posting.reason,
            "entry_ids": [e.entry_id for e in r.posting.entries],
        }

    def _held_row(self, rid: str, h: _Held) -> dict[str, Any]:
        return _payment_row(rid, h.index, h.payment, None) | {
            "status": HELD,
            "patient_share": Money.zero().amount,
            "denied": Money.zero().amount,
            "shortfall": Money.zero().amount,
            "reason": h.reason[:4000],
            "entry_ids": [],
        }

    def _work(self, problem: Problem) -> None:
        self.pending.append(problem)

    def _solve_settled(self, uow: UnitOfWork, ready: Sequence[_Ready], trace: str) -> int:
        """Close the work of claims this remittance settled: paid, or nothing owed any more;
        a problem the same answer raises again stays open."""
        active = {claim for (claim, _), (open_now, _) in (self.known or {}).items() if open_now}
        raised: dict[str, set[str]] = {}
        for problem in self.pending:
            if problem.claim_id is not None:
                raised.setdefault(problem.claim_id, set()).add(problem.problem_key)
        closed = 0
        claims = {r.claim.claim_id: r.claim for r in ready if r.claim.claim_id in active}
        for claim_id, claim in sorted(claims.items()):
            if claim.status is not ClaimStatus.PAID and insurance_balance(uow, claim_id):
                continue
            closed += len(
                solve_settled(
                    uow,
                    claim_id,
                    now=self.now,
                    reason=f"835 TRN02 {trace}: the claim is {claim.status}, nothing at stake",
                    still=raised.get(claim_id, ()),
                )
            )
        return closed

    def _credit_balance(
        self, uow: UnitOfWork, claim_id: str, rid: str, why: str, owed: Money | None = None
    ) -> None:
        """A payer paid more than the claim's balance: the money is not ours until a refund or
        a recoupment settles it, so the credit balance is worked, never left standing."""
        if owed is None:
            owed = insurance_balance(uow, claim_id)
        today = practice_date(uow, self.now)
        problem = insurance_credit_problem(uow, claim_id, owed, why, today)
        if problem is not None:
            self._work(replace(problem, remittance_id=rid))

    def _recouped(self, uow: UnitOfWork, plb: Sequence[Entry], trace: str) -> int:
        """A payer overpayment left to recoupment ends when the PLB (WO) takes it back: the
        claim's credit-balance item closes once the payers no longer owe it a credit."""
        closed = 0
        claims = {
            p.dims.claim_id
            for e in plb
            if e.kind is EntryKind.RECOUPMENT
            for p in e.postings
            if p.dims.claim_id
        }
        for claim_id in sorted(claims):
            if insurance_balance(uow, claim_id).is_negative():
                continue
            closed += len(
                solve_in(
                    uow,
                    claim_id,
                    now=self.now,
                    reason=f"835 TRN02 {trace}: PLB recouped the overpayment",
                    problem_key="credit_balance",
                )
            )
        return closed

    def _unmatched(self, rid: str, h: _Held) -> Problem:
        return Problem(
            kind=WorkKind.UNMATCHED_PAYMENT,
            category="payment_matching",
            problem_key=f"unmatched:{rid}:{h.index}",
            amount_at_stake=abs(h.payment.paid),
            remittance_id=rid,
            summary=h.reason,
        )

    def _hold_work(
        self,
        rid: str,
        amount: Money,
        blocking: Sequence[str],
        held: Sequence[_Held],
    ) -> None:
        if blocking:
            self._work(
                Problem(
                    kind=WorkKind.OUT_OF_BALANCE_REMITTANCE,
                    category="remittance_balance",
                    problem_key=f"remittance:{rid}",
                    amount_at_stake=abs(amount),
                    remittance_id=rid,
                    summary=f"{self.name}: {'; '.join(blocking)}"[:2000],
                ),
            )
        for h in held:
            self._work(self._unmatched(rid, h))

    def _claim_work(
        self,
        uow: UnitOfWork,
        r: _Ready,
        rid: str,
        paid_on: date,
        payers: dict[str, Payer | None],
        owed: Mapping[str, Money],
    ) -> None:
        claim, posting = r.claim, r.posting
        if claim.payer_id not in payers:
            payers[claim.payer_id] = uow.payers.get(claim.payer_id)
        payer = payers[claim.payer_id]
        appeal_by = paid_on + timedelta(days=payer.appeal_window_days) if payer else None
        filing_by = payer.timely_filing.last_day(claim.encounter.date_of_service) if payer else None
        by_code: dict[str, list[Any]] = {}
        for denied in posting.denials:
            by_code.setdefault(denied.classification.code, []).append(denied)
        for code, group in sorted(by_code.items()):
            found = group[0].classification
            at_stake = total(d.amount for d in group)
            corrected = found.action is not None and found.action.value == "corrected_claim"
            deadline = filing_by if corrected else appeal_by if found.appealable else None
            action = found.action.value if found.action else "review"
            self._work(
                Problem(
                    kind=WorkKind.DENIAL,
                    category=found.category.work_category,
                    problem_key=f"denial:{code}",
                    amount_at_stake=abs(at_stake),
                    claim_id=claim.claim_id,
                    patient_account=claim.encounter.patient_account,
                    remittance_id=rid,
                    payer_id=claim.payer_id,
                    deadline=deadline,
                    deadline_kind=(
                        "timely_filing" if corrected else "appeal_window" if deadline else ""
                    ),
                    appeal_rights=found.appealable,
                    summary=(
                        f"{found.category.label}: {code}{'/' + found.rarc if found.rarc else ''} "
                        f"{'held for review' if found.needs_review else 'denied'} {at_stake}; "
                        f"caused at {found.category.front_end_step}; recommended: {action}"
                    ),
                ),
            )
        self._credit_balance(
            uow, claim.claim_id, rid, posting.reason, owed.get(claim.claim_id, Money.zero())
        )
        if posting.shortfalls:
            self._work(
                Problem(
                    kind=WorkKind.UNDERPAYMENT,
                    category="underpayment",
                    problem_key="underpayment",
                    amount_at_stake=posting.shortfall_total,
                    claim_id=claim.claim_id,
                    patient_account=claim.encounter.patient_account,
                    remittance_id=rid,
                    payer_id=claim.payer_id,
                    deadline=appeal_by,
                    deadline_kind="appeal_window" if appeal_by else "",
                    appeal_rights=True,
                    summary=(
                        f"paid {posting.shortfall_total} below the contract on lines "
                        f"{', '.join(str(s.line_number) for s in posting.shortfalls)}; "
                        "recommended: appeal"
                    ),
                ),
            )


def _crossed_over(payment: ClaimPayment) -> bool:
    """NM1*TT or CLP02 = 19/20/21: the payer sent the claim on to the next payer itself."""
    status = payment.status
    return payment.is_crossed_over or (status is not None and status.is_forwarded)


def _payment_row(rid: str, index: int, p: ClaimPayment, claim_id: str | None) -> dict[str, Any]:
    return {
        "remittance_id": rid,
        "position_index": index,
        "patient_control_number": p.patient_control_number[:38],
        "claim_id": claim_id,
        "clp_status": p.status.value if p.status is not None else "",
        "charge": p.charge.amount,
        "paid": p.paid.amount,
        "payer_claim_number": p.payer_claim_control_number[:50],
        "crossed_over": p.is_crossed_over,
        "adjudication": adjudication_of(p),
    }


def adjudication_of(p: ClaimPayment) -> dict[str, Any]:
    """What the payer did, as JSON: the secondary claim's loops 2320/2430 are built from it,
    and the claim's page shows it line by line (charge, allowed, paid, adjustments and the
    remark codes: MOA/MIA for the claim, LQ*HE for a line)."""

    def cas(adjustments: Sequence[Any]) -> list[list[str]]:
        return [[a.group.value, a.reason, str(a.amount)] for a in adjustments]

    claim_remarks = [
        *(p.outpatient.remark_codes if p.outpatient is not None else ()),
        *(p.inpatient.remark_codes if p.inpatient is not None else ()),
    ]
    return {
        "paid": str(p.paid),
        "patient_responsibility": str(p.patient_responsibility or Money.zero()),
        "adjustments": cas(p.adjustments),
        "remarks": [code for code in claim_remarks if code],
        "lines": [
            {
                "control": line.control_number or "",
                "code": line.procedure.code,
                "modifiers": list(line.procedure.modifiers),
                "charge": str(line.charge),
                "allowed": "" if line.allowed is None else str(line.allowed),
                "paid": str(line.paid),
                "units": str(line.units) if line.units is not None else "",
                "adjustments": cas(line.adjustments),
                "remarks": [r.code for r in line.remarks if r.qualifier == "HE"],
            }
            for line in p.service_lines
        ],
    }
