"""The patient payment receipt, the refund letter and the good-faith estimate as PDFs (fpdf2,
as the month-end pack and the appeal letters).

Pure: each function takes the facts and returns the PDF's bytes; the caller decides where they
go. A receipt names the patient (it is handed to them), never a card number (claimdesk has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from claimdesk.domain.good_faith import GoodFaithEstimate
from claimdesk.domain.money import Money


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1; anything else is replaced rather than dropped silently.
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    claim_id: str
    date_of_service: date
    paid: Money
    still_owed: Money


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    practice: str
    practice_address: str
    receipt_number: int
    received_on: date
    patient_name: str
    patient_account: str
    amount: Money
    method: str
    reference: str
    lines: Sequence[ReceiptLine]
    unapplied: Money
    credit_now: Money
    balance_now: Money
    taken_by: str
    reversed_note: str = ""


@dataclass(frozen=True, slots=True)
class RefundLetterFacts:
    practice: str
    practice_address: str
    written_on: date
    addressee: str
    address_lines: Sequence[str]
    patient_name: str
    patient_account: str
    claim_id: str
    amount: Money
    why: str
    request_id: int


class _Page:
    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="Letter")
        self.pdf.set_title(_latin1(title))
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()

    def line(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.pdf.set_font("Helvetica", style="B" if bold else "", size=size)
        self.pdf.multi_cell(self.pdf.epw, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def gap(self) -> None:
        self.pdf.ln(4)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        width = self.pdf.epw / max(len(header), 1)
        self.pdf.set_font("Helvetica", style="B", size=9)
        for cell in header:
            self.pdf.cell(width, 6, _latin1(cell), border=1)
        self.pdf.ln(6)
        self.pdf.set_font("Helvetica", size=9)
        for row in rows:
            for n, cell in enumerate(row):
                self.pdf.cell(width, 6, _latin1(cell), border=1, align="R" if n > 1 else "L")
            self.pdf.ln(6)
        self.gap()

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def receipt_pdf(facts: ReceiptFacts) -> bytes:
    page = _Page(f"Receipt {facts.receipt_number}")
    page.line(facts.practice, bold=True, size=14)
    page.line(facts.practice_address)
    page.gap()
    page.line(f"Payment receipt no. {facts.receipt_number}", bold=True, size=12)
    if facts.reversed_note:
        page.line(f"REVERSED: {facts.reversed_note}", bold=True)
    page.line(f"Received {facts.received_on.isoformat()} from {facts.patient_name}")
    page.line(f"Patient account {facts.patient_account}")
    method = facts.method + (f", reference {facts.reference}" if facts.reference else "")
    page.line(f"Amount paid: {facts.amount} ({method})", bold=True)
    page.gap()
    if facts.lines:
        page.table(
            ("Claim", "Date of service", "Paid", "Still owed"),
            [
                (
                    line.claim_id,
                    line.date_of_service.isoformat(),
                    str(line.paid),
                    str(line.still_owed),
                )
                for line in facts.lines
            ],
        )
    page.line(f"Kept as credit on the account: {facts.unapplied}")
    page.line(f"Credit on the account now: {facts.credit_now}")
    page.line(f"Balance you owe now: {facts.balance_now}", bold=True)
    page.gap()
    page.line(f"Taken by {facts.taken_by}. Thank you.")
    return page.bytes()


def refund_letter_pdf(facts: RefundLetterFacts) -> bytes:
    page = _Page(f"Refund {facts.request_id}")
    page.line(facts.practice, bold=True, size=14)
    page.line(facts.practice_address)
    page.gap()
    page.line(facts.written_on.isoformat())
    page.gap()
    page.line(facts.addressee, bold=True)
    for text in facts.address_lines:
        page.line(text)
    page.gap()
    about = f"Patient {facts.patient_name}, account {facts.patient_account}"
    page.line(
        f"Re: refund of an overpayment. {about}"
        + (f", claim {facts.claim_id}" if facts.claim_id else "")
    )
    page.gap()
    page.line(
        f"Our records show a credit of {facts.amount} in your favour ({facts.why}). "
        f"Enclosed is our refund of {facts.amount}, reference refund {facts.request_id}."
    )
    page.gap()
    page.line("Please contact our billing office with any question about this refund.")
    page.gap()
    page.line("Sincerely,")
    page.line(f"The billing office, {facts.practice}")
    return page.bytes()


def good_faith_pdf(practice: str, practice_address: str, gfe: GoodFaithEstimate) -> bytes:
    """The good-faith estimate handed to an uninsured or self-pay patient (45 CFR
    149.610(c)): who will provide what, on which day, at what expected charge, and the
    patient's right to dispute a bill $400 or more above it."""
    page = _Page(f"Good faith estimate {gfe.gfe_id}")
    page.line(practice, bold=True, size=14)
    page.line(practice_address)
    page.gap()
    page.line(f"Good Faith Estimate {gfe.gfe_id}", bold=True, size=12)
    page.line(f"Patient: {gfe.patient_name} (account {gfe.patient_account})")
    page.line(f"Scheduled service date: {gfe.scheduled_on.isoformat()}; made {gfe.made_on}")
    page.line(f"Provider: {gfe.provider_name}, NPI {gfe.provider_npi}; location {gfe.facility_id}")
    if gfe.diagnoses:
        page.line(f"Expected diagnosis codes: {', '.join(gfe.diagnoses)}")
    page.gap()
    page.table(
        ("Line", "Service code", "Units", "Price", "Expected charge"),
        [
            (
                str(line.line_number),
                line.code + (f"-{line.modifier}" if line.modifier else ""),
                str(line.units),
                str(line.price),
                str(line.amount),
            )
            for line in gfe.lines
        ],
    )
    page.line(f"Total expected charges: {gfe.total}", bold=True)
    page.gap()
    page.line(
        "This Good Faith Estimate shows the costs of items and services that are reasonably "
        "expected for your health care needs. It is based on information known at the time it "
        "was created and does not include unknown or unexpected costs. It is not a contract; "
        "you are not required to get the services from this provider."
    )
    page.line(
        "If you are billed for at least $400 more than this estimate for this provider, you "
        "can dispute the bill through the patient-provider dispute resolution process within "
        "120 calendar days of the date on the bill. Keep a copy of this estimate. For "
        "questions or more information, visit www.cms.gov/nosurprises or call 1-800-985-3059."
    )
    return page.bytes()
