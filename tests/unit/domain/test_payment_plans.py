"""Payment plans: the schedule, payments toward installments, missed, broken and paid off."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.domain.money import Money
from claimdesk.domain.payment_plans import PlanError, PlanStatus, new_plan, standing

TODAY = date(2026, 9, 15)
GRACE = 10


def plan(installments: int | None = None, balance: str = "250.00") -> object:
    return new_plan(
        plan_id="PP00001",
        account="G1",
        balance=Money(balance),
        amount=Money("100.00"),
        every_days=30,
        first_due=date(2026, 10, 1),
        installments=installments,
        today=TODAY,
        by="tia",
    )


def test_the_schedule_covers_the_balance_and_the_last_installment_is_what_is_left() -> None:
    found = plan()

    assert [(i.due, str(i.amount)) for i in found.schedule()] == [  # type: ignore[attr-defined]
        (date(2026, 10, 1), "100.00"),
        (date(2026, 10, 31), "100.00"),
        (date(2026, 11, 30), "50.00"),
    ]


@pytest.mark.parametrize(
    ("installments", "balance", "problem"),
    [
        (2, "250.00", "2 installment\\(s\\) of 100.00 cover 200.00, less than the balance"),
        (4, "250.00", "3 installment\\(s\\) of 100.00 already cover the balance 250.00"),
        (None, "0.00", "no patient balance to put on a plan"),
    ],
)
def test_a_plan_that_cannot_cover_the_balance_is_refused(
    installments: int | None, balance: str, problem: str
) -> None:
    with pytest.raises(PlanError, match=problem):
        plan(installments, balance)


# (case, payments (day, amount), as of, status, paid, missed installments, next due, next owed)
STANDINGS = [
    ("nothing due yet", [], date(2026, 9, 30), PlanStatus.GOOD, "0.00", [], date(2026, 10, 1),
     "100.00"),
    ("first paid on time", [(date(2026, 10, 1), "100.00")], date(2026, 10, 20), PlanStatus.GOOD,
     "100.00", [], date(2026, 10, 31), "100.00"),
    ("a late payment within the grace days counts",
     [(date(2026, 10, 1), "100.00"), (date(2026, 11, 9), "100.00")], date(2026, 11, 20),
     PlanStatus.GOOD, "200.00", [], date(2026, 11, 30), "50.00"),
    ("second installment missed: one miss keeps the plan",
     [(date(2026, 10, 1), "100.00")], date(2026, 11, 11), PlanStatus.GOOD, "100.00", [2],
     date(2026, 10, 31), "100.00"),
    ("two missed: broken", [(date(2026, 10, 1), "100.00")], date(2026, 12, 11),
     PlanStatus.BROKEN, "100.00", [2, 3], date(2026, 10, 31), "100.00"),
    ("a part payment leaves the rest of the installment due",
     [(date(2026, 10, 1), "60.00")], date(2026, 10, 5), PlanStatus.GOOD, "60.00", [],
     date(2026, 10, 1), "40.00"),
    ("paid in full early: closed", [(date(2026, 9, 20), "250.00")], date(2026, 9, 21),
     PlanStatus.PAID_OFF, "250.00", [], None, "0.00"),
    ("a payment before the plan was made does not count", [(date(2026, 9, 1), "250.00")],
     date(2026, 9, 21), PlanStatus.GOOD, "0.00", [], date(2026, 10, 1), "100.00"),
    ("a reversed payment takes its amount back", [(date(2026, 10, 1), "100.00"),
     (date(2026, 10, 3), "-100.00")], date(2026, 10, 12), PlanStatus.GOOD, "0.00", [1],
     date(2026, 10, 1), "100.00"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("payments", "as_of", "status", "paid", "missed", "next_due", "next_owed"),
    [c[1:] for c in STANDINGS],
    ids=[c[0] for c in STANDINGS],
)
def test_where_a_plan_stands(
    payments: list[tuple[date, str]],
    as_of: date,
    status: PlanStatus,
    paid: str,
    missed: list[int],
    next_due: date | None,
    next_owed: str,
) -> None:
    found = standing(plan(), [(d, Money(m)) for d, m in payments], as_of, GRACE)  # type: ignore[arg-type]

    assert found.status is status
    assert found.paid == Money(paid)
    assert [i.number for i in found.missed] == missed
    assert (None if found.next_installment is None else found.next_installment.due) == next_due
    assert found.next_amount == Money(next_owed)
