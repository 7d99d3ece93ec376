from decimal import Decimal

import pytest

from claimdesk.domain.money import Money, MoneyError, total


def test_money_from_float_is_refused() -> None:
    with pytest.raises(MoneyError, match="float"):
        Money(0.1)


def test_sub_cent_amount_is_refused_unless_rounded_explicitly() -> None:
    with pytest.raises(MoneyError, match="fraction of a cent"):
        Money("1.005")
    assert Money.rounded(Decimal("1.005")) == Money("1.01")


def test_arithmetic_is_exact_in_cents() -> None:
    assert Money("0.10") + Money("0.20") == Money("0.30")
    assert Money("100.00") - Money("0.01") == Money("99.99")
    assert Money("12.50") * 3 == Money("37.50")
    assert total([]) == Money(0)
    assert sum([Money("1.10"), Money("2.20")]) == Money("3.30")
    assert Money("-5").cents == -500
    assert str(Money(7)) == "7.00"
