"""Hostile and unusual X12 (issue 14): no input crashes a reader or is read as something it is
not; each gives findings that name the segment, element and reason."""

from __future__ import annotations

import pytest
from bench.x12_data import acknowledgment_277ca, acknowledgment_999

from claimdesk.edi.inspect import inspect_x12
from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.edi.x12.sniff import Transaction, sniff, sniff_envelopes, unsupported
from claimdesk.edi.x277.read import read_277
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x999.read import acknowledgments_of, read_acknowledgments

from .pyx12_oracle import pyx12_errors
from .samples import ACCEPTED_999, BALANCED_835_SEGMENTS, REJECTED_999, balanced_835, interchange
from .test_x277 import ACKNOWLEDGMENT
from .test_x277 import interchange as interchange_277

HUGE = "9" * 5000


def _rules(findings: object) -> set[str]:
    return {f.rule for f in findings}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("CLP*PCN-A*1*200*130*", f"CLP*PCN-A*1*200*{HUGE}*"),
        ("SVC*HC:99213:25*120*80**1", f"SVC*HC:99213:25*120*80**{HUGE}"),
        ("SE*", f"SE*{HUGE}"),
        ("GE*1*", f"GE*{HUGE}*"),
        ("IEA*1*", f"IEA*{HUGE}*"),
    ],
)
def test_a_5000_digit_number_is_a_finding_not_a_crash(old: str, new: str) -> None:
    text = balanced_835().replace(old, new, 1)
    assert new in text
    read = read_835(text)
    assert read.findings
    report = inspect_x12(text)
    assert not report.ok
    assert any(
        "digits" in f.message or "does not match" in f.message or "says" in f.message
        for f in report.findings
    )


def test_a_5000_digit_number_in_a_999_is_a_finding() -> None:
    text = REJECTED_999.replace("IK3*NM1*12*", f"IK3*NM1*{HUGE}*").replace(
        "AK9*P*2*2*1", f"AK9*P*{HUGE}*2*1"
    )
    read = read_acknowledgments(text)
    assert "element.number_too_long" in _rules(read.findings)
    assert not inspect_x12(text).ok


def test_a_number_of_18_digits_is_still_a_number() -> None:
    text = balanced_835().replace("LX*1~", f"LX*{'1' * 18}~")
    assert "element.number_too_long" not in _rules(read_835(text).findings)


def test_a_835_without_its_se_is_an_error_of_the_transaction() -> None:
    text = balanced_835()
    cut = text[: text.index("PLB*")]  # the file ends inside the transaction: no PLB, SE...
    (remittance,) = read_835(cut).remittances
    assert "835.se_missing" in _rules(remittance.findings)


def _with_group(text: str, gs01: str, gs08: str) -> str:
    return text.replace("GS*HP*", f"GS*{gs01}*").replace("*X*005010X221A1~", f"*X*{gs08}~", 1)


def test_gs01_must_fit_st01() -> None:
    envelopes = read_envelopes(_with_group(balanced_835(), "HC", "005010X221A1"))
    (finding,) = [f for f in envelopes.findings if f.rule == "envelope.gs01_mismatch"]
    assert "GS01 'HC'" in finding.message
    assert "835" in finding.message
    assert read_envelopes(balanced_835()).findings == ()


def test_gs08_must_agree_with_st03() -> None:
    envelopes = read_envelopes(_with_group(balanced_835(), "HP", "005010X222A1"))
    (finding,) = [f for f in envelopes.findings if f.rule == "envelope.st03_mismatch"]
    assert "005010X221A1" in finding.message
    assert "005010X222A1" in finding.message


