from __future__ import annotations

import pytest

from claimdesk.edi.x12.codes import InterchangeNote, SegmentSyntaxError
from claimdesk.edi.x12.delimiters import Delimiters
from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x12.tokenizer import read_delimiters, tokenize

from .samples import balanced_835


def test_delimiters_come_from_the_isa() -> None:
    text = balanced_835().replace("*", "|").replace(":", ">").replace("~", "!")
    tokens = tokenize(text)
    assert tokens.interchanges[0].delimiters == Delimiters("|", ">", "^", "!")
    svc = next(s for s in tokens.interchanges[0].segments if s.id == "SVC")
    assert svc.get(1) == "HC>99213>25"


def test_4010_isa11_is_not_a_repetition_separator() -> None:
    isa = (
        "ISA*00*          *00*          *ZZ*A              *ZZ*B              "
        "*240101*1200*U*00401*000000001*0*P*:~"
    )
    assert read_delimiters(isa).repetition == ""


@pytest.mark.parametrize("layout", ["\n", "\r\n", "\r\n\r\n", "\n  "])
def test_line_breaks_between_segments_are_ignored(layout: str) -> None:
    plain = tokenize(balanced_835())
    spaced = tokenize(balanced_835().replace("~", "~" + layout))
    assert [s.elements for s in spaced.interchanges[0].segments] == [
        s.elements for s in plain.interchanges[0].segments
    ]
    assert spaced.findings == ()


def test_bom_and_surrounding_whitespace_are_tolerated() -> None:
    tokens = tokenize("\ufeff  \n" + balanced_835() + "\n\n")
    assert tokens.findings == ()
    assert tokens.interchanges[0].segments[0].id == "ISA"


def test_line_break_before_the_terminator() -> None:
    text = balanced_835().replace("~", "\n~")
    tokens = tokenize(text)
    assert tokens.interchanges[0].delimiters.segment == "~"
    assert tokens.interchanges[0].segments[1].id == "GS"


def test_newline_as_segment_terminator() -> None:
    text = balanced_835().replace("~", "\n")
    tokens = tokenize(text)
    assert tokens.interchanges[0].delimiters.segment == "\n"
    assert tokens.interchanges[0].segments[-1].elements == ["IEA", "1", "000000101"]
    assert tokens.findings == ()


def test_segment_positions_count_from_the_isa() -> None:
    segments = tokenize(balanced_835()).interchanges[0].segments
    assert [s.position for s in segments[:3]] == [1, 2, 3]
    assert segments[2].id == "ST"


def test_interchanges_with_different_delimiters_in_one_file() -> None:
    second = balanced_835().replace("*", "|").replace("~", "\n")
    tokens = tokenize(balanced_835() + "\n" + second)
    assert [ic.delimiters.element for ic in tokens.interchanges] == ["*", "|"]
    assert [ic.segments[0].position for ic in tokens.interchanges] == [1, 1]
    assert tokens.interchanges[1].segments[-1].id == "IEA"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", InterchangeNote.PREMATURE_END_OF_FILE),
        ("   \n\ufeff ", InterchangeNote.PREMATURE_END_OF_FILE),
        ("GS*HP*A*B~ST*835*1~", InterchangeNote.INVALID_CONTROL_STRUCTURE),
        ("ISA*00*   *00", InterchangeNote.PREMATURE_END_OF_FILE),
        ("ISAA00A", InterchangeNote.INVALID_ELEMENT_SEPARATOR),
    ],
)
def test_input_that_is_not_x12_raises_x12error_with_a_code(
    text: str, code: InterchangeNote
) -> None:
    with pytest.raises(X12Error) as caught:
        tokenize(text)
    assert caught.value.finding.code is code


def test_text_before_the_isa_is_a_finding() -> None:
    tokens = tokenize("garbage" + balanced_835())
    assert [f.rule for f in tokens.findings] == ["tokenizer.leading_garbage"]


def test_malformed_segment_id_is_a_finding_with_position() -> None:
    tokens = tokenize(balanced_835().replace("~TRN*", "~tr#*"))
    (finding,) = tokens.findings
    assert finding.code is SegmentSyntaxError.UNRECOGNIZED_SEGMENT_ID
    assert finding.location.segment_position == 5


def test_missing_final_terminator_is_a_warning() -> None:
    tokens = tokenize(balanced_835().rstrip("~"))
    (finding,) = tokens.findings
    assert finding.rule == "tokenizer.unterminated"
    assert finding.location.segment_id == "IEA"
