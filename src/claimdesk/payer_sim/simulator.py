"""The payer simulator: 837 files in; 999, 277CA and (after the lag) 835 files out; 270 in, 271
out; 276 in, claim status answers out.

:class:`PayerSimulator` holds a :class:`~claimdesk.payer_sim.world.PayerWorld` (the payers'
truth and policy) and a :class:`~claimdesk.payer_sim.state.SimState` (what they remember). It
reads and writes X12 only through claimdesk's own engine (``claimdesk.edi``), reads no clock and
touches no file: dates come from the caller, text goes in and out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from claimdesk.domain.claims import FrequencyCode
from claimdesk.domain.money import Money
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x270.read import read_270
from claimdesk.edi.x271.write import EligibilityAnswer, write_271
from claimdesk.edi.x276.read import read_276, status_question
from claimdesk.edi.x277.write import ACCEPTED_FOR_PROCESSING, ClaimDecision, write_277ca
from claimdesk.edi.x835.model import ClaimPayment, Remittance
from claimdesk.edi.x835.write import reversal_of, write_835
from claimdesk.edi.x837.model import Claim837
from claimdesk.edi.x837.read import read_837
from claimdesk.edi.x999.write import acknowledge, write_999
from claimdesk.payer_sim.adjudicate import (
    Adjudication,
    adjudicate,
    duplicate_key,
    first_service_day,
    payer_id_of,
)
from claimdesk.payer_sim.clearinghouse import batch, decision, rejections
from claimdesk.payer_sim.eligibility import EligibilityDesk, Unanswered
from claimdesk.payer_sim.remit import (
    correction_of,
    due_remittances,
    interest,
    payee_of,
    schedule_recoupment,
)
from claimdesk.payer_sim.state import ClaimRecord, ClaimState, ScheduledRemittance, SimState
from claimdesk.payer_sim.status import ClaimStatusAnswer, claim_status
from claimdesk.payer_sim.world import PayerWorld

_ACCEPTED = (ACCEPTED_FOR_PROCESSING,)
# Files answer at noon of the simulated day: a fixed time keeps the bytes the same on every run.
_ANSWER_TIME = time(12, 0)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the clearinghouse and payers answered to one 837 file."""

    functional_acks: tuple[str, ...]  # one 999 per interchange
    claim_acks: tuple[str, ...]  # one 277CA per interchange with an accepted transaction set
    accepted: tuple[str, ...]  # claim ids that entered adjudication
    rejected: tuple[str, ...]  # claim ids the 277CA rejected
    syntax_rejected: tuple[str, ...]  # claim ids in transaction sets the 999 rejected
    adjudications: tuple[Adjudication, ...]  # of the accepted claims, in adjudication order


@dataclass(frozen=True, slots=True)
class RemittanceFile:
    """One 835 interchange from one payer to one receiver."""

    payer_id: str
    receiver_id: str
    text: str
    remittances: tuple[Remittance, ...]


@dataclass(frozen=True, slots=True)
class EligibilityReply:
    """The 271 (None when no inquiry could be answered) and the inquiries left unanswered."""

    text: str | None
    answers: tuple[EligibilityAnswer, ...]
    unanswered: tuple[Unanswered, ...]


