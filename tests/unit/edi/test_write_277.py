"""277CA writer: pyx12 accepts what it writes and the 277 reader reads back the same decisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.domain.money import Money
from claimdesk.edi.x12.composites import EntityName, Procedure
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x277.read import ClaimStatusDetail, StatusCode, read_277
from claimdesk.edi.x277.write import (
    AcknowledgmentBatch,
    ClaimDecision,
    LineDecision,
    write_277ca,
)

from .pyx12_oracle import pyx12_errors
from .x12_checks import check_envelope, check_hierarchy

ENVELOPE = Envelope("ACMEPAYER", "RBFP001", 777, 77, datetime(2024, 5, 3, 9, 30))
CLINIC = EntityName("85", "2", "RIVERBEND FAMILY PRACTICE", id_qualifier="XX", id="1234567893")
DOCTOR = EntityName("85", "1", "SMITH", "ANNA", id_qualifier="XX", id="1987654320")
PAYER = EntityName("PR", "2", "ACME HEALTH PLAN", id_qualifier="PI", id="ACME01")
SUBMITTER = EntityName("41", "2", "RIVERBEND FAMILY PRACTICE", id_qualifier="46", id="RBFP001")
REJECTED_NPI = (StatusCode("A7", "562", "85"), StatusCode("A7", "21"))


def decision(pcn: str = "C-1001", **changes: object) -> ClaimDecision:
    base = ClaimDecision(
        patient_control_number=pcn,
        patient=EntityName("QC", "1", "GARCIA", "ANA", "M", id_qualifier="MI", id="XYZ123456789"),
        billing_provider=CLINIC,
        charge=Money("150"),
        service_from=date(2024, 4, 22),
        payer_claim_number=f"PAY-{pcn}",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def batch(*claims: ClaimDecision) -> AcknowledgmentBatch:
    return AcknowledgmentBatch(
        PAYER, SUBMITTER, "000000017", date(2024, 5, 2), date(2024, 5, 3), claims
    )


def _as_decision(read: ClaimStatusDetail) -> ClaimDecision:
    assert read.patient is not None
    assert read.provider is not None
    assert read.service_dates is not None
    assert read.charge is not None
    dates = read.service_dates
    return ClaimDecision(
        patient_control_number=read.patient_control_number,
        patient=read.patient,
        billing_provider=read.provider,
        charge=read.charge,
        service_from=dates.start,
        statuses=read.codes,
        service_to=dates.end if dates.end != dates.start else None,
        payer_claim_number=read.payer_claim_number or "",
        clearinghouse_trace=read.clearinghouse_trace or "",
        bill_type=read.bill_type or "",
        message=read.statuses[0].message,
        lines=tuple(
            LineDecision(
                procedure=line.procedure or Procedure("", ""),
                charge=line.charge or Money.zero(),
                status=line.statuses[0].codes[0],
                units=line.units,
                control_number=line.control_number or "",
                service_date=line.service_dates.start if line.service_dates else None,
            )
            for line in read.lines
        ),
    )


def _round_trip(*batches: AcknowledgmentBatch) -> str:
    x12 = write_277ca(batches, ENVELOPE)
    check_hierarchy(check_envelope(x12))
    assert pyx12_errors(x12) == []
    result = read_277(x12)
    assert result.findings == ()
    assert len(result.responses) == len(batches)
    for response, sent in zip(result.responses, batches, strict=True):
        assert response.is_acknowledgment
        assert [_as_decision(c) for c in response.claims] == _in_written_order(sent.claims)
        (receiver,) = response.receivers
        assert receiver.trace == sent.batch_reference
        accepted = [c for c in sent.claims if not c.rejected]
        rejected = [c for c in sent.claims if c.rejected]
        assert receiver.accepted_count == (Decimal(len(accepted)) if accepted else None)
        assert receiver.rejected_count == (Decimal(len(rejected)) if rejected else None)
        assert receiver.rejected_amount == (
            sum((c.charge for c in rejected), Money.zero()) if rejected else None
        )
    return x12


def _in_written_order(claims: tuple[ClaimDecision, ...]) -> list[ClaimDecision]:
    """Claims are grouped under their billing provider, providers in order of appearance."""
    providers = list(dict.fromkeys(c.billing_provider for c in claims))
    return sorted(claims, key=lambda c: providers.index(c.billing_provider))


def test_accepted_and_rejected_claims_pass_pyx12_and_read_back() -> None:
    rejected = decision(
        "C-1002",
        billing_provider=DOCTOR,
        charge=Money("80.5"),
        statuses=REJECTED_NPI,
        payer_claim_number="",
        message="RENDERING NPI NOT ON FILE",
        service_to=date(2024, 4, 24),
        lines=(
            LineDecision(
                Procedure("HC", "99213", ("25",)),
                Money("80.5"),
                StatusCode("A7", "454"),
                Decimal(1),
                "C-1002-1",
                date(2024, 4, 20),
            ),
        ),
    )
    x12 = _round_trip(batch(decision(), rejected, decision("C-1003", bill_type="131")))
    segs = check_envelope(x12)
    assert ["STC", "A2:20", "20240503", "WQ", "150"] in segs
    assert [
        "STC",
        "A7:562:85",
        "20240503",
        "U",
        "80.5",
        "",
        "",
        "",
        "",
        "",
        "A7:21",
        "",
        "RENDERING NPI NOT ON FILE",
    ] in segs
    assert ["QTY", "90", "2"] in segs
    assert ["AMT", "YY", "80.5"] in segs
    # Patient levels carry no HL04 and hang under their provider.
    assert [s for s in segs if s[0] == "HL" and s[3] == "PT"] == [
        ["HL", "4", "3", "PT"],
        ["HL", "5", "3", "PT"],
        ["HL", "7", "6", "PT"],
    ]


def test_several_batches_make_several_transaction_sets() -> None:
    x12 = _round_trip(batch(decision()), batch(decision("C-2", statuses=REJECTED_NPI)))
    assert x12.count("ST*277*") == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"patient_control_number": "C*1"}, "2200D TRN02"),
        ({"statuses": ()}, "STC01"),
        ({"patient": EntityName("QC", "1", "DOE", id_qualifier="ZZ", id="1")}, "2100D NM108"),
        ({"billing_provider": replace(CLINIC, id_qualifier="FI")}, "2100C NM108"),
    ],
)
def test_unwritable_decisions_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(X12WriteError) as caught:
        write_277ca([batch(decision(**changes))], ENVELOPE)
    assert caught.value.field == field


def test_empty_batches_are_refused() -> None:
    with pytest.raises(X12WriteError, match="at least one claim"):
        write_277ca([batch()], ENVELOPE)
    with pytest.raises(X12WriteError, match="no claim acknowledgments"):
        write_277ca([], ENVELOPE)


_NAMES = ("GARCIA", "O NEIL", "VAN DER BERG", "NGUYEN", "MULLER")
_REJECTIONS = (
    (StatusCode("A7", "562", "85"),),
    (StatusCode("A6", "21"), StatusCode("A6", "189")),
    (StatusCode("A3", "116", "QC"),),
    (StatusCode("A8", "452"),),
)


@st.composite
def decisions(draw: st.DrawFn) -> ClaimDecision:
    rejected = draw(st.booleans())
    start = date(2024, 1, 1 + draw(st.integers(0, 27)))
    lines = tuple(
        LineDecision(
            Procedure("HC", draw(st.sampled_from(("99213", "36415", "J1100")))),
            Money.from_cents(draw(st.integers(1, 100_000))),
            StatusCode("A7", draw(st.sampled_from(("454", "145", "21")))),
            Decimal(draw(st.integers(1, 9))),
            f"L{n}",
            start,
        )
        for n in range(draw(st.integers(0, 3)) if rejected else 0)
    )
    return ClaimDecision(
        patient_control_number=f"C-{draw(st.integers(1, 10**6))}",
        patient=EntityName(
            "QC",
            "1",
            draw(st.sampled_from(_NAMES)),
            draw(st.sampled_from(("ANA", "LI", "ROBERT"))),
            id_qualifier="MI",
            id=f"M{draw(st.integers(10, 10**9))}",
        ),
        billing_provider=draw(st.sampled_from((CLINIC, DOCTOR))),
        charge=Money.from_cents(draw(st.integers(1, 10**7))),
        service_from=start,
        statuses=draw(st.sampled_from(_REJECTIONS)) if rejected else (StatusCode("A2", "20"),),
        payer_claim_number="" if rejected else f"P{draw(st.integers(1, 10**6))}",
        lines=lines,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(decisions(), min_size=1, max_size=6))
def test_random_batches_pass_pyx12_and_read_back(claims: list[ClaimDecision]) -> None:
    _round_trip(batch(*claims))
