"""Money as Decimal quantized to cents.

Floats cannot represent most cent amounts exactly, so a float is refused outright rather than
rounded: an auditor must be able to trust that every stored amount is the amount that was entered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Self

CENT = Decimal("0.01")

# No real amount comes near a quadrillion dollars, and in cents the bound still fits a signed
# 64-bit integer. Bounding amounts keeps every sum and product exact in _CONTEXT and refuses
# absurd input (say "1e999999999") with a MoneyError instead of a bare decimal signal.
CENTS_LIMIT = 10**18

# Amounts must not depend on the thread's decimal context (its precision or rounding): 40 digits
# hold the sum or difference of any two amounts within the bound exactly.
_CONTEXT = Context(prec=40, rounding=ROUND_HALF_UP)
_NO_CENTS = Decimal("0.00")
_LIMIT = Decimal(CENTS_LIMIT).scaleb(-2, _CONTEXT)

# Plain decimal text in ASCII digits; Decimal() alone would also take "1_000", full-width or
# Arabic-Indic digits, none of which belongs in a billing file.
_AMOUNT_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class MoneyError(ValueError):
    """A value that cannot be an amount of money (a float, garbage text, sub-cent precision)."""


# What a person types as dollars: ASCII digits, at most two decimals, no sign, no separators.
# Decimal() alone would also take "1_000", full-width digits and "1e3".
_DOLLARS = re.compile(r"\d+(\.\d{1,2})?", re.ASCII)
_DECIMAL_LIKE = re.compile(r"-?\d*\.?\d+", re.ASCII)


def parse_dollars(text: str) -> Money:
    """A non-negative amount typed in dollars, e.g. ``125.00``; :class:`MoneyError` says why
    anything else is not one."""
    text = text.strip()
    if _DOLLARS.fullmatch(text):
        return Money(text)
    if text.startswith("-") and _DOLLARS.fullmatch(text[1:]):
        raise MoneyError(f"amount {text!r} is negative")
    if _DECIMAL_LIKE.fullmatch(text):
        raise MoneyError(f"amount {text!r} has more than 2 decimals")
    raise MoneyError(
        f"not an amount {text!r}: expected digits with at most 2 decimals, e.g. 125.00"
    )


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool | float):
        raise MoneyError(f"money cannot be built from {type(value).__name__} {value!r}; use a str")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _AMOUNT_TEXT.fullmatch(text):
            raise MoneyError(f"not an amount of money: {value!r}")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount of money: {value!r}") from exc
    else:
        raise MoneyError(f"money cannot be built from {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    if result.copy_abs() >= _LIMIT:
        raise MoneyError(f"amount {value!r} is out of range (must be below {_LIMIT:f} dollars)")
    return result


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount in US dollars, always exactly representable in cents.

    Sub-cent input is an error (``Money("1.005")``) because silently rounding a charge or a payment
    changes the books; use :meth:`rounded` where rounding is the intended business rule.
    """

    amount: Decimal

    def __init__(self, value: object = 0) -> None:
        dec = _to_decimal(value.amount if isinstance(value, Money) else value)
        quantized = dec.quantize(CENT, context=_CONTEXT)
        if quantized != dec:
            raise MoneyError(f"amount {value!r} has a fraction of a cent; round it explicitly")
        # A negative zero would print as "-0.00".
        object.__setattr__(self, "amount", quantized if quantized else quantized.copy_abs())

    @classmethod
    def rounded(cls, value: Decimal | int | str) -> Self:
        """Round half up to the cent, e.g. a coinsurance percentage of an allowed amount."""
        return cls(_to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT))

    @classmethod
    def from_cents(cls, cents: int) -> Self:
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise MoneyError(f"cents must be an int, not {type(cents).__name__} {cents!r}")
        if abs(cents) >= CENTS_LIMIT:
            raise MoneyError(f"{cents} cents is out of range (must be below {CENTS_LIMIT})")
        return cls(Decimal(cents).scaleb(-2, _CONTEXT))

    @classmethod
    def zero(cls) -> Self:
        return cls._exact(_NO_CENTS)

    @classmethod
    def _exact(cls, amount: Decimal) -> Self:
        """The sum or difference of two amounts, already whole cents: only the range and the
        sign of zero are left to check (a report adds up hundreds of thousands of them)."""
        if amount.copy_abs() >= _LIMIT:
            raise MoneyError(f"amount {amount} is out of range (must be below {_LIMIT:f} dollars)")
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount if amount else amount.copy_abs())
        return money

    @property
    def cents(self) -> int:
        return int(self.amount.scaleb(2, _CONTEXT))

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money._exact(_CONTEXT.add(self.amount, other.amount))

    def __radd__(self, other: object) -> Money:
        # sum() starts from the int 0; only that exact start is accepted, never a float or bool.
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money._exact(_CONTEXT.subtract(self.amount, other.amount))

    def __neg__(self) -> Money:
        return Money._exact(self.amount.copy_negate())

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs())

    def __mul__(self, factor: int) -> Money:
        # Only whole multiples (units x unit price) are exact; percentages go through rounded().
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        # Exact in integer cents whatever the size; from_cents refuses a product out of range.
        return Money.from_cents(self.cents * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.amount != 0

    def is_negative(self) -> bool:
        return self.amount < 0

    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount:.2f}"

    def __repr__(self) -> str:
        return f"Money('{self.amount:.2f}')"


def total(amounts: Iterable[Money]) -> Money:
    """Sum of amounts; the empty sum is zero dollars. Summed as decimals and made money once
    (a report adds up hundreds of thousands), so only the sum's range is checked."""
    result = _NO_CENTS
    for amount in amounts:
        result = _CONTEXT.add(result, amount.amount)
    return Money._exact(result)
