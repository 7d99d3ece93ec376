"""The posting policy: one 835 claim payment and our claim in, ledger entries and a claim move out.

Money follows the adjustment group (domain primer, adjustment groups): the payment (CLP04 /
SVC03) credits insurance A/R; PR moves to the patient's balance; CO that is contractual is a
contractual adjustment; OA, PI and CR that are not denials are other adjustments. A *denied*
amount (any non-PR adjustment whose category is a denial) is not adjusted off: it stays on
insurance A/R as the amount at stake until an appeal recovers it or a write-off closes it.
A reversal (CLP02 = 22) undoes the entries of the payment it reverses, exactly, so a reversal
followed by its correction nets to the correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from claimdesk.denials.table import CategoryTable, Classification
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import (
    Account,
    Dimensions,
    Entry,
    EntryKind,
    reversal_of,
    standard_entry,
)
from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.codes import ClaimStatus as ClpStatus
from claimdesk.edi.x12.composites import Adjustment
from claimdesk.edi.x835.model import ClaimPayment, ServicePayment
from claimdesk.edi.x837.segments import line_control_number
from claimdesk.posting.cob import PRIOR_PAYER_CARC, expected_secondary_payment
from claimdesk.posting.facts import ClaimFacts, LineFacts, PostingContext

CONTRACTUAL_GROUP = "CO"
PATIENT_GROUP = "PR"


class PostingRefusedError(ValueError):
    """A claim payment that cannot be posted as read; the reason becomes Tier 2 work."""


@dataclass(frozen=True, slots=True)
class DeniedAmount:
    classification: Classification
    amount: Money
    line_number: int | None


@dataclass(frozen=True, slots=True)
class Shortfall:
    line_number: int
    expected: Money  # what the contract says this payer owed (allowed less the patient share)
    paid: Money

    @property
    def amount(self) -> Money:
        return self.expected - self.paid


@dataclass(frozen=True, slots=True)
class ClaimPosting:
    entries: tuple[Entry, ...]
    target: ClaimStatus
    reason: str
    denials: tuple[DeniedAmount, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    patient_share: Money = field(default_factory=Money.zero)

    @property
    def denied_total(self) -> Money:
        """Dollars denied: held amounts whose code is a denial. A code the table does not
        know is held for review too, but is not counted as denied until someone says so."""
        return total(d.amount for d in self.denials if d.classification.counts_as_denial)

    @property
    def shortfall_total(self) -> Money:
        return total(s.amount for s in self.shortfalls)


def match_lines(
    payment: ClaimPayment, claim: ClaimFacts
) -> list[tuple[ServicePayment, LineFacts | None]]:
    """Each 2110 service payment with our line: by REF*6R, else the next unused line of the
    same procedure code (and date, when the 835 gives one); ``None`` when nothing fits."""
    by_control = {line_control_number(claim.claim_id, ln.line_number): ln for ln in claim.lines}
    used: set[int] = set()
    matched: list[tuple[ServicePayment, LineFacts | None]] = []
    for service in payment.service_lines:
        line = by_control.get(service.control_number or "")
        if line is None or line.line_number in used:
            day = service.service_date
            line = next(
                (
                    ln
                    for ln in claim.lines
                    if ln.line_number not in used
                    and ln.procedure_code == service.procedure.code
                    and (day is None or ln.date_of_service == day)
                ),
                None,
            )
        if line is not None:
            used.add(line.line_number)
        matched.append((service, line))
    return matched


class _Entries:
    def __init__(self, claim: ClaimFacts, context: PostingContext, index: int) -> None:
        self.claim = claim
        self.context = context
        self.prefix = f"{context.remittance_id}:{index}"
        self.entries: list[Entry] = []
        self.source = f"835 TRN02={context.trace_number} CLP01={claim.claim_id}"

    def add(self, kind: EntryKind, amount: Money, line: int | None, memo: str) -> None:
        if not amount:
            return
        c = self.claim
        self.entries.append(
            standard_entry(
                entry_id=f"{self.prefix}:{len(self.entries) + 1}",
                kind=kind,
                amount=amount,
                dims=Dimensions(c.patient_account, c.claim_id, line, c.payer_id),
                effective=self.context.effective,
                recorded_at=self.context.recorded_at,
                recorded_by=self.context.recorded_by,
                source=self.source,
                memo=memo,
            )
        )


def _remarks(payment: ClaimPayment, service: ServicePayment | None) -> tuple[str, ...]:
    codes: list[str] = []
    if service is not None:
        codes.extend(r.code for r in service.remarks if r.qualifier == "HE")
    if payment.outpatient is not None:
        codes.extend(payment.outpatient.remark_codes)
    if payment.inpatient is not None:
        codes.extend(payment.inpatient.remark_codes)
    return tuple(codes)


class _Restated:
    """The prior payers' settled amounts a later payer's adjustments may restate (COB)."""

    def __init__(self, claim: ClaimFacts) -> None:
        prior = claim.prior
        self.left: dict[int, Money] = {
            ln.line_number: prior.settled.get(ln.line_number, Money.zero())
            for ln in claim.lines
            if prior is not None
        }
        self.absorbed = Money.zero()

    def take(self, line: int | None, amount: Money) -> Money:
        """The part of ``amount`` that restates the prior payers on ``line`` (a claim-level
        adjustment draws on what the lines left); what is taken is never posted again."""
        keys = [line] if line is not None else sorted(self.left)
        taken = Money.zero()
        for key in keys:
            room = self.left.get(key, Money.zero())
            part = min(room, amount - taken)
            if part.is_positive():
                self.left[key] = room - part
                taken = taken + part
        self.absorbed = self.absorbed + taken
        return taken


def _restating_first(adjustments: Sequence[Adjustment]) -> list[Adjustment]:
    # CARC 23 says in so many words that it restates the prior payers; reconcile it first.
    return sorted(adjustments, key=lambda a: a.reason != PRIOR_PAYER_CARC)


def post_payment(
    payment: ClaimPayment,
    claim: ClaimFacts,
    context: PostingContext,
    table: CategoryTable,
    *,
    index: int,
    standing: Sequence[Entry] = (),
) -> ClaimPosting:
    """Entries and claim move for a payment (not a reversal) of ``claim``.

    ``standing`` are the entries of this payer's earlier answers on the claim that no reversal
    undid: a re-adjudication (e.g. after an appeal) sent without a reversal restates the whole
    claim, so of its adjustments and patient share only the difference from what stands is
    posted. Its payment is posted whole: it is cash the payer sent (BPR02), and what it pays
    twice shows as a credit balance to refund, never as money that did not come.

    On a claim billed to a later payer (``claim.prior``), the adjustments that restate what the
    prior payers paid and adjusted are reconciled against it and not posted (posting/cob.py);
    only what this payer did beyond them moves money."""
    if payment.is_reversal:
        raise ValueError("a reversal is posted with post_reversal()")
    out = _Entries(claim, context, index)
    restated = _Restated(claim)
    denials: list[DeniedAmount] = []
    shortfalls: list[Shortfall] = []
    patient_share: list[Money] = []

    def adjust(
        adjustments: Sequence[Adjustment], line: int | None, remarks: tuple[str, ...]
    ) -> tuple[Money, bool]:
        """Post the adjustments; returns the line's patient share and whether any is denied."""
        share, denied = Money.zero(), False
        for a in _restating_first(adjustments):
            group = a.group.value
            found = table.classify(group, a.reason, remarks)
            memo = f"{found.code} {found.category.name}"
            if group == PATIENT_GROUP:
                out.add(EntryKind.TRANSFER_TO_PATIENT, a.amount, line, memo)
                share = share + a.amount
                continue
            amount = a.amount - restated.take(line, a.amount)
            if not amount:
                continue
            if found.is_denial:
                denials.append(DeniedAmount(found, amount, line))
                denied = True
            elif group == CONTRACTUAL_GROUP:
                out.add(EntryKind.CONTRACTUAL_ADJUSTMENT, amount, line, memo)
            else:
                out.add(EntryKind.OTHER_ADJUSTMENT, amount, line, memo)
        patient_share.append(share)
        return share, denied

    claim_remarks = _remarks(payment, None)
    if payment.service_lines:
        for service, line in match_lines(payment, claim):
            number = None if line is None else line.line_number
            out.add(EntryKind.INSURANCE_PAYMENT, service.paid, number, "SVC03 paid")
            share, denied = adjust(service.adjustments, number, _remarks(payment, service))
            if line is not None and not denied:
                shortfall = _shortfall(claim, line, share, service.paid)
                if shortfall is not None and shortfall.amount.is_positive():
                    shortfalls.append(shortfall)
    else:
        out.add(EntryKind.INSURANCE_PAYMENT, payment.paid, None, "CLP04 paid")
    adjust(payment.adjustments, None, claim_remarks)
    short = total(s.amount for s in shortfalls)
    underpaid = short > context.underpayment_tolerance
    if payment.status is ClpStatus.DENIED or (not payment.paid and denials):
        target, reason = ClaimStatus.DENIED, "835 denied"
    elif denials or underpaid:
        target = ClaimStatus.PARTIALLY_PAID
        reason = "835 paid in part" + ("; underpaid against the contract" if underpaid else "")
    else:
        target, reason = ClaimStatus.PAID, "835 paid"
    if restated.absorbed:
        reason += f"; {restated.absorbed} restates the prior payers (COB), not posted again"
    entries = tuple(out.entries)
    if standing:
        answered: set[int | None] = {
            ln.line_number for _s, ln in match_lines(payment, claim) if ln is not None
        }
        if payment.adjustments:
            answered.add(None)
        entries = _beyond(entries, standing, out, answered if payment.service_lines else None)
        reason += "; re-adjudication: adjustments net of the earlier answer"
    return ClaimPosting(
        entries=entries,
        target=target,
        reason=f"{reason} (TRN02 {context.trace_number})",
        denials=tuple(denials),
        shortfalls=tuple(shortfalls) if underpaid else (),
        patient_share=total(patient_share),
    )


