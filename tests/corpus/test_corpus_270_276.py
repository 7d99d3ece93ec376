"""The 270 and 276 readers against real files written by other projects (shared/x12-corpus).

The corpus holds only 4010 inquiries (004010X092A1, 004010X093A1); they share the 5010 shape, so
the 5010 readers read them, and what 5010 no longer allows is listed here with the reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claimdesk.domain.money import Money
from claimdesk.edi.x12.composites import Reference
from claimdesk.edi.x12.errors import Severity
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x270.read import eligibility_question, read_270
from claimdesk.edi.x276.read import read_276, status_question

from .conftest import CorpusFile, corpus_index, read_text

pytestmark = pytest.mark.corpus

INDEX = corpus_index()

# Files labelled valid that claimdesk's 5010 readers do not take as they are, and why.
LABELLED_VALID_BUT_NOT = {
    "imsweb_x12_parser/x270_271/x270.txt": (
        "SE02 0000121 is not ST02 000121, SE01 says 15 segments for 14, IEA02 000014420 is not "
        "ISA13 000003438",
        {"envelope.se_control_number", "envelope.se_count", "envelope.iea_control_number"},
    ),
    "tigershark/tests/TEST_276_TXNs.txt": (
        "the subscriber level (2100D) names the patient NM1*QC, which pyx12's 4010 map accepts "
        "and 005010X212 does not (it requires NM1*IL there)",
        {"276.entity_code"},
    ),
}


def _rows(transaction: str) -> list[CorpusFile]:
    seen: set[str] = set()
    rows = []
    for row in INDEX:
        if row.transaction == transaction and row.intent == "valid" and row.path not in seen:
            seen.add(row.path)
            rows.append(row)
    return rows


def test_corpus_has_270_and_276_files(corpus: Path) -> None:
    assert len(_rows("270")) >= 2, corpus
    assert _rows("276")


@pytest.mark.parametrize("row", _rows("270") + _rows("276"), ids=lambda r: r.path)
def test_labelled_valid_files_read(corpus: Path, row: CorpusFile) -> None:
    text = read_text(corpus, row.path)
    result = read_270(text) if row.transaction == "270" else read_276(text)
    assert result.inquiries
    errors = {f.rule for f in result.findings if f.severity is Severity.ERROR}
    if row.path in LABELLED_VALID_BUT_NOT:
        reason, expected = LABELLED_VALID_BUT_NOT[row.path]
        assert errors == expected, reason
    else:
        assert errors == set()


def test_4010_270_with_an_eligibility_date_range(corpus: Path) -> None:
    text = read_text(corpus, "imsweb_x12_parser/x270_271/x270.txt")
    (inquiry,) = read_270(text).inquiries
    question = eligibility_question(inquiry)
    assert (question.trace_number, question.payer_id, question.member_id) == (
        "1234667890",
        "356000158",
        "123456",
    )
    assert (question.patient_last_name, question.patient_first_name) == ("DOE", "JANE")
    assert question.birth_date == date(1985, 10, 31)
    # DTP*307: the 4010 eligibility date, the date of service here.
    assert question.service_dates == Period("307", date(2002, 12, 1), date(2002, 12, 31))
    assert question.service_types == ("30",)
    assert question.provider_npi == ""  # the receiver is identified by a state id (SV)
    assert inquiry.subscriber is not None
    assert inquiry.subscriber.references == (Reference("SY", "123456789"),)


def test_4010_270_asking_for_individual_and_children(corpus: Path) -> None:
    text = read_text(corpus, "pyx12/x12testdata/repeat_init_segment.txt")
    result = read_270(text)
    assert result.findings == ()
    (inquiry,) = result.inquiries
    assert [(s.service_types, s.coverage_level) for s in inquiry.services] == [
        (("30",), "IND"),
        (("30",), "CHD"),
    ]
    assert inquiry.service_dates == Period("472", date(2007, 8, 1), date(2007, 8, 1))
    assert inquiry.traces[0].originator_supplemental == "test"


def test_4010_276_batch_of_interchanges(corpus: Path) -> None:
    text = read_text(corpus, "tigershark/tests/TEST_276_TXNs.txt")
    result = read_276(text)
    assert len(result.envelopes.interchanges) == len(result.transactions) > 1
    questions = [status_question(i) for i in result.inquiries]
    assert len(questions) == text.count("TRN*1*")
    assert all(q.charge == Money(0) for q in questions)
    first = questions[0]
    assert (first.trace_number, first.payer_id, first.member_id) == (
        "GZCSMXKRDR",
        "55204",
        "YJP88091836301",
    )
    # DTP*232: the 4010 claim service period, read as the service dates.
    assert first.service_dates == Period("472", date(2007, 9, 19), date(2007, 9, 21))
    assert first.patient_control_number == ""
