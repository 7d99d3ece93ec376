"""835 writer: pyx12 accepts what it writes, our reader reads back the same claims, and nothing
unbalanced is ever written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import (
    AdjustmentGroup,
    ClaimFilingIndicator,
    ClaimStatus,
    PaymentMethod,
)
from claimdesk.edi.x12.composites import Adjustment, EntityName, Procedure, Reference
from claimdesk.edi.x12.errors import has_errors
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x835.model import (
    ClaimPayment,
    InpatientAdjudication,
    OutpatientAdjudication,
    Party,
    ProviderAdjustmentItem,
    Remark,
)
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x835.write import (
    BankAccount,
    ClaimPaymentInput,
    ProviderAdjustmentInput,
    RemittanceInput,
    ServiceLineInput,
    check_balance,
    reversal_of,
    write_835,
)

from .pyx12_oracle import pyx12_errors
from .x12_checks import segments

ENVELOPE = Envelope("ACMEPAYER", "RIVERBEND", 4242, 42, datetime(2024, 6, 3, 8, 15))
M = Money
CO, PR, OA = (
    AdjustmentGroup.CONTRACTUAL_OBLIGATION,
    AdjustmentGroup.PATIENT_RESPONSIBILITY,
    AdjustmentGroup.OTHER_ADJUSTMENT,
)
PAYER = Party(
    "PR",
    "ACME HEALTH PLAN",
    address_lines=("1 PAYER WAY", "SUITE 9"),
    city="SPRINGFIELD",
    state="IL",
    postal_code="62701",
    references=(Reference("2U", "ACME01"),),
)
PAYEE = Party(
    "PE",
    "RIVERBEND FAMILY PRACTICE",
    "XX",
    "1234567893",
    address_lines=("100 MAIN STREET",),
    city="SPRINGFIELD",
    state="IL",
    postal_code="627011234",
    references=(Reference("TJ", "371234567"),),
)
PATIENT = EntityName("QC", "1", "GARCIA", "ANA", "M", id_qualifier="MI", id="XYZ123456789")


def office_visit(pcn: str = "C-1001") -> ClaimPaymentInput:
    """150 charged: line 1 pays 80 (CO-45 20, PR-2 20), line 2 pays 30 (CO-45 20)."""
    return ClaimPaymentInput(
        patient_control_number=pcn,
        status=ClaimStatus.PRIMARY,
        charge=M("150"),
        paid=M("110"),
        filing_indicator=ClaimFilingIndicator.PPO,
        payer_claim_control_number=f"PAY-{pcn}",
        patient=PATIENT,
        patient_responsibility=M("20"),
        facility_code="11",
        frequency="1",
        insured=EntityName("IL", "1", "GARCIA", "LUIS", id_qualifier="MI", id="XYZ123456700"),
        rendering_provider=EntityName(
            "82", "1", "SMITH", "ANNA", id_qualifier="XX", id="1987654320"
        ),
        outpatient=OutpatientAdjudication(None, None, ("MA01", "N130")),
        references=(Reference("1L", "GRP7788"),),
        statement_from=date(2024, 4, 22),
        statement_to=date(2024, 4, 22),
        received=date(2024, 5, 2),
        lines=(
            ServiceLineInput(
                Procedure("HC", "99213", ("25",)),
                M("100"),
                M("60"),
                units=Decimal(1),
                service_date=date(2024, 4, 22),
                adjustments=(Adjustment(CO, "45", M("20")), Adjustment(PR, "2", M("20"))),
                control_number="C-1001-1",
                allowed=M("80"),
                remarks=(Remark("HE", "N130"),),
            ),
            ServiceLineInput(
                Procedure("HC", "36415"),
                M("50"),
                M("50"),
                units=Decimal(1),
                service_date=date(2024, 4, 22),
                control_number="C-1001-2",
                allowed=M("50"),
            ),
        ),
    )


def remittance(*claims: ClaimPaymentInput, **changes: object) -> RemittanceInput:
    base = RemittanceInput(
        payer=PAYER,
        payee=PAYEE,
        payer_tax_id="12-3456789",
        technical_contact_phone="(800) 555-1212",
        trace_number="EFT20240603001",
        method=PaymentMethod.ACH,
        payment_date=date(2024, 6, 4),
        claims=claims,
        payer_account=BankAccount("011000015", "11112222"),
        payee_account=BankAccount("021000021", "33334444"),
        technical_contact_name="EDI HELP DESK",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _grouped(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    """The order the writer emits: by CAS group in order of first appearance."""
    order = list(dict.fromkeys(a.group for a in adjustments))
    return tuple(sorted(adjustments, key=lambda a: order.index(a.group)))


def _as_written(claim: ClaimPaymentInput) -> ClaimPaymentInput:
    return replace(
        claim,
        adjustments=_grouped(claim.adjustments),
        lines=tuple(replace(line, adjustments=_grouped(line.adjustments)) for line in claim.lines),
    )


def _as_input(read: ClaimPayment) -> ClaimPaymentInput:
    """Rebuild the writer's input from what the reader found."""
    assert read.status is not None
    assert read.filing_indicator is not None
    assert read.patient is not None
    return ClaimPaymentInput(
        patient_control_number=read.patient_control_number,
        status=read.status,
        charge=read.charge,
        paid=read.paid,
        filing_indicator=read.filing_indicator,
        payer_claim_control_number=read.payer_claim_control_number,
        patient=read.patient,
        patient_responsibility=read.patient_responsibility,
        facility_code=read.facility_code,
        frequency=read.frequency,
        drg_code=read.drg_code,
        adjustments=read.adjustments,
        insured=read.insured,
        rendering_provider=read.rendering_provider,
        crossover_carrier=read.crossover_carrier,
        inpatient=read.inpatient,
        outpatient=read.outpatient,
        references=read.references,
        statement_from=read.statement_from,
        statement_to=read.statement_to,
        received=read.received_date,
        lines=tuple(
            ServiceLineInput(
                procedure=line.procedure,
                charge=line.charge,
                paid=line.paid,
                units=line.units,
                revenue_code=line.revenue_code,
                service_date=line.service_date,
                adjustments=line.adjustments,
                control_number=line.control_number or "",
                allowed=line.allowed,
                remarks=line.remarks,
            )
            for line in read.service_lines
        ),
    )


