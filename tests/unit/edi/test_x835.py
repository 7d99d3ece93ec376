from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import (
    AdjustmentGroup,
    ClaimFilingIndicator,
    ClaimStatus,
    ElementSyntaxError,
    HandlingCode,
    PaymentMethod,
    ProviderAdjustmentReason,
    SegmentSyntaxError,
)
from claimdesk.edi.x12.composites import Adjustment, Procedure
from claimdesk.edi.x12.errors import Severity
from claimdesk.edi.x835.read import read_835

from .samples import BALANCED_835_SEGMENTS, balanced_835, interchange, transaction


def _read(segments: list[str]) -> tuple[object, ...]:
    result = read_835(interchange(transaction(segments)))
    return result.findings


def _replace(old: str, new: str) -> list[str]:
    assert old in BALANCED_835_SEGMENTS
    return [new if s == old else s for s in BALANCED_835_SEGMENTS]


def test_balanced_835_reads_without_findings() -> None:
    result = read_835(balanced_835())
    assert result.findings == ()
    (remittance,) = result.remittances
    assert not remittance.has_errors


def test_header_payment_trace_payer_and_payee() -> None:
    (r,) = read_835(balanced_835()).remittances
    assert r.payment is not None
    assert r.payment.handling is HandlingCode.REMITTANCE_ONLY
    assert r.payment.amount == Money("122.50")
    assert r.payment.method is PaymentMethod.ACH
    assert r.payment.effective_date == date(2024, 1, 16)
    assert r.trace is not None
    assert (r.trace.number, r.trace.originator) == ("EFT0001234", "1512345678")
    assert r.production_date == date(2024, 1, 15)
    assert r.payer is not None
    assert r.payee is not None
    assert r.payer.name == "ACME HEALTH PLAN"
    assert r.payer.reference("2U") == "ACME01"
    assert r.payee.npi == "1234567893"
    assert r.payee.tax_id == "371234567"
    assert (r.payee.city, r.payee.state) == ("SPRINGFIELD", "IL")


def test_claim_fields() -> None:
    (r,) = read_835(balanced_835()).remittances
    claim = r.claims[0]
    assert claim.patient_control_number == "PCN-A"
    assert claim.status is ClaimStatus.PRIMARY
    assert (claim.charge, claim.paid) == (Money("200"), Money("130"))
    assert claim.patient_responsibility == Money("30")
    assert claim.filing_indicator is ClaimFilingIndicator.PPO
    assert claim.payer_claim_control_number == "PAYERCLAIM-A"
    assert (claim.facility_code, claim.frequency) == ("11", "1")
    assert claim.patient is not None
    assert claim.patient.last_or_organization == "DOE"
    assert claim.insured is not None
    assert claim.insured.id == "W123456700"
    assert claim.rendering_provider is not None
    assert claim.rendering_provider.id == "1987654320"
    assert claim.outpatient is not None
    assert claim.outpatient.remark_codes == ("MA01",)
    assert (claim.statement_from, claim.received_date) == (date(2024, 1, 2), date(2024, 1, 5))
    assert not claim.is_crossed_over
    assert claim.adjustment_total == Money("70")


def test_service_lines() -> None:
    (r,) = read_835(balanced_835()).remittances
    first, second = r.claims[0].service_lines
    assert first.procedure == Procedure("HC", "99213", ("25",))
    assert (first.charge, first.paid, first.units) == (Money("120"), Money("80"), Decimal("1"))
    assert first.service_date == date(2024, 1, 2)
    assert first.control_number == "LINE-1"
    assert first.allowed == Money("100")
    assert [(rk.qualifier, rk.code) for rk in first.remarks] == [("HE", "N130")]
    assert first.adjustments == (
        Adjustment(AdjustmentGroup.CONTRACTUAL_OBLIGATION, "45", Money("20")),
        Adjustment(AdjustmentGroup.PATIENT_RESPONSIBILITY, "2", Money("20")),
    )
    assert second.original_procedure == Procedure("HC", "80050")
    # Two triplets in one CAS; the second carries a zero amount.
    assert [a.reason for a in second.adjustments] == ["45", "253", "2"]


def test_reversal_and_crossover() -> None:
    (r,) = read_835(balanced_835()).remittances
    reversal, crossed = r.claims[1], r.claims[2]
    assert reversal.is_reversal
    assert reversal.paid == Money("-100")
    assert crossed.status is ClaimStatus.PRIMARY_FORWARDED
    assert crossed.is_crossed_over
    assert crossed.crossover_carrier is not None
    assert crossed.crossover_carrier.last_or_organization == "MEDIGAP INSURANCE CO"
    assert crossed.inpatient is not None
    assert crossed.inpatient.remark_codes == ("M1",)


def test_provider_adjustments() -> None:
    (r,) = read_835(balanced_835()).remittances
    (plb,) = r.provider_adjustments
    assert plb.provider_id == "1234567893"
    assert plb.fiscal_period_date == date(2024, 12, 31)
    overpayment, interest = plb.items
    assert (overpayment.reason, overpayment.reference, overpayment.amount) == (
        ProviderAdjustmentReason.OVERPAYMENT_RECOVERY,
        "ORIGCLAIM99",
        Money("10"),
    )
    assert interest.reason is ProviderAdjustmentReason.INTEREST_OWED
    assert r.provider_adjustment_total == Money("7.50")


