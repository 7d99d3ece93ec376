from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address
from claimdesk.edi.x12.delimiters import Delimiters
from claimdesk.edi.x12.writer import (
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    date_range,
    decimal,
    money,
    time4,
    write_interchange,
)

from .claim_builders import ENVELOPE
from .x12_checks import check_envelope, segments


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0", "0"), ("125.00", "125"), ("15.50", "15.5"), ("0.05", "0.05"), ("-20.10", "-20.1")],
)
def test_money_is_written_without_needless_zeros(amount: str, text: str) -> None:
    assert money(Money(amount)) == text


@pytest.mark.parametrize(
    ("units", "text"), [("1", "1"), ("10", "10"), ("1.50", "1.5"), ("0.25", "0.25")]
)
def test_units_never_use_exponents(units: str, text: str) -> None:
    assert decimal(Decimal(units)) == text


def test_dates_and_times() -> None:
    assert date8(date(2024, 2, 9)) == "20240209"
    assert date_range(date(2024, 2, 9), date(2024, 3, 1)) == "20240209-20240301"
    assert time4(datetime(2024, 2, 9, 7, 5)) == "0705"


def test_free_text_is_upper_case_ascii_without_delimiters() -> None:
    w = SegmentWriter()
    assert w.text("  García~Smith*Jones:  jr^ ", 60) == "GARCIA SMITH JONES JR"
    assert w.text("Zoë\tO'Neil\n", 60) == "ZOE O'NEIL"
    assert w.text("a very long name", 6) == "A VERY"
    assert w.text("Ōta 東京", 60) == "OTA"


def test_custom_delimiters_are_stripped_too() -> None:
    w = SegmentWriter(Delimiters(element="|", component=">", repetition="!", segment="\n"))
    assert w.text("A|B>C!D*E", 60) == "A B C D*E"


def test_required_text_refuses_what_cleans_to_nothing() -> None:
    w = SegmentWriter()
    with pytest.raises(X12WriteError, match=r"claim C1: NM103 last name: is required"):
        w.required_text(" ~*: ", 60, "claim C1", "NM103 last name")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "required but missing"),
        ("AB*C", "delimiter"),
        ("AB~C", "delimiter"),
        ("ABCDEFGHIJK", "1 to 10 characters"),
        ("ÄBC", "cannot carry"),
        ("A\x00B", "cannot carry"),
    ],
)
def test_identifiers_are_refused_never_altered(value: str, reason: str) -> None:
    w = SegmentWriter()
    with pytest.raises(X12WriteError, match=reason) as caught:
        w.identifier(value, 10, "claim C9", "NM109 member id")
    assert caught.value.record == "claim C9"
    assert caught.value.field == "NM109 member id"


def test_identifier_is_upper_cased_and_trimmed() -> None:
    assert SegmentWriter().identifier(" ab12 ", 10, "r", "f") == "AB12"


def test_segments_drop_trailing_empty_elements_and_components() -> None:
    w = SegmentWriter()
    w.add("NM1", "IL", "1", "DOE", "", "", "")
    w.add("REF", "", "X")
    assert w.segments == ["NM1*IL*1*DOE", "REF**X"]
    assert w.composite("HC", "99213", "25", "", "") == "HC:99213:25"


def test_address_requires_state_and_zip_shapes() -> None:
    w = SegmentWriter()
    w.address(Address("1 Main", "Town", "il", "62701-1234"), "claim C1", "2010CA patient")
    assert w.segments == ["N3*1 MAIN", "N4*TOWN*IL*627011234"]
    with pytest.raises(X12WriteError, match="N402 state"):
        w.address(Address("1 Main", "Town", "Illinois", "62701"), "claim C1", "2010CA")
    with pytest.raises(X12WriteError, match="nine digits"):
        w.address(Address("1 Main", "Town", "IL", "62701"), "claim C1", "2010AA", zip9=True)
    with pytest.raises(X12WriteError, match="five or nine digits"):
        w.address(Address("1 Main", "Town", "IL", "6270"), "claim C1", "2010CA")


def _interchange(transactions: int, **changes: object) -> str:
    envelope = replace(ENVELOPE, **changes)  # type: ignore[arg-type]
    return write_interchange(
        envelope,
        functional_id="HC",
        transaction_set_id="837",
        version="005010X222A1",
        transactions=[TransactionSet(["BHT*X", "NM1*Y"]) for _ in range(transactions)],
    )


def test_envelope_counts_and_control_numbers() -> None:
    x12 = _interchange(3, interchange_control_number=4521, group_control_number=88)
    segs = check_envelope(x12)
    isa = segs[0]
    assert isa[13] == "000004521"
    assert isa[15] == "T"
    assert isa[16] == ":"
    assert isa[6] == "CLAIMDESK      "
    assert segs[1][6] == "88"
    assert [s[2] for s in segs if s[0] == "ST"] == ["0001", "0002", "0003"]
    assert [s[1] for s in segs if s[0] == "SE"] == ["4", "4", "4"]
    assert segs[-2] == ["GE", "3", "88"]
    assert segs[-1] == ["IEA", "1", "000004521"]


def test_envelope_production_flag_first_transaction_number_and_line_breaks() -> None:
    x12 = _interchange(2, production=True, first_transaction_number=70)
    assert segments(x12)[0][15] == "P"
    assert [s[2] for s in segments(x12) if s[0] == "ST"] == ["0070", "0071"]
    broken = write_interchange(
        ENVELOPE,
        functional_id="HC",
        transaction_set_id="837",
        version="005010X222A1",
        transactions=[TransactionSet(["BHT*X"])],
        line_breaks=True,
    )
    assert broken.splitlines()[2] == "ST*837*0001*005010X222A1~"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interchange_control_number": 0}, "ISA13"),
        ({"group_control_number": 1_000_000_000}, "GS06"),
        ({"sender_id": "A" * 16}, "ISA06"),
        ({"receiver_id": ""}, "ISA08"),
        ({"first_transaction_number": 999_999_999}, "ST02"),
    ],
)
def test_envelope_refuses_bad_identities(changes: dict[str, object], field: str) -> None:
    with pytest.raises(X12WriteError, match=field):
        _interchange(2, **changes)


def test_envelope_needs_a_transaction() -> None:
    with pytest.raises(X12WriteError, match="transaction"):
        _interchange(0)
