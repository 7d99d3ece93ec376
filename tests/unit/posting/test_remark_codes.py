"""Posting classifies each adjustment with the remarks the payer sent where it sent them: a
line's LQ*HE and the claim's MOA (outpatient) or MIA (inpatient). CARC 96 says only "not
covered"; the remark says why, and so which category and whether it may be appealed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import AdjustmentGroup
from claimdesk.edi.x12.codes import ClaimStatus as Clp
from claimdesk.edi.x12.composites import Adjustment, Procedure
from claimdesk.edi.x835.model import (
    ClaimPayment,
    InpatientAdjudication,
    OutpatientAdjudication,
    Remark,
    ServicePayment,
)
from claimdesk.posting.facts import ClaimFacts, LineFacts, PostingContext
from claimdesk.posting.policy import post_payment

DAY = date(2024, 2, 10)
CO = AdjustmentGroup.CONTRACTUAL_OBLIGATION
CLAIM = ClaimFacts(
    claim_id="C1",
    patient_account="P1",
    payer_id="ACME",
    status=ClaimStatus.SUBMITTED,
    date_of_service=DAY,
    lines=(LineFacts(1, "99213", (), Money("150.00"), Decimal(1), DAY),),
    contract_allowed={},
)
CONTEXT = PostingContext("R1", "T1", date(2024, 3, 15), datetime(2024, 3, 1, tzinfo=UTC), "poster")


def _line(*remarks: str, denied: bool = True) -> ServicePayment:
    return ServicePayment(
        position=0,
        procedure=Procedure("HC", "99213"),
        charge=Money("150.00"),
        paid=Money.zero() if denied else Money("150.00"),
        revenue_code="",
        units=None,
        original_procedure=None,
        original_units=None,
        adjustments=(Adjustment(CO, "96", Money("150.00")),) if denied else (),
        remarks=tuple(Remark("HE", r) for r in remarks),
        references=(),
    )


def _claim(
    line: ServicePayment,
    *,
    outpatient: tuple[str, ...] = (),
    inpatient: tuple[str, ...] = (),
    claim_level: bool = False,
) -> ClaimPayment:
    return ClaimPayment(
        patient_control_number="C1",
        status=Clp.DENIED,
        charge=Money("150.00"),
        paid=Money.zero(),
        patient_responsibility=None,
        filing_indicator=None,
        payer_claim_control_number="PCN1",
        adjustments=(Adjustment(CO, "96", Money("150.00")),) if claim_level else (),
        outpatient=OutpatientAdjudication(None, None, outpatient) if outpatient else None,
        inpatient=InpatientAdjudication(None, None, inpatient) if inpatient else None,
        service_lines=(line,),
    )


CASES = [
    # LQ*HE*N425 on the line: statutorily excluded, no appeal can make it covered.
    pytest.param(
        _claim(_line("N425")), "N425", "non_covered", False, id="line LQ*HE N425 statutory"
    ),
    # LQ*HE*N115 on the line: an LCD decided it: medical necessity, appealable.
    pytest.param(
        _claim(_line("N115")), "N115", "medical_necessity", True, id="line LQ*HE N115 LCD"
    ),
    # MOA03 on the claim reaches the line's CO-96 too (the line itself sent no remark).
    pytest.param(
        _claim(_line(), outpatient=("N20",)), "N20", "bundling", True, id="claim MOA N20 to line"
    ),
    # MIA05 on an inpatient claim, with the adjustment at claim level (a paid line).
    pytest.param(
        _claim(_line(denied=False), inpatient=("N386",), claim_level=True),
        "N386",
        "medical_necessity",
        True,
        id="claim MIA N386 claim-level CAS",
    ),
    # MOA with a claim-level CO-96: N130, a benefit limit the plan documents.
    pytest.param(
        _claim(_line(denied=False), outpatient=("N130",), claim_level=True),
        "N130",
        "non_covered",
        False,
        id="claim MOA N130 claim-level CAS",
    ),
    # No remark at all: CO-96 is still non-covered (the payer broke the "remark required" note).
    pytest.param(_claim(_line()), "", "non_covered", True, id="CO-96 without a remark"),
]


@pytest.mark.parametrize(("payment", "rarc", "category", "appealable"), CASES)
def test_posting_classifies_with_the_remarks_the_payer_sent(
    payment: ClaimPayment, rarc: str, category: str, appealable: bool
) -> None:
    posting = post_payment(payment, CLAIM, CONTEXT, shipped_table(), index=1)
    (denied,) = posting.denials
    assert denied.amount == Money("150.00")
    assert denied.classification.rarc == rarc
    assert denied.classification.category.name == category
    assert denied.classification.appealable is appealable
