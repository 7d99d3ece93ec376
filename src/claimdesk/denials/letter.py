"""The appeal letter: a one-page PDF from the claim's facts, the denial and the argument.

Pure: it returns the PDF's bytes; the caller decides where they go. The letter names the
patient, because the payer needs to find the claim; it is never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from claimdesk.domain.money import Money


@dataclass(frozen=True, slots=True)
class AppealFacts:
    payer_name: str
    practice_name: str
    signature: str  # the profile's signature line, else the practice's name
    claim_id: str
    payer_claim_number: str
    patient_name: str
    member_id: str
    date_of_service: date
    amount: Money
    denial_codes: tuple[str, ...]  # e.g. ("CO-50",)
    denial_texts: tuple[str, ...]  # imported official texts, when the user supplied them
    argument: str
    written_on: date
    deadline: date | None
    level: int = 1
    # The letterhead under the practice's name: street, city/state/ZIP, NPI and tax id, phone.
    letterhead: tuple[str, ...] = ()
    signer: str = ""  # the person who wrote the appeal, signing for the practice
    # Each billed line: code and modifiers, charge, paid (as the remittance says).
    lines: tuple[tuple[str, Money, Money], ...] = ()
    enclosures: tuple[str, ...] = ()
    # The claims this one corrected (frequency 7), oldest first, with the payer's numbers.
    corrects: tuple[tuple[str, str], ...] = ()


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1; anything else is replaced rather than dropped silently.
    return text.encode("latin-1", "replace").decode("latin-1")


def appeal_letter(facts: AppealFacts) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_title(f"Appeal of claim {facts.claim_id}")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    width = pdf.epw

    def para(text: str, gap: float = 3) -> None:
        pdf.multi_cell(width, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para("\n".join((facts.practice_name, *facts.letterhead)))
    para(f"{facts.written_on:%B %d, %Y}")
    para(f"To: {facts.payer_name}, appeals department")
    pdf.set_font("Helvetica", style="B", size=11)
    para(f"Request for reconsideration (level {facts.level}) of claim {facts.claim_id}")
    pdf.set_font("Helvetica", size=11)
    reference = facts.payer_claim_number or "not yet assigned"
    para(
        f"Patient: {facts.patient_name}\nMember id: {facts.member_id}\n"
        f"Date of service: {facts.date_of_service:%m/%d/%Y}\n"
        f"Our claim number: {facts.claim_id}\nYour claim number: {reference}\n"
        f"Amount in dispute: ${facts.amount}"
    )
    if facts.lines:
        para(
            "Lines of the claim (procedure, charged, paid):\n"
            + "\n".join(
                f"  {code}: ${charge} charged, ${paid} paid" for code, charge, paid in facts.lines
            )
        )
    if facts.corrects:
        para(
            "This claim is a corrected claim (frequency 7) of "
            + "; ".join(
                f"our claim {ours} (your claim number {theirs})" for ours, theirs in facts.corrects
            )
            + f". Earlier appeals of the service count toward this level ({facts.level})."
        )
    if facts.denial_codes:
        para(f"The remittance adjusted the claim with {', '.join(facts.denial_codes)}.")
    for text in facts.denial_texts:
        para(f"Reason given: {text}", gap=1)
    para("We ask you to reconsider for the following reasons:")
    para(facts.argument)
    if facts.deadline is not None:
        para(
            f"This appeal is filed within the appeal window, which ends {facts.deadline:%m/%d/%Y}."
        )
    para("Please reprocess the claim and send a corrected remittance.")
    if facts.enclosures:
        para("Enclosed:\n" + "\n".join(f"  - {e}" for e in facts.enclosures))
    para("Sincerely,")
    para("\n".join(x for x in (facts.signer, facts.signature) if x))
    return bytes(pdf.output())