def _round_trip(r: RemittanceInput) -> str:
    x12 = write_835([r], ENVELOPE)
    assert pyx12_errors(x12) == []
    result = read_835(x12)
    assert not has_errors(result.findings), [str(f) for f in result.findings]
    (read,) = result.remittances
    assert [_as_input(c) for c in read.claims] == [_as_written(c) for c in r.claims]
    assert read.payment is not None
    assert read.payment.amount == r.payment
    assert read.trace is not None
    assert read.trace.number == r.trace_number
    assert read.payer == PAYER
    assert read.payee == PAYEE
    return x12


def test_office_visit_passes_pyx12_and_reads_back_equal() -> None:
    x12 = _round_trip(remittance(office_visit()))
    segs = segments(x12)
    assert segs[2] == ["ST", "835", "0001"]  # ST03 is not used in the 835
    bpr = segs[3]
    assert bpr[:5] == ["BPR", "C", "110", "C", "ACH"]
    assert bpr[10] == "1123456789"
    assert bpr[16] == "20240604"
    assert ["TRN", "1", "EFT20240603001", "1123456789"] in segs
    assert ["PER", "BL", "EDI HELP DESK", "TE", "8005551212"] in segs
    assert ["CAS", "CO", "45", "20"] in segs
    assert ["AMT", "B6", "80"] in segs


