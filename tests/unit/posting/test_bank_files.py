"""Bank files: BAI2 through the ``bai2`` package and the CSV of docs/deposits.md; a bad file is
refused whole, naming the file, the record and the field."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.domain.money import Money
from claimdesk.posting.bank_files import BankDeposit, BankFileError, bai2_text, read_bank_file

DAY = date(2026, 3, 2)
DEPOSITS = [
    BankDeposit("", "000111", DAY, Money("1234.56"), "EFT0001", "1999999999", "ACME HEALTH"),
    BankDeposit("", "000111", DAY, Money("10.00"), "EFT0002", "1999999999", "ACME HEALTH"),
    BankDeposit("", "000111", date(2026, 3, 3), Money("5.00"), "1042", "", "A Patient", "check"),
]


def bai2() -> str:
    return bai2_text(DEPOSITS, sender="BANK1", receiver="CLINIC", created=DAY, file_id="7")


def test_bai2_written_and_read_back() -> None:
    read = read_bank_file("bank.bai", bai2())
    assert read.layout == "bai2"
    assert [(d.trace, d.amount, d.deposit_date, d.payer_id, d.kind) for d in read.deposits] == [
        ("EFT0001", Money("1234.56"), DAY, "1999999999", "ach"),
        ("EFT0002", Money("10.00"), DAY, "1999999999", "ach"),
        ("1042", Money("5.00"), date(2026, 3, 3), "", "check"),
    ]
    assert read.deposits[0].record == "line 4 (16 transaction detail)"
    assert read.deposits[0].payer_name == "ACME HEALTH"


def test_debits_are_not_deposits() -> None:
    text = bai2().replace("16,165,1000,", "16,495,1000,")  # an outgoing wire
    read = read_bank_file("bank.bai", text)
    assert [d.trace for d in read.deposits] == ["EFT0001", "1042"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # 1234.56 + 10.00 = 1244.56 (124456 cents) is what the 49 trailer must say
        (
            ("16,165,123456,", "16,165,123457,"),
            "line 6 (49 account trailer), field account control total",
        ),
        (("99,124956,", "99,124957,"), "line 13 (99 file trailer), field file control total"),
        (
            ("98,124456,1,6/", "98,124456,1,7/"),
            "line 7 (98 group trailer), field number of records",
        ),
        (
            ("16,165,123456,", "16,165,12x456,"),
            "line 4 (16 transaction detail), field amount: '12x456' is not a whole number",
        ),
        (("16,165,123456,", "16,999,123456,"), "line 4 (16 transaction detail), field type code"),
    ],
)
def test_bad_bai2_is_refused_naming_the_record(change: tuple[str, str], message: str) -> None:
    text = bai2()
    assert change[0] in text
    with pytest.raises(BankFileError) as caught:
        read_bank_file("bank.bai", text.replace(*change, 1))
    assert str(caught.value).startswith(f"bank.bai: {message}")
    assert str(caught.value).endswith("nothing was imported")


def test_a_missing_trailer_is_refused() -> None:
    text = "\n".join(line for line in bai2().splitlines() if not line.startswith("49,"))
    with pytest.raises(
        BankFileError, match=r"bank.bai: line 6 \(98 group trailer\), field structure"
    ):
        read_bank_file("bank.bai", text)


def test_csv_layout() -> None:
    text = (
        "date,amount,trace,payer_id,payer_name,account,kind\n"
        "2026-03-02,1234.56,EFT0001,1999999999,ACME HEALTH,000111,ach\n"
        "2026-03-03,5.00,1042,,A Patient,000111,check\n"
    )
    read = read_bank_file("bank.csv", text)
    assert read.layout == "csv"
    assert [(d.record, d.trace, d.amount, d.kind) for d in read.deposits] == [
        ("row 2", "EFT0001", Money("1234.56"), "ach"),
        ("row 3", "1042", Money("5.00"), "check"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-13-02,1.00,T", "row 2, field date: '2026-13-02' is not YYYY-MM-DD"),
        ("2026-03-02,1.005,T", "row 2, field amount: amount '1.005' has more than 2 decimals"),
        ("2026-03-02,12a,T", "row 2, field amount: not an amount '12a'"),
        ("2026-03-02,0.00,T", "row 2, field amount: a deposit is more than 0.00"),
        ("2026-03-02,1.00,", "row 2, field trace: empty"),
    ],
)
def test_bad_csv_rows(row: str, message: str) -> None:
    with pytest.raises(BankFileError) as caught:
        read_bank_file("bank.csv", f"date,amount,trace\n{row}\n")
    assert str(caught.value).startswith(f"bank.csv: {message}")


def test_unknown_layout() -> None:
    with pytest.raises(BankFileError, match=r"bank\.txt: line 1, field layout: unknown layout"):
        read_bank_file("bank.txt", "hello,world\n1,2\n")
