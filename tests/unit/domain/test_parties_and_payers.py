from datetime import date

import pytest

from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.payers import ContractRate, Payer, PayerKind, rate_on

HOME = Address("1 Main St", "Springfield", "IL", "62701")


def patient(birth: date) -> Patient:
    return Patient("P1", "Doe", "Jane", birth, Sex.FEMALE, HOME)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1990, 6, 15), date(2020, 6, 14), 29),
        (date(1990, 6, 15), date(2020, 6, 15), 30),
        (date(1990, 6, 15), date(2020, 6, 16), 30),
        (date(1990, 6, 15), date(1990, 6, 15), 0),
        (date(1990, 6, 15), date(1991, 6, 14), 0),
        (date(2000, 12, 31), date(2001, 12, 30), 0),
        (date(2000, 12, 31), date(2001, 12, 31), 1),
        (date(2000, 1, 1), date(2000, 12, 31), 0),
        # Born on Feb 29: in a common year the birthday is taken to fall on Mar 1.
        (date(2000, 2, 29), date(2023, 2, 28), 22),
        (date(2000, 2, 29), date(2023, 3, 1), 23),
        (date(2000, 2, 29), date(2024, 2, 28), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        # Someone born on Feb 28 or Mar 1 is unaffected by leap years.
        (date(2003, 2, 28), date(2024, 2, 28), 21),
        (date(2003, 3, 1), date(2024, 2, 29), 20),
        (date(2003, 3, 1), date(2024, 3, 1), 21),
    ],
)
def test_age_on(birth: date, day: date, age: int) -> None:
    assert patient(birth).age_on(day) == age


def test_address_completeness() -> None:
    assert HOME.is_complete()
    assert not Address(" ", "Springfield", "IL", "62701").is_complete()
    assert not Address("1 Main St", "Springfield", "IL", "").is_complete()


def test_payer_windows_must_be_positive() -> None:
    with pytest.raises(ValueError, match="payer PAYA: filing and appeal windows must be positive"):
        Payer("PAYA", "Acme", PayerKind.COMMERCIAL, 0, 180)
    with pytest.raises(ValueError, match="payer PAYA: filing and appeal windows must be positive"):
        Payer("PAYA", "Acme", PayerKind.COMMERCIAL, 90, -1)
    assert Payer("PAYA", "Acme", PayerKind.COMMERCIAL, 1, 1).timely_filing_days == 1


def test_claim_filing_indicators() -> None:
    assert {k: k.claim_filing_indicator for k in PayerKind} == {
        PayerKind.MEDICARE: "MB",
        PayerKind.MEDICAID: "MC",
        PayerKind.COMMERCIAL: "CI",
        PayerKind.WORKERS_COMP: "WC",
        PayerKind.SELF_PAY: "09",
    }


OLD = ContractRate("PAYA", "99213", Money("100.00"), date(2023, 1, 1))
MID_YEAR = ContractRate(
    "PAYA", "99213", Money("110.00"), date(2024, 1, 1), termination=date(2024, 6, 30)
)
NEW = ContractRate(
    "PAYA", "99213", Money("120.00"), date(2024, 4, 1), termination=date(2024, 4, 30)
)
WITH_26 = ContractRate("PAYA", "99213", Money("40.00"), date(2024, 1, 1), modifier="26")
OTHER_CODE = ContractRate("PAYA", "99214", Money("150.00"), date(2020, 1, 1))
RATES = [OLD, MID_YEAR, NEW, WITH_26, OTHER_CODE]


@pytest.mark.parametrize(
    ("day", "modifier", "expected"),
    [
        (date(2022, 12, 31), "", None),
        (date(2023, 1, 1), "", OLD),
        (date(2023, 12, 31), "", OLD),
        (date(2024, 1, 1), "", MID_YEAR),  # the later of two in force wins
        (date(2024, 3, 31), "", MID_YEAR),
        (date(2024, 4, 1), "", NEW),
        (date(2024, 4, 30), "", NEW),  # termination day still in force
        (date(2024, 5, 1), "", MID_YEAR),  # back to the rate still in force
        (date(2024, 6, 30), "", MID_YEAR),
        (date(2024, 7, 1), "", OLD),
        (date(2024, 2, 1), "26", WITH_26),
        (date(2023, 6, 1), "26", None),
        (date(2024, 2, 1), "TC", None),
    ],
)
def test_rate_on_picks_the_latest_effective_rate_in_force(
    day: date, modifier: str, expected: ContractRate | None
) -> None:
    assert rate_on(RATES, "99213", day, modifier) == expected
    assert rate_on(list(reversed(RATES)), "99213", day, modifier) == expected


def test_rate_on_matches_the_code() -> None:
    assert rate_on(RATES, "99214", date(2024, 2, 1)) == OTHER_CODE
    assert rate_on(RATES, "99215", date(2024, 2, 1)) is None
    assert rate_on([], "99213", date(2024, 2, 1)) is None
