"""The print grid of a pre-printed claim form: 10 characters per inch, 6 lines per inch.

The CMS-1500's boxes are drawn for a 10-pitch typewriter or printer: every box holds whole
character cells of 1/10 inch by 1/6 inch, so data placed by line and column lands inside its box.
Lines and columns count from 1, line 1 at the top of a US Letter sheet. Positions are in PDF
points (1/72 inch) from the sheet's top-left corner.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH = 612.0  # US Letter, 8.5 in
PAGE_HEIGHT = 792.0  # 11 in
COLUMN = 7.2  # 1/10 inch: 10 characters per inch
LINE = 12.0  # 1/6 inch: 6 lines per inch
# Where column 1 and line 1 begin on the sheet, as printer alignment for the red form sets them.
LEFT = 20.0
TOP = 24.0
LAST_COLUMN = 80

# NUCC recommends 10-point type; Courier's advance at 10 points is 6 points (600/1000 em), so
# each character is set 0.6 points into its 7.2-point cell and spaced 1.2 points apart.
FONT = "Courier"
FONT_SIZE = 10.0
ADVANCE = FONT_SIZE * 0.6
INSET = (COLUMN - ADVANCE) / 2
SPACING = COLUMN - ADVANCE
# A character's baseline sits 3 points above its line's bottom: room for descenders.
BASELINE = LINE - 3.0


@dataclass(frozen=True, slots=True)
class Rect:
    """An area of the sheet in points from its top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    def holds(self, other: Rect, slack: float = 0.01) -> bool:
        return (
            other.left >= self.left - slack
            and other.right <= self.right + slack
            and other.top >= self.top - slack
            and other.bottom <= self.bottom + slack
        )


def x(column: float) -> float:
    """The left edge of ``column``."""
    return LEFT + (column - 1) * COLUMN


def y(line: float) -> float:
    """The top edge of ``line``."""
    return TOP + (line - 1) * LINE


def baseline(line: int) -> float:
    return y(line) + BASELINE


def area(first_line: int, last_line: int, first_column: int, last_column: int) -> Rect:
    """The cells from ``first_line`` to ``last_line`` and ``first_column`` to ``last_column``."""
    return Rect(x(first_column), y(first_line), x(last_column + 1), y(last_line + 1))
