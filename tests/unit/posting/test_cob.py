"""Coordination of benefits, hand-computed: a later payer's 835 restates the prior payers, and
only what it did beyond them moves money (posting/cob.py).

Every case bills one office visit, 99213 charged $150.00, to the secondary payer after the
primary's 835. Unless a case says otherwise the primary allowed $100.00, paid $80.00, adjusted
CO-45 $50.00 and left PR-2 $20.00 (coinsurance) to the patient: it settled $130.00 and left
$20.00 open, which the secondary claim carries on insurance A/R when its 835 comes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import (
    Account,
    BalanceQuery,
    Dimensions,
    Entry,
    EntryKind,
    Journal,
    Posting,
)
from claimdesk.domain.money import Money, total
from claimdesk.domain.payers import CobMethod
from claimdesk.edi.x12.codes import AdjustmentGroup
from claimdesk.edi.x12.codes import ClaimStatus as Clp
from claimdesk.edi.x12.composites import Adjustment, Procedure
from claimdesk.edi.x835.model import ClaimPayment, ServicePayment
from claimdesk.posting.cob import PriorPayers
from claimdesk.posting.facts import ClaimFacts, LineFacts, PostingContext
from claimdesk.posting.policy import post_payment

M = Money
CO, PR, OA = (
    AdjustmentGroup.CONTRACTUAL_OBLIGATION,
    AdjustmentGroup.PATIENT_RESPONSIBILITY,
    AdjustmentGroup.OTHER_ADJUSTMENT,
)
DAY = date(2024, 2, 10)
CHARGE = M("150.00")
INSURANCE = frozenset({Account.INSURANCE_AR})
PATIENT = frozenset({Account.PATIENT_AR})


@dataclass(frozen=True)
class Case:
    why: str
    paid: str
    adjustments: tuple[tuple[AdjustmentGroup, str, str], ...]
    insurance_after: str  # the secondary claim's insurance A/R after posting
    patient_added: str = "0.00"  # moved to the patient's balance
    posted_adjustments: str = "0.00"  # contractual + other adjustments posted
    denied: str = "0.00"  # left on insurance A/R as denied
    shortfall: str = "0.00"
    status: ClaimStatus = ClaimStatus.PAID
    method: CobMethod = CobMethod.STANDARD
    secondary_allowed: str = "100.00"
    prior_paid: str = "80.00"
    prior_settled: str = "130.00"
    prior_allowed: str = "100.00"
    clp_status: Clp = Clp.SECONDARY
    extra: dict[str, str] = field(default_factory=dict)


CASES = [
    Case(
        "Secondary pays the rest: $20 paid, OA-23 restates the primary's $80 paid + $50 CO-45.",
        "20.00",
        ((OA, "23", "130.00"),),
        insurance_after="0.00",
    ),
    Case(
        "Secondary applies its own $5 deductible: paid $15, PR-1 $5 to the patient. Standard COB "
        "expects min(open 20, allowed 100 - prior paid 80) - 5 = $15.",
        "15.00",
        ((OA, "23", "130.00"), (PR, "1", "5.00")),
        insurance_after="0.00",
        patient_added="5.00",
    ),
    Case(
        "Secondary restates the primary's contractual as CO-45 $50 and its payment as OA-23 $80: "
        "both are the prior payer's, nothing is posted beyond the $20 payment.",
        "20.00",
        ((OA, "23", "80.00"), (CO, "45", "50.00")),
        insurance_after="0.00",
    ),
    Case(
        "Secondary's own allowed is $90: it owes at most 90 - 80 = $10 and adjusts CO-45 $10 "
        "beyond what the primary settled; the $10 contractual is posted.",
        "10.00",
        ((OA, "23", "130.00"), (CO, "45", "10.00")),
        insurance_after="0.00",
        posted_adjustments="10.00",
        secondary_allowed="90.00",
    ),
    Case(
        "Secondary underpays: its allowed $100 leaves it $20 to pay, it paid $10 and wrote $10 "
        "off; the $10 shortfall is raised.",
        "10.00",
        ((OA, "23", "130.00"), (CO, "45", "10.00")),
        insurance_after="0.00",
        posted_adjustments="10.00",
        shortfall="10.00",
        status=ClaimStatus.PARTIALLY_PAID,
    ),
    Case(
        "Secondary denies the whole line (CO-27, coverage ended) for its full $150 charge: only "
        "the $20 the primary left is at stake and stays on insurance A/R.",
        "0.00",
        ((CO, "27", "150.00"),),
        insurance_after="20.00",
        denied="20.00",
        status=ClaimStatus.DENIED,
        clp_status=Clp.DENIED,
    ),
    Case(
        "Secondary overpays: $25 paid against $20 open (OA-23 $125): the claim shows a $5 credit "
        "balance, which the service turns into a credit-balance item.",
        "25.00",
        ((OA, "23", "125.00"),),
        insurance_after="-5.00",
    ),
    Case(
        "Non-duplication: the secondary's normal benefit (allowed $90 less its $20 coinsurance) "
        "is $70, below the $80 the primary paid, so it pays nothing; the patient keeps $20.",
        "0.00",
        ((OA, "23", "130.00"), (PR, "2", "20.00")),
        insurance_after="0.00",
        patient_added="20.00",
        method=CobMethod.NON_DUPLICATION,
        secondary_allowed="90.00",
    ),
    Case(
        "Carve-out: the secondary applies its $4 coinsurance to what the primary left of its "
        "$100 allowed: (100 - 80) - 4 = $16 paid, PR-2 $4.",
        "16.00",
        ((OA, "23", "130.00"), (PR, "2", "4.00")),
        insurance_after="0.00",
        patient_added="4.00",
        method=CobMethod.CARVE_OUT,
    ),
    Case(
        "Medicare secondary (42 CFR 411.33): primary allowed $100 and paid $50, leaving $50; "
        "Medicare allows $80: min(normal benefit 80, 100 - 50, 100 - 50) = $50, all of the open "
        "amount.",
        "50.00",
        ((OA, "23", "100.00"),),
        insurance_after="0.00",
        method=CobMethod.MEDICARE_SECONDARY,
        secondary_allowed="80.00",
        prior_paid="50.00",
        prior_settled="100.00",
    ),
    Case(
        "Medicare secondary with a lower allowed ($40): it pays min(40, 100 - 50, 100 - 50) = $40 "
        "and the provider writes off the other $10 it is obliged to accept (CO-45).",
        "40.00",
        ((OA, "23", "100.00"), (CO, "45", "10.00")),
        insurance_after="0.00",
        posted_adjustments="10.00",
        method=CobMethod.MEDICARE_SECONDARY,
        secondary_allowed="40.00",
        prior_paid="50.00",
        prior_settled="100.00",
    ),
    Case(
        "Primary denied, secondary billed as primary: nothing was settled before, so the "
        "secondary's CO-45 $50 and PR-2 $20 post as a primary's would.",
        "80.00",
        ((CO, "45", "50.00"), (PR, "2", "20.00")),
        insurance_after="0.00",
        patient_added="20.00",
        posted_adjustments="50.00",
        prior_paid="0.00",
        prior_settled="0.00",
        clp_status=Clp.PRIMARY,
    ),
]


def _secondary_claim(case: Case) -> ClaimFacts:
    return ClaimFacts(
        claim_id="C1-S",
        patient_account="P1",
        payer_id="SECOND",
        status=ClaimStatus.SUBMITTED,
        date_of_service=DAY,
        lines=(LineFacts(1, "99213", (), CHARGE, Decimal(1), DAY),),
        contract_allowed={1: M(case.secondary_allowed)},
        prior=PriorPayers(
            method=case.method,
            paid={1: M(case.prior_paid)},
            settled={1: M(case.prior_settled)},
            allowed={1: M(case.prior_allowed)},
        ),
    )


def _opening(case: Case) -> Entry:
    """The primary's patient share moved onto the secondary claim's insurance A/R."""
    open_amount = CHARGE - M(case.prior_settled)
    return Entry(
        entry_id="secondary:C1-S",
        kind=EntryKind.TRANSFER_TO_PATIENT,
        effective=DAY,
        recorded_at=datetime(2024, 3, 1, tzinfo=UTC),
        recorded_by="poster",
        postings=(
            Posting(Account.PATIENT_AR, -open_amount, Dimensions("P1", "C1", 1, "FIRST")),
            Posting(Account.INSURANCE_AR, open_amount, Dimensions("P1", "C1-S", 1, "SECOND")),
        ),
    )


def _payment(case: Case) -> ClaimPayment:
    adjustments = tuple(Adjustment(g, r, M(a)) for g, r, a in case.adjustments)
    line = ServicePayment(
        position=0,
        procedure=Procedure("HC", "99213"),
        charge=CHARGE,
        paid=M(case.paid),
        revenue_code="",
        units=None,
        original_procedure=None,
        original_units=None,
        adjustments=adjustments,
        remarks=(),
        references=(),
    )
    assert M(case.paid) + total(a.amount for a in adjustments) == CHARGE, "835 must balance"
    return ClaimPayment(
        position=1,
        patient_control_number="C1-S",
        status=case.clp_status,
        charge=CHARGE,
        paid=M(case.paid),
        patient_responsibility=None,
        filing_indicator=None,
        payer_claim_control_number="PCN2",
        facility_code="11",
        frequency="1",
        service_lines=(line,),
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.why[:60])
def test_a_later_payer_posts_only_what_it_did_beyond_the_prior_payers(case: Case) -> None:
    context = PostingContext("R2", "T2", date(2024, 4, 1), datetime(2024, 4, 2, tzinfo=UTC), "p")
    posting = post_payment(
        _payment(case), _secondary_claim(case), context, shipped_table(), index=0
    )
    journal = Journal([_opening(case), *posting.entries])
    insurance = journal.balance(BalanceQuery(accounts=INSURANCE, claim_id="C1-S"))
    patient_before = -(CHARGE - M(case.prior_settled))
    patient = journal.balance(BalanceQuery(accounts=PATIENT)) - patient_before
    adjusted = total(
        e.amount
        for e in posting.entries
        if e.kind in (EntryKind.CONTRACTUAL_ADJUSTMENT, EntryKind.OTHER_ADJUSTMENT)
    )
    assert insurance == M(case.insurance_after)
    assert patient == M(case.patient_added)
    assert adjusted == M(case.posted_adjustments)
    assert posting.denied_total == M(case.denied)
    assert posting.shortfall_total == M(case.shortfall)
    assert posting.target is case.status
    assert journal.balance(BalanceQuery(accounts=frozenset({Account.CASH}))) == M(case.paid)
