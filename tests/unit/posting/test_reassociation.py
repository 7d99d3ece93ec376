"""ERA/EFT reassociation: every verdict on hand-computed money (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.domain.money import Money
from claimdesk.posting.reassociation import (
    DepositFact,
    EraFact,
    Verdict,
    business_days_after,
    reassociate,
)

M = Money
FRI = date(2026, 3, 6)  # a Friday
AS_OF = date(2026, 3, 20)  # two weeks later: 10 business days


def era(rid: str, trace: str, amount: str, paid_on: date = FRI) -> EraFact:
    return EraFact(rid, trace, "1999999999", M(amount), paid_on)


def dep(did: str, trace: str, amount: str, on: date = FRI) -> DepositFact:
    return DepositFact(did, on, M(amount), trace)


@pytest.mark.parametrize(
    ("eras", "deposits", "verdict", "era_total", "deposit_total", "at_stake", "unproven"),
    [
        # one EFT, one ERA, the same money
        (
            [era("R1", "T1", "1250.40")],
            [dep("D1", "T1", "1250.40")],
            Verdict.MATCHED,
            "1250.40",
            "1250.40",
            "1250.40",
            "0.00",
        ),
        # trace in upper and lower case, blanks around it: the same trace
        (
            [era("R1", "ab12", "10.00")],
            [dep("D1", " AB12 ", "10.00")],
            Verdict.MATCHED,
            "10.00",
            "10.00",
            "10.00",
            "0.00",
        ),
        # the bank received 0.37 less than BPR02 said: 812.15 - 811.78 = 0.37
        (
            [era("R1", "T1", "812.15")],
            [dep("D1", "T1", "811.78")],
            Verdict.AMOUNT_MISMATCH,
            "812.15",
            "811.78",
            "0.37",
            "0.37",
        ),
        # the bank received more than the ERAs say, after the wait: 500.00 - 450.00 = 50.00
        (
            [era("R1", "T1", "450.00")],
            [dep("D1", "T1", "500.00")],
            Verdict.AMOUNT_MISMATCH,
            "450.00",
            "500.00",
            "50.00",
            "0.00",
        ),
        # one EFT for two 835s with the same TRN02 (stored T1 and T1#2): 300.25 + 99.75 = 400.00
        (
            [era("R1", "T1", "300.25"), era("R2", "T1#2", "99.75")],
            [dep("D1", "T1", "400.00")],
            Verdict.SPLIT,
            "400.00",
            "400.00",
            "400.00",
            "0.00",
        ),
        # one ERA paid in two deposits: 60.00 + 40.00 = 100.00
        (
            [era("R1", "T1", "100.00")],
            [dep("D1", "T1", "60.00"), dep("D2", "T1", "40.00")],
            Verdict.SPLIT,
            "100.00",
            "100.00",
            "100.00",
            "0.00",
        ),
        # an ERA with no deposit after 10 business days
        (
            [era("R1", "T1", "75.00")],
            [],
            Verdict.ERA_WITHOUT_EFT,
            "75.00",
            "0.00",
            "75.00",
            "75.00",
        ),
        # a deposit no ERA explains
        ([], [dep("D1", "T9", "64.10")], Verdict.EFT_WITHOUT_ERA, "0.00", "64.10", "64.10", "0.00"),
    ],
)
def test_verdicts(
    eras: list[EraFact],
    deposits: list[DepositFact],
    verdict: Verdict,
    era_total: str,
    deposit_total: str,
    at_stake: str,
    unproven: str,
) -> None:
    (group,) = reassociate(deposits, eras, as_of=AS_OF).groups
    assert group.verdict is verdict
    assert (group.era_total, group.deposit_total) == (M(era_total), M(deposit_total))
    assert (group.at_stake, group.unproven) == (M(at_stake), M(unproven))


def test_inside_the_wait_both_sides_are_awaiting() -> None:
    # Friday + 5 business days is the next Friday: still inside the wait.
    as_of = date(2026, 3, 13)
    found = reassociate(
        [dep("D1", "T9", "10.00"), dep("D2", "T2", "90.00")],
        [era("R1", "T1", "20.00"), era("R2", "T2", "60.00")],
        as_of=as_of,
    )
    assert [g.verdict for g in found.groups] == [Verdict.AWAITING] * 3
    assert found.exceptions == ()
    # One business day later, each is an exception; the deposit larger than its ERA too.
    later = reassociate(
        [dep("D1", "T9", "10.00"), dep("D2", "T2", "90.00")],
        [era("R1", "T1", "20.00"), era("R2", "T2", "60.00")],
        as_of=date(2026, 3, 16),
    )
    assert [g.verdict for g in later.groups] == [
        Verdict.ERA_WITHOUT_EFT,
        Verdict.AMOUNT_MISMATCH,
        Verdict.EFT_WITHOUT_ERA,
    ]


def test_zero_and_negative_payments_need_no_deposit() -> None:
    found = reassociate([], [era("R1", "T1", "0.00"), era("R2", "T2", "-12.00")], as_of=AS_OF)
    assert found.groups == ()


def test_later_facts_are_not_seen_and_totals_add_up() -> None:
    found = reassociate(
        [
            dep("D1", "T1", "100.00"),
            dep("D2", "T3", "5.00"),
            dep("D3", "T4", "1.00", AS_OF.replace(day=21)),
        ],
        [
            era("R1", "T1", "100.00"),
            era("R2", "T2", "30.00"),
            era("R3", "T5", "2.00", AS_OF.replace(day=21)),
        ],
        as_of=AS_OF,
    )
    assert [g.trace for g in found.groups] == ["T1", "T2", "T3"]
    # matched 100.00; unmatched ERAs 30.00 (T2); unmatched deposits 5.00 (T3)
    assert found.matched_total == M("100.00")
    assert found.unmatched_era_total == M("30.00")
    assert found.unmatched_deposit_total == M("5.00")
    assert {g.problem_key for g in found.exceptions} == {
        "reassociation:era_without_eft:T2",
        "reassociation:eft_without_era:T3",
    }


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (FRI, FRI, 0),
        (FRI, date(2026, 3, 7), 0),  # Saturday
        (FRI, date(2026, 3, 9), 1),  # Monday
        (FRI, date(2026, 3, 13), 5),  # next Friday
        (FRI, AS_OF, 10),
        (date(2026, 3, 4), date(2026, 3, 11), 5),  # Wednesday to Wednesday
    ],
)
def test_business_days(start: date, end: date, days: int) -> None:
    assert business_days_after(start, end) == days