def _one(set_id: str, guide: str, gs01: str, *segments: str) -> str:
    body = [f"ST*{set_id}*0001*{guide}", *segments]
    text = interchange("".join(s + "~" for s in body) + f"SE*{len(body) + 1}*0001~")
    return text.replace("GS*HP*", f"GS*{gs01}*").replace("005010X221A1~", f"{guide}~", 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            _one("837", "005010X224A2", "HC", "BHT*0019*00*1*20240115*1200*CH"),
            "unsupported: 837 dental (005010X224A2)",
        ),
        (
            _one("835", "004010X091A1", "HP", *BALANCED_835_SEGMENTS),
            "unsupported: 835 version 004010X091A1 (claimdesk reads 5010 only)",
        ),
        (
            _one("837", "006020X313", "HC", "BHT*0019*00*1*20240115*1200*CH"),
            "unsupported: 837 version 006020X313 (claimdesk reads 5010 only)",
        ),
        (
            _one("275", "005010X210", "PI", "BGN*11*1*20240115"),
            "unsupported: 275 patient information (005010X210)",
        ),
    ],
)
def test_unsupported_versions_and_transactions_get_one_clear_finding(
    text: str, reason: str
) -> None:
    (transaction,) = read_envelopes(text).transaction_sets
    assert unsupported(transaction) == reason
    report = inspect_x12(text)
    (finding,) = report.findings
    assert finding.rule == "x12.unsupported"
    assert finding.message == reason
    assert not report.ok


def test_5010_transactions_are_supported() -> None:
    for text in (balanced_835(), REJECTED_999, interchange_277(ACKNOWLEDGMENT)):
        assert all(unsupported(t) is None for t in read_envelopes(text).transaction_sets)


def _as_997(text: str) -> str:
    return (
        text.replace("ST*999*0001*005010X231A1", "ST*997*0001")
        .replace("*X*005010X231A1~", "*X*005010~")
        .replace("IK3*", "AK3*")
        .replace("IK4*", "AK4*")
        .replace("IK5*", "AK5*")
    )


def test_a_997_is_read_as_an_acknowledgment() -> None:
    text = _as_997(REJECTED_999)
    assert sniff(text) == {Transaction.FUNCTIONAL_ACKNOWLEDGMENT}
    read = read_acknowledgments(text)
    assert read.findings == ()
    (ack,) = read.acknowledgments
    rejected, accepted = ack.transaction_sets
    assert rejected.rejected
    assert not accepted.rejected
    (error,) = rejected.segment_errors
    assert (error.segment_id, error.position) == ("NM1", 12)
    assert inspect_x12(text).ok
    assert inspect_x12(_as_997(ACCEPTED_999)).transactions[0].kind == "997"


def test_a_277ca_status_on_a_level_applies_to_every_claim_under_it() -> None:
    # The billing provider's level (HL 3) is rejected: both claims under it never entered
    # adjudication, whatever their own STC says.
    segments = [
        s if s != "STC*A1:19:85**WQ*230.5" else "STC*A7:562:85*20240503*U*230.5"
        for s in ACKNOWLEDGMENT
    ]
    (response,) = read_277(interchange_277(segments)).responses
    assert [c.patient_control_number for c in response.rejected_claims] == ["C-1001", "C-1002"]
    assert response.accepted_claims == ()
    accepted, _ = response.claims
    # The receiver's STC (segment 13, accepting the batch) and the provider's (21, rejecting).
    assert [s.position for s in accepted.level_statuses] == [13, 21]


def test_a_277ca_receiver_rejection_also_reaches_the_claims() -> None:
    segments = [
        s if s != "STC*A1:19:PR*20240503*WQ*230.5" else "STC*A3:24:PR*20240503*U*230.5"
        for s in ACKNOWLEDGMENT
    ]
    (response,) = read_277(interchange_277(segments)).responses
    assert len(response.rejected_claims) == 2


def test_the_generated_999_is_valid_for_pyx12() -> None:
    assert pyx12_errors(acknowledgment_999(5000)) == []


def test_the_generated_277ca_is_valid_for_pyx12_and_read_whole() -> None:
    text = acknowledgment_277ca(20_000)
    assert pyx12_errors(text) == []
    (response,) = read_277(text).responses
    claims = response.claims
    assert len(claims) == text.count("*PT~")
    assert len(response.rejected_claims) == text.count("STC*A7:562:85") > 0


def test_a_large_999_reads_whole() -> None:
    # Its speed at 100 MB (linear, under 30 s of processor time) is `python -m bench acks`'s.
    text = acknowledgment_999(5_000_000)
    assert len(text) >= 5_000_000
    envelopes = read_envelopes(text)
    assert sniff_envelopes(envelopes) == {Transaction.IMPLEMENTATION_ACKNOWLEDGMENT}
    read = acknowledgments_of(envelopes)
    (ack,) = read.acknowledgments
    assert read.findings == ()
    assert len(ack.transaction_sets) == ack.included
    assert sum(1 for ts in ack.transaction_sets if ts.rejected) == ack.included // 10
