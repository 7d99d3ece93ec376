"""Secondary claims: after the primary pays, bill the secondary payer with the primary's
adjudication (837 loops 2320/2430). When the primary crossed the claim over (NM1*TT, CLP02 =
19/20/21) the secondary claim is made all the same, already submitted by the primary payer, so
the secondary's 835 has a claim of ours to post against.

The patient's share the primary left moves from patient A/R to the secondary claim's insurance
A/R, line by line: until the secondary answers, the patient is not billed for it. When the
secondary's 835 comes, :func:`prior_payers` tells posting what the primary already settled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.coverage import Priority
from claimdesk.domain.encounters import ServiceLine
from claimdesk.domain.ledger import Account, BalanceQuery, Dimensions, Entry, EntryKind, Posting
from claimdesk.domain.money import Money
from claimdesk.domain.payers import CobMethod
from claimdesk.edi.x837.claim_input import (
    Adjustment,
    AdjustmentGroup,
    LineAdjudication,
    PrimaryAdjudication,
)
from claimdesk.edi.x837.segments import line_control_number
from claimdesk.posting.cob import PriorPayers, spread
from claimdesk.posting.policy import ClaimPosting
from claimdesk.services.practice import posting_date
from claimdesk.store.uow import UnitOfWork

SECONDARY_SUFFIX = "-S"


class SecondaryError(LookupError):
    """A secondary claim or its primary adjudication cannot be found."""


def bill_secondary(
    uow: UnitOfWork,
    primary: Claim,
    payment_id: int,
    posting: ClaimPosting,
    *,
    now: datetime,
    by: str,
    crossed_over: bool = False,
) -> str | None:
    """Create the secondary claim of ``primary`` if the patient has an active secondary
    coverage; returns its id, or ``None`` when there is nothing to bill. A crossed-over claim
    is made submitted: the primary payer sent it on, we must not send it again."""
    coverage = uow.coverages.get(primary.coverage_id) if primary.coverage_id else None
    if coverage is None or coverage.priority is not Priority.PRIMARY:
        return None
    if uow.claims.secondary_of(primary.claim_id) is not None:
        return None
    day = primary.encounter.date_of_service
    secondary = next(
        (
            c
            for c in sorted(
                uow.coverages.for_patient(coverage.patient_account), key=lambda c: c.coverage_id
            )
            if c.priority is Priority.SECONDARY and c.active_on(day)
        ),
        None,
    )
    if secondary is None:
        return None
    claim_id = f"{primary.claim_id}{SECONDARY_SUFFIX}"
    claim = Claim(
        claim_id=claim_id,
        encounter=primary.encounter,
        coverage_id=secondary.coverage_id,
        payer_id=secondary.payer_id,
        created_at=now,
        created_by=by,
        status=ClaimStatus.READY,
    )
    if crossed_over:
        claim.move_to(
            ClaimStatus.SUBMITTED,
            by=by,
            at=now,
            reason=f"crossed over by {primary.payer_id} to {secondary.payer_id} (NM1*TT)",
        )
    uow.claims.add(claim)
    uow.claims.add_secondary(
        {
            "claim_id": claim_id,
            "primary_claim_id": primary.claim_id,
            "claim_payment_id": payment_id,
            "created_at": now,
        }
    )
    share: dict[int | None, Money] = defaultdict(Money.zero)
    for entry in posting.entries:
        if entry.kind is EntryKind.TRANSFER_TO_PATIENT:
            debit = next(p for p in entry.postings if p.amount.is_positive())
            share[debit.dims.line_number] = share[debit.dims.line_number] + debit.amount
    patient = primary.encounter.patient_account
    postings: list[Posting] = []
    for line, amount in sorted(share.items(), key=lambda item: item[0] or 0):
        postings.append(
            Posting(
                Account.PATIENT_AR,
                -amount,
                Dimensions(patient, primary.claim_id, line, primary.payer_id),
            )
        )
        postings.append(
            Posting(
                Account.INSURANCE_AR,
                amount,
                Dimensions(patient, claim_id, line, secondary.payer_id),
            )
        )
    if any(p.amount for p in postings):
        uow.ledger.append(
            Entry(
                entry_id=f"secondary:{claim_id}",
                # The transfer to the patient, run backwards onto the secondary payer's A/R.
                kind=EntryKind.TRANSFER_TO_PATIENT,
                effective=posting_date(uow, now),
                recorded_at=now,
                recorded_by=by,
                postings=tuple(postings),
                source=f"secondary claim {claim_id}",
                memo=f"patient share of {primary.claim_id} billed to the secondary payer",
            )
        )
    return claim_id


def carry_to_secondary(
    uow: UnitOfWork, primary: Claim, *, entry_id: str, now: datetime, by: str, source: str
) -> str | None:
    """After the primary answers again (a reversal, a correction, an overturned denial) on a
    claim already billed to the secondary, the change in the patient's share follows the share
    onto the secondary claim, line by line: the patient is billed only after the secondary.
    Returns the secondary claim's id when something moved."""
    secondary_id = uow.claims.secondary_of(primary.claim_id)
    secondary = uow.claims.get(secondary_id) if secondary_id else None
    if secondary is None:
        return None
    patient = frozenset({Account.PATIENT_AR})
    by_line = uow.ledger.balances_by_line(primary.claim_id, patient)
    whole = uow.ledger.balance(BalanceQuery(accounts=patient, claim_id=primary.claim_id))
    moved: dict[int | None, Money] = {n: amount for n, amount in by_line.items() if amount}
    if whole - sum(by_line.values(), Money.zero()):
        moved[None] = whole - sum(by_line.values(), Money.zero())  # the claim-level share
    if not moved:
        return None
    account = primary.encounter.patient_account
    postings: list[Posting] = []
    for line, amount in sorted(moved.items(), key=lambda item: item[0] or 0):
        postings.append(
            Posting(
                Account.PATIENT_AR,
                -amount,
                Dimensions(account, primary.claim_id, line, primary.payer_id),
            )
        )
        postings.append(
            Posting(
                Account.INSURANCE_AR,
                amount,
                Dimensions(account, secondary.claim_id, line, secondary.payer_id),
            )
        )
    uow.ledger.append(
        Entry(
            entry_id=entry_id,
            kind=EntryKind.TRANSFER_TO_PATIENT,
            effective=posting_date(uow, now),
            recorded_at=now,
            recorded_by=by,
            postings=tuple(postings),
            source=source,
            memo=(
                f"the primary's new answer on {primary.claim_id} changes what "
                f"{secondary.claim_id} carries"
            ),
        )
    )
    return secondary.claim_id


