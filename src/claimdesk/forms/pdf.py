"""Draw CMS-1500 pages as PDF (fpdf2): the whole form, or only its data for the red form.

The whole form (for appeals and records) is drawn in red, as the printed form is, with its
boxes, captions and check squares; the data is typed in black on the same grid either way, in
10-point Courier at 10 characters per inch (:mod:`claimdesk.forms.grid`). Pure: returns bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fpdf import FPDF

from claimdesk.forms import grid
from claimdesk.forms.cms1500 import FormPage
from claimdesk.forms.cms1500_layout import (
    ALL_BOXES,
    CHECKS,
    DIVIDERS,
    LABELS,
    PATIENT_ROWS,
    PROVIDER_ROWS,
    Box,
)

RED = (200, 30, 45)  # the form's own ink; payers' scanners drop it and read the black data
SHADE = (252, 226, 226)
CAPTION_FONT = "Helvetica"


def cms1500_pdf(pages: Sequence[FormPage], *, data_only: bool, title: str) -> bytes:
    """Every page of ``pages`` (one claim's, or a batch's claims one after the other)."""
    pdf = FPDF(unit="pt", format="Letter")
    pdf.set_title(title)
    pdf.set_creator("claimdesk")
    pdf.set_margins(0, 0, 0)
    pdf.set_auto_page_break(auto=False)
    for page in pages:
        pdf.add_page()
        if not data_only:
            _form(pdf)
        _data(pdf, page)
    return bytes(pdf.output())


def _data(pdf: FPDF, page: FormPage) -> None:
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(grid.FONT, size=grid.FONT_SIZE)
    # Each character in its own 1/10-inch cell: Courier's advance plus the spacing is 7.2 pt.
    pdf.set_char_spacing(grid.SPACING)
    for entry in page.entries:
        pdf.text(grid.x(entry.column) + grid.INSET, grid.baseline(entry.slot.line), entry.text)
    pdf.set_char_spacing(0)


def _form(pdf: FPDF) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_text_color(*RED)
    _heading(pdf)
    for box in ALL_BOXES:
        _box(pdf, box)
    pdf.set_line_width(1.2)
    frame = grid.area(PATIENT_ROWS[0], PROVIDER_ROWS[1], 1, grid.LAST_COLUMN)
    pdf.rect(frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top)
    pdf.line(frame.left, grid.y(PROVIDER_ROWS[0]), frame.right, grid.y(PROVIDER_ROWS[0]))
    pdf.set_line_width(0.5)
    for check in CHECKS:
        left = grid.x(check.column)
        pdf.rect(left + 0.4, grid.y(check.line) + 2.5, grid.COLUMN - 0.8, 7.0)
    pdf.set_dash_pattern(dash=0.8, gap=0.8)
    for divider in DIVIDERS:
        left = grid.x(divider.column)
        pdf.line(left, grid.y(divider.first_line) + 3, left, grid.y(divider.last_line + 1) - 1)
    pdf.set_dash_pattern()
    for label in LABELS:
        pdf.set_font(CAPTION_FONT, style="B" if label.bold else "", size=label.size)
        drop = grid.LINE - 1.5 if label.low else label.size + 0.6
        pdf.text(grid.x(label.column), grid.y(label.line) + drop, label.text)
    _side(pdf, "CARRIER", 1, 6)
    _side(pdf, "PATIENT AND INSURED INFORMATION", *PATIENT_ROWS)
    _side(pdf, "PHYSICIAN OR SUPPLIER INFORMATION", *PROVIDER_ROWS)
    _footer(pdf)


def _heading(pdf: FPDF) -> None:
    pdf.set_font(CAPTION_FONT, style="B", size=26)
    pdf.text(grid.x(1), grid.y(3) + 6, "1500")
    pdf.set_font(CAPTION_FONT, style="B", size=12)
    pdf.text(grid.x(1), grid.y(4) + 10, "HEALTH INSURANCE CLAIM FORM")
    pdf.set_font(CAPTION_FONT, size=5.5)
    pdf.text(grid.x(1), grid.y(5) + 8, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12")
    pdf.set_line_width(0.5)
    pdf.set_font(CAPTION_FONT, style="B", size=6)
    for squares, word in ((range(1, 4), 4.3), (range(78, 81), 74.6)):
        pdf.text(grid.x(word), grid.y(6) + 9, "PICA")
        for column in squares:
            pdf.rect(grid.x(column) + 0.6, grid.y(6) + 3, grid.COLUMN - 1.2, 7)


def _box(pdf: FPDF, box: Box) -> None:
    rect = box.rect
    width, height = rect.right - rect.left, rect.bottom - rect.top
    pdf.set_line_width(0.6)
    if box.shaded:
        pdf.set_fill_color(*SHADE)
        pdf.rect(rect.left, rect.top, width, height, style="DF")
    elif box.framed:
        pdf.rect(rect.left, rect.top, width, height)
    if not box.caption:
        return
    size = box.caption_size
    pdf.set_font(CAPTION_FONT, size=size)
    top = rect.top + box.caption_drop + size + 0.6
    for number, line in enumerate(_wrapped(pdf, box.caption, width - 2.4)):
        pdf.text(rect.left + 1.2, top + number * (size + 0.5), line)


def _wrapped(pdf: FPDF, caption: str, width: float) -> Iterator[str]:
    """The caption's words in lines that fit ``width`` at the current font."""
    line = ""
    for word in caption.split():
        candidate = f"{line} {word}" if line else word
        if line and pdf.get_string_width(candidate) > width:
            yield line
            line = word
        else:
            line = candidate
    if line:
        yield line


def _side(pdf: FPDF, title: str, first_line: int, last_line: int) -> None:
    """The form's right margin: a bracket over ``first_line``-``last_line`` and its title."""
    left = grid.x(grid.LAST_COLUMN + 1) + 4
    top, bottom = grid.y(first_line) + 2, grid.y(last_line + 1) - 2
    pdf.set_line_width(0.5)
    pdf.line(left, top, left, bottom)
    pdf.line(left - 2, top, left, top)
    pdf.line(left - 2, bottom, left, bottom)
    pdf.set_font(CAPTION_FONT, style="B", size=5.5)
    middle = (top + bottom + pdf.get_string_width(title)) / 2
    with pdf.rotation(90, left + 7, middle):
        pdf.text(left + 7, middle, title)


def _footer(pdf: FPDF) -> None:
    base = grid.y(62) + 8
    pdf.set_font(CAPTION_FONT, size=5.5)
    pdf.text(grid.x(1), base, "NUCC Instruction Manual available at: www.nucc.org")
    pdf.set_font(CAPTION_FONT, style="B", size=7)
    pdf.text(grid.x(34), base, "PLEASE PRINT OR TYPE")
    pdf.set_font(CAPTION_FONT, size=5.5)
    pdf.text(grid.x(57), base, "APPROVED OMB-0938-1197 FORM 1500 (02-12)")