class PayerSimulator:
    def __init__(self, world: PayerWorld, state: SimState | None = None) -> None:
        self.world = world
        self.state = state or SimState()

    def envelope(self, sender: str, receiver: str, day: date) -> Envelope:
        number = self.state.next_control_number()
        return Envelope(
            sender_id=sender[:15],
            receiver_id=receiver[:15],
            interchange_control_number=number,
            group_control_number=number,
            created=datetime.combine(day, _ANSWER_TIME),
        )

    # -- claims ------------------------------------------------------------------------------

    def receive_837(self, text: str, received: date) -> Receipt:
        """Acknowledge an 837 file (999, then 277CA) and adjudicate what was accepted."""
        house = self.world.policy.clearinghouse_id
        read = read_837(text)
        accepted_sets: set[tuple[int, str]] = set()
        functional: list[str] = []
        for interchange in read.envelopes.interchanges:
            groups = acknowledge(interchange, read.findings)
            if not groups:
                continue
            sender = interchange.header.sender_id
            functional.append(write_999(groups, self.envelope(house, sender, received)))
            accepted_sets.update(
                (interchange.index, ts.control_number)
                for group in groups
                for ts in group.transaction_sets
                if ts.status is not None and ts.status.is_accepted
            )
        syntax_rejected: list[str] = []
        rejected: list[str] = []
        to_adjudicate: list[tuple[Claim837, str, int]] = []
        claim_acks: list[str] = []
        for interchange in read.envelopes.interchanges:
            batches = []
            for header in read.headers:
                if header.interchange_index != interchange.index:
                    continue
                claims = [c for c in read.claims if c.header is header]
                if (interchange.index, header.control_number) not in accepted_sets:
                    syntax_rejected.extend(c.claim_id for c in claims)
                    continue
                decisions: list[ClaimDecision] = []
                for claim in claims:
                    statuses = rejections(claim, self.world)
                    number = ""
                    if statuses:
                        rejected.append(claim.claim_id)
                    else:
                        number, submission = self._claim_number(claim)
                        to_adjudicate.append((claim, number, submission))
                    decisions.append(decision(claim, statuses or _ACCEPTED, number))
                if decisions:
                    batches.append(batch(header, decisions, self.world, received))
            if batches:
                envelope = self.envelope(house, interchange.header.sender_id, received)
                claim_acks.append(write_277ca(batches, envelope))
        adjudications: list[Adjudication] = []
        for claim, number, submission in sorted(
            to_adjudicate, key=lambda c: (first_service_day(c[0]) or received, c[0].claim_id)
        ):
            done = self._adjudicate(claim, number, submission, received)
            if done is not None:
                adjudications.append(done)
        return Receipt(
            functional_acks=tuple(functional),
            claim_acks=tuple(claim_acks),
            accepted=tuple(c.claim_id for c, _, _ in to_adjudicate),
            rejected=tuple(rejected),
            syntax_rejected=tuple(syntax_rejected),
            adjudications=tuple(adjudications),
        )

    def _claim_number(self, claim: Claim837) -> tuple[str, int]:
        """The payer's claim number (CLP07, REF*1K) and how often this claim id came in."""
        key = (payer_id_of(claim), claim.claim_id)
        count = self.state.submissions.get(key, 0) + 1
        self.state.submissions[key] = count
        return f"{key[0][:10]}{count}-{claim.claim_id}"[:50], count

    def _adjudicate(
        self, claim: Claim837, number: str, submission: int, received: date
    ) -> Adjudication | None:
        state = self.state
        payer_id = payer_id_of(claim)
        policy = self.world.policy.for_payer(payer_id)
        frequency = claim.frequency or FrequencyCode.ORIGINAL
        key = duplicate_key(claim)
        pay_on = received + timedelta(days=policy.remit_lag_days)
        submitter = claim.header.submitter.name.id if claim.header.submitter else ""
        reversed_first: tuple[ClaimPayment, ...] = ()
        if frequency is not FrequencyCode.ORIGINAL:
            reversal = self._take_back(claim.original_payer_claim_number)
            reversed_first = (reversal,) if reversal is not None else ()
            if frequency is FrequencyCode.VOID:
                if reversal is not None:
                    state.scheduled.append(
                        ScheduledRemittance(
                            payer_id, submitter, payee_of(claim), pay_on, reversed_first
                        )
                    )
                return None
        result = adjudicate(
            claim,
            self.world,
            state,
            received=received,
            submission=submission,
            duplicate=frequency is FrequencyCode.ORIGINAL and key in state.seen,
        )
        if result.draws.pend < policy.pend_rate:
            pay_on += timedelta(days=policy.pend_days)
        payment = replace(result.payment, payer_claim_control_number=number)
        owed = interest(payment.paid, received, pay_on, policy)
        item = ScheduledRemittance(
            payer_id=payer_id,
            submitter_id=submitter,
            payee=payee_of(claim),
            pay_on=pay_on,
            payments=(*reversed_first, payment),
            interest=owed,
            reference=number if owed else "",
        )
        state.scheduled.append(item)
        state.seen.setdefault(key, number)
        state.claims[number] = ClaimRecord(
            payer_id=payer_id,
            claim_id=claim.claim_id,
            payer_claim_number=number,
            member_id=claim.subscriber.member_id,
            received=received,
            pay_on=pay_on,
            payment=payment,
            accumulator_key=result.accumulator_key,
            deductible_applied=result.deductible_applied,
            patient_applied=result.patient_applied,
            prior_open=result.prior_open,
        )
        if payment.paid.is_positive() and result.draws.recoupment < policy.recoupment_rate:
            schedule_recoupment(state, item, payment, policy)
            corrected = correction_of(payment, policy)
            state.claims[corrected.payer_claim_control_number] = ClaimRecord(
                payer_id=payer_id,
                claim_id=claim.claim_id,
                payer_claim_number=corrected.payer_claim_control_number,
                member_id=claim.subscriber.member_id,
                received=received,
                pay_on=pay_on + timedelta(days=policy.recoupment_after_days),
                payment=corrected,
                accumulator_key=None,
                deductible_applied=Money.zero(),
                patient_applied=Money.zero(),
            )
        return replace(result, payment=payment)

    def _take_back(self, number: str) -> ClaimPayment | None:
        """Undo the claim a replacement or void refers to (REF*F8): cancel its payment while it
        is still scheduled, else return its reversal (CLP02 22) to be paid with the answer. A
        number the payer does not know changes nothing (a replacement is then a new claim)."""
        state = self.state
        original = state.claims.get(number)
        if original is None or original.state is ClaimState.REVERSED:
            return None
        if original.accumulator_key is not None:
            accumulator = state.accumulator(original.accumulator_key)
            accumulator.deductible_met = max(
                accumulator.deductible_met - original.deductible_applied, Money.zero()
            )
            accumulator.out_of_pocket_met = max(
                accumulator.out_of_pocket_met - original.patient_applied, Money.zero()
            )
        for key, seen in list(state.seen.items()):
            if seen == number:
                del state.seen[key]
        original.state = ClaimState.REVERSED
        reversal = reversal_of(original.payment)
        # A recoupment still to come is moot once the claim is taken back.
        state.scheduled = [s for s in state.scheduled if reversal not in s.payments]
        pending = [s for s in state.scheduled if original.payment in s.payments]
        if pending:
            state.scheduled = [s for s in state.scheduled if s not in pending]
            return None
        return reversal

    # -- eligibility and claim status ----------------------------------------------------------

    def answer_270(self, text: str, today: date) -> EligibilityReply:
        """A 271 answering every 270 inquiry of ``text`` that can be answered."""
        read = read_270(text)
        desk = EligibilityDesk(self.world, self.state)
        answers: list[EligibilityAnswer] = []
        unanswered: list[Unanswered] = []
        for inquiry in read.inquiries:
            result = desk.answer(inquiry, today)
            if isinstance(result, Unanswered):
                unanswered.append(result)
            else:
                answers.append(result)
        written = None
        if answers:
            receiver = read.envelopes.interchanges[0].header.sender_id
            envelope = self.envelope(self.world.policy.clearinghouse_id, receiver, today)
            written = write_271(answers, envelope)
        return EligibilityReply(written, tuple(answers), tuple(unanswered))

    def claim_status(self, text: str) -> tuple[ClaimStatusAnswer, ...]:
        """The status of every claim a 276 asks about (see ``claimdesk.payer_sim.status``)."""
        read = read_276(text)
        return tuple(claim_status(status_question(i), self.state) for i in read.inquiries)

    # -- payments ----------------------------------------------------------------------------

    def remittances(self, today: date) -> tuple[RemittanceFile, ...]:
        """Every payment due by ``today``, as one 835 file per payer and receiver."""
        files: list[RemittanceFile] = []
        for (payer_id, receiver), remits in due_remittances(self.world, self.state, today).items():
            text = write_835(remits, self.envelope(payer_id, receiver, today))
            files.append(RemittanceFile(payer_id, receiver, text, tuple(remits)))
        return tuple(files)