_NETTED = (
    EntryKind.CONTRACTUAL_ADJUSTMENT,
    EntryKind.OTHER_ADJUSTMENT,
    EntryKind.TRANSFER_TO_PATIENT,
)


def _on_insurance(entries: Sequence[Entry]) -> dict[tuple[EntryKind, int | None], Money]:
    """What each kind of entry took off insurance A/R, per line."""
    sums: dict[tuple[EntryKind, int | None], Money] = {}
    for e in entries:
        if e.kind not in _NETTED:
            continue
        for p in e.postings:
            if p.account is Account.INSURANCE_AR:
                key = (e.kind, p.dims.line_number)
                sums[key] = sums.get(key, Money.zero()) - p.amount
    return sums


def _beyond(
    new: tuple[Entry, ...],
    standing: Sequence[Entry],
    out: _Entries,
    answered: set[int | None] | None,
) -> tuple[Entry, ...]:
    """Entries for the difference between a new answer and what already stands, on the lines
    the new answer speaks of (``None``: the whole claim); a line it leaves out stays as it is."""
    now, before = _on_insurance(new), _on_insurance(standing)
    if answered is not None:
        before = {k: v for k, v in before.items() if k[1] in answered}
    paid = [e for e in new if e.kind not in _NETTED]
    out.entries, out.prefix = [], f"{out.prefix}:net"  # ids of their own beside the payments'
    for kind, line in sorted(set(now) | set(before), key=lambda k: (k[1] or 0, k[0].value)):
        old = before.get((kind, line), Money.zero())
        fresh = now.get((kind, line), Money.zero())
        out.add(kind, fresh - old, line, f"re-adjudication: {old} before, {fresh} now")
    return (*paid, *out.entries)


