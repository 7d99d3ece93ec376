import dataclasses
import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimdesk.domain.money import CENTS_LIMIT, Money, MoneyError, parse_dollars, total

from .strategies import REALISTIC_CENTS, cents, money


def test_money_from_float_is_refused() -> None:
    with pytest.raises(MoneyError, match="float"):
        Money(0.1)


@pytest.mark.parametrize("value", [0.0, 1.0, 0.1, -2.5, float("nan"), float("inf")])
def test_every_float_is_refused_even_a_whole_one(value: float) -> None:
    with pytest.raises(MoneyError, match="float"):
        Money(value)


@pytest.mark.parametrize("value", [True, False])
def test_bool_is_refused(value: bool) -> None:
    with pytest.raises(MoneyError, match="bool"):
        Money(value)
    with pytest.raises(MoneyError, match="bool"):
        Money.from_cents(value)


@pytest.mark.parametrize("value", [0.0, 100.0, 1.5])
def test_from_cents_refuses_a_float(value: float) -> None:
    with pytest.raises(MoneyError, match="float"):
        Money.from_cents(value)  # type: ignore[arg-type]


def _add(left: object, right: object) -> object:
    return left + right  # type: ignore[operator]


def _sub(left: object, right: object) -> object:
    return left - right  # type: ignore[operator]


def _mul(left: object, right: object) -> object:
    return left * right  # type: ignore[operator]


@pytest.mark.parametrize(
    ("operation", "left", "right"),
    [
        (_add, Money(1), 0.5),
        (_add, 0.5, Money(1)),
        (_add, 0.0, Money(1)),  # sum()'s start is the int 0, not any zero
        (_add, Money(1), 0.0),
        (_add, False, Money(1)),
        (_add, Decimal(0), Money(1)),
        (_add, Money(1), 1),
        (_add, 1, Money(1)),
        (_add, Money(1), Decimal(1)),
        (_sub, Money(1), 0.5),
        (_sub, 0.5, Money(1)),
        (_sub, Money(1), 1),
        (_mul, Money(1), 1.5),
        (_mul, 1.5, Money(1)),
        (_mul, Money(1), 2.0),
        (_mul, Money(1), True),
        (_mul, Money(1), Decimal(2)),
        (_mul, Money(1), Money(2)),
    ],
)
def test_arithmetic_with_anything_but_money_is_refused(
    operation: object, left: object, right: object
) -> None:
    assert callable(operation)
    with pytest.raises(TypeError):
        operation(left, right)


@pytest.mark.parametrize(
    "value",
    ["NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "Inf"],
)
def test_nan_and_infinity_text_is_refused(value: str) -> None:
    with pytest.raises(MoneyError, match=r"not an amount of money|not a finite amount"):
        Money(value)


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
def test_nan_and_infinity_decimals_are_refused(value: Decimal) -> None:
    with pytest.raises(MoneyError, match="not a finite amount"):
        Money(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "abc",
        "1,000.00",
        "$5",
        "5$",
        "1.2.3",
        "--5",
        "+-5",
        "1e",
        "e5",
        ".",
        "0x10",
        "5 00",
        "1_000",  # Decimal() would take it as 1000
        "\uff11\uff12",  # full-width "12"
        "\u0663",  # Arabic-Indic 3
        "12\u00b2",  # superscript two
        "1/2",
    ],
)
def test_garbage_text_is_refused(value: str) -> None:
    with pytest.raises(MoneyError, match="not an amount of money"):
        Money(value)


@pytest.mark.parametrize("value", [None, b"5", [5], (5,), 1j, object(), Fraction(1, 2)])
def test_other_types_are_refused(value: object) -> None:
    with pytest.raises(MoneyError, match="money cannot be built from"):
        Money(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 12.50 ", "12.50"),
        ("+5", "5.00"),
        ("-0.01", "-0.01"),
        (".5", "0.50"),
        ("5.", "5.00"),
        ("1E2", "100.00"),
        ("1.50e1", "15.00"),
        ("1.000000", "1.00"),
        ("007", "7.00"),
    ],
)
def test_plain_decimal_text_is_read_exactly(text: str, expected: str) -> None:
    assert str(Money(text)) == expected
    assert Money(text).amount == Decimal(expected)


@pytest.mark.parametrize("value", ["1.005", "0.001", "-0.009", "1e-3", Decimal("0.001"), "1E-9"])
def test_sub_cent_amount_is_refused(value: object) -> None:
    with pytest.raises(MoneyError, match="fraction of a cent"):
        Money(value)


