"""The roll-forward on an 80-column terminal: every figure whole, never cut to fit."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from claimdesk.cli.close_cmd import roll_forward_table
from claimdesk.domain.money import Money
from claimdesk.domain.month_end import MonthEnd, RollForwardLine
from claimdesk.domain.periods import Month

M = Money


def _pack(*lines: RollForwardLine) -> MonthEnd:
    return MonthEnd(Month(2026, 8), lines, (), (), ())


def _shown(pack: MonthEnd, width: int) -> str:
    out = StringIO()
    Console(file=out, width=width).print(roll_forward_table(pack, width))
    return out.getvalue()


SMALL = RollForwardLine(
    "medicare", M("10.00"), M("5.00"), M("3.00"), M("1.00"), M("0.00"), M("11.00")
)
# A large practice's month: seven-figure balances, negative transfers.
LARGE = RollForwardLine(
    "commercial",
    M("1234567.89"),
    M("987654.32"),
    M("876543.21"),
    M("123456.78"),
    M("-12345.67"),
    M("1209876.55"),
)


@pytest.mark.parametrize("lines", [(SMALL,), (SMALL, LARGE)], ids=["small", "large"])
def test_every_figure_is_shown_whole_at_80_columns(lines: tuple[RollForwardLine, ...]) -> None:
    pack = _pack(*lines)
    shown = _shown(pack, 80)
    assert "…" not in shown
    assert max(len(line) for line in shown.splitlines()) <= 80
    for row in pack.roll_forward_rows():
        for cell in row:
            assert cell in shown


def test_a_wide_terminal_keeps_one_row_per_payer_class() -> None:
    shown = _shown(_pack(SMALL, LARGE), 160)
    assert any("commercial" in line and "1234567.89" in line for line in shown.splitlines())
