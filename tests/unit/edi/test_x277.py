"""277CA and 277 claim status reader: claims, statuses, levels, findings and fuzzing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings

from claimdesk.domain.money import Money
from claimdesk.edi.x12.errors import Severity, X12Error
from claimdesk.edi.x277.read import StatusCode, read_277

from .x12_mutations import mutations

ISA = (
    "ISA*00*          *00*          *ZZ*ACMEPAYER      *ZZ*RIVERBEND      "
    "*240503*0900*^*00501*000000301*0*P*:~"
)


def interchange(segments: list[str], *, version: str = "005010X214") -> str:
    body = [f"ST*277*0001*{version}", *segments]
    return (
        ISA
        + f"GS*HN*ACMEPAYER*RIVERBEND*20240503*0900*301*X*{version}~"
        + "".join(s + "~" for s in body)
        + f"SE*{len(body) + 1}*0001~GE*1*301~IEA*1*000000301~"
    )


ACKNOWLEDGMENT = [
    "BHT*0085*08*ACK0001*20240503*0900*TH",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
    "TRN*1*ACK0001",
    "DTP*050*D8*20240502",
    "DTP*009*D8*20240503",
    "HL*2*1*21*1",
    "NM1*41*2*RIVERBEND FAMILY PRACTICE*****46*RBFP001",
    "TRN*2*BATCH17",
    "STC*A1:19:PR*20240503*WQ*230.5",
    "QTY*90*1",
    "QTY*AA*1",
    "AMT*YU*150",
    "AMT*YY*80.5",
    "HL*3*2*19*1",
    "NM1*85*2*RIVERBEND FAMILY PRACTICE*****XX*1234567893",
    "TRN*1*1234567893",
    "STC*A1:19:85**WQ*230.5",
    "QTY*QA*1",
    "QTY*QC*1",
    "HL*4*3*PT",
    "NM1*QC*1*GARCIA*ANA****MI*XYZ123456789",
    "TRN*2*C-1001",
    "STC*A2:20*20240503*WQ*150",
    "REF*1K*PAY-77",
    "REF*D9*CH-1",
    "DTP*472*D8*20240422",
    "HL*5*3*PT",
    "NM1*QC*1*NGUYEN*LI****MI*ABC987",
    "TRN*2*C-1002",
    "STC*A7:562:85*20240503*U*80.5******A7:21**NPI NOT ON FILE",
    "DTP*472*RD8*20240420-20240422",
    "SVC*HC:99213:25*80.5*****1",
    "STC*A7:454*20240503*U",
    "REF*FJ*C-1002-1",
    "DTP*472*D8*20240420",
]

CLAIM_STATUS = [
    "BHT*0010*08*ST0001*20240610*1015*DG",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
    "PER*IC*CLAIMS*TE*8005551212",
    "HL*2*1*21*1",
    "NM1*41*2*RIVERBEND FAMILY PRACTICE*****46*RBFP001",
    "HL*3*2*19*1",
    "NM1*1P*2*RIVERBEND FAMILY PRACTICE*****XX*1234567893",
    "HL*4*3*22*1",
    "NM1*IL*1*GARCIA*LUIS****MI*XYZ123456700",
    "HL*5*4*23",
    "NM1*QC*1*GARCIA*ANA",
    "TRN*2*T-1",
    "STC*F1:65*20240608**150*110*20240607*CHK*20240607*CHK0099",
    "REF*1K*PAY-77",
    "DTP*472*D8*20240422",
    "HL*6*3*22*0",
    "NM1*IL*1*OKAFOR*NGOZI****MI*OKA555",
    "TRN*2*T-2",
    "STC*P1:20*20240608**95",
    "DTP*472*D8*20240425",
]


def test_277ca_accepted_and_rejected_claims() -> None:
    result = read_277(interchange(ACKNOWLEDGMENT))
    assert result.findings == ()
    (response,) = result.responses
    assert response.is_acknowledgment
    assert (response.reference, response.created, response.transaction_type) == (
        "ACK0001",
        date(2024, 5, 3),
        "TH",
    )
    accepted, rejected = response.claims
    assert response.accepted_claims == (accepted,)
    assert response.rejected_claims == (rejected,)
    assert accepted.patient_control_number == "C-1001"
    assert accepted.payer_claim_number == "PAY-77"
    assert accepted.clearinghouse_trace == "CH-1"
    assert accepted.codes == (StatusCode("A2", "20"),)
    assert accepted.charge == Money("150")
    assert accepted.member_id == "XYZ123456789"
    assert accepted.provider is not None
    assert accepted.provider.id == "1234567893"
    assert accepted.receiver is not None
    assert accepted.receiver.id == "RBFP001"
    assert accepted.source is not None
    assert accepted.source.id == "ACME01"
    assert not accepted.rejected
    assert rejected.rejected
    assert not rejected.accepted
    assert rejected.payer_claim_number is None
    (status,) = rejected.statuses
    assert status.codes == (StatusCode("A7", "562", "85"), StatusCode("A7", "21"))
    assert (status.action, status.message, status.effective_date) == (
        "U",
        "NPI NOT ON FILE",
        date(2024, 5, 3),
    )
    assert rejected.service_dates is not None
    assert (rejected.service_dates.start, rejected.service_dates.end) == (
        date(2024, 4, 20),
        date(2024, 4, 22),
    )
    (line,) = rejected.lines
    assert line.procedure is not None
    assert (line.procedure.code, line.procedure.modifiers) == ("99213", ("25",))
    assert (line.charge, line.units, line.control_number) == (Money("80.5"), Decimal(1), "C-1002-1")
    assert line.rejected
    (receiver,) = response.receivers
    assert (receiver.trace, receiver.accepted_count, receiver.rejected_count) == (
        "BATCH17",
        Decimal(1),
        Decimal(1),
    )
    assert (receiver.accepted_amount, receiver.rejected_amount) == (Money("150"), Money("80.5"))
    (provider,) = response.providers
    assert (provider.accepted_count, provider.rejected_count) == (Decimal(1), Decimal(1))
    (source,) = response.sources
    assert [d.qualifier for d in source.dates] == ["050", "009"]


def test_277_claim_status_with_subscriber_and_dependent() -> None:
    result = read_277(interchange(CLAIM_STATUS, version="005010X212"))
    assert result.findings == ()
    (response,) = result.responses
    assert not response.is_acknowledgment
    dependent, subscriber = response.claims
    assert dependent.patient is not None
    assert dependent.patient.first == "ANA"
    assert dependent.subscriber is not None
    assert dependent.member_id == "XYZ123456700"
    assert dependent.finalized
    (status,) = dependent.statuses
    assert (status.charge, status.paid, status.adjudicated) == (
        Money("150"),
        Money("110"),
        date(2024, 6, 7),
    )
    assert (status.payment_method, status.check_date, status.check_number) == (
        "CHK",
        date(2024, 6, 7),
        "CHK0099",
    )
    assert subscriber.subscriber is None
    assert subscriber.member_id == "OKA555"
    assert not subscriber.finalized
    assert not subscriber.accepted
    assert not subscriber.rejected
    assert subscriber.codes == (StatusCode("P1", "20"),)


def test_problems_are_findings_with_locations() -> None:
    broken = [s for s in ACKNOWLEDGMENT if not s.startswith("STC*A2:20")]
    broken = [s.replace("HL*5*3*PT", "HL*5*9*PT") for s in broken]
    broken.insert(8, "XYZ*1")
    result = read_277(interchange(broken))
    rules = {f.rule for f in result.findings}
    assert {"277.stc_missing", "hl.parent", "segment.unknown"} <= rules
    missing = next(f for f in result.findings if f.rule == "277.stc_missing")
    assert missing.location.segment_id == "TRN"
    assert missing.location.loop_id == "2200D"
    # The claims are still read: the finding says what is wrong, the record what could be read.
    assert [c.patient_control_number for c in result.claims] == ["C-1001", "C-1002"]


def test_provider_level_without_status_is_a_warning() -> None:
    text = interchange([s for s in ACKNOWLEDGMENT if not s.startswith("STC*A1:19:85")])
    (finding,) = read_277(text).findings
    assert finding.rule == "277.level_stc_missing"
    assert finding.severity is Severity.WARNING


def test_other_transaction_sets_are_skipped_with_a_warning() -> None:
    text = interchange(ACKNOWLEDGMENT).replace("ST*277*", "ST*835*")
    text = text.replace("GS*HN*", "GS*HP*")  # an 835 in its own group
    result = read_277(text)
    assert result.responses == ()
    assert [f.rule for f in result.findings] == ["277.not_277"]


VALID = (interchange(ACKNOWLEDGMENT), interchange(CLAIM_STATUS, version="005010X212"))


@settings(max_examples=400, deadline=None)
@given(mutations(VALID))
def test_damaged_files_never_crash_the_reader(text: str) -> None:
    refused: X12Error | None = None
    try:
        result = read_277(text)
    except X12Error as exc:
        refused = exc
    if refused is not None:
        assert refused.finding.message
        return
    for claim in result.claims:
        assert isinstance(claim.rejected, bool)
        assert isinstance(claim.accepted, bool)
