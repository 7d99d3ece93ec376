"""The 837 reader against the 837P/837I files of the shared corpus (shared/x12-corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.domain.money import Money
from claimdesk.edi.x12.errors import Severity, X12Error
from claimdesk.edi.x837.read import read_837

from .conftest import CorpusFile, corpus_index, read_text

pytestmark = pytest.mark.corpus

INDEX = corpus_index()
IMSWEB = "imsweb_x12_parser/837_5010/"
# What is wrong with every imsweb sample, checked by hand: SE01 is a stale 25 (pyx12 agrees), and
# CLM02 is 500 while the lines add up to a few dollars.
_SAMPLE = {"envelope.se_count", "837.balance.claim"}
# The imsweb samples send HI*BK*8901*BF*87200: qualifier and code as separate elements instead
# of one composite, so every HI composite lacks its code (pyx12 rejects it too) and SV107 points
# at diagnoses that were never read. Most also reuse HL ids (HL*2 twice, a parent 3 that does not
# exist).
_BAD_HI = {"element.required", "837.principal_diagnosis_missing", "837.pointer"}
_BAD_HL = {"hl.duplicate", "hl.parent"}

# Files labelled valid upstream which are not, with the finding rules that say why.
LABELLED_VALID_BUT_NOT: dict[str, tuple[str, set[str]]] = {
    IMSWEB + "x12_ambiguous_loop.txt": (
        "stale SE01, CLM02 500 for a 12.25 line, SV107 points at 3 of 1 diagnosis",
        _SAMPLE | {"837.pointer"},
    ),
    IMSWEB + "x12_writer_test.txt": (
        "stale SE01, CLM02 500 for a 12.25 line, SV107 points at 3 of 1 diagnosis",
        _SAMPLE | {"837.pointer"},
    ),
    IMSWEB + "x223-test.txt": ("stale SE01, CLM02 500 for a 73.42 line", _SAMPLE),
    IMSWEB + "x12_valid.txt": ("split HI composites, reused HL ids", _SAMPLE | _BAD_HI | _BAD_HL),
    IMSWEB + "x12_valid_different_separators.txt": (
        "split HI composites, reused HL ids",
        _SAMPLE | _BAD_HI | _BAD_HL,
    ),
    IMSWEB + "x12_complex.txt": (
        "split HI composites, reused HL ids (the second HL*2 bills nothing), GE01 counts 1 of 2 "
        "sets, NM1*DN twice in one 2330C, LIN*N4 with a 7-digit NDC (the guide's N4 is 11)",
        _SAMPLE
        | _BAD_HI
        | _BAD_HL
        | {"envelope.ge_count", "837.loop_repeated", "837.no_claim", "837.ndc"},
    ),
    IMSWEB + "x12_many_claims.txt": (
        "split HI composites, reused HL ids (so billing provider HL 1 has no subscriber)",
        _SAMPLE | _BAD_HI | _BAD_HL | {"837.no_subscriber"},
    ),
    IMSWEB + "x12_multiple_gs.txt": (
        "split HI composites, reused HL ids, GS06 reused and IEA01 counts wrong",
        _SAMPLE | _BAD_HI | _BAD_HL | {"envelope.gs_duplicate", "envelope.iea_count"},
    ),
    IMSWEB + "x12_multiple_isa.txt": (
        "split HI composites, reused HL ids",
        _SAMPLE | _BAD_HI | _BAD_HL,
    ),
    IMSWEB + "x12_multiple_st.txt": (
        "split HI composites, reused HL ids, ST02 reused and GE01 counts wrong",
        _SAMPLE | _BAD_HI | _BAD_HL | {"envelope.st_duplicate", "envelope.ge_count"},
    ),
    IMSWEB + "x12_multiple_transactions.txt": (
        "split HI composites, reused HL ids",
        _SAMPLE | _BAD_HI | _BAD_HL,
    ),
    IMSWEB + "x12_no_errors.txt": (
        "split HI composites, HL ids 1 and 2 reused so billing provider HL 1 has no subscriber",
        _SAMPLE | _BAD_HI | {"hl.duplicate", "837.no_subscriber"},
    ),
}

# The defect each invalid 5010 file was made to show, as the rule that reports it.
INVALID_DEFECTS = {
    IMSWEB + "x12_bad_first_line.txt": "envelope.isa_width",
    IMSWEB + "x12_bad_segment_identifier.txt": "tokenizer.segment_id",
    IMSWEB + "x12_bad_valid_code.txt": "837.nm1_entity",
    IMSWEB + "x12_loop_errors1_exceeds_max_1_parent.txt": "837.loop_repeated",
    IMSWEB + "x12_loop_errors2_exceeds_max_repeats_multiple_parents.txt": "837.loop_repeated",
    IMSWEB + "x12_loop_errors3_missing_loops.txt": "837.billing_provider_missing",
    IMSWEB + "x12_missing_elements.txt": "element.required",
    IMSWEB + "x12_missing_required_loop_in_one_repeat.txt": "837.subscriber_missing",
    IMSWEB + "x12_missing_required_loops_mult_repeats.txt": "837.lines_missing",
    IMSWEB + "x12_segment_errors.txt": "837.address_missing",
    IMSWEB + "x12_segments_out_of_order.txt": "segment.order",
}


def _is_837(row: CorpusFile) -> bool:
    return any(t in ("837P", "837I") for t in row.transaction.split("+"))


def _rows_5010(intent: str) -> list[CorpusFile]:
    return [
        row
        for row in INDEX
        if _is_837(row) and row.version.startswith("00501") and row.intent.startswith(intent)
    ]


def _errors(text: str) -> set[str]:
    return {f.rule for f in read_837(text).findings if f.severity is Severity.ERROR}


def test_corpus_has_837_files(corpus: Path) -> None:
    assert _rows_5010("valid")
    assert _rows_5010("invalid")
    listed = {row.path for row in _rows_5010("valid")}
    assert set(LABELLED_VALID_BUT_NOT) <= listed


@pytest.mark.parametrize("row", _rows_5010("valid"), ids=lambda r: r.path)
def test_valid_5010_837_reads(corpus: Path, row: CorpusFile) -> None:
    text = read_text(corpus, row.path)
    result = read_837(text)
    assert result.claims
    errors = {f.rule for f in result.findings if f.severity is Severity.ERROR}
    if row.path in LABELLED_VALID_BUT_NOT:
        _reason, expected = LABELLED_VALID_BUT_NOT[row.path]
        assert errors == expected, [str(f) for f in result.findings]
    else:
        assert errors == set(), [str(f) for f in result.findings]


@pytest.mark.parametrize("row", _rows_5010("invalid"), ids=lambda r: r.path)
def test_invalid_5010_837_gives_located_findings(corpus: Path, row: CorpusFile) -> None:
    text = read_text(corpus, row.path)
    refused: X12Error | None = None
    try:
        result = read_837(text)
    except X12Error as exc:
        refused = exc
    if refused is not None:
        assert refused.finding.message
        return
    located = [
        f
        for f in result.findings
        if f.severity is Severity.ERROR and f.location.segment_position is not None
    ]
    assert located
    assert INVALID_DEFECTS[row.path] in {f.rule for f in located}


def test_the_file_without_isa_is_refused(corpus: Path) -> None:
    with pytest.raises(X12Error) as caught:
        read_837(read_text(corpus, IMSWEB + "x12_no_isa_line.txt"))
    assert "no ISA" in caught.value.finding.message


@pytest.mark.parametrize("row", [r for r in INDEX if _is_837(r)], ids=lambda r: r.path)
def test_no_837_file_crashes_the_reader(corpus: Path, row: CorpusFile) -> None:
    text = read_text(corpus, row.path)
    refused: X12Error | None = None
    try:
        result = read_837(text)
    except X12Error as exc:
        refused = exc
    if refused is not None:
        assert refused.finding.message
        return
    assert result.claims or result.findings
    if not row.version.startswith("00501"):
        # 4010 files are read as 5010 with a warning on each transaction set.
        assert "837.implementation" in {f.rule for f in result.findings}


def test_imsweb_valid_sample_content(corpus: Path) -> None:
    result = read_837(read_text(corpus, IMSWEB + "x12_valid.txt"))
    first, second = result.claims
    assert (first.claim_id, second.claim_id) == ("A37YH556", "A37YH667")
    assert first.total_charge == Money(500)
    assert first.billing.provider is not None
    assert first.billing.provider.npi == "1234567890"
    assert first.billing.pay_to is not None
    assert first.subscriber.member_id == "123456"
    assert first.subscriber.payer is not None
    assert first.subscriber.payer.name.id == "11122333"
    (line,) = first.lines
    assert line.procedure is not None
    assert (line.procedure.code, line.procedure.modifiers) == ("99211", ("25",))
    assert line.charge == Money("12.25")
    assert line.service_period is not None
    assert (line.service_period.start.isoformat(), line.service_period.end.isoformat()) == (
        "2005-03-14",
        "2005-03-25",
    )


def test_imsweb_institutional_sample_content(corpus: Path) -> None:
    (claim,) = read_837(read_text(corpus, IMSWEB + "x223-test.txt")).claims
    assert claim.institutional_claim
    assert claim.diagnoses == ("1739",)
    assert claim.institutional is not None
    assert claim.institutional.patient_status == "30"
    assert [o.payer_id for o in claim.other_payers] == ["54321", "12345"]
    (line,) = claim.lines
    assert (line.revenue_code, line.charge) == ("0300", Money("73.42"))


def test_many_claims_file_reads_every_claim(corpus: Path) -> None:
    result = read_837(read_text(corpus, IMSWEB + "x12_many_claims.txt"))
    text = read_text(corpus, IMSWEB + "x12_many_claims.txt")
    assert len(result.claims) == text.count("CLM*")
