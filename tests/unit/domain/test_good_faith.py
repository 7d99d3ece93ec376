"""Good-faith estimate pricing and the $400 dispute threshold, hand-computed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimdesk.domain.good_faith import Excess, GoodFaithError, ScheduledService, price_lines
from claimdesk.domain.money import Money

PRICES = {
    ("99213", ""): Money("150.00"),
    ("99213", "25"): Money("160.00"),
    ("90686", ""): Money("40.00"),
    ("J1100", ""): Money("3.33"),
}


@pytest.mark.parametrize(
    ("code", "modifier", "units", "amount"),
    [
        ("99213", "", "1", "150.00"),
        ("99213", "25", "1", "160.00"),  # the modifier's own price
        ("90686", "SL", "1", "40.00"),  # no price for the modifier: the code's
        ("90686", "", "1.5", "60.00"),
        ("J1100", "", "2.5", "8.33"),  # 8.325 rounded half up
    ],
)
def test_a_service_is_its_price_times_its_units(
    code: str, modifier: str, units: str, amount: str
) -> None:
    (line,) = price_lines([ScheduledService(1, code, modifier, Decimal(units))], PRICES, "E1")

    assert line.amount == Money(amount)


def test_a_service_without_a_price_is_refused_naming_the_line() -> None:
    with pytest.raises(GoodFaithError, match="E1, line 2: no self-pay price for 99024"):
        price_lines(
            [
                ScheduledService(1, "99213", "", Decimal(1)),
                ScheduledService(2, "99024", "", Decimal(1)),
            ],
            PRICES,
            "E1",
        )


@pytest.mark.parametrize(
    ("estimated", "billed", "over", "eligible"),
    [
        ("150.00", "549.99", "399.99", False),
        ("150.00", "550.00", "400.00", True),  # "at least $400"
        ("150.00", "900.00", "750.00", True),
        ("150.00", "100.00", "-50.00", False),
    ],
)
def test_the_dispute_threshold_is_400_dollars_over_the_estimate(
    estimated: str, billed: str, over: str, eligible: bool
) -> None:
    excess = Excess("1234567893", Money(estimated), Money(billed))

    assert (excess.over, excess.eligible) == (Money(over), eligible)
