"""The month-end pack and the invoice as PDFs (fpdf2, as the appeal letters): tables of the
same figures the CSV files hold.

Pure: each function returns the PDF's bytes; the caller decides where they go.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

from claimdesk.domain.fees import Invoice
from claimdesk.domain.month_end import (
    ACCOUNT_COLUMNS,
    DAY_SHEET_COLUMNS,
    REASON_COLUMNS,
    ROLL_FORWARD_COLUMNS,
    MonthEnd,
)

ROW_HEIGHT = 6


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1; anything else is replaced rather than dropped silently.
    return text.encode("latin-1", "replace").decode("latin-1")


class _Document:
    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="Letter", orientation="landscape")
        self.pdf.set_title(_latin1(title))
        self.pdf.set_auto_page_break(auto=True, margin=12)
        self.pdf.add_page()
        self.heading(title, size=14)

    def heading(self, text: str, size: int = 12) -> None:
        self.pdf.set_font("Helvetica", style="B", size=size)
        self.pdf.multi_cell(self.pdf.epw, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Helvetica", size=9)

    def text(self, text: str) -> None:
        self.pdf.set_font("Helvetica", size=9)
        self.pdf.multi_cell(self.pdf.epw, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        width = self.pdf.epw / max(len(header), 1)
        self.pdf.set_font("Helvetica", style="B", size=8)
        for cell in header:
            self.pdf.cell(width, ROW_HEIGHT, _latin1(cell), border=1)
        self.pdf.ln(ROW_HEIGHT)
        self.pdf.set_font("Helvetica", size=8)
        for row in rows:
            for n, cell in enumerate(row):
                self.pdf.cell(width, ROW_HEIGHT, _latin1(cell), border=1, align="R" if n else "L")
            self.pdf.ln(ROW_HEIGHT)
        self.pdf.ln(3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def pack_pdf(pack: MonthEnd, practice: str, status: str) -> bytes:
    doc = _Document(f"{practice}: month-end pack {pack.month} ({status})")
    verdict = (
        "Every payer class's closing equals the ledger's A/R at the month's end."
        if pack.reconciles
        else "The roll-forward does NOT reconcile: " + "; ".join(f.message for f in pack.findings)
    )
    doc.heading("A/R roll-forward by payer class")
    doc.text(
        "opening + charges - payments - adjustments + transfers = closing; transfers move a "
        "balance between classes (a patient share, a secondary claim). " + verdict
    )
    doc.table(ROLL_FORWARD_COLUMNS, pack.roll_forward_rows())
    doc.heading("Day sheets")
    doc.table(DAY_SHEET_COLUMNS, pack.day_sheet_rows())
    doc.heading("By ledger account")
    doc.table(ACCOUNT_COLUMNS, pack.account_rows())
    doc.heading("Adjustments by reason")
    doc.table(REASON_COLUMNS, pack.reason_rows())
    return doc.output()


def invoice_pdf(invoice: Invoice) -> bytes:
    doc = _Document(f"Invoice to {invoice.practice} for {invoice.month}")
    doc.heading("Fee")
    doc.table(
        ("line", "based on", "amount"),
        [
            *((line.description, line.basis, str(line.amount)) for line in invoice.fee.lines),
            ("total", "", str(invoice.fee.total)),
        ],
    )
    doc.heading(f"Collections claim by claim ({len(invoice.collections)} claims)")
    doc.table(
        ("claim", "payer", "payer payments", "patient payments", "total"),
        [
            *(
                (c.claim_id, c.payer_id, str(c.insurance), str(c.patient), str(c.total))
                for c in invoice.collections
            ),
            ("total", "", "", "", str(invoice.collected)),
        ],
    )
    doc.heading("Key figures for the month")
    doc.table(("KPI", "value"), invoice.kpis)
    doc.heading("Work done by tier")
    doc.table(
        ("tier", "outcome", "items", "resolved"),
        [(str(w.tier), w.outcome, str(w.items), str(w.resolved)) for w in invoice.work],
    )
    return doc.output()
