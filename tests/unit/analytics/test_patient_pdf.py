"""The receipt and the refund letter carry their key figures (read back from the PDF's
content streams)."""

from __future__ import annotations

import re
import zlib
from datetime import date

from claimdesk.analytics.patient_pdf import (
    ReceiptFacts,
    ReceiptLine,
    RefundLetterFacts,
    receipt_pdf,
    refund_letter_pdf,
)
from claimdesk.domain.money import Money

M = Money


def _text(pdf: bytes) -> str:
    """Every content stream inflated, as Latin-1 text."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            found.append(stream.decode("latin-1"))
    return "\n".join(found)


def test_the_receipt_shows_the_payment_what_it_paid_and_what_is_left() -> None:
    pdf = receipt_pdf(
        ReceiptFacts(
            practice="Springfield Clinic",
            practice_address="100 Main St, Springfield, IL 62701",
            receipt_number=7,
            received_on=date(2024, 3, 20),
            patient_name="Jane Doe",
            patient_account="P1",
            amount=M("80.00"),
            method="card",
            reference="ch_42",
            lines=(
                ReceiptLine("C1", date(2024, 2, 10), M("35.00"), M("0.00")),
                ReceiptLine("C2", date(2024, 2, 11), M("30.00"), M("0.00")),
            ),
            unapplied=M("15.00"),
            credit_now=M("15.00"),
            balance_now=M("0.00"),
            taken_by="fran",
        )
    )
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in (
        "Payment receipt no. 7",
        "Amount paid: 80.00",
        "card, reference ch_42",
        "35.00",
        "30.00",
        "Kept as credit on the account: 15.00",
        "Balance you owe now: 0.00",
    ):
        assert expected in text, expected
    assert "REVERSED" not in text


def test_the_refund_letter_names_the_amount_and_the_addressee() -> None:
    text = _text(
        refund_letter_pdf(
            RefundLetterFacts(
                practice="Springfield Clinic",
                practice_address="100 Main St",
                written_on=date(2024, 3, 21),
                addressee="Jane Doe",
                address_lines=("5 Oak Ave", "Springfield, IL 62702"),
                patient_name="Jane Doe",
                patient_account="P1",
                claim_id="",
                amount=M("15.00"),
                why="payments beyond your balance",
                request_id=3,
            )
        )
    )
    assert "Jane Doe" in text
    assert "5 Oak Ave" in text
    assert "credit of 15.00" in text
    assert "reference refund 3" in text