def test_sub_cent_amount_is_refused_unless_rounded_explicitly() -> None:
    with pytest.raises(MoneyError, match="fraction of a cent"):
        Money("1.005")
    assert Money.rounded(Decimal("1.005")) == Money("1.01")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", "1.01"),
        ("1.004", "1.00"),
        ("1.0049999", "1.00"),
        ("2.675", "2.68"),  # the classic float trap: 2.675 as a float rounds to 2.67
        ("0.125", "0.13"),  # half up, not half even
        ("0.135", "0.14"),
        ("-1.005", "-1.01"),  # ties go away from zero
        ("-0.004", "0.00"),
        ("5", "5.00"),
        (Decimal("33.3333"), "33.33"),
        (7, "7.00"),
    ],
)
def test_rounded_is_half_up_to_the_cent(value: Decimal | int | str, expected: str) -> None:
    assert Money.rounded(value) == Money(expected)
    assert str(Money.rounded(value)) == expected


def test_rounded_refuses_what_money_refuses() -> None:
    with pytest.raises(MoneyError, match="float"):
        Money.rounded(1.005)  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match="not an amount of money"):
        Money.rounded("abc")
    with pytest.raises(MoneyError, match="out of range"):
        Money.rounded(Decimal("9999999999999999.995"))


def test_results_do_not_depend_on_the_thread_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        assert Money.rounded("1.005") == Money("1.01")
        assert Money("123456.78") + Money("0.01") == Money("123456.79")
        assert Money("123456.78") - Money("0.01") == Money("123456.77")
        assert Money("123456.78") * 3 == Money("370370.34")
        assert Money("123456.78").cents == 12345678
        assert Money.from_cents(98765432101).amount == Decimal("987654321.01")


def test_amounts_are_bounded_with_a_money_error() -> None:
    largest = Money.from_cents(CENTS_LIMIT - 1)
    assert str(largest) == "9999999999999999.99"
    assert -largest == Money("-9999999999999999.99")
    for value in ["10000000000000000", "-1e16", "1e30", "1e999999999", Decimal("1e100")]:
        with pytest.raises(MoneyError, match="out of range"):
            Money(value)
    with pytest.raises(MoneyError, match="out of range"):
        Money.from_cents(CENTS_LIMIT)
    with pytest.raises(MoneyError, match="out of range"):
        Money.from_cents(-CENTS_LIMIT)
    with pytest.raises(MoneyError, match="out of range"):
        largest + Money("0.01")
    with pytest.raises(MoneyError, match="out of range"):
        largest * 2


@given(st.integers())
def test_from_cents_round_trips_any_int_in_range_and_refuses_the_rest(count: int) -> None:
    if abs(count) < CENTS_LIMIT:
        amount = Money.from_cents(count)
        assert amount.cents == count
        assert Fraction(amount.amount) == Fraction(count, 100)
        assert Money(str(amount)) == amount
        assert Money(amount.amount) == amount
    else:
        with pytest.raises(MoneyError, match="out of range"):
            Money.from_cents(count)


@given(money, money, money)
def test_addition_is_associative_commutative_and_exact(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a + b).cents == a.cents + b.cents
    assert (a + b + c).cents == a.cents + b.cents + c.cents


@given(money, money)
def test_subtraction_is_exact_and_undoes_addition(a: Money, b: Money) -> None:
    assert (a - b).cents == a.cents - b.cents
    assert a - b == a + (-b)
    assert a + b - b == a
    assert a - a == Money.zero()
    assert (-a).cents == -a.cents
    assert abs(a).cents == abs(a.cents)


@given(money, st.integers(min_value=-1000, max_value=1000))
def test_whole_multiples_are_exact(a: Money, factor: int) -> None:
    assert (a * factor).cents == a.cents * factor
    assert factor * a == a * factor


@given(st.lists(money, max_size=30))
def test_sum_and_total_agree_with_summing_cents(amounts: list[Money]) -> None:
    expected = Money.from_cents(sum(a.cents for a in amounts))
    assert total(amounts) == expected
    assert sum(amounts, Money.zero()) == expected
    if amounts:
        assert sum(amounts) == expected


