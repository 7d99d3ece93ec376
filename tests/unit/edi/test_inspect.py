from __future__ import annotations

from claimdesk.edi.inspect import inspect_x12
from claimdesk.edi.x12.codes import InterchangeNote

from .samples import BALANCED_835_SEGMENTS, REJECTED_999, balanced_835, interchange, transaction


def test_inspect_835() -> None:
    report = inspect_x12(balanced_835())
    assert report.ok
    assert (report.interchange_count, report.group_count) == (1, 1)
    (summary,) = report.transactions
    assert summary.transaction_set_id == "835"
    assert summary.segment_count == 48
    assert summary.detail == "3 claims, payment 122.50, trace EFT0001234"


def test_inspect_999_and_counts() -> None:
    report = inspect_x12(REJECTED_999 + balanced_835())
    assert report.transaction_counts == {"999": 1, "835": 1}
    assert report.transactions[0].detail.startswith("group 5002 (HC): partially_accepted")


def test_inspect_reports_reader_findings() -> None:
    segments = [s.replace("BPR*I*122.5*", "BPR*I*1*") for s in BALANCED_835_SEGMENTS]
    report = inspect_x12(interchange(transaction(segments)))
    assert not report.ok
    assert [f.rule for f in report.findings] == ["835.balance.transaction"]


def test_inspect_non_x12_is_a_finding() -> None:
    report = inspect_x12("hello")
    assert report.transactions == ()
    (finding,) = report.findings
    assert finding.code is InterchangeNote.INVALID_CONTROL_STRUCTURE