def _shortfall(claim: ClaimFacts, line: LineFacts, share: Money, paid: Money) -> Shortfall | None:
    """The contract's expectation for the line: allowed less the patient's share from a first
    payer; from a later one, what its coordination method leaves it to pay (posting/cob.py)."""
    allowed = claim.contract_allowed.get(line.line_number)
    if allowed is None:
        return None
    if claim.prior is None:
        return Shortfall(line.line_number, allowed - share, paid)
    expected = expected_secondary_payment(
        claim.prior,
        line=line.line_number,
        charge=line.charge,
        allowed=allowed,
        patient_share=share,
    )
    return Shortfall(line.line_number, expected, paid)


def post_reversal(
    payment: ClaimPayment,
    claim: ClaimFacts,
    context: PostingContext,
    reversed_entries: Sequence[Entry],
    *,
    index: int,
) -> ClaimPosting:
    """Undo the entries of the answers this CLP02 = 22 reverses (none for a denial, which
    moved no money); the claim reopens."""
    if not payment.is_reversal:
        raise ValueError("only a CLP02 = 22 claim payment is a reversal")
    paid_before = total(
        -p.amount
        for e in reversed_entries
        if e.kind is EntryKind.INSURANCE_PAYMENT
        for p in e.postings
        if p.amount.is_negative()
    )
    if paid_before != -payment.paid:
        raise PostingRefusedError(
            f"claim {claim.claim_id}: CLP04 {payment.paid} does not reverse the {paid_before} "
            "posted for it"
        )
    entries = tuple(
        reversal_of(
            original,
            entry_id=f"{context.remittance_id}:{index}:{n}",
            effective=context.effective,
            recorded_at=context.recorded_at,
            recorded_by=context.recorded_by,
            memo=f"CLP02 = 22 (TRN02 {context.trace_number}) reverses {original.entry_id}",
        )
        for n, original in enumerate(reversed_entries, start=1)
    )
    return ClaimPosting(
        entries=entries,
        target=ClaimStatus.ACCEPTED,
        reason=f"835 reversal (TRN02 {context.trace_number})",
    )