def test_arithmetic_is_exact_in_cents() -> None:
    assert Money("0.10") + Money("0.20") == Money("0.30")
    assert Money("100.00") - Money("0.01") == Money("99.99")
    assert Money("12.50") * 3 == Money("37.50")
    assert total([]) == Money(0)
    assert sum([Money("1.10"), Money("2.20")]) == Money("3.30")
    assert Money("-5").cents == -500
    assert str(Money(7)) == "7.00"


@given(money, money)
def test_ordering_follows_the_amount(a: Money, b: Money) -> None:
    assert (a < b) == (a.cents < b.cents)
    assert (a <= b) == (a.cents <= b.cents)
    assert (a == b) == (a.cents == b.cents)
    assert (hash(a) == hash(b)) or a != b


def test_ordering_and_equality_examples() -> None:
    amounts = [Money("10"), Money("-1.50"), Money("0"), Money("0.01"), Money("-20")]
    assert [str(a) for a in sorted(amounts)] == ["-20.00", "-1.50", "0.00", "0.01", "10.00"]
    assert max(amounts) == Money("10.00")
    assert Money("1.0") == Money("1.00") == Money(1) == Money(Decimal("1"))
    assert len({Money("1.0"), Money("1.00"), Money(1)}) == 1
    assert Money(1) != 1  # type: ignore[comparison-overlap]
    assert Money(1) != Decimal(1)
    with pytest.raises(TypeError):
        assert Money(1) < 2  # type: ignore[operator]


def test_money_is_immutable() -> None:
    amount = Money("5.00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        amount.amount = Decimal("6.00")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del amount.amount
    # A new attribute is refused too; CPython 3.11 reports it as a TypeError for a slotted
    # frozen dataclass (python/cpython#90055), later versions as FrozenInstanceError.
    with pytest.raises((dataclasses.FrozenInstanceError, TypeError)):
        amount.extra = 1  # type: ignore[attr-defined]
    assert not hasattr(amount, "extra")
    assert amount == Money("5.00")


@pytest.mark.parametrize(
    "make",
    [
        lambda: Money("-0"),
        lambda: Money("-0.00"),
        lambda: Money(Decimal("-0")),
        lambda: -Money(0),
        lambda: Money(0) * -1,
        lambda: Money.rounded("-0.004"),
        lambda: Money("-5") + Money("5"),
        lambda: Money("5") - Money("5.00"),
        lambda: -Money.zero(),
    ],
)
def test_zero_never_carries_a_sign(make: object) -> None:
    assert callable(make)
    zero = make()
    assert str(zero) == "0.00"
    assert not zero.amount.is_signed()
    assert zero == Money.zero()


def test_text_forms_and_predicates() -> None:
    assert str(Money("-5.5")) == "-5.50"
    assert repr(Money("3")) == "Money('3.00')"
    assert Money(Money("1.50")) == Money("1.50")
    assert Money() == Money.zero()
    assert not Money(0)
    assert Money("0.01")
    assert Money("-0.01").is_negative()
    assert not Money("-0.01").is_positive()
    assert Money("0.01").is_positive()
    assert not Money(0).is_positive()
    assert not Money(0).is_negative()
    assert abs(Money("-7.25")) == Money("7.25")
    assert Money("-7.25").cents == -725
    assert Money.from_cents(-1) == Money("-0.01")


@given(st.integers(min_value=-REALISTIC_CENTS, max_value=REALISTIC_CENTS))
def test_text_round_trip(count: int) -> None:
    amount = Money.from_cents(count)
    text = str(amount)
    assert Money(text) == amount
    assert text == f"{'-' if count < 0 else ''}{abs(count) // 100}.{abs(count) % 100:02d}"


@given(cents)
def test_money_rebuilt_from_its_amount_is_equal(count: int) -> None:
    amount = Money.from_cents(count)
    assert Money(amount.amount) == amount
    assert Money(amount) == amount


@pytest.mark.parametrize(
    ("typed", "amount"), [("125", "125.00"), ("125.5", "125.50"), (" 0.05 ", "0.05")]
)
def test_typed_dollars_are_read_exactly(typed: str, amount: str) -> None:
    assert parse_dollars(typed) == Money(amount)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1_000", "not an amount"),
        ("１２３", "not an amount"),
        ("1e3", "not an amount"),
        ("$10", "not an amount"),
        ("1,000.00", "not an amount"),
        ("12.345", "more than 2 decimals"),
        ("-5", "is negative"),
        ("", "not an amount"),
    ],
)
def test_what_a_person_would_not_mean_as_dollars_is_refused(typed: str, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason):
        parse_dollars(typed)