def test_reversal_and_correction_with_provider_adjustments() -> None:
    original = office_visit("C-2002")
    corrected = replace(
        original,
        paid=M("130"),
        patient_responsibility=M("0"),
        adjustments=(Adjustment(CO, "45", M("20")),),
        lines=tuple(replace(line, adjustments=()) for line in original.lines),
    )
    corrected = replace(
        corrected,
        lines=(replace(corrected.lines[0], paid=M("100")), corrected.lines[1]),
        paid=M("130"),
    )
    reversal = reversal_of(original)
    assert reversal.status is ClaimStatus.REVERSAL
    assert (reversal.charge, reversal.paid) == (M("-150"), M("-110"))
    assert reversal.lines[0].adjustments[0].amount == M("-20")
    plb = ProviderAdjustmentInput(
        "1234567893",
        date(2024, 12, 31),
        (
            ProviderAdjustmentItem("WO", "PAY-OLD-9", M("15")),
            ProviderAdjustmentItem("L6", "", M("-2.5")),
        ),
    )
    r = remittance(reversal, corrected, office_visit("C-2003"), provider_adjustments=(plb,))
    # 130 - 110 + 110 - (15 - 2.50) = 117.50
    assert r.payment == M("117.5")
    x12 = _round_trip(r)
    assert "CLP*C-2002*22*-150*-110*-20*12" in x12
    assert "PLB*1234567893*20241231*WO:PAY-OLD-9*15*L6*-2.5~" in x12


def test_check_payment_and_zero_payment_notice() -> None:
    check = remittance(
        office_visit(), method=PaymentMethod.CHECK, payer_account=None, payee_account=None
    )
    segs = segments(_round_trip(check))
    assert [s for s in segs if s[0] == "BPR"] == [
        ["BPR", "C", "110"] + ["C", "CHK"] + [""] * 11 + ["20240604"]
    ]
    denied = replace(
        office_visit("C-3003"),
        status=ClaimStatus.DENIED,
        paid=M("0"),
        patient_responsibility=None,
        adjustments=(Adjustment(CO, "29", M("150")),),
        lines=(),
    )
    notice = remittance(denied, payer_account=None, payee_account=None)
    segs = segments(_round_trip(notice))
    assert next(s for s in segs if s[0] == "BPR")[:5] == ["BPR", "H", "0", "C", "NON"]


