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
from claimdesk.edi.x12.composites import (
    Adjustment,
    EntityName,
    Procedure,
    QualifiedAmount,
    QualifiedDate,
    Reference,
)
from claimdesk.edi.x12.errors import has_errors
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x835.model import (
    BankAccount,
    ClaimPayment,
    InpatientAdjudication,
    OutpatientAdjudication,
    Party,
    ProviderAdjustment,
    ProviderAdjustmentItem,
    Remark,
    Remittance,
    ServicePayment,
)
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x835.write import (
    check_balance,
    remittance_of,
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


def office_visit(pcn: str = "C-1001") -> ClaimPayment:
    """150 charged: line 1 pays 80 (CO-45 20, PR-2 20), line 2 pays 30 (CO-45 20)."""
    return ClaimPayment(
        patient_control_number=pcn,
        status=ClaimStatus.PRIMARY,
        charge=M("150"),
        paid=M("110"),
        filing_indicator=ClaimFilingIndicator.PPO,
        payer_claim_control_number=f"PAY-{pcn}",
        patient_responsibility=M("20"),
        facility_code="11",
        frequency="1",
        names=(
            PATIENT,
            EntityName("IL", "1", "GARCIA", "LUIS", id_qualifier="MI", id="XYZ123456700"),
            EntityName("82", "1", "SMITH", "ANNA", id_qualifier="XX", id="1987654320"),
        ),
        outpatient=OutpatientAdjudication(None, None, ("MA01", "N130")),
        references=(Reference("1L", "GRP7788"),),
        dates=(
            QualifiedDate("232", date(2024, 4, 22)),
            QualifiedDate("233", date(2024, 4, 22)),
            QualifiedDate("050", date(2024, 5, 2)),
        ),
        service_lines=(
            ServicePayment(
                Procedure("HC", "99213", ("25",)),
                M("100"),
                M("60"),
                units=Decimal(1),
                dates=(QualifiedDate("472", date(2024, 4, 22)),),
                adjustments=(Adjustment(CO, "45", M("20")), Adjustment(PR, "2", M("20"))),
                references=(Reference("6R", "C-1001-1"),),
                amounts=(QualifiedAmount("B6", M("80")),),
                remarks=(Remark("HE", "N130"),),
            ),
            ServicePayment(
                Procedure("HC", "36415"),
                M("50"),
                M("50"),
                units=Decimal(1),
                dates=(QualifiedDate("472", date(2024, 4, 22)),),
                references=(Reference("6R", "C-1001-2"),),
                amounts=(QualifiedAmount("B6", M("50")),),
            ),
        ),
    )


def remittance(*claims: ClaimPayment, **changes: object) -> Remittance:
    arguments: dict[str, object] = {
        "payer": PAYER,
        "payee": PAYEE,
        "payer_tax_id": "12-3456789",
        "technical_contact_phone": "(800) 555-1212",
        "trace_number": "EFT20240603001",
        "method": PaymentMethod.ACH,
        "payment_date": date(2024, 6, 4),
        "production_date": date(2024, 6, 3),
        "payer_account": BankAccount("011000015", "11112222"),
        "payee_account": BankAccount("021000021", "33334444"),
        "technical_contact_name": "EDI HELP DESK",
    }
    return remittance_of(claims, **(arguments | changes))  # type: ignore[arg-type]


def _grouped(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    """The order the writer emits: by CAS group in order of first appearance."""
    order = list(dict.fromkeys(a.group for a in adjustments))
    return tuple(sorted(adjustments, key=lambda a: order.index(a.group)))


def _as_written(r: Remittance) -> Remittance:
    """``r`` with its CAS adjustments in the order the writer groups them."""
    return replace(
        r,
        claims=tuple(
            replace(
                claim,
                adjustments=_grouped(claim.adjustments),
                service_lines=tuple(
                    replace(line, adjustments=_grouped(line.adjustments))
                    for line in claim.service_lines
                ),
            )
            for claim in r.claims
        ),
    )


def _round_trip(r: Remittance) -> str:
    x12 = write_835([r], ENVELOPE)
    assert pyx12_errors(x12) == []
    result = read_835(x12)
    assert not has_errors(result.findings), [str(f) for f in result.findings]
    (read,) = result.remittances
    assert read == _as_written(r)
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
        service_lines=tuple(replace(line, adjustments=()) for line in original.service_lines),
    )
    corrected = replace(
        corrected,
        service_lines=(
            replace(corrected.service_lines[0], paid=M("100")),
            corrected.service_lines[1],
        ),
        paid=M("130"),
    )
    reversal = reversal_of(original)
    assert reversal.status is ClaimStatus.REVERSAL
    assert (reversal.charge, reversal.paid) == (M("-150"), M("-110"))
    assert reversal.service_lines[0].adjustments[0].amount == M("-20")
    plb = ProviderAdjustment(
        "1234567893",
        date(2024, 12, 31),
        (
            ProviderAdjustmentItem("WO", "PAY-OLD-9", M("15")),
            ProviderAdjustmentItem("L6", "", M("-2.5")),
        ),
    )
    r = remittance(reversal, corrected, office_visit("C-2003"), provider_adjustments=(plb,))
    # 130 - 110 + 110 - (15 - 2.50) = 117.50
    assert r.payment is not None
    assert r.payment.amount == M("117.5")
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
        service_lines=(),
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
        service_lines=(),
    )
    x12 = _round_trip(remittance(claim))
    cas = [s for s in segments(x12) if s[0] == "CAS"]
    assert [s[2::3] for s in cas] == [["45", "94", "97", "131", "253", "B7"], ["B10"], ["1"]]
    assert [s[1] for s in cas] == ["CO", "CO", "PR"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: replace(c, paid=M("111")), "CLP04 paid"),
        (
            lambda c: replace(
                c, service_lines=(replace(c.service_lines[0], paid=M("61")), c.service_lines[1])
            ),
            "SVC03 paid",
        ),
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
    plb = ProviderAdjustment(
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
    bad = replace(
        claim,
        service_lines=(claim.service_lines[0], replace(claim.service_lines[1], paid=M("49.99"))),
    )
    with pytest.raises(X12WriteError) as caught:
        check_balance(bad)
    assert caught.value.record == "claim C-1001 line 2"
    assert "49.99" in caught.value.reason


_CARCS = ("45", "2", "1", "3", "97", "B7", "253")
_GROUPS = (CO, PR, OA)


@st.composite
def balanced_claims(draw: st.DrawFn, index: int = 0) -> ClaimPayment:
    """A random claim that balances: paid is what charge minus the adjustments leaves."""
    lines: list[ServicePayment] = []
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
            ServicePayment(
                Procedure(
                    "HC",
                    draw(st.sampled_from(("99213", "36415", "J1100"))),
                    tuple(draw(st.lists(st.sampled_from(("25", "59", "GT")), max_size=3))),
                ),
                charge,
                paid,
                units=Decimal(draw(st.integers(1, 12))),
                dates=(QualifiedDate("472", date(2024, 4, 1 + n)),),
                adjustments=adjustments,
                references=(Reference("6R", f"L{n}"),),
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
    claim = ClaimPayment(
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
        patient_responsibility=None,
        names=(PATIENT,),
        adjustments=claim_adjustments,
        service_lines=tuple(lines),
    )
    return reversal_of(claim) if draw(st.booleans()) else claim


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# One answer per claim (CLP01): a claim answered twice the same way is an error of its own.
@given(
    st.lists(
        balanced_claims(),
        min_size=1,
        max_size=4,
        unique_by=lambda c: (c.patient_control_number, c.payer_claim_control_number),
    )
)
def test_random_balanced_remittances_pass_pyx12_and_read_back(
    claims: list[ClaimPayment],
) -> None:
    r = remittance(*claims)
    assert r.payment is not None
    if r.payment.amount.is_negative():
        with pytest.raises(X12WriteError, match="BPR02"):
            write_835([r], ENVELOPE)
        return
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
