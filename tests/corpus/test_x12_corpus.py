"""The readers against real X12 files written by other projects (shared/x12-corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.domain.money import Money
from claimdesk.edi.inspect import inspect_x12
from claimdesk.edi.x12.codes import AcknowledgmentStatus, SegmentSyntaxError
from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.edi.x12.errors import Severity, X12Error
from claimdesk.edi.x12.tokenizer import tokenize
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x999.read import read_999

from .conftest import CorpusFile, corpus_index, read_text

pytestmark = pytest.mark.corpus

INDEX = corpus_index()

# Files whose upstream label says valid but which are not, with the findings that say why. The
# balancing figures were checked by hand against the files' BPR, CLP and PLB segments.
LABELLED_VALID_BUT_NOT = {
    "pyx12/x12testdata/835id.txt": (
        "4010 sample: claims pay -510.25 and PLB totals -977.94, so BPR02 should be 467.69, "
        "not 5950.21",
        {"835.balance.transaction"},
    ),
    "tigershark/tests/835-example.txt": (
        "4010 sample: claims pay 12200.67 and the PLB is -361.19, so BPR02 should be 12561.86, "
        "not 12345.67; SE01 says 43 segments for 47",
        {"835.balance.transaction", "envelope.se_count"},
    ),
    "tigershark/tests/835-example-2.txt": (
        "4010 sample: the first 835 pays 200.02 but BPR02 says 12345.67; both SE01 are wrong "
        "and GE01 counts one set for two",
        {"835.balance.transaction", "envelope.se_count", "envelope.ge_count"},
    ),
    "tigershark/X12-0.08/t/sample_835.txt": (
        "placeholder values (BPR*A*A*A..., CLP*DTEST...) and a GS with two elements",
        {"element.number", "element.code", "envelope.gs_date", "envelope.se_count"},
    ),
    "imsweb_x12_parser/837_5010/x12_999_accepted.txt": (
        "IEA02 000000001 does not match ISA13 000000286 (pyx12 agrees)",
        {"envelope.iea_control_number"},
    ),
}


def _rows(*transactions: str, intent: str | None = None) -> list[CorpusFile]:
    return [
        row
        for row in INDEX
        if any(t in row.transaction.split("+") for t in transactions)
        and (intent is None or row.intent == intent)
    ]


def test_corpus_is_present(corpus: Path) -> None:
    assert INDEX, f"{corpus}/INDEX.csv lists no files"
    assert _rows("835", intent="valid")
    assert _rows("999", intent="valid")


@pytest.mark.parametrize("row", _rows("835", intent="valid"), ids=lambda r: r.path)
def test_valid_835_reads(corpus: Path, row: CorpusFile) -> None:
    result = read_835(read_text(corpus, row.path))
    assert result.remittances
    errors = {f.rule for f in result.findings if f.severity is Severity.ERROR}
    if row.path in LABELLED_VALID_BUT_NOT:
        _reason, expected = LABELLED_VALID_BUT_NOT[row.path]
        assert expected <= errors
    else:
        assert errors == set(), [str(f) for f in result.findings]
        for remittance in result.remittances:
            assert remittance.payment is not None
            assert remittance.trace is not None
            assert remittance.claims


@pytest.mark.parametrize("row", _rows("999", intent="valid"), ids=lambda r: r.path)
def test_valid_999_reads(corpus: Path, row: CorpusFile) -> None:
    result = read_999(read_text(corpus, row.path))
    (ack,) = result.acknowledgments
    assert ack.status is not None
    assert ack.transaction_sets
    errors = {f.rule for f in result.findings if f.severity is Severity.ERROR}
    expected = LABELLED_VALID_BUT_NOT.get(row.path, ("", set()))[1]
    assert errors == expected


def test_emedny_balances_with_denied_lines(corpus: Path) -> None:
    path = "edi_835_parser/test_edi_835_files/emedny_sample.txt"
    (remittance,) = read_835(read_text(corpus, path)).remittances
    assert remittance.payment is not None
    assert remittance.payment.amount == sum((c.paid for c in remittance.claims), Money.zero())
    denied = remittance.claims[1]
    assert denied.paid == Money.zero()
    assert [a.reason for line in denied.service_lines for a in line.adjustments] == ["29", "29"]


def test_uhc_sample_payer_and_line_adjustments(corpus: Path) -> None:
    path = "edi_835_parser/test_edi_835_files/united_healthcare_legacy_sample.txt"
    (remittance,) = read_835(read_text(corpus, path)).remittances
    assert remittance.payer is not None
    assert remittance.payer.reference("2U") == "87726"
    assert remittance.payee is not None
    assert remittance.payee.npi == "1922164458"
    # The file uses ">" as its component separator.
    line = remittance.claims[0].service_lines[0]
    assert (line.procedure.qualifier, line.procedure.code) == ("HC", "B4152")


def test_rejected_999_from_the_corpus(corpus: Path) -> None:
    path = "imsweb_x12_parser/837_5010/x12_999_rejected.txt"
    (ack,) = read_999(read_text(corpus, path)).acknowledgments
    assert ack.status is AcknowledgmentStatus.REJECTED
    (ts,) = ack.transaction_sets
    (error,) = ts.segment_errors
    assert (error.segment_id, error.position) == ("NM", 17)
    assert error.code is SegmentSyntaxError.UNRECOGNIZED_SEGMENT_ID


def test_835_fragment_without_envelope_is_refused(corpus: Path) -> None:
    with pytest.raises(X12Error) as caught:
        read_835(read_text(corpus, "edi_835_parser/test_edi_835_files/blue_cross_nc_sample.txt"))
    assert "no ISA" in caught.value.finding.message


@pytest.mark.parametrize(
    "row", [r for r in _rows("835") if r.intent.startswith("invalid")], ids=lambda r: r.path
)
def test_invalid_835_files_give_findings(corpus: Path, row: CorpusFile) -> None:
    result = read_835(read_text(corpus, row.path))
    assert any(f.severity is Severity.ERROR for f in result.findings)


@pytest.mark.parametrize(
    "row", [r for r in INDEX if r.pyx12 == "PASS" and not r.duplicate_of], ids=lambda r: r.path
)
def test_envelopes_agree_with_pyx12_on_files_it_passes(corpus: Path, row: CorpusFile) -> None:
    envelopes = read_envelopes(read_text(corpus, row.path))
    assert [str(f) for f in envelopes.findings if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize("row", INDEX, ids=lambda r: r.path)
def test_no_file_crashes_a_reader(corpus: Path, row: CorpusFile) -> None:
    text = read_text(corpus, row.path)
    for reader in (tokenize, read_835, read_999):
        refused: X12Error | None = None
        try:
            reader(text)
        except X12Error as exc:
            refused = exc
        assert refused is None or refused.finding.message
    report = inspect_x12(text)
    assert report.findings or report.transactions