def prior_payers(uow: UnitOfWork, claim: Claim) -> PriorPayers | None:
    """What the payers before ``claim``'s payer settled on each line, or ``None`` for a claim
    billed to a first payer: the amounts its 835 restates and posting must not repeat."""
    link = uow.claims.secondary_link(claim.claim_id)
    if link is None:
        return None
    opening = uow.ledger.get(f"secondary:{claim.claim_id}")
    lines = list(claim.lines)
    charges = [ln.charge for ln in lines]
    left: dict[int, Money] = {ln.line_number: Money.zero() for ln in lines}
    for posting in opening.postings if opening is not None else ():
        if posting.account is not Account.INSURANCE_AR or posting.dims.claim_id != claim.claim_id:
            continue
        number = posting.dims.line_number
        if number in left:
            left[number] = left[number] + posting.amount
        else:  # a claim-level share (the primary's 835 had no lines): spread by charge
            for ln, part in zip(lines, spread(posting.amount, charges), strict=True):
                left[ln.line_number] = left[ln.line_number] + part
    payment = uow.remittances.payment(link["claim_payment_id"])
    by_line = _prior_paid(claim, payment["adjudication"] if payment is not None else None)
    payer = uow.payers.get(claim.payer_id)
    method = payer.coordination if payer is not None else CobMethod.STANDARD
    settled = {ln.line_number: ln.charge - left[ln.line_number] for ln in lines}
    return PriorPayers(
        method=method,
        paid=by_line,
        settled=settled,
        # What the primary allowed is what it paid plus what it left open (the patient's share).
        allowed={n: by_line[n] + left[n] for n in by_line},
    )


def _prior_paid(claim: Claim, adjudication: dict[str, Any] | None) -> dict[int, Money]:
    """The primary's payment per line: its 2110 SVC03 by line control number (REF*6R) or
    position, else its CLP04 spread over the lines by charge."""
    paid = {ln.line_number: Money.zero() for ln in claim.lines}
    if adjudication is None:
        return paid
    if not adjudication["lines"]:
        spread_paid = spread(Money(adjudication["paid"]), [ln.charge for ln in claim.lines])
        return {ln.line_number: p for ln, p in zip(claim.lines, spread_paid, strict=True)}
    primary = claim.claim_id.removesuffix(SECONDARY_SUFFIX)
    for ours, line in answered_lines(primary, claim.lines, adjudication["lines"]):
        paid[ours.line_number] = paid[ours.line_number] + Money(line["paid"])
    return paid


def answered_lines(
    claim_id: str, lines: Sequence[ServiceLine], answered: list[dict[str, Any]]
) -> Iterator[tuple[ServiceLine, dict[str, Any]]]:
    """Each stored 2110 answer with our line: by line control number (REF*6R), else by
    position; an answer that fits no line is left out."""
    numbers = {line_control_number(claim_id, ln.line_number): ln for ln in lines}
    for position, line in enumerate(answered):
        ours = numbers.get(line["control"]) or (lines[position] if position < len(lines) else None)
        if ours is not None:
            yield ours, line


def primary_adjudication(uow: UnitOfWork, secondary_claim_id: str) -> PrimaryAdjudication:
    """The primary payer's result on the claim, for the secondary 837's loops 2320/2430."""
    link = uow.claims.secondary_link(secondary_claim_id)
    if link is None:
        raise SecondaryError(f"claim {secondary_claim_id}: not a secondary claim")
    primary = uow.claims.get(link["primary_claim_id"])
    payment = uow.remittances.payment(link["claim_payment_id"])
    if primary is None or payment is None or primary.coverage_id is None:
        raise SecondaryError(f"claim {secondary_claim_id}: the primary payment is missing")
    payer = uow.payers.get(primary.payer_id)
    coverage = uow.coverages.get(primary.coverage_id)
    if payer is None or coverage is None:
        raise SecondaryError(f"claim {secondary_claim_id}: the primary payer is missing")
    data = payment["adjudication"]
    lines = [
        LineAdjudication(
            line_number=ours.line_number,
            paid=Money(line["paid"]),
            adjustments=_adjustments(line["adjustments"]),
            paid_units=Decimal(line["units"]) if line["units"] else None,
        )
        for ours, line in answered_lines(primary.claim_id, primary.lines, data["lines"])
    ]
    adjudicated: date = link["created_at"].date()
    return PrimaryAdjudication(
        payer=payer,
        coverage=coverage,
        paid=Money(data["paid"]),
        adjudicated_on=adjudicated,
        claim_adjustments=_adjustments(data["adjustments"]),
        lines=tuple(lines),
        patient_responsibility=Money(data["patient_responsibility"]),
        payer_claim_number=payment["payer_claim_number"],
    )


def _adjustments(rows: list[list[str]]) -> tuple[Adjustment, ...]:
    return tuple(
        Adjustment(AdjustmentGroup(g), reason, Money(amount)) for g, reason, amount in rows
    )