def test_inpatient_claim_with_many_adjustments_splits_cas_and_keeps_mia() -> None:
    reasons = ("45", "94", "97", "131", "253", "B7", "B10")  # seven CO triplets: two CAS
    adjustments = (
        *tuple(Adjustment(CO, r, M("10")) for r in reasons),
        Adjustment(PR, "1", M("500")),
    )
    claim = replace(
        office_visit("I-4004"),
        charge=M("10000"),
        paid=M("9430"),
        patient_responsibility=M("500"),
        facility_code="11",
        drg_code="470",
        adjustments=adjustments,
        outpatient=None,
        inpatient=InpatientAdjudication(Decimal(3), M("9430"), ("MA07", "N1", "N2")),
        lines=(),
    )
    x12 = _round_trip(remittance(claim))
    cas = [s for s in segments(x12) if s[0] == "CAS"]
    assert [s[2::3] for s in cas] == [["45", "94", "97", "131", "253", "B7"], ["B10"], ["1"]]
    assert [s[1] for s in cas] == ["CO", "CO", "PR"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: replace(c, paid=M("111")), "CLP04 paid"),
        (lambda c: replace(c, lines=(replace(c.lines[0], paid=M("61")), c.lines[1])), "SVC03 paid"),
        (lambda c: replace(c, filing_indicator=ClaimFilingIndicator.COMMERCIAL), "CLP06"),
        (lambda c: replace(c, patient_control_number="A*B"), "CLP01"),
    ],
)
def test_unbalanced_or_unwritable_claims_are_refused(change, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(X12WriteError) as caught:
        write_835([remittance(change(office_visit()))], ENVELOPE)
    assert caught.value.field.startswith(field)
    assert "C-1001" in caught.value.record or "A*B" in caught.value.record


def test_negative_payment_and_missing_bank_details_are_refused() -> None:
    plb = ProviderAdjustmentInput(
        "1234567893", date(2024, 12, 31), (ProviderAdjustmentItem("WO", "X1", M("500")),)
    )
    with pytest.raises(X12WriteError, match="BPR02"):
        write_835([remittance(office_visit(), provider_adjustments=(plb,))], ENVELOPE)
    with pytest.raises(X12WriteError, match="bank accounts"):
        write_835([remittance(office_visit(), payee_account=None)], ENVELOPE)
    with pytest.raises(X12WriteError, match="N103"):
        write_835([remittance(office_visit(), payee=replace(PAYEE, id_qualifier="ZZ"))], ENVELOPE)
    with pytest.raises(X12WriteError, match="remittances"):
        write_835([], ENVELOPE)


def test_check_balance_names_the_line() -> None:
    claim = office_visit()
    bad = replace(claim, lines=(claim.lines[0], replace(claim.lines[1], paid=M("49.99"))))
    with pytest.raises(X12WriteError) as caught:
        check_balance(bad)
    assert caught.value.record == "claim C-1001 line 2"
    assert "49.99" in caught.value.reason


_CARCS = ("45", "2", "1", "3", "97", "B7", "253")
_GROUPS = (CO, PR, OA)


@st.composite
def balanced_claims(draw: st.DrawFn, index: int = 0) -> ClaimPaymentInput:
    """A random claim that balances: paid is what charge minus the adjustments leaves."""
    lines: list[ServiceLineInput] = []
    for n in range(draw(st.integers(0, 4))):
        charge = M.from_cents(draw(st.integers(1, 500_000)))
        adjustments = tuple(
            Adjustment(
                draw(st.sampled_from(_GROUPS)),
                draw(st.sampled_from(_CARCS)),
                M.from_cents(draw(st.integers(-5_000, 100_000))),
            )
            for _ in range(draw(st.integers(0, 8)))
        )
        paid = charge - sum((a.amount for a in adjustments), M.zero())
        lines.append(
            ServiceLineInput(
                Procedure(
                    "HC",
                    draw(st.sampled_from(("99213", "36415", "J1100"))),
                    tuple(draw(st.lists(st.sampled_from(("25", "59", "GT")), max_size=3))),
                ),
                charge,
                paid,
                units=Decimal(draw(st.integers(1, 12))),
                service_date=date(2024, 4, 1 + n),
                adjustments=adjustments,
                control_number=f"L{n}",
            )
        )
    claim_adjustments = tuple(
        Adjustment(
            draw(st.sampled_from(_GROUPS)),
            draw(st.sampled_from(_CARCS)),
            M.from_cents(draw(st.integers(0, 50_000))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    charge = (
        sum((line.charge for line in lines), M.zero())
        if lines
        else M.from_cents(draw(st.integers(1, 900_000)))
    )
    adjusted = sum((a.amount for a in claim_adjustments), M.zero()) + sum(
        (a.amount for line in lines for a in line.adjustments), M.zero()
    )
    status = draw(st.sampled_from((ClaimStatus.PRIMARY, ClaimStatus.SECONDARY, ClaimStatus.DENIED)))
    claim = ClaimPaymentInput(
        patient_control_number=f"H-{draw(st.integers(1, 99999))}",
        status=status,
        charge=charge,
        paid=charge - adjusted,
        filing_indicator=draw(
            st.sampled_from(
                (
                    ClaimFilingIndicator.PPO,
                    ClaimFilingIndicator.MEDICARE_PART_B,
                    ClaimFilingIndicator.HMO,
                )
            )
        ),
        payer_claim_control_number=f"PCCN{draw(st.integers(1, 10**8))}",
        patient=PATIENT,
        adjustments=claim_adjustments,
        lines=tuple(lines),
    )
    return reversal_of(claim) if draw(st.booleans()) else claim


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(balanced_claims(), min_size=1, max_size=4))
def test_random_balanced_remittances_pass_pyx12_and_read_back(
    claims: list[ClaimPaymentInput],
) -> None:
    r = remittance(*claims)
    if r.payment.is_negative():
        with pytest.raises(X12WriteError, match="BPR02"):
            write_835([r], ENVELOPE)
        return
    if not r.payment:
        r = replace(r, payer_account=None, payee_account=None)
    _round_trip(r)


def test_a_large_remittance_is_written_and_read_back_whole() -> None:
    claims = tuple(office_visit(f"C-{n:05d}") for n in range(2_000))
    x12 = write_835([remittance(*claims)], ENVELOPE)
    result = read_835(x12)
    assert not has_errors(result.findings)
    (read,) = result.remittances
    assert len(read.claims) == 2_000
    assert read.payment is not None
    assert read.payment.amount == M("220000")