def test_line_imbalance_is_reported_on_the_svc() -> None:
    findings = read_835(
        interchange(transaction(_replace("SVC*HC:99213:25*120*80**1", "SVC*HC:99213:25*120*81**1")))
    ).findings
    rules = [f.rule for f in findings]
    assert "835.balance.line" in rules
    line = next(f for f in findings if f.rule == "835.balance.line")
    assert line.location.segment_id == "SVC"
    assert line.location.loop_id == "2110"
    assert line.location.element_position == 3
    assert line.location.segment_position == 28
    assert "81.00" in line.message


def test_claim_imbalance_is_reported_on_the_clp() -> None:
    segments = _replace("CAS*CO*45*50", "CAS*CO*45*49")
    segments = [s.replace("BPR*I*122.5", "BPR*I*122.5") for s in segments]
    findings = read_835(interchange(transaction(segments))).findings
    (finding,) = findings
    assert finding.rule == "835.balance.claim"
    assert (finding.location.segment_id, finding.location.element_position) == ("CLP", 4)
    assert finding.location.loop_id == "2100"
    assert finding.severity is Severity.ERROR


def test_transaction_imbalance_is_reported_on_the_bpr() -> None:
    segments = [s.replace("BPR*I*122.5*", "BPR*I*122.51*") for s in BALANCED_835_SEGMENTS]
    (finding,) = read_835(interchange(transaction(segments))).findings
    assert finding.rule == "835.balance.transaction"
    assert (finding.location.segment_id, finding.location.element_position) == ("BPR", 2)


def test_plb_sign_reduces_the_payment() -> None:
    # Without the PLB the claims pay 130.00; a 7.50 positive PLB total leaves 122.50.
    segments = [s for s in BALANCED_835_SEGMENTS if not s.startswith("PLB")]
    (finding,) = read_835(interchange(transaction(segments))).findings
    assert "130.00 - provider adjustments 0.00" in finding.message


@pytest.mark.parametrize(
    ("old", "new", "code", "element"),
    [
        ("DTM*232*20240102", "DTM*232*20241302", ElementSyntaxError.INVALID_DATE, 2),
        ("AMT*AU*160", "AMT*AU*1.6E2", ElementSyntaxError.INVALID_CHARACTER, 2),
        (
            "CLP*PCN-C*19*150*100**MB*PAYERCLAIM-C*11*1",
            "CLP*PCN-C*99*150*100**MB*X*11*1",
            ElementSyntaxError.INVALID_CODE_VALUE,
            2,
        ),
        ("CAS*CO*45*50", "CAS*XX*45*50", ElementSyntaxError.INVALID_CODE_VALUE, 1),
    ],
)
def test_bad_elements_are_findings(
    old: str, new: str, code: ElementSyntaxError, element: int
) -> None:
    findings = read_835(interchange(transaction(_replace(old, new)))).findings
    assert findings, "a bad element must be reported"
    first = findings[0]
    assert first.code is code
    assert first.location.element_position == element
    assert first.location.segment_id == new.split("*")[0]


def test_unreadable_amount_skips_balancing_instead_of_guessing() -> None:
    segments = _replace("SVC*HC:99213:25*120*80**1", "SVC*HC:99213:25*12O*80**1")
    findings = read_835(interchange(transaction(segments))).findings
    assert [f.rule for f in findings] == ["element.number"]


def test_unknown_and_misplaced_segments() -> None:
    segments = [*BALANCED_835_SEGMENTS[:14], "ZZZ*1", *BALANCED_835_SEGMENTS[14:]]
    segments.insert(2, "SVC*HC:1*1*1")
    findings = read_835(interchange(transaction(segments))).findings
    codes = {f.location.segment_id: f.code for f in findings}
    assert codes == {
        "ZZZ": SegmentSyntaxError.NOT_IN_TRANSACTION_SET,
        "SVC": SegmentSyntaxError.UNEXPECTED_SEGMENT,
    }


def test_missing_required_header_segments() -> None:
    segments = [s for s in BALANCED_835_SEGMENTS if not s.startswith(("BPR", "TRN"))]
    findings = read_835(interchange(transaction(segments))).findings
    assert {f.rule for f in findings} == {"835.bpr_missing", "835.trn_missing"}


def test_multiple_transactions_and_interchanges() -> None:
    one = interchange(
        transaction(BALANCED_835_SEGMENTS, "0001"), transaction(BALANCED_835_SEGMENTS, "0002")
    )
    two = interchange(transaction(BALANCED_835_SEGMENTS, "0003"), control="000000102")
    result = read_835(one + "\r\n" + two)
    assert result.findings == ()
    assert [(r.control_number, r.interchange_index) for r in result.remittances] == [
        ("0001", 1),
        ("0002", 1),
        ("0003", 2),
    ]
