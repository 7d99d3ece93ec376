"""Patient statements as PDF (fpdf2, as the month-end pack): the practice's letterhead, the
visits one by one (what was charged, what insurance paid and adjusted, what the patient owes
and why, payments, balance), the message, and a tear-off remittance stub.

Pure: each function returns the PDF's bytes; the caller decides where they go.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

from claimdesk.domain.statements import Statement

ROW = 5
# Date, patient, provider, services, charge, ins. paid, ins. adjusted, you owe (why),
# payments, balance: widths in mm on a Letter page with 12 mm margins (192 mm).
_COLUMNS = (
    ("Date", 18, "L"),
    ("Patient", 26, "L"),
    ("Provider", 26, "L"),
    ("Services", 22, "L"),
    ("Charge", 17, "R"),
    ("Ins. paid", 17, "R"),
    ("Ins. adj.", 17, "R"),
    ("You owe", 17, "R"),
    ("Paid", 15, "R"),
    ("Balance", 17, "R"),
)


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1; anything else is replaced rather than dropped silently.
    return text.encode("latin-1", "replace").decode("latin-1")


def _cell(pdf: FPDF, width: float, text: str, align: str = "L", *, bold: bool = False) -> None:
    pdf.set_font("Helvetica", style="B" if bold else "", size=8)
    pdf.cell(width, ROW, _latin1(text), align=align)


def _line(pdf: FPDF, text: str, *, size: int = 9, bold: bool = False) -> None:
    pdf.set_font("Helvetica", style="B" if bold else "", size=size)
    pdf.multi_cell(pdf.epw, ROW, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def _codes(codes: Sequence[str], width: int) -> str:
    """Whole procedure codes that fit in ``width`` characters, then how many more: a code cut
    in half would read as another code."""
    shown: list[str] = []
    for number, code in enumerate(codes):
        more = len(codes) - number - 1
        text = " ".join([*shown, code]) + (f" +{more}" if more else "")
        if len(text) > width and shown:
            return " ".join(shown) + f" +{len(codes) - number}"
        shown.append(code)
    return " ".join(shown)


def _letterhead(pdf: FPDF, statement: Statement) -> None:
    practice = statement.practice
    _line(pdf, practice.get("name", ""), size=14, bold=True)
    for part in ("address1", "address2", "city_line", "phone"):
        if practice.get(part):
            _line(pdf, practice[part])
    pdf.ln(3)
    _line(pdf, "PATIENT STATEMENT", size=12, bold=True)
    _line(pdf, f"Statement {statement.statement_id}")
    _line(pdf, f"Statement date {statement.statement_date.isoformat()}")
    _line(pdf, f"Account {statement.party.account}")
    pdf.ln(2)
    _line(pdf, statement.party.name, bold=True)
    for address in statement.party.address_lines:
        _line(pdf, address)
    pdf.ln(4)


def _visits(pdf: FPDF, statement: Statement) -> None:
    for title, width, align in _COLUMNS:
        _cell(pdf, width, title, align, bold=True)
    pdf.ln(ROW)
    for visit in statement.visits:
        values = (
            visit.facts.date_of_service.isoformat(),
            visit.facts.patient_name[:18],
            visit.facts.provider[:18],
            _codes(visit.facts.services, 16),
            str(visit.charge),
            str(visit.insurance_paid),
            str(visit.insurance_adjusted),
            str(visit.owed_total),
            str(visit.payments),
            str(visit.balance),
        )
        for (_title, width, align), value in zip(_COLUMNS, values, strict=True):
            _cell(pdf, width, value, align)
        pdf.ln(ROW)
        why = "; ".join(f"{reason.label} {amount}" for reason, amount in visit.owed)
        if visit.adjustments:
            why += f"; adjusted {visit.adjustments}"
        _cell(pdf, 18, "")
        _cell(pdf, pdf.epw - 18, f"You owe because of: {why}")
        pdf.ln(ROW)
    if statement.unapplied:
        _cell(pdf, pdf.epw - 17, "Payments and credits not applied to a visit")
        _cell(pdf, 17, str(statement.unapplied), "R")
        pdf.ln(ROW)
    pdf.ln(2)
    _cell(pdf, pdf.epw - 30, "BALANCE DUE", "R", bold=True)
    _cell(pdf, 30, str(statement.balance), "R", bold=True)
    pdf.ln(ROW)
    _line(pdf, f"Please pay by {statement.due_date.isoformat()}.")
    if statement.pending_visits:
        _line(
            pdf,
            f"{statement.pending_visits} visit(s) still with your insurance are not billed "
            "here; you will see them once insurance has answered.",
        )
    pdf.ln(2)
    _line(pdf, statement.message, bold=True)


def _stub(pdf: FPDF, statement: Statement) -> None:
    # The tear-off stub stays whole on one page: a new page when the visits left no room.
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    pdf.set_y(pdf.h - 62)
    pdf.set_dash_pattern(dash=2, gap=2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_dash_pattern()
    pdf.ln(1)
    _line(pdf, "Please detach and return this part with your payment.", size=8)
    _line(pdf, "REMITTANCE", size=11, bold=True)
    _line(pdf, f"Account {statement.party.account}    Statement {statement.statement_id}")
    _line(pdf, f"Amount due {statement.balance}    Due by {statement.due_date.isoformat()}")
    _line(pdf, "Amount enclosed: $ ______________")
    _line(pdf, f"Make checks payable to {statement.practice.get('name', '')}")
    pay_to = [statement.practice.get(k, "") for k in ("address1", "address2", "city_line")]
    if any(pay_to):
        _line(pdf, ", ".join(x for x in pay_to if x))
    _line(pdf, f"From: {statement.party.name}")


def _add(pdf: FPDF, statement: Statement) -> None:
    pdf.add_page()
    _letterhead(pdf, statement)
    _visits(pdf, statement)
    _stub(pdf, statement)


def _document(title: str) -> FPDF:
    pdf = FPDF(format="Letter")
    pdf.set_title(_latin1(title))
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=12)
    return pdf


def statement_pdf(statement: Statement) -> bytes:
    pdf = _document(f"Statement {statement.statement_id}")
    _add(pdf, statement)
    return bytes(pdf.output())


def batch_pdf(statements: Sequence[Statement], title: str) -> bytes:
    """Every statement of a run in one PDF for printing, each starting on a new page."""
    pdf = _document(title)
    for statement in statements:
        _add(pdf, statement)
    if not statements:
        pdf.add_page()
        _line(pdf, f"{title}: no statements.")
    return bytes(pdf.output())
